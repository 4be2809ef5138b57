import type { Db, Migration } from '../core/db.js';
import type { DialogKind, OpenDialog } from './dialog-counter.js';

export const licensingMigrations: Migration[] = [
  {
    id: 'licensing/001_init',
    up: `
      CREATE TABLE licensing_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE licensing_open_dialogs (
        dialog_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('call','chat')),
        operator_id INTEGER,
        opened_at TEXT NOT NULL
      );
      CREATE TABLE licensing_usage_hourly (
        hour TEXT PRIMARY KEY,
        peak INTEGER NOT NULL,
        session_limit INTEGER NOT NULL,
        refused INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
];

export interface UsageHour {
  /** The hour's start, ISO (YYYY-MM-DDTHH:00:00.000Z). */
  hour: string;
  peak: number;
  sessionLimit: number;
  refused: number;
}

/** All of licensing's SQL; statements prepared once. */
export class LicensingRepository {
  private readonly getState;
  private readonly putState;
  private readonly insertDialog;
  private readonly deleteDialog;
  private readonly allDialogs;
  private readonly deleteKind;
  private readonly upsertPeak;
  private readonly addRefused;
  private readonly usageBetween;
  private readonly maxPeak;

  constructor(private readonly db: Db) {
    this.getState = db.prepare('SELECT value FROM licensing_state WHERE key = ?');
    this.putState = db.prepare('INSERT INTO licensing_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.insertDialog = db.prepare('INSERT OR IGNORE INTO licensing_open_dialogs (dialog_id, kind, operator_id, opened_at) VALUES (?, ?, ?, ?)');
    this.deleteDialog = db.prepare('DELETE FROM licensing_open_dialogs WHERE dialog_id = ?');
    this.allDialogs = db.prepare('SELECT dialog_id, kind, operator_id, opened_at FROM licensing_open_dialogs ORDER BY opened_at');
    this.deleteKind = db.prepare('DELETE FROM licensing_open_dialogs WHERE kind = ?');
    this.upsertPeak = db.prepare(`INSERT INTO licensing_usage_hourly (hour, peak, session_limit, refused) VALUES (?, ?, ?, 0)
      ON CONFLICT(hour) DO UPDATE SET peak = MAX(peak, excluded.peak), session_limit = excluded.session_limit`);
    this.addRefused = db.prepare(`INSERT INTO licensing_usage_hourly (hour, peak, session_limit, refused) VALUES (?, ?, ?, 1)
      ON CONFLICT(hour) DO UPDATE SET refused = refused + 1`);
    this.usageBetween = db.prepare('SELECT hour, peak, session_limit, refused FROM licensing_usage_hourly WHERE hour >= ? AND hour < ? ORDER BY hour');
    this.maxPeak = db.prepare('SELECT MAX(peak) AS peak FROM licensing_usage_hourly WHERE hour >= ?');
  }

  state(key: string): string | null {
    return (this.getState.get(key) as { value: string } | undefined)?.value ?? null;
  }

  setState(key: string, value: string): void {
    this.putState.run(key, value);
  }

  openDialogs(): OpenDialog[] {
    return (this.allDialogs.all() as { dialog_id: string; kind: DialogKind; operator_id: number | null; opened_at: string }[]).map((r) => ({
      dialogId: r.dialog_id,
      kind: r.kind,
      operatorId: r.operator_id,
      openedAt: r.opened_at,
    }));
  }

  dialogOpened(d: OpenDialog): void {
    this.insertDialog.run(d.dialogId, d.kind, d.operatorId, d.openedAt);
  }

  dialogClosed(dialogId: string): void {
    this.deleteDialog.run(dialogId);
  }

  replaceKind(kind: DialogKind, dialogs: readonly OpenDialog[]): void {
    this.db.transaction(() => {
      this.deleteKind.run(kind);
      for (const d of dialogs) this.insertDialog.run(d.dialogId, d.kind, d.operatorId, d.openedAt);
    })();
  }

  recordPeak(hour: string, inUse: number, sessionLimit: number): void {
    this.upsertPeak.run(hour, inUse, sessionLimit);
  }

  recordRefused(hour: string, inUse: number, sessionLimit: number): void {
    this.addRefused.run(hour, inUse, sessionLimit);
  }

  peakSince(fromHour: string): number {
    return (this.maxPeak.get(fromHour) as { peak: number | null }).peak ?? 0;
  }

  usage(fromHour: string, toHour: string): UsageHour[] {
    return (this.usageBetween.all(fromHour, toHour) as { hour: string; peak: number; session_limit: number; refused: number }[]).map((r) => ({
      hour: r.hour,
      peak: r.peak,
      sessionLimit: r.session_limit,
      refused: r.refused,
    }));
  }
}

export function hourOf(at: Date): string {
  const d = new Date(at.getTime());
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}
