import type { ChannelRef, TelephonyEvent } from '../telephony/port.js';

/**
 * The call state machine. A call is everything Asterisk links under one Linkedid: the
 * customer's leg, the operators' legs, transfers. `foldCall` is a pure transition
 * `(call, event) → {call, effects}`; the tracker owns the map of live calls and performs the
 * effects (store, publish, fetch the recording).
 *
 * Direction is never read from a dialplan context (a click-to-call's customer leg runs in the
 * trunk's context): a call whose first leg is an external endpoint arriving in state Ring is
 * inbound; otherwise it is outbound when an external leg is dialled or the operator dialled an
 * outside number, and internal when only operators take part.
 */
export type LegRole = 'operator' | 'external';
export type Direction = 'inbound' | 'outbound' | 'internal';
export type Disposition = 'answered' | 'missed' | 'abandoned' | 'busy' | 'failed' | 'no_channel';

export interface Leg {
  uniqueId: string;
  channel: string;
  endpoint: string;
  role: LegRole;
  operatorId: number | null;
  /** State when first seen: an external leg seen first in Ring is a call coming in. */
  firstState: string;
  createdAt: string;
  ringingAt: string | null;
  upAt: string | null;
  endedAt: string | null;
  cause: number | null;
  dialStatus: string | null;
  callerNum: string | null;
  /** The number this leg called or was called at (DID for inbound, dialled digits outbound). */
  exten: string | null;
  dialled: string | null;
  congestion: boolean;
  busy: boolean;
  /** On hold right now. */
  held: boolean;
  /** How many times this leg was put on hold. */
  holds: number;
  /** Seconds on hold so far, and since when it is on hold now (older stored legs lack both). */
  heldSec?: number;
  heldSince?: string | null;
  transferredTo: string | null;
}

/** One time a queue offered the call to a member's phone (a ring-all queue makes several at once). */
export interface RingAttempt {
  /** The member's interface (`PJSIP/op101`). */
  member: string;
  operatorId: number | null;
  at: string;
  /** `noanswer`: rang out (RONA); `cancelled`: another member answered or the caller left. */
  outcome: 'answered' | 'noanswer' | 'cancelled' | null;
  ringSec: number | null;
}

/**
 * One pass of the call through a queue. A call transferred to another queue has two stints; it
 * is still one call. Wait and talk are Asterisk's own figures (AgentConnect HoldTime,
 * AgentComplete TalkTime, QueueCallerAbandon HoldTime), the ones its queue_log writes.
 */
export interface Stint {
  queue: string;
  joinedAt: string;
  leftAt: string | null;
  /** `exited`: left the queue unanswered without hanging up (timeout, empty queue), went on in the dialplan. */
  outcome: 'answered' | 'abandoned' | 'exited' | null;
  member: string | null;
  operatorId: number | null;
  connectedAt: string | null;
  waitSec: number | null;
  talkSec: number | null;
  /** Who ended the stint's talk: `caller`, `agent`, or `transfer`. */
  endReason: 'caller' | 'agent' | 'transfer' | null;
  attempts: RingAttempt[];
  /**
   * Seconds the customer was on hold during this stint's talk (a hold counts for the stint
   * answered last before it began). Absent on stints stored before holds were kept per stint.
   */
  holdSec?: number;
}

export interface CallState {
  linkedId: string;
  startedAt: string;
  legs: Leg[];
  queue: string | null;
  stints: Stint[];
  abandoned: boolean;
  /** Files MixMonitor writes on the Asterisk side, in the order started. */
  recordingFiles: string[];
  endedAt: string | null;
  /** Set when a leg was closed by reconciliation rather than by a Hangup event. */
  reconciled: boolean;
}

export type Effect =
  | { type: 'changed' }
  | { type: 'operator.up'; operatorId: number | null; at: string }
  | { type: 'ended'; at: string };

