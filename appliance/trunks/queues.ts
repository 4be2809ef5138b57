import type { Db } from '../core/db.js';
import { defaultQueue, type QueueSpec } from '../../installer/provisioning/model.js';

/**
 * Asterisk's queues as the console edits them. They are part of the provisioning settings the
 * installer saves (settings row `asterisk.provisioning`: `queues`, and `operatorQueues` — the
 * queues every operator and intern is a static member of); this keeps every other field of that
 * row as it is. Rendering and applying them is provisioning's (the same apply as trunks).
 */
export const PROVISIONING_KEY = 'asterisk.provisioning';

export interface QueueView extends QueueSpec {
  /** Every operator and intern is a static member (the other members come from teams: `team-<name>`). */
  everyOperator: boolean;
}

export interface QueueState {
  queues: QueueSpec[];
  operatorQueues: string[];
}

export class QueueSettings {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      get: db.prepare('SELECT value FROM settings WHERE key = ?'),
      put: db.prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ),
    };
  }

  private raw(): Record<string, unknown> {
    const row = this.q.get.get(PROVISIONING_KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as Record<string, unknown>) : {};
  }

  read(): QueueState {
    const r = this.raw();
    return {
      queues: (r.queues as QueueSpec[] | undefined) ?? [defaultQueue('support')],
      operatorQueues: (r.operatorQueues as string[] | undefined) ?? ['support'],
    };
  }

  write(state: QueueState, now: Date): void {
    this.q.put.run(PROVISIONING_KEY, JSON.stringify({ ...this.raw(), queues: state.queues, operatorQueues: state.operatorQueues }), now.toISOString());
  }

  views(): QueueView[] {
    const s = this.read();
    return s.queues.map((q) => ({ ...q, memberIds: q.memberIds ?? [], everyOperator: s.operatorQueues.includes(q.name) }));
  }
}
