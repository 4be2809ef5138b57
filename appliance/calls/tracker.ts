import type { ChannelRef, TelephonyEvent } from '../telephony/port.js';
import { closeMissingLegs, foldCall, moveLeg, newCall, summarize, type CallState, type CallSummary, type Effect, type FoldContext } from './machine.js';
import type { CallsRepository } from './repository.js';

/** What the tracker tells the rest of the app after its writes are stored. */
export interface TrackerNotifier {
  /** A call row changed (published live and on the bus after the batch is stored). */
  changed(callId: number, call: CallState, summary: CallSummary): void;
  dialogOpened(dialogId: string, operatorId: number | null, at: string): void;
  dialogClosed(dialogId: string, at: string): void;
  /** After a reconnect: the call dialogs open now (licensing replaces its count with it). */
  dialogSnapshot(dialogs: Array<{ dialogId: string; operatorId: number | null; at: string }>): void;
  ended(callId: number, call: CallState, summary: CallSummary, contactId: number | null): void;
  /** Customer number → contact id, or null. */
  contactOf(call: CallState, summary: CallSummary): number | null;
}

interface Live {
  id: number;
  call: CallState;
  dialogOpen: boolean;
  contactId: number | null;
}

const ENDED_MEMORY = 5000;

/**
 * Follows every call Asterisk reports: routes each event to its call by Linkedid, folds it
 * with the pure state machine, and stores the changed calls in one transaction per batch
 * (one per socket read, scheduled with setImmediate) so a burst of events costs few writes.
 * After a reconnect, `reconcile` compares the calls in progress with Asterisk's channel list.
 */
export class CallTracker {
  private readonly live = new Map<string, Live>();
  private readonly legOwner = new Map<string, string>();
  /** Linkedids of calls already ended, so a late event does not start a second record. */
  private readonly ended = new Set<string>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private linkDownAt: Date | null = null;

  constructor(
    private readonly repo: CallsRepository,
    private readonly ctx: FoldContext,
    private readonly notify: TrackerNotifier,
    private readonly now: () => Date,
    private readonly schedule: (fn: () => void) => void = setImmediate,
  ) {}

  get liveCount(): number {
    return this.live.size;
  }

  handle(event: TelephonyEvent): void {
    switch (event.type) {
      case 'link.down':
        this.linkDownAt = event.at;
        return;
      case 'link.up':
      case 'originate.result':
      case 'queue.member.paused':
        return;
      default:
        break;
    }
    const channels: ChannelRef[] =
      event.type === 'dial.begin' || event.type === 'dial.end' ? (event.channel ? [event.dest, event.channel] : [event.dest]) : [event.channel];
    const seen = new Set<string>();
    for (const ch of channels) {
      if (seen.has(ch.linkedId)) continue;
      seen.add(ch.linkedId);
      this.adoptMovedLeg(ch);
      const live = this.liveFor(ch.linkedId, event.at);
      if (!live) continue;
      const { call, effects } = foldCall(live.call, event, this.ctx);
      live.call = call;
      this.apply(live, effects);
    }
    this.scheduleFlush();
  }

  /** After a reconnect: close what Asterisk no longer has, pick up what it has that we missed. */
  reconcile(channels: ReadonlyArray<ChannelRef & { durationSec: number | null }>): void {
    const at = this.linkDownAt ?? this.now();
    const alive = new Set(channels.map((c) => c.uniqueId));
    // Calls an earlier run of the appliance left in progress are judged the same way.
    for (const linkedId of this.repo.openLinkedIds()) this.liveFor(linkedId, at);
    for (const live of [...this.live.values()]) {
      const { call, effects } = closeMissingLegs(live.call, alive, at);
      live.call = call;
      this.apply(live, effects);
    }
    const now = this.now();
    for (const ch of channels) {
      if (this.legOwner.get(ch.uniqueId) === ch.linkedId) continue;
      const created = ch.durationSec === null ? now : new Date(now.getTime() - ch.durationSec * 1000);
      this.handle({ type: 'channel.created', at: created, channel: ch });
      if (ch.state === 'up') this.handle({ type: 'channel.state', at: now, channel: ch });
    }
    this.linkDownAt = null;
    this.flush();
    const dialogs = [...this.live.values()]
      .filter((l) => l.dialogOpen)
      .map((l) => {
        const op = l.call.legs.find((leg) => leg.role === 'operator' && leg.upAt && !leg.endedAt);
        return { dialogId: `call-${l.call.linkedId}`, operatorId: op?.operatorId ?? null, at: op?.upAt ?? l.call.startedAt };
      });
    this.notify.dialogSnapshot(dialogs);
  }

