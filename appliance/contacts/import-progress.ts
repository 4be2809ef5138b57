/** Where one CSV import is: rows checked (in slices, yielding to other requests), then stored in one transaction. */
export interface ImportState {
  key: string;
  phase: 'checking' | 'storing' | 'done' | 'refused';
  rows: number;
  checked: number;
  stored: number;
}

/** How long a finished import's progress stays readable. */
const KEEP_MS = 10 * 60_000;

/**
 * The progress of each user's imports, in memory, by the import's Idempotency-Key: the browser
 * sends the key with the file and polls `GET /api/v1/contacts/import/progress?key=` meanwhile.
 */
export class ImportProgress {
  private readonly states = new Map<string, { state: ImportState; finishedAt: number | null }>();

  constructor(private readonly now: () => number) {}

  private id(userId: number, key: string): string {
    return `${userId}\n${key}`;
  }

  /** Null when this user's import with this key is still running (a second one would store it twice). */
  start(userId: number, key: string, rows: number): ImportState | null {
    this.expire();
    const existing = this.states.get(this.id(userId, key));
    if (existing && existing.finishedAt === null) return null;
    const state: ImportState = { key, phase: 'checking', rows, checked: 0, stored: 0 };
    this.states.set(this.id(userId, key), { state, finishedAt: null });
    return state;
  }

  finish(userId: number, key: string, phase: 'done' | 'refused'): void {
    const entry = this.states.get(this.id(userId, key));
    if (!entry) return;
    entry.state.phase = phase;
    entry.finishedAt = this.now();
  }

  get(userId: number, key: string): ImportState | null {
    this.expire();
    const entry = this.states.get(this.id(userId, key));
    return entry ? { ...entry.state } : null;
  }

  private expire(): void {
    const limit = this.now() - KEEP_MS;
    for (const [id, entry] of this.states) if (entry.finishedAt !== null && entry.finishedAt < limit) this.states.delete(id);
  }
}