export interface FoldContext {
  /** Which user a phone endpoint belongs to; null when the endpoint is not an operator's. */
  operatorOf(endpoint: string): number | null;
  /** Is this endpoint an operator's phone (mapped or not)? */
  isOperator(endpoint: string): boolean;
  /** The outbound dial prefix (`9`), stripped from numbers operators dial. */
  dialPrefix: string;
  /** The dialplan context operators' phones call from (`cb-operators`): a channel starting there is a phone, mapped to a user or not. */
  operatorContext?: string;
}

const iso = (d: Date) => d.toISOString();
const OUTSIDE_NUMBER = /^\+?\d{6,}$/;

/**
 * A leg's side comes from Asterisk's facts, not from whether its phone is tied to a user: a
 * channel of a user's phone, or one that starts in the operators' context, is an operator's; a
 * channel dialled by a plain endpoint name (a queue ringing a member, an Originate) is a phone;
 * one dialled as `number@trunk` is the customer's. `dial.begin` settles legs first seen otherwise.
 */
function newLeg(ch: ChannelRef, at: Date, ctx: FoldContext): Leg {
  const phone = ctx.isOperator(ch.endpoint) || (!!ctx.operatorContext && ch.context === ctx.operatorContext);
  const role: LegRole = phone ? 'operator' : 'external';
  return {
    uniqueId: ch.uniqueId,
    channel: ch.name,
    endpoint: ch.endpoint,
    role,
    operatorId: role === 'operator' ? ctx.operatorOf(ch.endpoint) : null,
    firstState: ch.state,
    createdAt: iso(at),
    ringingAt: ch.state === 'ringing' ? iso(at) : null,
    upAt: ch.state === 'up' ? iso(at) : null,
    endedAt: null,
    cause: null,
    dialStatus: null,
    callerNum: ch.callerNum,
    exten: ch.exten && ch.exten !== 's' ? ch.exten : null,
    dialled: null,
    congestion: false,
    busy: false,
    held: false,
    holds: 0,
    transferredTo: null,
  };
}

export function newCall(linkedId: string, at: Date): CallState {
  return { linkedId, startedAt: iso(at), legs: [], queue: null, stints: [], abandoned: false, recordingFiles: [], endedAt: null, reconciled: false };
}

/** The leg an event is about, the event's channel, and whether the event belongs to this call. */
function channelsOf(event: TelephonyEvent): ChannelRef[] {
  switch (event.type) {
    case 'dial.begin':
    case 'dial.end':
      return event.channel ? [event.dest, event.channel] : [event.dest];
    case 'originate.result':
    case 'link.up':
    case 'link.down':
    case 'queue.member.paused':
      return [];
    default:
      return [event.channel];
  }
}

