import type { Clock } from './clock.js';

/**
 * Whether writes are being refused for lack of disk space. The error handler reports each
 * refused write; a write that succeeds afterwards ends the condition. Admins see it in
 * `GET /api/v1/health` (`diskFull`) and `contactbox status`.
 */
export class StorageState {
  private since: Date | null = null;
  private last: Date | null = null;
  private refused = 0;

  constructor(private readonly clock: Clock) {}

  refusedWrite(): void {
    const now = this.clock.now();
    this.since ??= now;
    this.last = now;
    this.refused++;
  }

  wroteOk(): void {
    this.since = null;
    this.last = null;
    this.refused = 0;
  }

  full(): { since: string; lastAt: string; refusedWrites: number } | null {
    return this.since && this.last ? { since: this.since.toISOString(), lastAt: this.last.toISOString(), refusedWrites: this.refused } : null;
  }
}

/** SQLite's "database or disk is full" and the file system's "no space left" (ENOSPC, EDQUOT). */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || (err instanceof Error && err.cause !== undefined && isDiskFull(err.cause));
}
