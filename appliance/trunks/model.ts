import type { ConfSection, DialplanContext, Extension } from './asterisk-conf.js';

/**
 * The trunk model shared by the CLI (`contactbox trunk …`), the admin API (`/api/v1/trunks`)
 * and Asterisk provisioning. A trunk kind (`sip`, `gsm`, `analog`…) is one `TrunkKind` object:
 * it parses and checks its own settings, lists its DIDs and endpoints, and renders its own
 * pjsip sections and dialplan. Adding a kind is one file plus one line in `kinds/index.ts`.
 */

/** Where an inbound DID goes: a queue, a team's queue, or one operator's phone. */
export type InboundTarget =
  | { type: 'queue'; name: string }
  | { type: 'team'; name: string }
  | { type: 'operator'; extension: string };

export interface DidRoute {
  did: string;
  target: InboundTarget;
  /** The gateway channel/port (1-based) the DID belongs to; null for a whole-trunk DID. */
  channel: number | null;
  /** The input field this DID came from, for error messages (not stored). */
  field?: string;
}

/** This trunk takes part in the outbound route for `prefix`; lower priority is tried first. */
export interface OutboundRule {
  prefix: string;
  /** Digits removed from the front of the dialled number before it is sent. */
  strip: number;
  /** Digits put in front after stripping. */
  prepend: string;
  priority: number;
}

/** A checked, normalised trunk, ready to store and render. `settings` belong to the kind. */
export interface TrunkDefinition<S = unknown> {
  name: string;
  kind: string;
  settings: S;
  dids: DidRoute[];
  outbound: OutboundRule[];
}

export interface StoredTrunk<S = unknown> extends TrunkDefinition<S> {
  id: number;
  createdAt: string;
  updatedAt: string;
}

/** What a kind's renderer may use from the rest of the configuration. */
export interface TrunkRenderContext {
  /** pjsip transport section name for a transport protocol. */
  transport(protocol: SipTransport): string;
  /** Dialplan context that routes a DID (set in `CB_DID`) to its target. */
  inboundContext: string;
  /** Dialplan context FXS phones and operators dial from. */
  operatorsContext: string;
  /** The GROUP category counting calls per single-call line (a SIM, an FXO port). */
  lineGroupCategory: string;
  /** The MixMonitor step recording this call (only while bridged) under the given file prefix. */
  record(prefix: 'in' | 'out' | 'int'): string;
}

export interface TrunkRendering {
  /** pjsip_contactbox.conf sections. */
  pjsip: ConfSection[];
  /** Inbound contexts (the endpoints' `context`), ending in a Goto to the inbound router. */
  contexts: DialplanContext[];
  /**
   * `[cb-dial-<name>]`: called as `Gosub(cb-dial-<name>,s,1(NUMBER))`; returns (GOSUB_RETVAL)
   * the DIALSTATUS, or LINEBUSY when every single-call line is taken. The outbound route tries
   * the next trunk on CHANUNAVAIL, CONGESTION and LINEBUSY.
   */
  dial: DialplanContext;
  /** Internal extensions this trunk offers (FXS phones), added to the internal context. */
  internal: Extension[];
}

/** SIP over TLS to providers needs certificates on a TLS transport: not offered yet. */
export type SipTransport = 'udp' | 'tcp';

export type PublicValue = string | number | boolean | null;

export interface TrunkKind<S = any> {
  kind: string;
  /** One line for `trunk list` and the API. */
  label: string;
  /**
   * Checks the kind's own fields of `input` (the API body or the CLI's options) and returns
   * its settings and DIDs. Throws `TrunkFieldError` naming the field.
   */
  parse(input: Readonly<Record<string, unknown>>, defaults: { target: InboundTarget }): { settings: S; dids: DidRoute[] };
  /** pjsip endpoint names this trunk creates (provisioning verifies they exist after reload). */
  endpoints(name: string, settings: S): string[];
  /** What may be shown to an admin: never a secret. */
  describe(settings: S): Record<string, PublicValue>;
  /**
   * An edit leaves secrets out unless they change: returns `input` with the stored secrets put
   * back where the edit gave none (an admin never sees a secret, so cannot re-type it).
   */
  keepSecrets?(input: Readonly<Record<string, unknown>>, stored: S): Record<string, unknown>;
  render(trunk: TrunkDefinition<S>, ctx: TrunkRenderContext): TrunkRendering;
}

/** A bad value in trunk input; `field` is the dotted path (`channels.2.did`, `secret`). */
export class TrunkFieldError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly code: 'TRUNK_INVALID' | 'TRUNK_DUPLICATE_DID' | 'TRUNK_DUPLICATE_NAME' | 'TRUNK_UNKNOWN_KIND' = 'TRUNK_INVALID',
  ) {
    super(`${field}: ${detail}`);
    this.name = 'TrunkFieldError';
  }
}
