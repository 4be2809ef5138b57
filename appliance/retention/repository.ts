import type { Db } from '../core/db.js';
import type { ActiveHolds, ExpiredItem, HoldScope } from './types.js';

export type PolicySource = 'default' | 'config' | 'admin' | 'cli';

export interface PolicyRow {
  class: string;
  days: number | null;
  source: PolicySource;
  updatedAt: string;
  updatedBy: number | null;
}

export interface LegalHold {
  id: number;
  scope: HoldScope;
  targetId: string;
  reason: string;
  createdAt: string;
  createdBy: number | null;
  releasedAt: string | null;
  releasedBy: number | null;
}

export interface JournalEntry {
  id: number;
  runId: string;
  class: string;
  policyDays: number;
  asOf: string;
  cutoff: string;
  trigger: string;
  actor: string;
  status: 'running' | 'finished' | 'interrupted' | 'failed';
  items: number;
  bytes: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

interface HoldRow {
  id: number;
  scope: HoldScope;
  target_id: string;
  reason: string;
  created_at: string;
  created_by: number | null;
  released_at: string | null;
  released_by: number | null;
}

const holdOf = (r: HoldRow): LegalHold => ({
  id: r.id,
  scope: r.scope,
  targetId: r.target_id,
  reason: r.reason,
  createdAt: r.created_at,
  createdBy: r.created_by,
  releasedAt: r.released_at,
  releasedBy: r.released_by,
});

const JOURNAL_COLUMNS = `id, run_id AS runId, class, policy_days AS policyDays, as_of AS asOf, cutoff, trigger, actor, status,
  items, bytes, started_at AS startedAt, finished_at AS finishedAt, error`;

/** All of retention's own SQL: policies, legal holds, the deletion journal and pending marks. */
export class RetentionRepository {
  private readonly s;
  constructor(readonly db: Db) {
    this.s = {
      policies: db.prepare('SELECT class, days, source, updated_at AS updatedAt, updated_by AS updatedBy FROM retention_policies ORDER BY class'),
      seedPolicy: db.prepare("INSERT OR IGNORE INTO retention_policies (class, days, source, updated_at, updated_by) VALUES (?, ?, ?, ?, NULL)"),
      setPolicy: db.prepare(
        'INSERT INTO retention_policies (class, days, source, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT(class) DO UPDATE SET days = excluded.days, source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by',
      ),
      activeHolds: db.prepare('SELECT scope, target_id FROM legal_holds WHERE released_at IS NULL'),
      listHolds: db.prepare('SELECT * FROM legal_holds WHERE (? = 1 OR released_at IS NULL) ORDER BY id DESC LIMIT ?'),
      holdById: db.prepare('SELECT * FROM legal_holds WHERE id = ?'),
      activeHold: db.prepare('SELECT * FROM legal_holds WHERE scope = ? AND target_id = ? AND released_at IS NULL'),
      insertHold: db.prepare('INSERT INTO legal_holds (scope, target_id, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)'),
      releaseHold: db.prepare('UPDATE legal_holds SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL'),
      startJournal: db.prepare(
        `INSERT INTO retention_journal (run_id, class, policy_days, as_of, cutoff, trigger, actor, status, started_at, heartbeat_at, pid, host)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
      ),
      addToJournal: db.prepare('UPDATE retention_journal SET items = items + ?, bytes = bytes + ?, heartbeat_at = ? WHERE id = ?'),
      finishJournal: db.prepare('UPDATE retention_journal SET status = ?, finished_at = ?, error = ? WHERE id = ?'),
      running: db.prepare("SELECT id, run_id AS runId, pid, host, heartbeat_at AS heartbeatAt FROM retention_journal WHERE status = 'running'"),
      journal: db.prepare(`SELECT ${JOURNAL_COLUMNS} FROM retention_journal ORDER BY id DESC LIMIT ?`),
      mark: db.prepare('INSERT OR IGNORE INTO retention_pending (class, item_id, journal_id, bytes, files) VALUES (?, ?, ?, ?, ?)'),
      unmark: db.prepare('DELETE FROM retention_pending WHERE class = ? AND item_id = ?'),
      pending: db.prepare('SELECT item_id AS id, journal_id AS journalId, bytes, files FROM retention_pending WHERE class = ? ORDER BY rowid LIMIT ?'),
      pendingClasses: db.prepare('SELECT DISTINCT class FROM retention_pending'),
    };
  }

  policies(): PolicyRow[] {
    return this.s.policies.all() as PolicyRow[];
  }

  /** Inserts a policy only for classes that have none yet (first start, or a class added later). */
  seedPolicies(entries: { class: string; days: number | null; source: PolicySource }[], at: string): void {
    this.db.transaction(() => {
      for (const e of entries) this.s.seedPolicy.run(e.class, e.days, e.source, at);
    })();
  }

  setPolicy(cls: string, days: number | null, source: PolicySource, at: string, by: number | null): void {
    this.s.setPolicy.run(cls, days, source, at, by);
  }

  activeHolds(): ActiveHolds {
    const holds: ActiveHolds = { contact: [], call: [], mail_thread: [], chat: [] };
    for (const r of this.s.activeHolds.all() as { scope: keyof ActiveHolds; target_id: string }[]) holds[r.scope].push(r.target_id);
    return holds;
  }

  holds(includeReleased: boolean, limit: number): LegalHold[] {
    return (this.s.listHolds.all(includeReleased ? 1 : 0, limit) as HoldRow[]).map(holdOf);
  }

  hold(id: number): LegalHold | null {
    const row = this.s.holdById.get(id) as HoldRow | undefined;
    return row ? holdOf(row) : null;
  }

  activeHold(scope: HoldScope, targetId: string): LegalHold | null {
    const row = this.s.activeHold.get(scope, targetId) as HoldRow | undefined;
    return row ? holdOf(row) : null;
  }

  insertHold(scope: HoldScope, targetId: string, reason: string, at: string, by: number | null): number {
    return Number(this.s.insertHold.run(scope, targetId, reason, at, by).lastInsertRowid);
  }

  releaseHold(id: number, at: string, by: number | null): boolean {
    return this.s.releaseHold.run(at, by, id).changes === 1;
  }

  startJournal(e: { runId: string; class: string; policyDays: number; asOf: string; cutoff: string; trigger: string; actor: string; at: string; pid: number; host: string }): number {
    return Number(
      this.s.startJournal.run(e.runId, e.class, e.policyDays, e.asOf, e.cutoff, e.trigger, e.actor, e.at, e.at, e.pid, e.host).lastInsertRowid,
    );
  }

  finishJournal(id: number, status: JournalEntry['status'], at: string, error: string | null = null): void {
    this.s.finishJournal.run(status, at, error, id);
  }

  heartbeat(id: number, at: string): void {
    this.s.addToJournal.run(0, 0, at, id);
  }

  runningEntries(): { id: number; runId: string; pid: number; host: string; heartbeatAt: string }[] {
    return this.s.running.all() as { id: number; runId: string; pid: number; host: string; heartbeatAt: string }[];
  }

  journal(limit: number): JournalEntry[] {
    return this.s.journal.all(limit) as JournalEntry[];
  }

  /** Marks items as being deleted, in one transaction, before any of their files is touched. */
  mark(cls: string, journalId: number, items: readonly ExpiredItem[]): void {
    this.db.transaction(() => {
      for (const item of items) this.s.mark.run(cls, item.id, journalId, item.bytes, JSON.stringify(item.files));
    })();
  }

  /** After the items are deleted: unmarks them and counts them in their journal entry, atomically. */
  settle(cls: string, journalId: number, items: readonly ExpiredItem[], at: string): void {
    this.db.transaction(() => {
      let bytes = 0;
      for (const item of items) {
        this.s.unmark.run(cls, item.id);
        bytes += item.bytes;
      }
      this.s.addToJournal.run(items.length, bytes, at, journalId);
    })();
  }

  /** Marked items of a class left by a run that stopped half-way. */
  pending(cls: string, limit: number): { journalId: number; item: ExpiredItem }[] {
    return (this.s.pending.all(cls, limit) as { id: string; journalId: number; bytes: number; files: string }[]).map((r) => ({
      journalId: r.journalId,
      item: { id: r.id, bytes: r.bytes, files: JSON.parse(r.files) as string[] },
    }));
  }

  pendingClasses(): string[] {
    return (this.s.pendingClasses.all() as { class: string }[]).map((r) => r.class);
  }
}
