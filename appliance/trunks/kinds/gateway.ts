import { ext, section, type ConfSection, type Extension, type Step } from '../asterisk-conf.js';
import * as f from '../fields.js';
import { TrunkFieldError, type DidRoute, type SipTransport, type TrunkKind } from '../model.js';
import { directMediaOff, inboundEntry } from './common.js';

/**
 * Gateways whose every line carries at most one call: a GSM gateway (one SIM per channel) or
 * an analog gateway (one FXO line per port; an FXS port is one phone). Each line is its own
 * pjsip endpoint — registered by the gateway (`auth: register`, as GoIP/Dinstar/Yeastar do per
 * line) or identified by the gateway's address and the line's port (`auth: ip`). Asterisk does
 * not enforce one call per endpoint (`device_state_busy_at` only changes the device state), so
 * the dialplan counts calls per line with GROUP()/GROUP_COUNT().
 */
export type LineType = 'gsm' | 'fxo' | 'fxs';

export interface GatewayLine {
  number: number;
  type: LineType;
  did: string | null;
  /** Where the DID was given (`dids.0`, `channels.2.did`), for error messages; not stored. */
  didField?: string;
  target: string | null;
  /** FXS: the internal extension of the phone on this port. */
  extension: string | null;
  username: string | null;
  secret: string | null;
  /** IP authentication: the gateway's SIP port for this line. */
  port: number | null;
}

export interface GatewaySettings {
  host: string;
  transport: SipTransport;
  auth: 'register' | 'ip';
  lines: GatewayLine[];
  codecs: string[];
  dialTimeoutSec: number;
}

export interface GatewayOptions {
  kind: string;
  label: string;
  /** Input field holding the count or the list of lines (`channels`, `ports`). */
  countField: string;
  /** Endpoint name suffix: `<trunk>-<word><n>`. */
  lineWord: string;
  lineTypes: readonly LineType[];
  minDialTimeoutSec: number;
  busyText: string;
}

export const MAX_LINES = 64;

/**
 * A registering line's user name is its endpoint name: Asterisk finds the AOR of a REGISTER and
 * the endpoint of an INVITE by that name, so any other name would leave the line unreachable.
 */
function lineUser(value: unknown, field: string, endpoint: string): string {
  const given = f.username(value, field, false);
  if (given !== undefined && given !== endpoint) {
    throw new TrunkFieldError(field, `must be ${endpoint} (the gateway line registers as its endpoint name); set the gateway's line to register as ${endpoint}`);
  }
  return endpoint;
}

const takesCalls = (l: GatewayLine) => l.type !== 'fxs';

