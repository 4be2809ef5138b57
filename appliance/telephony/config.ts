import { Type, type Static } from '@sinclair/typebox';
import { checkSchema } from '../core/schema-check.js';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

/**
 * The `telephony` section of contactbox.yaml. `local`: the Asterisk the installer set up on
 * this server; `remote`: an Asterisk elsewhere (hybrid) whose recordings are fetched over ARI;
 * `none` or no section: telephony off.
 */
export const TelephonyConfigSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('none'), Type.Literal('local'), Type.Literal('remote')]),
    ami: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1 }),
          port: Port,
          username: Type.String({ minLength: 1 }),
          secret: Type.String({ minLength: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    ari: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://', description: 'an http(s) URL such as http://127.0.0.1:8088' }),
          username: Type.String({ minLength: 1 }),
          password: Type.String({ minLength: 1 }),
          app: Type.String({ minLength: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * Live apply (local mode): the Asterisk configuration folder, where this process rewrites
     * its own `*_contactbox.conf` files (in `asteriskFilesDir` when set), so trunk changes made in the console reach Asterisk at
     * once (rendered, reloaded over AMI, verified, rolled back if refused). Absent: they wait for
     * `contactbox trunk apply` as root.
     */
    asteriskEtcDir: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
    /**
     * The folder of contactbox's own Asterisk files (default `asteriskEtcDir`): a local install
     * makes it `<asteriskEtcDir>/contactbox`, owned by the service user with Asterisk's group, so
     * the live apply needs no write access to Asterisk's own folder.
     */
    asteriskFilesDir: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
    /**
     * Where the installer provisioned this Asterisk (local mode): its configuration folder and
     * control socket, for `trunk apply` and `uninstall`. The appliance itself does not use them.
     */
    asteriskConfigDir: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
    asteriskControlSocket: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
    /** Where MixMonitor's files are readable from this process (local mode). */
    recordingsSpool: Type.Optional(Type.String({ minLength: 1 })),
    dialPrefix: Type.Optional(Type.String({ pattern: '^[0-9*#]{0,4}$', description: 'up to 4 dial-pad characters' })),
    outboundContext: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]+$', description: 'a dialplan context name' })),
  },
  { additionalProperties: false },
);

export type TelephonyConfig = Static<typeof TelephonyConfigSchema>;

export interface ResolvedTelephonyConfig extends TelephonyConfig {
  dialPrefix: string;
  outboundContext: string;
}

/** Checks the section; null when telephony is off. Throws a SchemaError naming the wrong field. */
export function readTelephonyConfig(raw: unknown): ResolvedTelephonyConfig | null {
  if (raw === undefined || raw === null) return null;
  const config = checkSchema(TelephonyConfigSchema, raw, 'telephony');
  if (config.mode === 'none') return null;
  if (!config.ami) throw new Error('telephony.ami: required when telephony.mode is local or remote');
  if (config.mode === 'remote' && !config.ari) throw new Error('telephony.ari: required when telephony.mode is remote (recordings come over ARI)');
  return { ...config, dialPrefix: config.dialPrefix ?? '9', outboundContext: config.outboundContext ?? 'from-operators' };
}
