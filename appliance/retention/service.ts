import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import { AppError } from '../core/errors.js';
import { RetentionRepository, type LegalHold, type PolicySource } from './repository.js';
import { type ClassStats, type RetentionClass, type SweepContext, type HoldScope, type Tally } from './types.js';
import { DEFAULT_POLICY_DAYS, cutoffFor, formatDays, isPolicyClass, policyConflict, seedEntries, type RetentionConfig } from './policies.js';
import './errors.js';
import { LegalHolds } from './holds.js';
import type { Reader } from './reader.js';
import { startCheckpointer } from '../core/checkpointer.js';
import { WRITE_CHUNK, yieldToLoop } from './classes/shared.js';

/** Classes are swept in this order: recordings before their calls, the audit log last. */
const SWEEP_ORDER = ['recordings', 'mail', 'chats', 'calls', 'audit'];

export interface ClassReport extends Tally {
  class: string;
  policyDays: number | null;
  /** False when no source of this class is installed yet (e.g. chats): nothing could be counted. */
  registered: boolean;
}

export interface RunReport {
  asOf: string;
  dryRun: boolean;
  runId: string | null;
  classes: ClassReport[];
  /** Items a previous, interrupted run had marked and this run finished deleting. */
  resumed: Tally;
}

export interface RunOptions {
  asOf?: Date;
  dryRun?: boolean;
  trigger?: 'schedule' | 'cli' | 'api' | 'test';
  /** Who started the run, for the journal: a user id, `cli` or `schedule`. */
  actor?: string;
  actorId?: number | null;
  /** Items per batch; each batch is one short transaction and the event loop is yielded between batches. */
  batchSize?: number;
}

export interface RetentionServiceDeps {
  db: Db;
  clock: Clock;
  dataDir: string;
  audit: AuditLog | null;
  /** Where whole-table counts run (a worker thread in the appliance); null: on this thread. */
  reader?: Reader | null;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * Marks and settles in short transactions with the event loop yielded between them. Splitting
 * is safe: a partly marked batch resumes as what was marked; each settled chunk counts itself.
 */
async function inChunks<T>(items: readonly T[], write: (chunk: readonly T[]) => void): Promise<void> {
  for (let i = 0; i < items.length; i += WRITE_CHUNK) {
    if (i > 0) await yieldToLoop();
    write(items.slice(i, i + WRITE_CHUNK));
  }
}

/**
 * The retention registry and engine: data classes register through one interface; policies,
 * previews, legal holds and the crash-safe sweep live here. Used by the appliance plugin and by
 * `contactbox retention`, which build it over the same database.
 */
export class RetentionService {
  readonly repo: RetentionRepository;
  readonly holds: LegalHolds;
  private readonly classes = new Map<string, RetentionClass>();
  private active: { startedAt: string } | null = null;
  private current: Promise<RunReport> | null = null;
  private stopping = false;
  private readonly pid = process.pid;
  private readonly host = hostname();

  constructor(private readonly deps: RetentionServiceDeps) {
    this.repo = new RetentionRepository(deps.db);
    this.holds = new LegalHolds(deps.db, deps.clock, deps.audit, this.repo);
  }

  register(cls: RetentionClass): void {
    if (this.classes.has(cls.name)) throw new TypeError(`retention class ${cls.name} is registered twice`);
    if (!/^[a-z][a-z0-9_-]*$/.test(cls.name)) throw new TypeError(`retention class name ${cls.name} is not a lowercase word`);
    this.classes.set(cls.name, cls);
  }

  registered(name: string): RetentionClass | undefined {
    return this.classes.get(name);
  }

  registeredClasses(): RetentionClass[] {
    return [...this.classes.values()];
  }

  /** Policy classes first (in sweep order), then any other registered class. */
  classNames(): string[] {
    const extra = [...this.classes.keys()].filter((n) => !SWEEP_ORDER.includes(n)).sort();
    return [...SWEEP_ORDER, ...extra];
  }

  seedPolicies(config: RetentionConfig): void {
    this.repo.seedPolicies(seedEntries(config), this.deps.clock.now().toISOString());
  }

