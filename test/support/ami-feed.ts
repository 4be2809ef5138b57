import type { ChannelRef, QueueMemberRequest, TelephonyEvent, TelephonyPort } from '../../appliance/telephony/port.js';
import { toTelephonyEvent } from '../../appliance/telephony/ami/events.js';
/** The clock the feed stamps events with; tests move it forward between steps. */
export interface SteppedClock {
  now(): Date;
  advance(ms: number): void;
}

/** Real time plus an offset that `advance` moves on: for browsers, whose sessions live in real time. */
export class OffsetClock implements SteppedClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/**
 * A telephony port fed with AMI messages written as Asterisk 22 writes them (field names and
 * values as in the recorded traces), turned into typed events by the real AMI event mapping and
 * stamped with the test's clock. It records the queue actions the appliance sends.
 */
export class AmiFeedPort implements TelephonyPort {
  private listeners: Array<(e: TelephonyEvent) => void> = [];
  readonly actions: string[] = [];
  /** Members per queue, with their pause state, as Asterisk would hold them. */
  readonly members = new Map<string, Map<string, { paused: boolean; reason: string | null }>>();
  failNext: string | null = null;

  constructor(private readonly clock: SteppedClock) {}

  feed(fields: Record<string, string>): void {
    const event = toTelephonyEvent(fields, this.clock.now());
    if (event) for (const l of this.listeners) l(event);
  }

  status(): string {
    return 'connected';
  }
  async originate(): Promise<{ actionId: string }> {
    return { actionId: 'x' };
  }
  async hangup(): Promise<void> {}
  async redirect(): Promise<void> {}
  private check(what: string): void {
    this.actions.push(what);
    if (this.failNext) {
      const msg = this.failNext;
      this.failNext = null;
      throw new Error(msg);
    }
  }
  async queueAdd(r: QueueMemberRequest): Promise<void> {
    this.check(`QueueAdd ${r.queue} ${r.interface}`);
    const q = this.members.get(r.queue) ?? new Map();
    this.members.set(r.queue, q);
    if (q.has(r.interface)) throw new Error('Unable to add interface: Already there');
    q.set(r.interface, { paused: !!r.paused, reason: null });
  }
  async queueRemove(queue: string, iface: string): Promise<void> {
    this.check(`QueueRemove ${queue} ${iface}`);
    if (!this.members.get(queue)?.delete(iface)) throw new Error('Unable to remove interface: Not there');
  }
  async queuePause(queue: string | null, iface: string, paused: boolean, reason?: string): Promise<void> {
    this.check(`QueuePause ${queue ?? '*'} ${iface} ${paused} ${reason ?? ''}`.trim());
    for (const [name, q] of this.members) {
      if (queue && name !== queue) continue;
      const m = q.get(iface);
      if (m) Object.assign(m, { paused, reason: paused ? (reason ?? null) : null });
    }
  }
  async channels(): Promise<Array<ChannelRef & { durationSec: number | null }>> {
    return [];
  }
  on(listener: (event: TelephonyEvent) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }
  start(): void {}
  async stop(): Promise<void> {}
}

const STATE_CODES: Record<string, string> = { Down: '0', Ring: '4', Ringing: '5', Up: '6' };

interface Chan {
  name: string;
  uid: string;
  state: string;
  callerNum: string;
  exten: string;
}

/**
 * One customer call written as the AMI events Asterisk sends for it, step by step, with the
 * test's clock advanced between steps (AMI events carry no time; the appliance stamps them).
 */
export class CallScript {
  private readonly caller: Chan;
  private readonly legs = new Map<string, Chan>();
  private n = 0;

  constructor(
    private readonly port: AmiFeedPort,
    private readonly clock: SteppedClock,
    readonly linkedId: string,
    callerNum: string,
    did = '380441234567',
  ) {
    this.caller = { name: `PJSIP/gsm-gw-${linkedId}`, uid: linkedId, state: 'Ring', callerNum, exten: did };
  }

  private fields(c: Chan, prefix = ''): Record<string, string> {
    return {
      [`${prefix}Channel`]: c.name,
      [`${prefix}ChannelState`]: STATE_CODES[c.state] ?? '0',
      [`${prefix}ChannelStateDesc`]: c.state,
      [`${prefix}CallerIDNum`]: c.callerNum,
      [`${prefix}ConnectedLineNum`]: '<unknown>',
      [`${prefix}Context`]: 'from-gsm',
      [`${prefix}Exten`]: c.exten,
      [`${prefix}Uniqueid`]: c.uid,
      [`${prefix}Linkedid`]: this.linkedId,
    };
  }

  private emit(event: string, fields: Record<string, string>): this {
    this.port.feed({ Event: event, Privilege: 'call,all', ...fields });
    return this;
  }

