import { Type, type Static } from '@sinclair/typebox';
import { parse as parseYaml } from 'yaml';
import { LANGUAGES } from '../../appliance/config.js';
import { checkSchema } from '../../appliance/core/schema-check.js';
import { usageError } from '../result.js';
import { AnswersError, checkTelephonyAnswers, type TelephonyAnswers } from '../provisioning/answers.js';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Days = Type.Union([Type.Integer({ minimum: 1, maximum: 36500 }), Type.Literal('forever')], {
  description: 'a number of days from 1 to 36500, or "forever"',
});

/**
 * The answers file for a non-interactive install (`--answers FILE`, YAML or JSON). Every field
 * is optional; command-line flags win over the file, the file wins over defaults. Documented
 * field by field in README.md.
 */
export const AnswersSchema = Type.Object(
  {
    profile: Type.Optional(Type.Union([Type.Literal('production'), Type.Literal('evaluation')])),
    port: Type.Optional(Port),
    /** Address to listen on: 0.0.0.0 for the LAN (system installs), 127.0.0.1 for a sandbox. */
    listen: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Fa-f.:]+$' })),
    httpRedirectPort: Type.Optional(Type.Union([Port, Type.Null()])),
    supervisor: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('systemd'), Type.Literal('pm2')])),
    language: Type.Optional(Type.Union(LANGUAGES.map((l) => Type.Literal(l)))),
    organisation: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    hostnames: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:-]+$' }), { maxItems: 50 })),
    tls: Type.Optional(
      Type.Object({ cert: Type.String({ minLength: 1 }), key: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    ),
    admin: Type.Optional(
      Type.Object(
        {
          username: Type.Optional(Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' })),
          password: Type.Optional(Type.String({ minLength: 12, maxLength: 200, description: 'a password of 12 to 200 characters' })),
          displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          language: Type.Optional(Type.Union(LANGUAGES.map((l) => Type.Literal(l)))),
        },
        { additionalProperties: false },
      ),
    ),
    sizing: Type.Optional(
      Type.Object(
        {
          recordedMinutesPerDay: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
          retentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
          sessions: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Checked in full by the provisioning's own schema (installer/provisioning/answers.ts). */
    telephony: Type.Optional(Type.Unknown()),
    /** Trunks to create (same fields as POST /api/v1/trunks); checked by the trunk model. */
    trunks: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 500 })),
    retention: Type.Optional(
      Type.Object(
        {
          recordings: Type.Optional(Days),
          calls: Type.Optional(Days),
          mail: Type.Optional(Days),
          chats: Type.Optional(Days),
          audit: Type.Optional(Days),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type Answers = Omit<Static<typeof AnswersSchema>, 'telephony'> & { telephony?: TelephonyAnswers };

/** Reads and validates an answers file; `read` comes from the host port. */
export function readAnswersFile(file: string, read: (f: string) => string): Answers {
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    throw usageError(`cannot read the answers file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (Buffer.byteLength(text) > 1024 * 1024) throw usageError(`the answers file ${file} is larger than 1 MB; it should be a few lines`);
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const kind = file.endsWith('.json') ? 'JSON' : 'YAML';
    throw usageError(`the answers file ${file} is not valid ${kind}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw usageError(`the answers file ${file} must hold a mapping of fields (see README "Answers file")`);
  const unknown = Object.keys(raw).filter((k) => !(k in AnswersSchema.properties));
  if (unknown.length > 0) {
    throw usageError(`the answers file ${file} has an unknown field "${unknown[0]}"`, `known fields: ${Object.keys(AnswersSchema.properties).join(', ')}`);
  }
  try {
    const answers = checkSchema(AnswersSchema, raw, 'answers');
    const telephony = answers.telephony === undefined ? undefined : checkTelephonyAnswers(answers.telephony);
    return { ...answers, telephony } as Answers;
  } catch (err) {
    const message = err instanceof AnswersError ? `answers.${err.message}` : (err as Error).message.replace(/^telephony\./, 'answers.telephony.');
    throw usageError(`the answers file ${file} is not valid: ${message}`);
  }
}
