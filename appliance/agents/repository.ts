import type { Db } from '../core/db.js';
import type { AgentState } from './machine.js';

export interface PauseReason {
  id: number;
  name: string;
  active: boolean;
}

export interface TimelineEntry {
  state: string;
  reason: string | null;
  queue: string | null;
  startedAt: string;
  endedAt: string | null;
}

interface SessionRow {
  user_id: number;
  interface: string;
  queues: string;
  state: AgentState['state'];
  reason: string | null;
  queue: string | null;
  since: string;
  wrapup_until: string | null;
}

/** All SQL of agent states. */
export class AgentsRepository {
  constructor(private readonly db: Db) {}

  sessions(): Map<number, AgentState> {
    const rows = this.db.prepare('SELECT * FROM agent_sessions').all() as SessionRow[];
    return new Map(
      rows.map((r) => [
        r.user_id,
        { state: r.state, reason: r.reason, queue: r.queue, since: r.since, queues: JSON.parse(r.queues) as string[], interface: r.interface, wrapupUntil: r.wrapup_until },
      ]),
    );
  }

  /** Stores the new state and closes/opens the timeline in one transaction. */
  save(userId: number, prev: AgentState, next: AgentState, at: string): void {
    this.db.transaction(() => {
      if (next.state === 'offline') this.db.prepare('DELETE FROM agent_sessions WHERE user_id = ?').run(userId);
      else {
        this.db
          .prepare(
            `INSERT INTO agent_sessions (user_id, interface, queues, state, reason, queue, since, wrapup_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(user_id) DO UPDATE SET interface = excluded.interface, queues = excluded.queues, state = excluded.state,
               reason = excluded.reason, queue = excluded.queue, since = excluded.since, wrapup_until = excluded.wrapup_until`,
          )
          .run(userId, next.interface, JSON.stringify(next.queues), next.state, next.reason, next.queue, next.since, next.wrapupUntil);
      }
      if (prev.since !== next.since || prev.state !== next.state) {
        this.db.prepare('UPDATE agent_state_log SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL').run(at, userId);
        if (next.state !== 'offline') {
          this.db
            .prepare('INSERT INTO agent_state_log (user_id, state, reason, queue, started_at) VALUES (?, ?, ?, ?, ?)')
            .run(userId, next.state, next.reason, next.queue, next.since);
        }
      }
    })();
  }

  timeline(userId: number, from: string, to: string, limit: number): TimelineEntry[] {
    const rows = this.db
      .prepare(
        `SELECT state, reason, queue, started_at, ended_at FROM agent_state_log
         WHERE user_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at, id LIMIT ?`,
      )
      .all(userId, to, from, limit) as Array<{ state: string; reason: string | null; queue: string | null; started_at: string; ended_at: string | null }>;
    return rows.map((r) => ({ state: r.state, reason: r.reason, queue: r.queue, startedAt: r.started_at, endedAt: r.ended_at }));
  }

  reasons(includeInactive = false): PauseReason[] {
    const rows = this.db
      .prepare(`SELECT id, name, active FROM agent_pause_reasons ${includeInactive ? '' : 'WHERE active = 1'} ORDER BY name`)
      .all() as Array<{ id: number; name: string; active: number }>;
    return rows.map((r) => ({ id: r.id, name: r.name, active: r.active === 1 }));
  }

  addReason(name: string, at: string): PauseReason | null {
    const existing = this.db.prepare('SELECT id, active FROM agent_pause_reasons WHERE name = ?').get(name) as { id: number; active: number } | undefined;
    if (existing?.active === 1) return null;
    if (existing) {
      this.db.prepare('UPDATE agent_pause_reasons SET active = 1 WHERE id = ?').run(existing.id);
      return { id: existing.id, name, active: true };
    }
    const id = Number(this.db.prepare('INSERT INTO agent_pause_reasons (name, created_at) VALUES (?, ?)').run(name, at).lastInsertRowid);
    return { id, name, active: true };
  }

  /** Reasons are retired, not deleted: past pauses keep their name in the timeline and reports. */
  retireReason(id: number): boolean {
    return this.db.prepare('UPDATE agent_pause_reasons SET active = 0 WHERE id = ? AND active = 1').run(id).changes > 0;
  }

  queues(): Array<{ queue: string; wrapupSec: number }> {
    return (this.db.prepare('SELECT queue, wrapup_sec FROM agent_queues ORDER BY queue').all() as Array<{ queue: string; wrapup_sec: number }>).map((r) => ({
      queue: r.queue,
      wrapupSec: r.wrapup_sec,
    }));
  }

  putQueue(queue: string, wrapupSec: number, at: string): void {
    this.db
      .prepare('INSERT INTO agent_queues (queue, wrapup_sec, updated_at) VALUES (?, ?, ?) ON CONFLICT(queue) DO UPDATE SET wrapup_sec = excluded.wrapup_sec, updated_at = excluded.updated_at')
      .run(queue, wrapupSec, at);
  }

  removeQueue(queue: string): boolean {
    return this.db.prepare('DELETE FROM agent_queues WHERE queue = ?').run(queue).changes > 0;
  }
}