  wait(sec: number): this {
    this.clock.advance(sec * 1000);
    return this;
  }

  arrive(): this {
    this.emit('Newchannel', this.fields(this.caller));
    this.caller.state = 'Up';
    return this.emit('Newstate', this.fields(this.caller));
  }

  join(queue: string): this {
    return this.emit('QueueCallerJoin', { ...this.fields(this.caller), Queue: queue, Position: '1', Count: '1' });
  }

  private leg(member: string): Chan {
    let leg = this.legs.get(member);
    if (!leg || leg.state === 'gone') {
      leg = { name: `${member}-${this.linkedId.replace(/\W/g, "")}x${++this.n}`, uid: `${this.linkedId}.${this.n}`, state: 'Down', callerNum: this.caller.callerNum, exten: 's' };
      this.legs.set(member, leg);
      this.emit('Newchannel', this.fields(leg));
      leg.state = 'Ringing';
      this.emit('Newstate', this.fields(leg));
    }
    return leg;
  }

  private agent(event: string, queue: string, member: string, extra: Record<string, string> = {}): this {
    const leg = this.leg(member);
    return this.emit(event, { ...this.fields(this.caller), ...this.fields(leg, 'Dest'), Queue: queue, Interface: member, MemberName: member, ...extra });
  }

  ring(queue: string, ...members: string[]): this {
    for (const m of members) this.agent('AgentCalled', queue, m);
    return this;
  }

  noAnswer(queue: string, member: string, ringSec: number): this {
    this.agent('AgentRingNoAnswer', queue, member, { RingTime: String(ringSec * 1000) });
    return this.hangLeg(member, 19);
  }

  /** A call put straight through to one phone (no queue), answered there. */
  direct(member: string): this {
    const leg = this.leg(member);
    leg.state = 'Up';
    return this.emit('Newstate', this.fields(leg));
  }

  /** The member answers; every other ringing member's leg is cancelled. */
  answer(queue: string, member: string, holdSec: number, ringSec: number): this {
    const leg = this.leg(member);
    leg.state = 'Up';
    this.emit('Newstate', this.fields(leg));
    this.emit('QueueCallerLeave', { ...this.fields(this.caller), Queue: queue, Position: '1', Count: '0' });
    this.agent('AgentConnect', queue, member, { HoldTime: String(holdSec), RingTime: String(ringSec) });
    for (const [m, other] of this.legs) if (m !== member && other.state !== 'gone') this.hangLeg(m, 26);
    return this;
  }

  complete(queue: string, member: string, holdSec: number, talkSec: number, reason: 'caller' | 'agent' | 'transfer'): this {
    return this.agent('AgentComplete', queue, member, { HoldTime: String(holdSec), TalkTime: String(talkSec), Reason: reason });
  }

  transfer(member: string, exten: string): this {
    const leg = this.leg(member);
    this.emit('BlindTransfer', { Result: 'Success', ...this.fields(this.caller, 'Transferee'), ...this.fields(leg, 'Transferer'), Extension: exten, Context: 'from-operators' });
    return this.hangLeg(member, 16);
  }

  hold(held: boolean): this {
    return this.emit(held ? 'Hold' : 'Unhold', this.fields(this.caller));
  }

  abandon(queue: string, holdSec: number): this {
    this.emit('QueueCallerAbandon', { ...this.fields(this.caller), Queue: queue, Position: '1', OriginalPosition: '1', HoldTime: String(holdSec) });
    this.emit('QueueCallerLeave', { ...this.fields(this.caller), Queue: queue, Position: '1', Count: '0' });
    for (const [m, other] of this.legs) if (other.state !== 'gone') this.hangLeg(m, 26);
    return this;
  }

  busy(): this {
    this.emit('Newchannel', this.fields(this.caller));
    this.emit('Newexten', { ...this.fields(this.caller), Extension: this.caller.exten, Priority: '3', Application: 'Hangup', AppData: '17' });
    return this.emit('Hangup', { ...this.fields(this.caller), Cause: '17', 'Cause-txt': 'User busy' });
  }

  hangLeg(member: string, cause = 16): this {
    const leg = this.legs.get(member);
    if (!leg || leg.state === 'gone') return this;
    this.emit('Hangup', { ...this.fields(leg), Cause: String(cause), 'Cause-txt': 'Normal Clearing' });
    leg.state = 'gone';
    return this;
  }

  hangup(): this {
    this.emit('Hangup', { ...this.fields(this.caller), Cause: '16', 'Cause-txt': 'Normal Clearing' });
    for (const m of this.legs.keys()) this.hangLeg(m);
    return this;
  }
}

export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
