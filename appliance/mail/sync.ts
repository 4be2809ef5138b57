import type { Clock } from '../core/clock.js';
import type { MailboxRepository } from './mailbox-repository.js';
import type { Ingest, FetchedItem, BatchResult } from './ingest.js';
import type { MessageParser } from './parse/pool.js';
import type { ImapSession } from './imap/session.js';
import type { Mailbox } from './types.js';
import { commitStaged, writeFileDurably } from './parse/durable-file.js';
import { CONNECTION_LOST } from './failures.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface SyncLimits {
  /** Messages per batch (one transaction each). */
  batchMessages: number;
  /** Bytes per batch, so a folder of big messages is not held in memory at once. */
  batchBytes: number;
  /** Parse attempts before a message is quarantined. */
  parseAttempts: number;
}

export const defaultSyncLimits: SyncLimits = { batchMessages: 100, batchBytes: 64 * 1024 * 1024, parseAttempts: 3 };

export interface SyncReport {
  fetched: number;
  stored: number[];
  quarantined: number;
  tombstoned: number;
}

/**
 * One pass over a mailbox's folders: for each, check UIDVALIDITY against the stored one (a
 * change resets the cursor), list the UIDs above the cursor (never relying on \Seen), and fetch,
 * parse (worker pool) and store them batch by batch. Raises on connection loss; the runner
 * reconnects and the next pass resumes at the committed cursor.
 */
export class FolderSync {
  constructor(
    private readonly deps: {
      mailboxes: MailboxRepository;
      ingest: Ingest;
      parser: MessageParser;
      clock: Clock;
      dataDir: string;
      limits: SyncLimits;
      onProgress: (mailboxId: number, done: number, total: number) => void;
      onStored: (mailbox: Mailbox, batch: BatchResult) => void;
    },
  ) {}

  /** Whether the open folder `path` holds mail above the committed cursor (a pass would fetch some). */
  async hasNew(session: ImapSession, mailbox: Mailbox, path: string): Promise<boolean> {
    return (await session.listAfter(this.deps.mailboxes.folder(mailbox.id, path).lastUid)).length > 0;
  }

  async syncMailbox(session: ImapSession, mailbox: Mailbox, signal?: AbortSignal): Promise<SyncReport> {
    const report: SyncReport = { fetched: 0, stored: [], quarantined: 0, tombstoned: 0 };
    const plan: { path: string; uids: { uid: number; size: number }[]; uidvalidity: string }[] = [];
    for (const path of mailbox.folders) {
      const folder = this.deps.mailboxes.folder(mailbox.id, path);
      const { uidvalidity } = await session.openFolder(path);
      if (folder.uidvalidity !== uidvalidity) this.deps.mailboxes.resetFolder(folder.id, uidvalidity);
      const current = this.deps.mailboxes.folder(mailbox.id, path);
      plan.push({ path, uidvalidity, uids: await session.listAfter(current.lastUid) });
    }
    const total = plan.reduce((n, f) => n + f.uids.length, 0);
    let done = 0;
    this.deps.onProgress(mailbox.id, 0, total);
    for (const { path, uids, uidvalidity } of plan) {
      if (uids.length === 0) continue;
      const folder = this.deps.mailboxes.folder(mailbox.id, path);
      const opened = await session.openFolder(path);
      if (opened.uidvalidity !== uidvalidity) throw new Error(`UIDVALIDITY of ${path} changed during the sync`);
      // Pipelined: while batch N is parsed, made durable and committed, batch N+1 is fetched.
      // Commits stay in UID order (a failed batch stops every later one from committing).
      let chain: Promise<void> = Promise.resolve();
      let inFlight = 0;
      try {
        for (const batch of batches(uids, this.deps.limits)) {
          if (signal?.aborted) break;
          const { parsed } = await this.fetchAndParse(session, batch);
          inFlight++;
          chain = chain.then(async () => {
            const items = await parsed;
            // Files durable first, then the rows that reference them.
            await commitStaged(items.flatMap((i) => i.parsed?.staged ?? []));
            const result = this.deps.ingest.storeBatch(mailbox, folder, uidvalidity, items, batch[batch.length - 1]!.uid);
            inFlight--;
            report.fetched += items.length;
            report.stored.push(...result.stored);
            report.quarantined += result.quarantined;
            report.tombstoned += result.tombstoned;
            done += batch.length;
            this.deps.onProgress(mailbox.id, done, total);
            this.deps.onStored(mailbox, result);
          });
          if (inFlight >= 2) await chain;
        }
      } finally {
        await chain.catch(() => {});
      }
      await chain;
    }
    return report;
  }

  /** Resolves when the fetch is done; the inner promise when every message of it is parsed. */
  private async fetchAndParse(session: ImapSession, batch: readonly { uid: number }[]): Promise<{ parsed: Promise<FetchedItem[]> }> {
    const pending: Promise<FetchedItem>[] = [];
    await session.fetchRaw(
      batch.map((b) => b.uid),
      ({ uid, receivedAt, raw }) => pending.push(this.parseWithRetries(uid, receivedAt, raw)),
    );
    // A fetch cut short by a dropped connection must not move the cursor past what was not read.
    if (session.closed) throw new Error(CONNECTION_LOST);
    const parsed = Promise.all(pending);
    parsed.catch(() => {});
    // Wrapped: an async function returning a bare promise would wait for it.
    return { parsed };
  }

  /** A message that fails every attempt is kept (raw on disk) and quarantined, never retried forever. */
  private async parseWithRetries(uid: number, receivedAt: string, raw: Buffer): Promise<FetchedItem> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.deps.limits.parseAttempts; attempt++) {
      try {
        return { uid, receivedAt, parsed: await this.deps.parser.parse(raw) };
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    let rawPath: string | null = null;
    try {
      const sha = createHash('sha256').update(raw).digest('hex');
      rawPath = join('mail', 'quarantine', `${sha}.eml`);
      writeFileDurably(this.deps.dataDir, rawPath, raw);
    } catch {
      // Could not keep the raw copy: the quarantine row still records the UID and the failure.
      rawPath = null;
    }
    return { uid, receivedAt, parsed: null, failure: { error: lastError, attempts: this.deps.limits.parseAttempts, rawPath, rawBytes: raw.length } };
  }
}

function* batches(uids: readonly { uid: number; size: number }[], limits: SyncLimits): Generator<{ uid: number; size: number }[]> {
  let current: { uid: number; size: number }[] = [];
  let bytes = 0;
  for (const u of uids) {
    if (current.length > 0 && (current.length >= limits.batchMessages || bytes + u.size > limits.batchBytes)) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(u);
    bytes += u.size;
  }
  if (current.length) yield current;
}
