import { Type, type Static } from '@sinclair/typebox';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkSchema } from './core/schema-check.js';

export const LANGUAGES = ['uk', 'ru', 'en', 'fr', 'de', 'es', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

/**
 * The appliance's configuration file (`/etc/contactbox/contactbox.yaml`), written by the
 * installer. Core sections are checked here; each capability checks its own section
 * (`telephony`, `mail`, `retention`…) when its plugin starts, so unknown top-level sections are
 * allowed but unknown keys inside core sections are not.
 */
export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0' }),
        port: Port,
        /** Plain-HTTP port that only redirects to HTTPS; null for none. */
        httpRedirectPort: Type.Union([Port, Type.Null()]),
        tls: Type.Union([
          Type.Object({ cert: Type.String({ minLength: 1 }), key: Type.String({ minLength: 1 }), ca: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
          Type.Null(),
        ]),
        /** Drop root privileges to this user after binding ports (system installs). */
        runAs: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
        /** Names and addresses the certificate covers; shown to operators. */
        publicNames: Type.Array(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    paths: Type.Object(
      {
        data: Type.String({ minLength: 1 }),
        config: Type.String({ minLength: 1 }),
        logs: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    language: Type.Union(LANGUAGES.map((l) => Type.Literal(l))),
    profile: Type.Union([Type.Literal('production'), Type.Literal('evaluation')]),
    session: Type.Object(
      {
        idleMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
        absoluteHours: Type.Integer({ minimum: 1, maximum: 24 * 30 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: true },
);

export type Config = Static<typeof ConfigSchema> & Record<string, unknown>;

export function databaseFile(config: Pick<Config, 'paths'>): string {
  return join(config.paths.data, 'contactbox.sqlite');
}

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the configuration file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new Error(`the configuration file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  return parseConfig(raw, file);
}

export function parseConfig(raw: unknown, source = 'configuration'): Config {
  try {
    return checkSchema(ConfigSchema, raw, '') as Config;
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
}

/** A config for tests and evaluation runs: every path under `dataDir`, no TLS, no privilege drop. */
export function defaultConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return {
    server: { host: '127.0.0.1', port: 0, httpRedirectPort: null, tls: null, runAs: null, publicNames: ['localhost'] },
    paths: { data: dataDir, config: dataDir, logs: dataDir },
    language: 'en',
    profile: 'evaluation',
    session: { idleMinutes: 30, absoluteHours: 12 },
    ...overrides,
  };
}
