import type { EventBus } from '../../appliance/core/events.js';
import type { QueueControlPort, QueueMember } from '../../appliance/licensing/queue-enforcer.js';

/**
 * A stand-in for an Asterisk queue, as licensing sees it through the telephony port: members
 * that can be paused (with a reason), callers that wait in order while no member is available
 * and are answered by the first available one. Each answer is its own event-loop turn, like
 * separate AMI events on the wire; an answer publishes 'dialog.opened' and a hang-up
 * 'dialog.closed', as the calls capability does.
 */
interface Member extends QueueMember {
  operatorId: number;
  caller: string | null;
}

export class FakeQueue implements QueueControlPort {
  readonly members: Member[];
  readonly waiting: string[] = [];
  readonly answered = new Map<string, number>();
  readonly pauseLog: string[] = [];
  private scheduled = false;

  constructor(
    private readonly bus: EventBus,
    private readonly now: () => Date,
    operators: { iface: string; operatorId: number }[],
    readonly queue = 'support',
  ) {
    this.members = operators.map((o) => ({ queue, interface: o.iface, paused: false, pausedReason: null, operatorId: o.operatorId, caller: null }));
  }

  async listQueueMembers(): Promise<QueueMember[]> {
    return this.members.map(({ queue, interface: iface, paused, pausedReason }) => ({ queue, interface: iface, paused, pausedReason }));
  }

  async queuePause(r: { queue: string; interface: string; paused: boolean; reason: string }): Promise<void> {
    const m = this.members.find((x) => x.queue === r.queue && x.interface === r.interface);
    if (!m) throw new Error(`no member ${r.interface} in ${r.queue}`);
    m.paused = r.paused;
    m.pausedReason = r.paused ? r.reason : null;
    this.pauseLog.push(`${r.paused ? 'pause' : 'unpause'} ${r.interface} (${r.reason})`);
    this.schedule();
  }

  /** An operator's own pause (a break), which licensing must never lift. */
  pauseByOperator(iface: string): void {
    const m = this.members.find((x) => x.interface === iface)!;
    m.paused = true;
    m.pausedReason = 'break';
  }

  arrive(caller: string): void {
    this.waiting.push(caller);
    this.schedule();
  }

  hangup(caller: string): void {
    const m = this.members.find((x) => x.caller === caller);
    if (!m) throw new Error(`${caller} is not connected`);
    m.caller = null;
    this.bus.publish('dialog.closed' as never, { dialogId: caller, at: this.now().toISOString() } as never);
    this.schedule();
  }

  connected(): string[] {
    return this.members.filter((m) => m.caller).map((m) => m.caller!);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.answerOne();
    });
  }

  private answerOne(): void {
    const caller = this.waiting[0];
    if (caller === undefined) return;
    const m = this.members.find((x) => !x.paused && x.caller === null);
    if (!m) return; // the caller keeps waiting (music and announcements in the real queue)
    this.waiting.shift();
    m.caller = caller;
    this.answered.set(caller, m.operatorId);
    this.bus.publish('dialog.opened' as never, { dialogId: caller, kind: 'call', operatorId: m.operatorId, at: this.now().toISOString() } as never);
    this.schedule();
  }
}