export function foldCall(prev: CallState, event: TelephonyEvent, ctx: FoldContext): { call: CallState; effects: Effect[] } {
  if (prev.endedAt) return { call: prev, effects: [] };
  const call: CallState = { ...prev, legs: prev.legs.slice() };
  const effects: Effect[] = [];
  const wasOperatorUp = call.legs.some((l) => l.role === 'operator' && l.upAt && !l.endedAt);
  const at = iso(event.at);

  const legFor = (ch: ChannelRef): Leg | null => {
    if (ch.linkedId !== call.linkedId) return null;
    let i = call.legs.findIndex((l) => l.uniqueId === ch.uniqueId);
    if (i < 0) {
      call.legs.push(newLeg(ch, event.at, ctx));
      i = call.legs.length - 1;
    } else {
      call.legs[i] = { ...call.legs[i]! };
    }
    const leg = call.legs[i]!;
    if (leg.endedAt) return leg;
    if (ch.state === 'ringing' && !leg.ringingAt) leg.ringingAt = at;
    if (ch.state === 'up' && !leg.upAt) leg.upAt = at;
    if (!leg.exten && ch.exten && ch.exten !== 's') leg.exten = ch.exten;
    // The number the call's first leg — an operator's phone dialling out or click-to-call — went to
    // (a queue-rung phone's channel carries the caller's DID instead, and is never the first leg).
    if (!leg.dialled && leg.role === 'operator' && leg === call.legs[0] && ch.exten && OUTSIDE_NUMBER.test(ch.exten)) {
      leg.dialled = ctx.dialPrefix && ch.exten.startsWith(ctx.dialPrefix) ? ch.exten.slice(ctx.dialPrefix.length) : ch.exten;
    }
    return leg;
  };

  for (const ch of channelsOf(event)) legFor(ch);

  switch (event.type) {
    case 'channel.recording': {
      if (legFor(event.channel) && !call.recordingFiles.includes(event.file)) call.recordingFiles = [...call.recordingFiles, event.file];
      break;
    }
    case 'channel.hangup': {
      const leg = legFor(event.channel);
      if (leg && !leg.endedAt) {
        leg.endedAt = at;
        leg.cause = event.cause;
        if (event.cause === 17) leg.busy = true;
        if (event.cause === 34) leg.congestion = true;
      }
      break;
    }
    case 'dial.begin': {
      const dest = legFor(event.dest);
      if (dest && event.dialString && !ctx.isOperator(dest.endpoint)) {
        const role: LegRole = /@/.test(event.dialString) ? 'external' : 'operator';
        if (role !== dest.role) {
          dest.role = role;
          dest.operatorId = role === 'operator' ? ctx.operatorOf(dest.endpoint) : null;
        }
      }
      if (dest && dest.role === 'external' && event.dialString && !dest.dialled) dest.dialled = event.dialString.split('@')[0] ?? null;
      break;
    }
    case 'dial.end': {
      const dest = legFor(event.dest);
      // DialEnd can arrive twice for one leg (ANSWER then CANCEL): the first final word stays.
      if (dest && !dest.dialStatus) {
        dest.dialStatus = event.status;
        if (event.status === 'BUSY') dest.busy = true;
        if (event.status === 'CONGESTION' || event.status === 'CHANUNAVAIL') dest.congestion = true;
      }
      break;
    }
    case 'channel.hold': {
      const leg = legFor(event.channel);
      if (leg) {
        if (event.held && !leg.held) {
          leg.holds += 1;
          leg.heldSince = at;
        } else if (!event.held && leg.held && leg.heldSince) {
          leg.heldSec = (leg.heldSec ?? 0) + secs(leg.heldSince, at);
          call.stints = bookHold(call.stints, leg.heldSince, at);
          leg.heldSince = null;
        }
        leg.held = event.held;
      }
      break;
    }
    case 'queue.joined':
      call.queue = event.queue;
      call.stints = [...settleStints(call.stints, at), newStint(event.queue, at)];
      break;
    case 'queue.left':
      updateStint(call, event.queue, (s) => ({ ...s, leftAt: s.leftAt ?? at }));
      break;
    case 'queue.abandoned':
      call.queue = call.queue ?? event.queue;
      call.abandoned = true;
      updateStint(call, event.queue, (s) => ({
        ...s,
        outcome: 'abandoned',
        leftAt: s.leftAt ?? at,
        waitSec: event.holdSec ?? secs(s.joinedAt, at),
        attempts: closeAttempts(s.attempts, 'cancelled'),
      }));
      break;
    case 'queue.agent':
      updateStint(call, event.queue, (s) => agentStep(s, event, at, ctx));
      break;
    case 'transfer': {
      if (!event.success) break;
      const transferer = call.legs.find((l) => l.role === 'operator' && l.upAt && !l.endedAt);
      if (transferer) {
        const i = call.legs.indexOf(transferer);
        call.legs[i] = { ...transferer, transferredTo: event.target };
      }
      break;
    }
    default:
      break;
  }

  effects.push({ type: 'changed' });
  const operatorUp = call.legs.find((l) => l.role === 'operator' && l.upAt && !l.endedAt);
  if (!wasOperatorUp && operatorUp) effects.push({ type: 'operator.up', operatorId: operatorUp.operatorId, at });
  if (call.legs.length > 0 && call.legs.every((l) => l.endedAt)) {
    call.endedAt = call.legs.reduce((max, l) => (l.endedAt! > max ? l.endedAt! : max), call.legs[0]!.endedAt!);
    call.stints = settleStints(call.stints, call.endedAt);
    closeHolds(call, call.endedAt);
    effects.push({ type: 'ended', at: call.endedAt });
  }
  return { call, effects };
}