  /** Every class's period; a policy class with no row yet (a read-only database) has its default. */
  policyMap(): Map<string, number | null> {
    const map = new Map<string, number | null>(Object.entries(DEFAULT_POLICY_DAYS));
    for (const p of this.repo.policies()) map.set(p.class, p.days);
    return map;
  }

  policies() {
    const rows = new Map(this.repo.policies().map((p) => [p.class, p]));
    return this.classNames().map((name) => {
      const row = rows.get(name);
      const cls = this.classes.get(name);
      return {
        class: name,
        days: row?.days ?? null,
        registered: Boolean(cls),
        describe: cls?.describe ?? null,
        source: row?.source ?? ('default' as PolicySource),
        updatedAt: row?.updatedAt ?? null,
        updatedBy: row?.updatedBy ?? null,
      };
    });
  }

  private checkClass(name: string): void {
    if (!isPolicyClass(name) && !this.classes.has(name)) {
      throw new AppError('RETENTION_UNKNOWN_CLASS', { class: name, known: this.classNames().join(', ') });
    }
  }

  /** Refuses a set of policies that would keep recordings longer than their calls. */
  private checkConflict(name: string, days: number | null): void {
    // Only a change to one of the pair is checked: a conflict seeded from the config (calls then
    // wait for their recordings) must not block changing another class.
    if (name !== 'recordings' && name !== 'calls') return;
    const next = this.policyMap();
    next.set(name, days);
    const conflict = policyConflict(next);
    if (conflict) throw new AppError('RETENTION_POLICY_CONFLICT', { recordings: formatDays(conflict.recordings), calls: formatDays(conflict.calls) });
  }

  private previewInput(name: string, days: number | null) {
    this.checkClass(name);
    this.checkConflict(name, days);
    const policies = this.policyMap();
    const currentPolicyDays = policies.get(name) ?? null;
    policies.set(name, days);
    return { policies, currentPolicyDays };
  }

  /** What a policy of `days` would delete as of `asOf` (default now), without changing anything; counted on this thread. */
  preview(name: string, days: number | null, asOf: Date = this.deps.clock.now()) {
    const { policies, currentPolicyDays } = this.previewInput(name, days);
    return { class: name, policyDays: days, currentPolicyDays, asOf: asOf.toISOString(), registered: this.classes.has(name), ...this.count(name, policies, asOf) };
  }

  /** The same, counted on the reader thread when there is one (API requests). */
  async previewAsync(name: string, days: number | null, asOf: Date = this.deps.clock.now()) {
    const { policies, currentPolicyDays } = this.previewInput(name, days);
    return { class: name, policyDays: days, currentPolicyDays, asOf: asOf.toISOString(), registered: this.classes.has(name), ...(await this.countAsync(name, policies, asOf)) };
  }

  /** Saves a policy (after the caller has shown its preview); refused when it conflicts. */
  setPolicy(name: string, days: number | null, by: { source: PolicySource; actorId: number | null }): { class: string; policyDays: number | null; currentPolicyDays: number | null } {
    const { currentPolicyDays } = this.previewInput(name, days);
    this.deps.db.transaction(() => {
      this.repo.setPolicy(name, days, by.source, this.deps.clock.now().toISOString(), by.actorId);
      this.deps.audit?.record({
        actorId: by.actorId,
        action: 'retention.policy_set',
        targetType: 'retention_class',
        targetId: name,
        details: { from: currentPolicyDays, to: days, source: by.source },
      });
    })();
    return { class: name, policyDays: days, currentPolicyDays };
  }

  /** Every registered class's size and growth since `since`, read on the reader thread when there is one. */
  async statsAll(since: string): Promise<Map<string, ClassStats>> {
    const out = new Map<string, ClassStats>();
    for (const cls of this.classes.values()) {
      const reader = this.deps.reader;
      out.set(cls.name, reader && cls.queries ? await reader.get<ClassStats>(cls.queries.stats(since)) : cls.stats(since));
    }
    return out;
  }

  private async countAsync(name: string, policies: Map<string, number | null>, asOf: Date): Promise<Tally> {
    const cls = this.classes.get(name);
    const ctx = this.context(name, policies, asOf);
    if (!cls || !ctx) return { items: 0, bytes: 0 };
    const reader = this.deps.reader;
    return reader && cls.queries ? reader.get<Tally>(cls.queries.count(ctx)) : cls.countExpired(ctx);
  }

