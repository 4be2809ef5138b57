import { ext, section, type Step } from '../asterisk-conf.js';
import * as f from '../fields.js';
import { TrunkFieldError, type DidRoute, type InboundTarget, type SipTransport, type TrunkKind } from '../model.js';
import { directMediaOff, inboundEntry } from './common.js';

/** A SIP provider: registration (we register to them) or IP authentication (they know our address). */
export interface SipSettings {
  host: string;
  port: number;
  transport: SipTransport;
  auth: 'register' | 'ip';
  username: string | null;
  secret: string | null;
  fromDomain: string | null;
  /** `operator`: the operator's own caller ID goes out; `fixed`: always `callerIdNumber`. */
  callerIdMode: 'operator' | 'fixed';
  callerIdNumber: string | null;
  callerIdName: string | null;
  codecs: string[];
  dialTimeoutSec: number;
  /** Send P-Asserted-Identity (many providers take the caller ID from it). */
  sendPai: boolean;
}

function parseDids(input: Readonly<Record<string, unknown>>, target: InboundTarget): DidRoute[] {
  return f.list(input.dids).map((raw, i) => {
    const field = `dids.${i}`;
    if (raw && typeof raw === 'object') {
      const o = raw as Record<string, unknown>;
      return { did: f.did(o.did, `${field}.did`), target: o.target === undefined ? target : f.target(o.target, `${field}.target`), channel: null, field };
    }
    return { did: f.did(raw, field), target, channel: null, field };
  });
}

export const sipKind: TrunkKind<SipSettings> = {
  kind: 'sip',
  label: 'SIP provider',

  parse(input, defaults) {
    const auth = f.oneOf(input.auth, 'auth', ['register', 'ip'] as const, 'register');
    const callerIdMode = f.oneOf(input.callerIdMode, 'callerIdMode', ['operator', 'fixed'] as const, input.callerIdNumber ? 'fixed' : 'operator');
    const callerIdNumber = input.callerIdNumber === undefined || input.callerIdNumber === '' ? null : f.did(input.callerIdNumber, 'callerIdNumber');
    if (callerIdMode === 'fixed' && !callerIdNumber) throw new TrunkFieldError('callerIdNumber', 'is required when callerIdMode is fixed');
    const callerIdName = f.str(input.callerIdName, 'callerIdName', false) ?? null;
    if (callerIdName !== null && /["<>;]/.test(callerIdName)) throw new TrunkFieldError('callerIdName', 'must not contain quotes, < > or ;');
    const settings: SipSettings = {
      host: f.host(input.host),
      port: f.port(input.port),
      transport: f.transport(input.transport),
      auth,
      username: f.username(input.username, 'username', auth === 'register') ?? null,
      secret: f.secret(input.secret, 'secret', auth === 'register') ?? null,
      fromDomain: input.fromDomain ? f.host(input.fromDomain, 'fromDomain') : null,
      callerIdMode,
      callerIdNumber,
      callerIdName,
      codecs: f.codecs(input.codecs, 'codecs', ['alaw', 'ulaw']),
      dialTimeoutSec: f.int(input.dialTimeoutSec, 'dialTimeoutSec', 10, 300, 60),
      sendPai: input.sendPai === undefined ? true : Boolean(input.sendPai === true || input.sendPai === 'true' || input.sendPai === 'yes'),
    };
    return { settings, dids: parseDids(input, defaults.target) };
  },

  endpoints: (name) => [name],

  describe: (s) => ({
    host: s.host,
    port: s.port,
    transport: s.transport,
    auth: s.auth,
    username: s.username,
    hasSecret: s.secret !== null,
    callerIdMode: s.callerIdMode,
    callerIdNumber: s.callerIdNumber,
    codecs: s.codecs.join(','),
    dialTimeoutSec: s.dialTimeoutSec,
  }),

  keepSecrets: (input, stored) => (input.secret === undefined || input.secret === '' ? { ...input, secret: stored.secret ?? undefined } : { ...input }),

  render(trunk, ctx) {
    const s = trunk.settings;
    const n = trunk.name;
    const hostPort = `${s.host}:${s.port}`;
    const transport = ctx.transport(s.transport);
    const uriParams = s.transport === 'udp' ? '' : `;transport=${s.transport}`;
    const hasAuth = s.username !== null && s.secret !== null;
    const pjsip = [
      section(`${n}`, [
        ['type', 'endpoint'],
        ['transport', transport],
        ['context', `cb-from-${n}`],
        ['disallow', 'all'],
        ['allow', s.codecs.join(',')],
        ['aors', n],
        hasAuth && ['outbound_auth', `${n}-auth`],
        s.username !== null && ['from_user', s.username],
        ['from_domain', s.fromDomain ?? s.host],
        ...directMediaOff,
        ['dtmf_mode', 'rfc4733'],
        ['trust_id_inbound', 'yes'],
        s.sendPai && ['send_pai', 'yes'],
        s.sendPai && ['trust_id_outbound', 'yes'],
      ], { comments: [`SIP provider ${n} (${s.auth === 'register' ? 'registration' : 'IP authentication'})`] }),
      hasAuth && section(`${n}-auth`, [
        ['type', 'auth'],
        ['auth_type', 'userpass'],
        ['username', s.username!],
        ['password', s.secret!],
      ]),
      section(n, [
        ['type', 'aor'],
        ['contact', `sip:${hostPort}${uriParams}`],
        ['qualify_frequency', 60],
      ]),
      section(n, [
        ['type', 'identify'],
        ['endpoint', n],
        ['match', s.host],
      ]),
      s.auth === 'register' && section(`${n}-reg`, [
        ['type', 'registration'],
        ['transport', transport],
        ['outbound_auth', `${n}-auth`],
        ['server_uri', `sip:${hostPort}${uriParams}`],
        ['client_uri', `sip:${s.username}@${hostPort}${uriParams}`],
        ['contact_user', s.username!],
        ['retry_interval', 60],
        ['forbidden_retry_interval', 600],
        ['expiration', 3600],
        ['line', 'yes'],
        ['endpoint', n],
      ]),
    ].filter((x): x is ReturnType<typeof section> => Boolean(x));

    const callerId: Step[] = s.callerIdMode === 'fixed'
      ? [`Set(CALLERID(num)=${s.callerIdNumber})`, ...(s.callerIdName ? [`Set(CALLERID(name)=${s.callerIdName})`] : [])]
      : [];
    return {
      pjsip,
      contexts: [
        {
          name: `cb-from-${n}`,
          comments: [`inbound from ${n}: the provider puts the DID in the Request-URI`],
          extensions: inboundEntry(n, ctx, { defaultDid: trunk.dids[0]?.did ?? null, aliases: s.username ? [s.username] : [] }),
        },
      ],
      dial: {
        name: `cb-dial-${n}`,
        comments: [`outbound via ${n}; ARG1 = number; returns DIALSTATUS`],
        extensions: [
          ext('s', [
            `NoOp(Outbound via ${n} to \${ARG1})`,
            ...callerId,
            `Dial(PJSIP/\${ARG1}@${n},${s.dialTimeoutSec})`,
            'Return(${DIALSTATUS})',
          ]),
        ],
      },
      internal: [],
    };
  },
};