/**
 * Books a hold to the stint it happened in: the one answered last before the hold began (after a
 * transfer, a hold by the first operator stays theirs). A hold before any answered stint (a call
 * put straight through) belongs to no stint.
 */
function bookHold(stints: Stint[], from: string, to: string): Stint[] {
  let i = -1;
  stints.forEach((s, j) => {
    if (s.outcome === 'answered' && s.connectedAt && s.connectedAt <= from) i = j;
  });
  const sec = secs(from, to);
  if (i < 0 || sec === 0) return stints;
  const out = stints.slice();
  out[i] = { ...out[i]!, holdSec: (out[i]!.holdSec ?? 0) + sec };
  return out;
}

/** Holds still on when the call ended count until their leg (or the call) ended. */
function closeHolds(call: CallState, endedAt: string): void {
  call.legs = call.legs.map((l) => {
    if (!l.held || !l.heldSince) return l;
    const until = l.endedAt ?? endedAt;
    call.stints = bookHold(call.stints, l.heldSince, until);
    return { ...l, held: false, heldSince: null, heldSec: (l.heldSec ?? 0) + secs(l.heldSince, until) };
  });
}

function newStint(queue: string, at: string): Stint {
  return { queue, joinedAt: at, leftAt: null, outcome: null, member: null, operatorId: null, connectedAt: null, waitSec: null, talkSec: null, endReason: null, attempts: [] };
}

/** Agent events name their queue; they belong to the latest stint in it. */
function updateStint(call: CallState, queue: string, change: (s: Stint) => Stint): void {
  for (let i = call.stints.length - 1; i >= 0; i--) {
    if (call.stints[i]!.queue !== queue) continue;
    const stints = call.stints.slice();
    stints[i] = change(stints[i]!);
    call.stints = stints;
    return;
  }
}

function closeAttempts(attempts: RingAttempt[], outcome: 'cancelled'): RingAttempt[] {
  return attempts.some((a) => a.outcome === null) ? attempts.map((a) => (a.outcome === null ? { ...a, outcome } : a)) : attempts;
}

/**
 * Stints still without an outcome when the call moves on (a new queue) or ends: a stint left
 * without an answer or an abandon exited the queue (timeout, empty); one never left was cut by a
 * hang-up Asterisk did not report as an abandon (the link dropped): counted as abandoned.
 */
function settleStints(stints: Stint[], at: string): Stint[] {
  if (stints.every((s) => s.outcome !== null && s.attempts.every((a) => a.outcome !== null))) return stints;
  return stints.map((s) => {
    if (s.outcome !== null) return s.attempts.some((a) => a.outcome === null) ? { ...s, attempts: closeAttempts(s.attempts, 'cancelled') } : s;
    const leftAt = s.leftAt ?? at;
    return { ...s, outcome: s.leftAt ? 'exited' : 'abandoned', leftAt, waitSec: s.waitSec ?? secs(s.joinedAt, leftAt), attempts: closeAttempts(s.attempts, 'cancelled') };
  });
}

