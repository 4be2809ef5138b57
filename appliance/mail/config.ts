import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { checkSchema } from '../core/schema-check.js';
import type { Config } from '../config.js';

/** The `mail:` section of contactbox.yaml; every key optional. */
export const MailConfigSchema = Type.Object(
  {
    /** Start syncing every mailbox when the appliance starts (off in tests that drive sync themselves). */
    autoStart: Type.Boolean({ default: true }),
    /** A full pass at least this often, even when IDLE reports nothing. */
    pollSeconds: Type.Integer({ minimum: 5, maximum: 3600, default: 300 }),
    /** Worker threads parsing mail. */
    parserThreads: Type.Integer({ minimum: 1, maximum: 16, default: 2 }),
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 300, default: 30 }),
    /** Accept self-signed IMAP/SMTP certificates (a lab server); off in production. */
    allowSelfSignedCertificates: Type.Boolean({ default: false }),
    /** The largest file an operator may attach to a message they write. */
    attachmentMaxBytes: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, default: 10 * 1024 * 1024 }),
    /** All attachments of one outgoing message together. */
    attachmentsMaxTotalBytes: Type.Integer({ minimum: 1024, maximum: 200 * 1024 * 1024, default: 20 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type MailConfig = Static<typeof MailConfigSchema>;

export function readMailConfig(config: Config): MailConfig {
  const raw = Value.Default(MailConfigSchema, structuredClone(config.mail ?? {}));
  return checkSchema(MailConfigSchema, raw, 'mail') as MailConfig;
}
