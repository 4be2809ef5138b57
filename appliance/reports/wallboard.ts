import type { CallFact } from '../calls/events.js';
import type { AgentView } from '../agents/service.js';
import { BUCKET_SEC } from './counting.js';
import type { FigureRow } from './repository.js';
import type { ReportSettings } from './settings.js';

export interface WallboardDeps {
  now: () => Date;
  settings: () => ReportSettings;
  /** Today's figures per queue from the aggregates. */
  today: (dayStart: number, now: number) => FigureRow[];
  agents: () => Array<AgentView & { name: string }>;
  /** Pushes the new snapshot (throttled by the caller of `changed`). */
  publish: (snapshot: WallboardSnapshot) => void;
  /** Queues operators may log in to (shown even when quiet). */
  queues: () => string[];
}

export type WallboardSnapshot = ReturnType<Wallboard['snapshot']>;

const level = (value: number, amber: number, red: number, higherIsWorse = true) =>
  higherIsWorse ? (value >= red ? 'red' : value >= amber ? 'amber' : 'ok') : value <= red ? 'red' : value <= amber ? 'amber' : 'ok';

/**
 * The live wallboard: who waits in which queue right now (from each change of a call), today's
 * figures (from today's buckets, at most 96 rows a queue) and every agent's state. Each change
 * schedules one push a short moment later, so a burst of events costs one snapshot.
 */
export class Wallboard {
  private readonly waiting = new Map<number, { queue: string; since: string }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: WallboardDeps, private readonly delayMs = 50) {}

  onCall(fact: CallFact, ended: boolean): void {
    const last = fact.stints.at(-1);
    const wasWaiting = this.waiting.has(fact.callId);
    if (!ended && last && last.outcome === null && last.leftAt === null) this.waiting.set(fact.callId, { queue: last.queue, since: last.joinedAt });
    else this.waiting.delete(fact.callId);
    if (ended || wasWaiting || this.waiting.has(fact.callId)) this.changed();
  }

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.d.publish(this.snapshot());
    }, this.delayMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  snapshot() {
    const now = this.d.now();
    const settings = this.d.settings();
    const t = settings.wallboard;
    const dayStart = new Date(now);
    dayStart.setHours(0, 0, 0, 0);
    const nowSec = Math.floor(now.getTime() / 1000);
    const today = new Map(this.d.today(Math.floor(dayStart.getTime() / 1000 / BUCKET_SEC) * BUCKET_SEC, nowSec).map((r) => [r.key, r]));
    const agents = this.d.agents();
    const names = new Set<string>([...this.d.queues(), ...today.keys(), ...[...this.waiting.values()].map((w) => w.queue)]);
    for (const a of agents) for (const q of a.queues) names.add(q);
    const queues = [...names].sort().map((queue) => {
      const waits = [...this.waiting.values()].filter((w) => w.queue === queue).map((w) => w.since).sort();
      const oldest = waits[0] ?? null;
      const longestWaitSec = oldest ? Math.max(0, Math.round((now.getTime() - Date.parse(oldest)) / 1000)) : 0;
      const f = today.get(queue);
      const offered = f?.offered ?? 0;
      const answered = f?.answered ?? 0;
      const net = offered - (f?.shortAbandoned ?? 0);
      const serviceLevel = net > 0 ? Math.round(((f?.answeredInSl ?? 0) / net) * 1000) / 10 : null;
      const members = agents.filter((a) => a.queues.includes(queue));
      return {
        queue,
        waiting: waits.length,
        oldestWaitingSince: oldest,
        longestWaitSec,
        offered,
        answered,
        abandoned: f?.abandoned ?? 0,
        serviceLevel,
        agents: {
          available: members.filter((a) => a.state === 'available' && !a.dialog).length,
          onCall: members.filter((a) => a.dialog).length,
          paused: members.filter((a) => a.state === 'paused' && !a.dialog).length,
          wrapup: members.filter((a) => a.state === 'wrapup' && !a.dialog).length,
        },
        status: {
          waiting: level(waits.length, t.waitingAmber, t.waitingRed),
          longestWait: level(longestWaitSec, t.longestWaitAmberSec, t.longestWaitRedSec),
          serviceLevel: serviceLevel === null ? 'ok' : level(serviceLevel, t.serviceLevelAmber, t.serviceLevelRed, false),
        },
      };
    });
    return {
      at: now.toISOString(),
      queues,
      agents: agents.map((a) => ({ userId: a.userId, name: a.name, state: a.state, reason: a.reason, since: a.since, queues: a.queues, dialog: a.dialog })),
    };
  }
}
