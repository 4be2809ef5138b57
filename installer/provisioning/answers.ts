import { Type, type Static } from '@sinclair/typebox';
import type { Clock } from '../../appliance/core/clock.js';
import type { Db } from '../../appliance/core/db.js';
import { checkSchema } from '../../appliance/core/schema-check.js';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import { TrunkFieldError } from '../../appliance/trunks/model.js';
import { TrunkRepository } from '../../appliance/trunks/repository.js';
import { TrunkService } from '../../appliance/trunks/service.js';
import type { AsteriskSourceChoice } from './asterisk-source.js';
import { defaultBase, type ProvisioningBase } from './from-install.js';
import { defaultQueue } from './model.js';

/**
 * The answers file's `telephony` and `trunks` sections, for the install command: checked with
 * errors naming the field, turned into the Asterisk source choice, the saved provisioning base
 * and the stored trunks.
 */
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'lower-case letters, digits, _ and -' });

export const TelephonyAnswersSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('none'), Type.Literal('local'), Type.Literal('remote')]),
    /** Where Asterisk comes from (local mode): default auto = existing, else apt, else fail with advice. */
    asterisk: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('existing'), Type.Literal('apt'), Type.Literal('debs')])),
    /** With asterisk: debs — the folder of .deb files. */
    asteriskDebs: Type.Optional(Type.String({ minLength: 1 })),
    /** Remote mode: the address Asterisk sees the appliance coming from (the AMI user's only permitted address). */
    applianceAddress: Type.Optional(Type.String({ minLength: 1 })),
    /** NAT: the public address for SIP and RTP, and the networks that are not behind it. */
    externalAddress: Type.Optional(Type.String({ minLength: 1 })),
    localNets: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9.]+/[0-9]{1,2}$' }))),
    sipPort: Type.Optional(Port),
    /** Local mode: the address contactbox's SIP transports bind (default 0.0.0.0). */
    sipBindAddress: Type.Optional(Type.String({ pattern: '^[0-9.]+$|^[0-9a-fA-F:]+$', description: 'an IP address' })),
    /** Local mode: the AMI port of this Asterisk (manager.conf) and its HTTP port (ARI and the softphone's WebSocket). */
    amiPort: Type.Optional(Port),
    httpPort: Type.Optional(Port),
    /** Local mode, an existing Asterisk: its configuration folder (default /etc/asterisk) and control socket (default Asterisk's own). */
    asteriskConfigDir: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
    asteriskControlSocket: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
    rtp: Type.Optional(Type.Object({ start: Port, end: Port }, { additionalProperties: false })),
    queues: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Name,
            strategy: Type.Optional(Type.Union(['ringall', 'leastrecent', 'fewestcalls', 'rrmemory', 'linear', 'random'].map((s) => Type.Literal(s)))),
            ringTimeoutSec: Type.Optional(Type.Integer({ minimum: 5, maximum: 300 })),
            maxWaitSec: Type.Optional(Type.Integer({ minimum: 10, maximum: 7200 })),
            /** The internal number operators transfer callers to, to put them in this queue. */
            extension: Type.Optional(Type.String({ pattern: '^[0-9]{2,6}$' })),
            /** A recording played before callers join (an Asterisk sound name or absolute path without extension). */
            greeting: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_./-]{1,200}$' })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    /** Queues every operator and intern is a static member of (default [support]). */
    operatorQueues: Type.Optional(Type.Array(Name)),
    ami: Type.Optional(Type.Object({ host: Type.String({ minLength: 1 }), port: Port, username: Type.String({ minLength: 1 }), secret: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
    ari: Type.Optional(
      Type.Object(
        { url: Type.String({ pattern: '^https?://' }), username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }), app: Type.String({ minLength: 1 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type TelephonyAnswers = Static<typeof TelephonyAnswersSchema>;

export class AnswersError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'AnswersError';
  }
}

export function checkTelephonyAnswers(raw: unknown): TelephonyAnswers {
  const t = checkSchema(TelephonyAnswersSchema, raw, 'telephony');
  if (t.mode === 'remote') {
    if (!t.ami) throw new AnswersError('telephony.ami', 'is required in remote mode (host, port, username, secret of the remote AMI user)');
    if (!t.ari) throw new AnswersError('telephony.ari', 'is required in remote mode (recordings are fetched over ARI)');
    if (!t.applianceAddress) throw new AnswersError('telephony.applianceAddress', 'is required in remote mode: the address the remote Asterisk permits');
  }
  if (t.asterisk === 'debs' && !t.asteriskDebs) throw new AnswersError('telephony.asteriskDebs', 'is required with asterisk: debs');
  if (t.rtp && t.rtp.start >= t.rtp.end) throw new AnswersError('telephony.rtp', `start (${t.rtp.start}) must be below end (${t.rtp.end})`);
  return t;
}

export function asteriskChoice(t: TelephonyAnswers): AsteriskSourceChoice {
  if (t.mode === 'remote') return { source: 'remote' };
  if (t.asterisk === 'debs') return { source: 'debs', dir: t.asteriskDebs! };
  return { source: t.asterisk ?? 'auto' };
}

export function baseFromAnswers(t: TelephonyAnswers, previous: ProvisioningBase = defaultBase()): ProvisioningBase {
  return {
    ...previous,
    applianceAddress: t.applianceAddress ?? previous.applianceAddress,
    asteriskAddress: t.mode === 'remote' && t.ami ? t.ami.host : previous.asteriskAddress,
    sip: {
      ...previous.sip,
      bindAddress: t.sipBindAddress ?? previous.sip.bindAddress,
      udpPort: t.sipPort ?? previous.sip.udpPort,
      tcpPort: t.sipPort ?? previous.sip.tcpPort,
      externalAddress: t.externalAddress ?? previous.sip.externalAddress,
      localNets: t.localNets ?? previous.sip.localNets,
    },
    http: { ...previous.http, port: t.httpPort ?? previous.http.port },
    rtp: t.rtp ?? previous.rtp,
    queues: t.queues
      ? t.queues.map((q) => ({ ...defaultQueue(q.name), ...(q.strategy ? { strategy: q.strategy as never } : {}), ...(q.ringTimeoutSec ? { ringTimeoutSec: q.ringTimeoutSec } : {}), ...(q.maxWaitSec ? { maxWaitSec: q.maxWaitSec } : {}), ...(q.extension ? { extension: q.extension } : {}), ...(q.greeting ? { greeting: q.greeting } : {}) }))
      : previous.queues,
    operatorQueues: t.operatorQueues ?? previous.operatorQueues,
  };
}

/**
 * Stores the answers file's `trunks` (the same fields as `POST /api/v1/trunks`). A trunk whose
 * name exists already is kept as it is, so running install again never duplicates one. All or
 * nothing: a bad trunk leaves none of them stored, and the error names `trunks.N.<field>`.
 */
export function addTrunksFromAnswers(db: Db, trunks: readonly unknown[], clock: Clock): { added: string[]; kept: string[] } {
  const service = new TrunkService(new TrunkRepository(db), trunkKinds, clock);
  const added: string[] = [];
  const kept: string[] = [];
  db.transaction(() => {
    trunks.forEach((raw, i) => {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TrunkFieldError(`trunks.${i}`, 'must be an object with kind, name and the kind\'s fields');
      const input = raw as Record<string, unknown>;
      const existing = typeof input.name === 'string' ? service.list().find((t) => t.name === input.name) : undefined;
      if (existing) {
        kept.push(existing.name);
        return;
      }
      try {
        added.push(service.add(input).name);
      } catch (err) {
        if (err instanceof TrunkFieldError) throw new TrunkFieldError(`trunks.${i}.${err.field}`, err.detail, err.code);
        throw err;
      }
    });
  })();
  return { added, kept };
}