function agentStep(s: Stint, event: Extract<TelephonyEvent, { type: 'queue.agent' }>, at: string, ctx: FoldContext): Stint {
  const lastOpen = (attempts: RingAttempt[]) => {
    for (let i = attempts.length - 1; i >= 0; i--) if (attempts[i]!.member === event.member && attempts[i]!.outcome === null) return i;
    return -1;
  };
  switch (event.phase) {
    case 'called':
      return { ...s, attempts: [...s.attempts, { member: event.member, operatorId: ctx.operatorOf(event.member), at, outcome: null, ringSec: null }] };
    case 'noanswer': {
      const i = lastOpen(s.attempts);
      if (i < 0) return s;
      const attempts = s.attempts.slice();
      attempts[i] = { ...attempts[i]!, outcome: 'noanswer', ringSec: event.ringSec ?? secs(attempts[i]!.at, at) };
      return { ...s, attempts };
    }
    case 'connected': {
      const i = lastOpen(s.attempts);
      const attempts = s.attempts.map((a, j) =>
        j === i ? { ...a, outcome: 'answered' as const, ringSec: event.ringSec ?? secs(a.at, at) } : a.outcome === null ? { ...a, outcome: 'cancelled' as const } : a,
      );
      return {
        ...s,
        attempts,
        outcome: 'answered',
        member: event.member,
        operatorId: ctx.operatorOf(event.member),
        connectedAt: at,
        leftAt: s.leftAt ?? at,
        waitSec: event.holdSec ?? secs(s.joinedAt, at),
      };
    }
    case 'completed': {
      const reason = event.reason === 'caller' || event.reason === 'agent' || event.reason === 'transfer' ? event.reason : null;
      return { ...s, talkSec: event.talkSec ?? (s.connectedAt ? secs(s.connectedAt, at) : null), endReason: reason };
    }
    case 'dump':
      return { ...s, endReason: 'agent' };
    default:
      return s;
  }
}

/** Moves a leg whose Linkedid changed (an ARI-originated leg bridged to a caller) into its new call. */
export function moveLeg(from: CallState, into: CallState, uniqueId: string): { from: CallState; into: CallState } {
  const leg = from.legs.find((l) => l.uniqueId === uniqueId);
  if (!leg) return { from, into };
  return {
    from: { ...from, legs: from.legs.filter((l) => l !== leg), recordingFiles: from.recordingFiles },
    into: {
      ...into,
      legs: [...into.legs, leg].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0)),
      recordingFiles: [...into.recordingFiles, ...from.recordingFiles.filter((f) => !into.recordingFiles.includes(f))],
    },
  };
}

/** Closes every open leg that Asterisk no longer reports (after a reconnect or a restart). */
export function closeMissingLegs(prev: CallState, alive: ReadonlySet<string>, at: Date): { call: CallState; effects: Effect[] } {
  if (prev.endedAt) return { call: prev, effects: [] };
  const legs = prev.legs.map((l) => (l.endedAt || alive.has(l.uniqueId) ? l : { ...l, endedAt: iso(at) }));
  if (legs.every((l, i) => l === prev.legs[i])) return { call: prev, effects: [] };
  const call: CallState = { ...prev, legs, reconciled: true };
  const effects: Effect[] = [{ type: 'changed' }];
  if (legs.every((l) => l.endedAt)) {
    call.endedAt = legs.reduce((max, l) => (l.endedAt! > max ? l.endedAt! : max), legs[0]!.endedAt!);
    call.stints = settleStints(call.stints, call.endedAt);
    closeHolds(call, call.endedAt);
    effects.push({ type: 'ended', at: call.endedAt });
  }
  return { call, effects };
}

export interface CallSummary {
  direction: Direction;
  from: string | null;
  to: string | null;
  did: string | null;
  trunk: string | null;
  queue: string | null;
  operatorId: number | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitSec: number;
  talkSec: number;
  disposition: Disposition | null;
  held: boolean;
  /** Seconds the customer spent on hold (a hold still on at hang-up counts until then). */
  holdSec: number;
  transferred: boolean;
  /** Who ended an answered call: the customer or the operator (from the last stint, else the legs). */
  hungUpBy: 'customer' | 'operator' | null;
}

const secs = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
const minTime = (xs: (string | null)[]) => xs.filter((x): x is string => !!x).sort()[0] ?? null;
const trunkName = (endpoint: string) => endpoint.slice(endpoint.indexOf('/') + 1);