  private adoptMovedLeg(ch: ChannelRef): void {
    const owner = this.legOwner.get(ch.uniqueId);
    if (owner === undefined || owner === ch.linkedId) return;
    const from = this.live.get(owner);
    const into = this.liveFor(ch.linkedId, new Date(from?.call.startedAt ?? this.now()));
    if (!from || !into) return;
    const moved = moveLeg(from.call, into.call, ch.uniqueId);
    from.call = moved.from;
    into.call = moved.into;
    this.legOwner.set(ch.uniqueId, ch.linkedId);
    if (from.dialogOpen && !into.dialogOpen) {
      into.dialogOpen = true;
      this.notify.dialogOpened(`call-${into.call.linkedId}`, moved.into.legs.find((l) => l.operatorId !== null)?.operatorId ?? null, this.now().toISOString());
    }
    this.dirty.add(into.call.linkedId);
    if (from.call.legs.length === 0) {
      // The leg was only ever part of the other call: its provisional record goes away.
      if (from.dialogOpen) this.notify.dialogClosed(`call-${from.call.linkedId}`, this.now().toISOString());
      this.live.delete(owner);
      this.dirty.delete(owner);
      this.repo.delete(from.id);
    } else this.dirty.add(owner);
  }

  private liveFor(linkedId: string, at: Date): Live | null {
    const existing = this.live.get(linkedId);
    if (existing) return existing;
    if (this.ended.has(linkedId)) return null;
    const startedAt = at.toISOString();
    const { id, ended } = this.repo.ensure(linkedId, startedAt, this.now().toISOString());
    if (ended) {
      this.rememberEnded(linkedId);
      return null;
    }
    const live: Live = { id, call: newCall(linkedId, at), dialogOpen: false, contactId: null };
    // A row already there (stored by an earlier run of the appliance) carries the call so far.
    const stored = this.repo.get(id);
    if (stored && stored.legs.length > 0) {
      live.call = { ...live.call, startedAt: stored.startedAt, legs: stored.legs, queue: stored.queue, stints: stored.stints };
      live.contactId = stored.contactId;
      const operatorUp = stored.legs.find((l) => l.role === 'operator' && l.upAt && !l.endedAt);
      if (operatorUp) {
        live.dialogOpen = true;
        this.notify.dialogOpened(`call-${linkedId}`, operatorUp.operatorId, operatorUp.upAt!);
      }
    }
    this.live.set(linkedId, live);
    for (const leg of live.call.legs) this.legOwner.set(leg.uniqueId, linkedId);
    return live;
  }

  private apply(live: Live, effects: Effect[]): void {
    for (const e of effects) {
      if (e.type === 'changed') this.dirty.add(live.call.linkedId);
      else if (e.type === 'operator.up' && !live.dialogOpen) {
        live.dialogOpen = true;
        this.notify.dialogOpened(`call-${live.call.linkedId}`, e.operatorId, e.at);
      } else if (e.type === 'ended') {
        this.dirty.add(live.call.linkedId);
        if (live.dialogOpen) this.notify.dialogClosed(`call-${live.call.linkedId}`, e.at);
        live.dialogOpen = false;
      }
    }
    for (const leg of live.call.legs) this.legOwner.set(leg.uniqueId, live.call.linkedId);
  }

  private rememberEnded(linkedId: string): void {
    this.ended.add(linkedId);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.values().next().value!);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => this.flush());
  }

  /** Stores every changed call in one transaction, then notifies. */
  flush(): void {
    this.flushScheduled = false;
    if (this.dirty.size === 0) return;
    const items: Array<{ live: Live; summary: CallSummary }> = [];
    for (const linkedId of this.dirty) {
      const live = this.live.get(linkedId);
      if (!live) continue;
      const summary = summarize(live.call);
      if (live.contactId === null) live.contactId = this.notify.contactOf(live.call, summary);
      items.push({ live, summary });
    }
    this.dirty.clear();
    this.repo.saveMany(
      items.map(({ live, summary }) => ({ id: live.id, call: live.call, summary, contactId: live.contactId })),
      this.now().toISOString(),
    );
    for (const { live, summary } of items) {
      this.notify.changed(live.id, live.call, summary);
      if (live.call.endedAt) {
        this.live.delete(live.call.linkedId);
        for (const leg of live.call.legs) this.legOwner.delete(leg.uniqueId);
        this.rememberEnded(live.call.linkedId);
        this.notify.ended(live.id, live.call, summary, live.contactId);
      }
    }
  }
}
