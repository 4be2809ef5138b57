import type { ImapSession } from './imap/session.js';
import type { FolderSync, SyncReport } from './sync.js';
import type { Mailbox } from './types.js';
import { MailConnectError } from './failures.js';

export interface RunnerDeps {
  load: () => Mailbox | null;
  openSession: (mailbox: Mailbox) => Promise<ImapSession>;
  folderSync: FolderSync;
  setState: (state: string, error: string | null, synced?: boolean) => void;
  /** How long to wait for IDLE news before a full pass anyway. */
  pollMs: number;
  backoffMs: { min: number; max: number };
  log: (msg: string, err?: unknown) => void;
}

/**
 * Keeps one mailbox in sync: a pass over its folders, then IDLE on INBOX until new mail, a
 * poll timeout or a request; on any failure it closes the connection, waits (exponential
 * back-off, capped) and starts again from the committed cursors — never a tight crash loop.
 */
export class MailboxRunner {
  private stopped = false;
  /** Aborted on stop: a long first sync ends after its current batch instead of holding shutdown. */
  private readonly halt = new AbortController();
  private wake = new AbortController();
  private waiters: { resolve: (r: SyncReport) => void; reject: (e: unknown) => void }[] = [];
  private requested = false;
  private loop: Promise<void> | null = null;
  private session: ImapSession | null = null;

  constructor(private readonly deps: RunnerDeps) {}

  start(): void {
    if (!this.loop) this.loop = this.run();
  }

  get running(): boolean {
    return this.loop !== null && !this.stopped;
  }

  /** A full pass as soon as possible; resolves with its report (or rejects with its failure). */
  requestSync(): Promise<SyncReport> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.requested = true;
      this.wake.abort();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt.abort();
    this.wake.abort();
    await this.loop;
    for (const w of this.waiters.splice(0)) w.reject(new Error('mail sync stopped'));
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const mailbox = this.deps.load();
      if (!mailbox || !mailbox.enabled) break;
      const waiting = this.waiters.splice(0);
      this.requested = false;
      try {
        if (!this.session || this.session.closed) {
          this.deps.setState('connecting', null);
          this.session = await this.deps.openSession(mailbox);
        }
        this.deps.setState('syncing', null);
        const report = await this.deps.folderSync.syncMailbox(this.session, mailbox, this.halt.signal);
        failures = 0;
        this.deps.setState(this.session.supportsIdle ? 'idle' : 'polling', null, true);
        for (const w of waiting) w.resolve(report);
        if (this.stopped || this.requested) continue;
        if (mailbox.folders.includes('INBOX')) {
          await this.session.openFolder('INBOX');
          // Mail that reached INBOX after the pass listed it (while it went through other folders)
          // is announced by no event once INBOX is open again: look before waiting.
          if (await this.deps.folderSync.hasNew(this.session, mailbox, 'INBOX')) continue;
        }
        this.wake = new AbortController();
        // A stop during openFolder aborted the previous controller: without this it would wait a whole poll.
        if (this.requested || this.stopped) continue;
        await this.session.waitForNewMail(this.deps.pollMs, this.wake.signal);
      } catch (err) {
        failures++;
        const message = err instanceof MailConnectError ? err.failure.code : err instanceof Error ? err.message : String(err);
        this.deps.setState('error', message.slice(0, 500));
        this.deps.log(`mail sync of mailbox ${mailbox.id} failed (attempt ${failures})`, err);
        for (const w of waiting) w.reject(err);
        await this.session?.close().catch(() => {});
        this.session = null;
        const delay = Math.min(this.deps.backoffMs.max, this.deps.backoffMs.min * 2 ** Math.min(failures - 1, 16));
        this.wake = new AbortController();
        if (!this.requested) await sleep(delay, this.wake.signal);
      }
    }
    await this.session?.close().catch(() => {});
    this.session = null;
    this.deps.setState('stopped', null);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