/** The call record derived from its legs; the same function serves live and ended calls. */
export function summarize(call: CallState): CallSummary {
  const legs = call.legs;
  const first = legs[0];
  const operators = legs.filter((l) => l.role === 'operator');
  const externals = legs.filter((l) => l.role === 'external');
  const dialledOutside = operators.find((l) => l.dialled && OUTSIDE_NUMBER.test(l.dialled));
  const direction: Direction =
    first && first.role === 'external' && first.firstState === 'ring'
      ? 'inbound'
      : externals.length > 0 || dialledOutside
        ? 'outbound'
        : 'internal';

  let answeredAt: string | null;
  let operatorLeg: Leg | undefined;
  if (direction === 'inbound') {
    answeredAt = minTime(operators.map((l) => l.upAt));
    // Only the operator who talked is the call's operator: one whose phone only rang is not.
    operatorLeg = answeredAt ? operators.find((l) => l.upAt === answeredAt) : undefined;
  } else if (direction === 'outbound') {
    answeredAt = minTime(externals.map((l) => l.upAt));
    operatorLeg = operators[0];
  } else {
    const called = operators.slice(1);
    answeredAt = called.length > 0 ? minTime(called.map((l) => l.upAt)) : (first?.upAt ?? null);
    operatorLeg = operators[0];
  }

  const customer = direction === 'inbound' ? first : externals[0];
  const outboundNumber =
    direction === 'outbound' ? (externals.find((l) => l.dialled)?.dialled ?? externals[0]?.exten ?? dialledOutside?.dialled ?? null) : null;
  const from = direction === 'inbound' ? (first?.callerNum ?? null) : (operatorLeg?.endpoint ?? first?.callerNum ?? null);
  const to =
    direction === 'inbound'
      ? (first?.exten ?? null)
      : direction === 'outbound'
        ? outboundNumber
        : (operators[1]?.endpoint ?? first?.dialled ?? first?.exten ?? null);

  const endedAt = call.endedAt;
  let disposition: Disposition | null = null;
  if (endedAt) {
    const anyCongestion = legs.some((l) => l.congestion);
    if (answeredAt) disposition = 'answered';
    else if (direction === 'inbound') {
      if (anyCongestion) disposition = 'no_channel';
      else if (first?.busy) disposition = 'busy';
      else if (call.queue) disposition = 'abandoned';
      else disposition = 'missed';
    } else if (direction === 'outbound') {
      if (externals.some((l) => l.busy)) disposition = 'busy';
      else if (anyCongestion) disposition = 'no_channel';
      else if (externals.some((l) => l.ringingAt || l.dialStatus === 'NOANSWER')) disposition = 'missed';
      else disposition = 'failed';
    } else {
      disposition = legs.some((l) => l.busy) ? 'busy' : anyCongestion ? 'no_channel' : 'missed';
    }
  }

  const waitEnd = answeredAt ?? endedAt;
  return {
    direction,
    from,
    to,
    did: direction === 'inbound' ? (first?.exten ?? null) : null,
    trunk: customer ? trunkName(customer.endpoint) : null,
    queue: call.queue,
    operatorId: operatorLeg?.operatorId ?? null,
    startedAt: call.startedAt,
    answeredAt,
    endedAt,
    waitSec: waitEnd ? secs(call.startedAt, waitEnd) : 0,
    talkSec: answeredAt && endedAt ? secs(answeredAt, endedAt) : 0,
    disposition,
    held: legs.some((l) => l.holds > 0),
    holdSec: legs.reduce((sum, l) => sum + (l.heldSec ?? 0) + (l.held && l.heldSince ? secs(l.heldSince, l.endedAt ?? endedAt ?? l.heldSince) : 0), 0),
    transferred: legs.some((l) => l.transferredTo !== null) || call.stints.some((s) => s.endReason === 'transfer'),
    hungUpBy: endedAt && answeredAt ? hungUpBy(call, customer) : null,
  };
}

function hungUpBy(call: CallState, customer: Leg | undefined): 'customer' | 'operator' | null {
  const last = call.stints.at(-1);
  if (last?.outcome === 'answered' && (last.endReason === 'caller' || last.endReason === 'agent')) return last.endReason === 'caller' ? 'customer' : 'operator';
  if (!customer?.endedAt) return null;
  const operatorEnds = call.legs.filter((l) => l.role === 'operator' && l.upAt && l.endedAt).map((l) => l.endedAt!);
  if (operatorEnds.length === 0) return 'customer';
  return customer.endedAt <= operatorEnds.sort().at(-1)! ? 'customer' : 'operator';
}