export function gatewayKind(o: GatewayOptions): TrunkKind<GatewaySettings> {
  const endpointOf = (trunk: string, n: number) => `${trunk}-${o.lineWord}${n}`;

  function parseLines(input: Readonly<Record<string, unknown>>, auth: 'register' | 'ip', name: string): GatewayLine[] {
    const raw = input[o.countField] ?? input.channels ?? input.lines;
    const field = input[o.countField] !== undefined ? o.countField : input.channels !== undefined ? 'channels' : o.countField;
    const items: Record<string, unknown>[] = Array.isArray(raw)
      ? raw.map((x, i) => {
          if (!x || typeof x !== 'object') throw new TrunkFieldError(`${field}.${i}`, 'must be an object describing the line');
          return x as Record<string, unknown>;
        })
      : Array.from({ length: f.int(raw, field, 1, MAX_LINES) }, () => ({}));
    if (items.length < 1 || items.length > MAX_LINES) {
      throw new TrunkFieldError(field, `must be between 1 and ${MAX_LINES}, got ${items.length}`);
    }
    const topDids = f.list(input.dids);
    const types = f.slots(input.lineTypes ?? input.portTypes);
    const extensions = f.slots(input.extensions);
    const basePort = f.port(input.port, 'port');
    const trunkSecret = f.secret(input.secret, 'secret', false) ?? null;
    let didIndex = 0;
    const lines = items.map((item, i): GatewayLine => {
      const at = `${field}.${i}`;
      const type = o.lineTypes.length === 1
        ? o.lineTypes[0]!
        : f.oneOf(item.type ?? types[i], `${at}.type`, o.lineTypes, o.lineTypes[0]);
      let did: string | null = null;
      let didField = '';
      if (type !== 'fxs') {
        const rawDid = item.did ?? topDids[didIndex];
        didField = item.did !== undefined ? `${at}.did` : `dids.${didIndex}`;
        if (item.did === undefined && topDids[didIndex] !== undefined) didIndex++;
        did = rawDid === undefined || rawDid === '' ? null : f.did(rawDid, didField);
      }
      const extension = type === 'fxs' ? f.extension(item.extension ?? extensions[i], `${at}.extension`) : null;
      const secret = auth === 'register'
        ? (f.secret(item.secret, `${at}.secret`, false) ?? trunkSecret)
        : (f.secret(item.secret, `${at}.secret`, false) ?? null);
      if (auth === 'register' && !secret) {
        throw new TrunkFieldError('secret', `is required: with auth=register each line registers with a password (give secret, or ${at}.secret)`);
      }
      return {
        number: i + 1,
        type,
        did,
        ...(did ? { didField } : {}),
        target: item.target === undefined ? null : f.targetText(f.target(item.target, `${at}.target`)),
        extension,
        username: auth === 'register' ? lineUser(item.username, `${at}.username`, endpointOf(name, i + 1)) : null,
        secret,
        port: auth === 'ip' ? f.port(item.port, `${at}.port`, basePort + i) : null,
      };
    });
    if (didIndex < topDids.length) {
      throw new TrunkFieldError('dids', `has ${topDids.length} numbers but only ${lines.filter(takesCalls).length} lines can receive calls`);
    }
    const seen = new Map<string, number>();
    for (const l of lines) {
      const key = auth === 'ip' ? `port ${l.port}` : `username ${l.username}`;
      if (seen.has(key)) throw new TrunkFieldError(`${field}.${l.number - 1}`, `${key} is used by line ${seen.get(key)} too`);
      seen.set(key, l.number);
    }
    return lines;
  }

  return {
    kind: o.kind,
    label: o.label,

    parse(input, defaults) {
      const auth = f.oneOf(input.auth, 'auth', ['register', 'ip'] as const, 'register');
      const name = String(input.name);
      const settings: GatewaySettings = {
        host: f.host(input.host),
        transport: f.transport(input.transport),
        auth,
        lines: parseLines(input, auth, name),
        codecs: f.codecs(input.codecs, 'codecs', ['alaw', 'ulaw']),
        dialTimeoutSec: f.int(input.dialTimeoutSec, 'dialTimeoutSec', o.minDialTimeoutSec, 300, Math.max(60, o.minDialTimeoutSec)),
      };
      const dids: DidRoute[] = settings.lines
        .filter((l) => l.did !== null)
        .map((l) => ({ did: l.did!, target: l.target ? f.target(l.target, 'target') : defaults.target, channel: l.number, field: l.didField! }));
      // The source field only serves error messages; settings are stored.
      for (const l of settings.lines) delete l.didField;
      return { settings, dids };
    },

    endpoints: (name, s) => s.lines.map((l) => endpointOf(name, l.number)),

    describe: (s) => ({
      host: s.host,
      transport: s.transport,
      auth: s.auth,
      // IP authentication: the first line's SIP port on the gateway (line N is this + N − 1 unless set per line).
      port: s.lines[0]?.port ?? null,
      [o.countField]: s.lines.length,
      lines: s.lines.map((l) => `${l.number}:${l.type}${l.did ? `:${l.did}` : ''}${l.extension ? `:ext ${l.extension}` : ''}`).join(' '),
      codecs: s.codecs.join(','),
      dialTimeoutSec: s.dialTimeoutSec,
    }),

    keepSecrets(input, stored) {
      const out: Record<string, unknown> = { ...input };
      const given = (v: unknown) => v !== undefined && v !== '';
      if (!given(out.secret)) out.secret = stored.lines.find((l) => l.secret)?.secret ?? undefined;
      const key = input[o.countField] !== undefined ? o.countField : 'channels';
      const lines = input[key];
      // A line without its own secret keeps the one it had, when it differs from the trunk's.
      if (Array.isArray(lines)) {
        out[key] = lines.map((line, i) => {
          const before = stored.lines[i]?.secret;
          return line && typeof line === 'object' && !given((line as Record<string, unknown>).secret) && before && before !== out.secret ? { ...line, secret: before } : line;
        });
      }
      return out;
    },

    render(trunk, ctx) {
      const s = trunk.settings;
      const transport = ctx.transport(s.transport);
      const pjsip: ConfSection[] = [];
      const contexts = [];
      const internal: Extension[] = [];
      for (const line of s.lines) {
        const ep = endpointOf(trunk.name, line.number);
        const inboundContext = line.type === 'fxs' ? ctx.operatorsContext : `cb-from-${ep}`;
        pjsip.push(
          section(ep, [
            ['type', 'endpoint'],
            ['transport', transport],
            ['context', inboundContext],
            ['disallow', 'all'],
            ['allow', s.codecs.join(',')],
            ['aors', ep],
            s.auth === 'register' && ['auth', `${ep}-auth`],
            ...directMediaOff,
            ['dtmf_mode', 'rfc4733'],
            ['device_state_busy_at', 1],
            line.type !== 'fxs' && ['trust_id_inbound', 'yes'],
            line.type === 'fxs' && ['callerid', `"${trunk.name} port ${line.number}" <${line.extension}>`],
          ], { comments: [`${o.label} ${trunk.name}, ${line.type.toUpperCase()} line ${line.number}${line.did ? ` (DID ${line.did})` : ''}: one call at a time`] }),
        );
        if (s.auth === 'register') {
          pjsip.push(
            section(`${ep}-auth`, [['type', 'auth'], ['auth_type', 'userpass'], ['username', line.username!], ['password', line.secret!]]),
            section(ep, [['type', 'aor'], ['max_contacts', 1], ['remove_existing', 'yes'], ['qualify_frequency', 60]]),
          );
        } else {
          pjsip.push(
            section(ep, [['type', 'aor'], ['contact', `sip:${s.host}:${line.port}`], ['qualify_frequency', 60]]),
            section(ep, [['type', 'identify'], ['endpoint', ep], ['match', `${s.host}:${line.port}`]]),
          );
        }
        if (line.type === 'fxs') {
          const count = `\${GROUP_COUNT(${ep}@${ctx.lineGroupCategory})}`;
          internal.push(ext(line.extension!, [
            `NoOp(Internal call to ${trunk.name} FXS port ${line.number})`,
            `Set(GROUP(${ctx.lineGroupCategory})=${ep})`,
            `GotoIf($[${count} > 1]?linebusy)`,
            ctx.record('int'),
            `Dial(PJSIP/${ep},30)`,
            'Hangup()',
            ['linebusy', `NoOp(FXS port already in use: ${count} channels)`],
            'Busy(2)',
          ]));
        } else {
          contexts.push({
            name: inboundContext,
            comments: [`inbound on ${trunk.name} line ${line.number}`],
            extensions: inboundEntry(`${trunk.name} line ${line.number}`, ctx, { fixedDid: line.did, lineGroup: ep, busyText: o.busyText }),
          });
        }
      }

      const hunt = s.lines.filter(takesCalls);
      const steps: Step[] = [`NoOp(Outbound via ${trunk.name} to \${ARG1})`];
      hunt.forEach((line, i) => {
        const ep = endpointOf(trunk.name, line.number);
        const next = i + 1 < hunt.length ? `l${hunt[i + 1]!.number}` : 'full';
        steps.push(
          [`l${line.number}`, `Set(GROUP(${ctx.lineGroupCategory})=${ep})`],
          `GotoIf($[\${GROUP_COUNT(${ep}@${ctx.lineGroupCategory})} > 1]?${next})`,
          `Dial(PJSIP/\${ARG1}@${ep},${s.dialTimeoutSec})`,
          `GotoIf($["\${DIALSTATUS}" = "CHANUNAVAIL" | "\${DIALSTATUS}" = "CONGESTION"]?${next})`,
          'Return(${DIALSTATUS})',
        );
      });
      steps.push(
        ['full', `NoOp(${o.busyText}: no free line on ${trunk.name})`],
        // Leave the last line's group, or a fail-over to another trunk would count a phantom call on it.
        `Set(GROUP(${ctx.lineGroupCategory})=)`,
        'Return(LINEBUSY)',
      );
      return {
        pjsip,
        contexts,
        dial: { name: `cb-dial-${trunk.name}`, comments: [`outbound via ${trunk.name}: first free line; ARG1 = number`], extensions: [ext('s', steps)] },
        internal,
      };
    },
  };
}
