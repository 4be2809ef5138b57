import type { AmiMessage } from './parser.js';
import { endpointOf, type ChannelRef, type ChannelState, type TelephonyEvent } from '../port.js';

/**
 * The AMI events the appliance follows, by name, in one list. Everything else (VarSet,
 * RTCPSent, DeviceStateChange, security events…) is dropped by the parser after its first line.
 * The AMI user needs only the classes these come in: system (FullyBooted, Shutdown), call
 * (channels, dials, bridges, hold, transfers, OriginateResponse), agent (queue events) and user
 * (the recording subroutine's UserEvent). Never `dialplan`: the provisioned user cannot read it.
 */
export const AMI_EVENT_CLASSES = 'system,call,agent,user';

export const SUBSCRIBED_EVENTS: readonly string[] = [
  'FullyBooted',
  'Shutdown',
  'Newchannel',
  'Newstate',
  'Hangup',
  'DialBegin',
  'DialEnd',
  'BridgeEnter',
  'Hold',
  'Unhold',
  'QueueCallerJoin',
  'QueueCallerAbandon',
  'QueueCallerLeave',
  'AgentCalled',
  'AgentConnect',
  'AgentComplete',
  'AgentRingNoAnswer',
  'AgentDump',
  'QueueMemberPause',
  'BlindTransfer',
  'AttendedTransfer',
  'OriginateResponse',
  'UserEvent',
];

/** The UserEvent our dialplan's recording subroutine sends (`RECORDING_EVENT` in provisioning). */
export const RECORDING_USER_EVENT = 'CBRecording';


const STATES: Record<string, ChannelState> = { Down: 'down', Ring: 'ring', Ringing: 'ringing', Up: 'up', Busy: 'busy' };

function channelOf(m: AmiMessage, prefix = ''): ChannelRef | null {
  const name = m[`${prefix}Channel`];
  const uniqueId = m[`${prefix}Uniqueid`];
  if (!name || !uniqueId) return null;
  return {
    uniqueId,
    linkedId: m[`${prefix}Linkedid`] || uniqueId,
    name,
    endpoint: endpointOf(name),
    state: STATES[m[`${prefix}ChannelStateDesc`] ?? ''] ?? 'other',
    callerNum: known(m[`${prefix}CallerIDNum`]),
    connectedNum: known(m[`${prefix}ConnectedLineNum`]),
    context: m[`${prefix}Context`] ?? null,
    exten: m[`${prefix}Exten`] ?? null,
  };
}

const AGENT_PHASES: Record<string, 'called' | 'noanswer' | 'connected' | 'completed' | 'dump'> = {
  AgentCalled: 'called',
  AgentRingNoAnswer: 'noanswer',
  AgentConnect: 'connected',
  AgentComplete: 'completed',
  AgentDump: 'dump',
};

function num(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function known(v: string | undefined): string | null {
  return v === undefined || v === '' || v === '<unknown>' ? null : v;
}

/** Turns one AMI event into a typed telephony event, or null when it does not matter to calls. */
export function toTelephonyEvent(m: AmiMessage, at: Date): TelephonyEvent | null {
  switch (m.Event) {
    case 'Newchannel': {
      const channel = channelOf(m);
      return channel && { type: 'channel.created', at, channel };
    }
    case 'Newstate': {
      const channel = channelOf(m);
      return channel && { type: 'channel.state', at, channel };
    }
    case 'Hangup': {
      const channel = channelOf(m);
      return channel && { type: 'channel.hangup', at, channel, cause: Number(m.Cause ?? 0) || 0, causeText: m['Cause-txt'] ?? '' };
    }
    case 'Hold':
    case 'Unhold': {
      const channel = channelOf(m);
      return channel && { type: 'channel.hold', at, channel, held: m.Event === 'Hold' };
    }
    case 'BridgeEnter': {
      const channel = channelOf(m);
      return channel && { type: 'channel.bridged', at, channel, bridgeId: m.BridgeUniqueid ?? '' };
    }
    case 'DialBegin':
    case 'DialEnd': {
      const dest = channelOf(m, 'Dest');
      if (!dest) return null;
      const channel = channelOf(m);
      return m.Event === 'DialBegin'
        ? { type: 'dial.begin', at, channel, dest, dialString: m.DialString ?? null }
        : { type: 'dial.end', at, channel, dest, status: m.DialStatus ?? '' };
    }
    case 'QueueCallerJoin':
    case 'QueueCallerAbandon': {
      const channel = channelOf(m);
      if (!channel) return null;
      const queue = m.Queue ?? '';
      return m.Event === 'QueueCallerJoin' ? { type: 'queue.joined', at, channel, queue } : { type: 'queue.abandoned', at, channel, queue, holdSec: num(m.HoldTime) };
    }
    case 'QueueCallerLeave': {
      const channel = channelOf(m);
      return channel && { type: 'queue.left', at, channel, queue: m.Queue ?? '' };
    }
    case 'AgentCalled':
    case 'AgentConnect':
    case 'AgentComplete':
    case 'AgentRingNoAnswer':
    case 'AgentDump': {
      const channel = channelOf(m);
      if (!channel || !m.Interface) return null;
      return {
        type: 'queue.agent',
        at,
        phase: AGENT_PHASES[m.Event]!,
        channel,
        queue: m.Queue ?? '',
        member: m.Interface,
        memberUniqueId: known(m.DestUniqueid),
        holdSec: num(m.HoldTime),
        // AgentRingNoAnswer gives milliseconds, AgentConnect seconds.
        ringSec: m.Event === 'AgentRingNoAnswer' ? (num(m.RingTime) === null ? null : Math.round(num(m.RingTime)! / 1000)) : num(m.RingTime),
        talkSec: num(m.TalkTime),
        reason: known(m.Reason),
      };
    }
    case 'QueueMemberPause':
      if (!m.Queue || !m.Interface) return null;
      return { type: 'queue.member.paused', at, queue: m.Queue, member: m.Interface, paused: m.Paused === '1' || m.Paused === 'true', reason: known(m.PausedReason) };
    case 'BlindTransfer':
    case 'AttendedTransfer': {
      const channel = channelOf(m, 'Transferee') ?? channelOf(m, 'OrigTransferer');
      if (!channel) return null;
      return {
        type: 'transfer',
        at,
        channel,
        kind: m.Event === 'BlindTransfer' ? 'blind' : 'attended',
        target: m.Extension ?? null,
        success: m.Result === 'Success',
      };
    }
    case 'UserEvent': {
      if (m.UserEvent !== RECORDING_USER_EVENT || !m.File) return null;
      const channel = channelOf(m);
      return channel && { type: 'channel.recording', at, channel, file: m.File };
    }
    case 'OriginateResponse':
      return {
        type: 'originate.result',
        at,
        actionId: m.ActionID ?? '',
        uniqueId: known(m.Uniqueid),
        success: m.Response === 'Success',
        reason: Number(m.Reason ?? 0) || 0,
      };
    default:
      return null;
  }
}

/** A `CoreShowChannel` list item → a channel with its age. */
export function fromCoreShowChannel(m: AmiMessage): (ChannelRef & { durationSec: number | null }) | null {
  const channel = channelOf(m);
  if (!channel) return null;
  const d = /^(\d+):(\d\d):(\d\d)$/.exec(m.Duration ?? '');
  return { ...channel, durationSec: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : null };
}
