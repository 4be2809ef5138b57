/**
 * What the rest of the appliance knows about telephony: typed events in, commands out. Only
 * the adapters (`ami/`, `ari/`) know Asterisk's wire formats; services see these types.
 */

export type ChannelState = 'down' | 'ring' | 'ringing' | 'up' | 'busy' | 'other';

/** One Asterisk channel as it appears on any channel event. */
export interface ChannelRef {
  uniqueId: string;
  linkedId: string;
  /** `PJSIP/op101-00000017` */
  name: string;
  /** `PJSIP/op101` — the endpoint (phone or trunk) the channel belongs to. */
  endpoint: string;
  state: ChannelState;
  callerNum: string | null;
  connectedNum: string | null;
  context: string | null;
  exten: string | null;
}

interface Base {
  /** When the appliance received it (Asterisk's AMI events carry no time of their own). */
  at: Date;
}

export type TelephonyEvent =
  | (Base & { type: 'channel.created'; channel: ChannelRef })
  | (Base & { type: 'channel.state'; channel: ChannelRef })
  /** MixMonitor started writing `file` (as Asterisk sees the path) for this channel's call. */
  | (Base & { type: 'channel.recording'; channel: ChannelRef; file: string })
  | (Base & { type: 'channel.hangup'; channel: ChannelRef; cause: number; causeText: string })
  | (Base & { type: 'channel.hold'; channel: ChannelRef; held: boolean })
  | (Base & { type: 'channel.bridged'; channel: ChannelRef; bridgeId: string })
  | (Base & { type: 'dial.begin'; channel: ChannelRef | null; dest: ChannelRef; dialString: string | null })
  | (Base & { type: 'dial.end'; channel: ChannelRef | null; dest: ChannelRef; status: string })
  | (Base & { type: 'queue.joined'; channel: ChannelRef; queue: string })
  | (Base & { type: 'queue.abandoned'; channel: ChannelRef; queue: string; holdSec: number | null })
  | (Base & { type: 'queue.left'; channel: ChannelRef; queue: string })
  /**
   * A queue offering the caller (`channel`) to a member: `called` (one ring attempt), `noanswer`
   * (RONA: rang out), `connected` (answered; Asterisk's hold and ring seconds), `completed` (the
   * stint's talk ended: who hung up, or `transfer`), `dump` (the member's phone hung up on the
   * announcement).
   */
  | (Base & {
      type: 'queue.agent';
      phase: 'called' | 'noanswer' | 'connected' | 'completed' | 'dump';
      channel: ChannelRef;
      queue: string;
      /** The member's interface (`PJSIP/op101`). */
      member: string;
      memberUniqueId: string | null;
      holdSec: number | null;
      ringSec: number | null;
      talkSec: number | null;
      reason: string | null;
    })
  /** A queue member paused or unpaused (by us, by another AMI client or by the phone). */
  | (Base & { type: 'queue.member.paused'; queue: string; member: string; paused: boolean; reason: string | null })
  | (Base & { type: 'transfer'; channel: ChannelRef; kind: 'blind' | 'attended'; target: string | null; success: boolean })
  | (Base & { type: 'originate.result'; actionId: string; uniqueId: string | null; success: boolean; reason: number })
  /** The link to Asterisk came up; `uptimeSec` is small when Asterisk itself just started. */
  | (Base & { type: 'link.up'; uptimeSec: number | null })
  | (Base & { type: 'link.down'; reason: string });

export interface OriginateRequest {
  /** The operator's phone, rung first (`PJSIP/op101`). */
  endpoint: string;
  /** Dialplan context the call continues in once the operator answers (the outbound routes). */
  context: string;
  exten: string;
  /** Instead of the dialplan, run this application once the operator answers (ChanSpy for supervisors). */
  application?: { name: string; data: string };
  callerId?: string;
  /** Asterisk uses it as the channel's Uniqueid and Linkedid, so the call is tied back. */
  channelId: string;
  variables?: Record<string, string>;
  timeoutMs?: number;
}

export interface QueueMemberRequest {
  queue: string;
  /** `PJSIP/op101` */
  interface: string;
  memberName?: string;
  paused?: boolean;
}

export interface QueueMemberState {
  queue: string;
  /** `PJSIP/op101` */
  interface: string;
  paused: boolean;
  pausedReason: string | null;
}

export type LinkState = { up: true } | { up: false; reason: string };

export interface TelephonyPort {
  /** 'connected' or the reason it is not (for /healthz). */
  status(): string;
  originate(request: OriginateRequest): Promise<{ actionId: string }>;
  hangup(channel: string): Promise<void>;
  /** Reloads one Asterisk module's configuration (AMI `Reload`, class system), e.g. `res_pjsip.so`. */
  reloadModule?(module: string): Promise<void>;
  /** Blind transfer: send the channel to another extension of the dialplan. */
  redirect(channel: string, context: string, exten: string): Promise<void>;
  queueAdd(request: QueueMemberRequest): Promise<void>;
  queueRemove(queue: string, iface: string): Promise<void>;
  queuePause(queue: string | null, iface: string, paused: boolean, reason?: string): Promise<void>;
  /** Every member of every queue with its pause state (AMI QueueStatus). */
  queueMembers?(): Promise<QueueMemberState[]>;
  /** Every pjsip endpoint with its device state (AMI PJSIPShowEndpoints): `Unavailable` when nothing is registered. */
  endpointStates?(): Promise<{ endpoint: string; state: string }[]>;
  /** The channels Asterisk has right now; `durationSec` is how long each exists. */
  channels(): Promise<Array<ChannelRef & { durationSec: number | null }>>;
  on(listener: (event: TelephonyEvent) => void): () => void;
  start(): void;
  stop(): Promise<void>;
}

/** `PJSIP/op101-00000017` → `PJSIP/op101`; `Local/102@ctx-0000002a;1` → `Local/102@ctx`. */
export function endpointOf(channelName: string): string {
  const name = channelName.replace(/;\d+$/, '');
  const dash = name.lastIndexOf('-');
  return dash > name.indexOf('/') ? name.slice(0, dash) : name;
}

export class TelephonyError extends Error {
  constructor(message: string, readonly kind: 'unavailable' | 'rejected' | 'timeout') {
    super(message);
    this.name = 'TelephonyError';
  }
}

/**
 * Hangs up every channel of these endpoints (`PJSIP/cb-op-7`) now: offboarding ends a
 * deactivated user's calls instead of leaving them to run. A channel that ended meanwhile is
 * not an error. Returns the channels hung up.
 */
export async function hangUpEndpoints(port: TelephonyPort, endpoints: readonly string[]): Promise<string[]> {
  if (endpoints.length === 0) return [];
  const wanted = new Set(endpoints);
  const live = (await port.channels()).filter((c) => wanted.has(c.endpoint));
  const done: string[] = [];
  for (const c of live) {
    try {
      await port.hangup(c.name);
      done.push(c.name);
    } catch (err) {
      // "No such channel": it ended on its own between the listing and the hangup.
      if (!/no such channel/i.test((err as Error).message)) throw err;
    }
  }
  return done;
}

/** The dialplan context interns' phones and transfers run in: colleagues and queues, no outbound routes. */
export const INTERNS_CONTEXT = 'cb-interns';

/** An internal number (a colleague, a queue, an FXS phone) has at most 6 digits; anything longer, or with +, is an outside number. */
export const isInternalNumber = (exten: string): boolean => /^\d{1,6}$/.test(exten);
