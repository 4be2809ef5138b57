import { ext, type ConfValue, type Extension } from '../asterisk-conf.js';
import type { TrunkRenderContext } from '../model.js';

/** Media always flows through Asterisk (recording, NAT): the same options the reference config uses. */
export const directMediaOff: readonly (readonly [string, ConfValue])[] = [
  ['direct_media', 'no'],
  ['rtp_symmetric', 'yes'],
  ['force_rport', 'yes'],
  ['rewrite_contact', 'yes'],
];

/**
 * The entry of a trunk's (or one line's) inbound context: take the DID from the Request-URI
 * (or the line's own DID), enforce one call per single-call line, then hand over to the
 * inbound router. A second call on a busy line is refused with cause 17 (486 Busy Here)
 * before it is answered, exactly as in the reference traces.
 */
export interface InboundEntryOptions {
  /** The line's own number (a SIM's DID): every call on it is for this DID. */
  fixedDid?: string | null;
  /** The DID assumed when the request URI carries no number (`s`, or one of `aliases`). */
  defaultDid?: string | null;
  /** Non-numeric request-URI users that mean the default DID (a registration's contact user). */
  aliases?: readonly string[];
  /** The line's GROUP name when it carries at most one call. */
  lineGroup?: string | null;
  busyText?: string;
}

export function inboundEntry(source: string, ctx: TrunkRenderContext, o: InboundEntryOptions = {}): Extension[] {
  const fixed = o.fixedDid ?? null;
  const fallback = fixed ?? o.defaultDid ?? 's';
  const enter = (pattern: string, didExpr: string) => ext(pattern, [`Set(CB_DID=${didExpr})`, 'Goto(line,1)']);
  const group = o.lineGroup ?? null;
  const count = group ? `\${GROUP_COUNT(${group}@${ctx.lineGroupCategory})}` : '';
  const aliases = [...new Set(o.aliases ?? [])].filter((a) => !/^\+?[0-9]+$/.test(a) && a !== 's' && a !== 'line');
  return [
    enter('_X.', fixed ?? '${EXTEN}'),
    enter('_+X.', fixed ?? '${EXTEN}'),
    enter('s', fallback),
    ...aliases.map((a) => enter(a, fallback)),
    ext('line', [
      `NoOp(Inbound via ${source} from \${CALLERID(num)} to DID \${CB_DID})`,
      ...(group
        ? [
            `Set(GROUP(${ctx.lineGroupCategory})=${group})`,
            `GotoIf($[${count} > 1]?linebusy)`,
            `Goto(${ctx.inboundContext},\${CB_DID},1)`,
            ['linebusy', `NoOp(${o.busyText ?? 'Line already in use'}: ${count} channels)`] as const,
            'Hangup(17)',
          ]
        : [`Goto(${ctx.inboundContext},\${CB_DID},1)`]),
    ]),
  ];
}