  private context(name: string, policies: Map<string, number | null>, asOf: Date): SweepContext | null {
    const days = policies.get(name) ?? null;
    if (days === null) return null;
    return {
      cutoff: cutoffFor(asOf, days),
      holds: this.repo.activeHolds(),
      cutoffOf: (other) => {
        const d = policies.get(other) ?? null;
        return d === null ? null : cutoffFor(asOf, d);
      },
    };
  }

  private count(name: string, policies: Map<string, number | null>, asOf: Date): Tally {
    const cls = this.classes.get(name);
    const ctx = this.context(name, policies, asOf);
    if (!cls || !ctx) return { items: 0, bytes: 0 };
    return cls.countExpired(ctx);
  }

  /** Asks a run in progress to stop after its current batch (the app is closing) and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.current?.catch(() => undefined);
  }

  get running(): boolean {
    return this.active !== null;
  }

  async run(options: RunOptions = {}): Promise<RunReport> {
    const now = this.deps.clock.now();
    const asOf = options.asOf ?? now;
    const dryRun = options.dryRun ?? false;
    if (!dryRun && asOf.getTime() > now.getTime()) throw new AppError('RETENTION_AS_OF_IN_FUTURE', { asOf: asOf.toISOString() });
    const policies = this.policyMap();
    if (dryRun) {
      const classes: ClassReport[] = [];
      for (const name of this.classNames()) classes.push(this.reportLine(name, policies, await this.countAsync(name, policies, asOf)));
      return { asOf: asOf.toISOString(), dryRun: true, runId: null, classes, resumed: { items: 0, bytes: 0 } };
    }
    this.claim();
    const checkpointer = startCheckpointer(this.deps.db);
    try {
      this.current = this.sweepAll(asOf, policies, options);
      return await this.current;
    } finally {
      this.active = null;
      this.current = null;
      await checkpointer?.stop();
    }
  }

  private reportLine(name: string, policies: Map<string, number | null>, tally: Tally): ClassReport {
    return { class: name, policyDays: policies.get(name) ?? null, registered: this.classes.has(name), items: tally.items, bytes: tally.bytes };
  }

  /** One run at a time: in this process, and across processes (the appliance and the CLI) through the journal. */
  private claim(): void {
    if (this.active) throw new AppError('RETENTION_RUN_IN_PROGRESS', { startedAt: this.active.startedAt });
    const staleBefore = this.deps.clock.now().getTime() - 10 * 60_000;
    for (const entry of this.repo.runningEntries()) {
      const alive =
        entry.host === this.host
          ? entry.pid !== this.pid && processAlive(entry.pid)
          : new Date(entry.heartbeatAt).getTime() > staleBefore;
      if (alive) throw new AppError('RETENTION_RUN_IN_PROGRESS', { startedAt: entry.heartbeatAt });
    }
    this.active = { startedAt: this.deps.clock.now().toISOString() };
    this.stopping = false;
  }

