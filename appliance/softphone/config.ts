import { Type, type Static } from '@sinclair/typebox';
import { checkSchema } from '../core/schema-check.js';
import type { Config } from '../config.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('operator'), Type.Literal('intern')]);

/** The `softphone:` section of contactbox.yaml; every field has a default. */
export const SoftphoneConfigSchema = Type.Object(
  {
    /** Asterisk's SIP-over-WebSocket transport, reached only by the appliance (never the LAN). */
    asteriskWsUrl: Type.String({ pattern: '^wss?://', default: 'ws://127.0.0.1:8088/ws', description: 'a ws:// or wss:// URL' }),
    /** SIP domain in the operators' addresses; default the server's first public name. */
    domain: Type.Optional(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$', description: 'a host name' })),
    /**
     * The operators' pjsip file Asterisk includes (written by the installer, then kept current by
     * the appliance: issued phones appear, deactivated users' credentials go, res_pjsip is reloaded
     * over AMI). Absent: phones reach Asterisk only through `contactbox trunk apply`.
     */
    asteriskOperatorsFile: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
    /** Roles that get a softphone. */
    roles: Type.Array(Role, { default: ['admin', 'supervisor', 'operator', 'intern'] }),
  },
  { additionalProperties: false },
);
export type SoftphoneConfig = Static<typeof SoftphoneConfigSchema> & { domain: string };

export function softphoneConfig(config: Config): SoftphoneConfig {
  const raw = (config.softphone ?? {}) as Record<string, unknown>;
  const withDefaults = { asteriskWsUrl: 'ws://127.0.0.1:8088/ws', roles: ['admin', 'supervisor', 'operator', 'intern'], ...raw };
  const checked = checkSchema(SoftphoneConfigSchema, withDefaults, 'softphone');
  return { ...checked, domain: checked.domain ?? config.server.publicNames[0] ?? 'contactbox.local' };
}