  private async sweepAll(asOf: Date, policies: Map<string, number | null>, options: RunOptions): Promise<RunReport> {
    const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, 5000));
    const resumed = await this.resume(batchSize);
    const runId = randomUUID();
    const classes: ClassReport[] = [];
    for (const name of this.classNames()) {
      const cls = this.classes.get(name);
      const days = policies.get(name) ?? null;
      if (!cls || days === null || this.stopping) {
        classes.push(this.reportLine(name, policies, { items: 0, bytes: 0 }));
        continue;
      }
      const tally = await this.sweepClass(cls, days, asOf, policies, { ...options, batchSize, runId });
      classes.push(this.reportLine(name, policies, tally));
    }
    const deleted = Object.fromEntries(classes.filter((c) => c.items > 0).map((c) => [c.class, c.items]));
    if (Object.keys(deleted).length > 0 || resumed.items > 0) {
      this.deps.audit?.record({ actorId: options.actorId ?? null, action: 'retention.run', targetType: 'retention_run', targetId: runId, details: { asOf: asOf.toISOString(), deleted, resumed: resumed.items } });
    }
    return { asOf: asOf.toISOString(), dryRun: false, runId, classes, resumed };
  }

  private async sweepClass(
    cls: RetentionClass,
    days: number,
    asOf: Date,
    policies: Map<string, number | null>,
    options: RunOptions & { batchSize: number; runId: string },
  ): Promise<Tally> {
    const { repo, clock } = { repo: this.repo, clock: this.deps.clock };
    const journalId = repo.startJournal({
      runId: options.runId,
      class: cls.name,
      policyDays: days,
      asOf: asOf.toISOString(),
      cutoff: cutoffFor(asOf, days),
      trigger: options.trigger ?? 'cli',
      actor: options.actor ?? options.trigger ?? 'cli',
      at: clock.now().toISOString(),
      pid: this.pid,
      host: this.host,
    });
    const tally = { items: 0, bytes: 0 };
    let previousFirst: string | null = null;
    let cursor: string | null = null;
    try {
      for (;;) {
        if (this.stopping) {
          repo.finishJournal(journalId, 'interrupted', clock.now().toISOString(), 'stopped: the appliance is shutting down');
          return tally;
        }
        // Holds are read again for every batch: a hold placed during a long sweep protects at once.
        const ctx = this.context(cls.name, policies, asOf)!;
        const items = cls.selectExpired(ctx, Math.min(options.batchSize, cls.maxBatch ?? Infinity), cursor);
        if (items.length === 0) break;
        if (items[0]!.id === previousFirst) throw new Error(`class ${cls.name} did not delete item ${previousFirst}`);
        previousFirst = items[0]!.id;
        cursor = items[items.length - 1]!.cursor ?? null;
        await inChunks(items, (chunk) => repo.mark(cls.name, journalId, chunk));
        await cls.deleteItems(items);
        await inChunks(items, (chunk) => repo.settle(cls.name, journalId, chunk, clock.now().toISOString()));
        tally.items += items.length;
        for (const item of items) tally.bytes += item.bytes;
        await yieldToLoop();
      }
      repo.finishJournal(journalId, 'finished', clock.now().toISOString());
      if (tally.items > 0) this.deps.log?.info({ class: cls.name, ...tally }, 'retention: expired data deleted');
      return tally;
    } catch (err) {
      repo.finishJournal(journalId, 'failed', clock.now().toISOString(), (err as Error).message.slice(0, 500));
      throw err;
    }
  }

  /** Finishes what an interrupted run had marked: files (already gone is fine), then rows. */
  private async resume(batchSize: number): Promise<Tally> {
    const tally = { items: 0, bytes: 0 };
    for (const name of this.repo.pendingClasses()) {
      const cls = this.classes.get(name);
      if (!cls) {
        this.deps.log?.warn({ class: name }, 'retention: marked items of a class with no registered source are left for later');
        continue;
      }
      for (;;) {
        const batch = this.repo.pending(name, Math.min(batchSize, cls.maxBatch ?? Infinity));
        if (batch.length === 0) break;
        const byJournal = new Map<number, typeof batch>();
        for (const p of batch) byJournal.set(p.journalId, [...(byJournal.get(p.journalId) ?? []), p]);
        await cls.deleteItems(batch.map((p) => p.item));
        for (const [journalId, entries] of byJournal) {
          await inChunks(entries.map((e) => e.item), (chunk) => this.repo.settle(name, journalId, chunk, this.deps.clock.now().toISOString()));
        }
        tally.items += batch.length;
        for (const p of batch) tally.bytes += p.item.bytes;
        await yieldToLoop();
      }
    }
    const at = this.deps.clock.now().toISOString();
    for (const entry of this.repo.runningEntries()) this.repo.finishJournal(entry.id, 'interrupted', at, 'the run stopped before it finished; completed by a later run');
    return tally;
  }

  // Legal holds live in holds.ts; these keep one entry point for callers.
  placeHold(scope: HoldScope, targetId: string, reason: string, actorId: number | null): LegalHold {
    return this.holds.place(scope, targetId, reason, actorId);
  }

  releaseHold(id: number, actorId: number | null): LegalHold {
    return this.holds.release(id, actorId);
  }

  followMerge(keptId: number, mergedId: number): void {
    this.holds.followMerge(keptId, mergedId);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

