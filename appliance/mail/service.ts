import { rmSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { AuditLog } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import type { MailboxRepository, NewMailbox } from './mailbox-repository.js';
import type { MessageRepository } from './message-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import type { ImapOptions, ImapSession } from './imap/session.js';
import { testImap } from './imap/session.js';
import type { SmtpPort } from './smtp/sender.js';
import { MailConnectError } from './failures.js';
import { MailboxRunner } from './runner.js';
import type { FolderSync, SyncReport } from './sync.js';
import type { Mailbox, ServerSettings } from './types.js';

export interface MailServiceDeps {
  mailboxes: MailboxRepository;
  messages: MessageRepository;
  routing: RoutingRepository;
  folderSync: FolderSync;
  smtp: SmtpPort;
  openSession: (mailbox: Mailbox) => Promise<ImapSession>;
  imapOptions: ImapOptions;
  audit: AuditLog;
  clock: Clock;
  dataDir: string;
  pollMs: number;
  log: (msg: string, err?: unknown) => void;
}

/**
 * Mailboxes and their sync: create, test, keep in sync (one runner per mailbox), delete
 * messages for retention or users (tombstones stop re-import), offboarding.
 */
/**
 * The one way stored messages are deleted (by the mail service, and by `contactbox retention run`
 * on a stopped appliance): files no other message shares first — only paths inside the data
 * directory — then the rows, with tombstones in the same transaction so the next sync does not
 * import them again.
 */
export function deleteStoredMessages(
  deps: Pick<MailServiceDeps, 'messages' | 'audit' | 'clock' | 'dataDir'>,
  ids: readonly number[],
  reason: string,
): { deleted: number; files: number } {
  const unique = [...new Set(ids)].filter((id) => Number.isInteger(id));
  const { tombstones, paths } = deps.messages.filesToDelete(unique);
  let files = 0;
  for (const path of paths) {
    const abs = insideDataDir(deps.dataDir, path);
    if (!abs) continue;
    rmSync(abs, { force: true });
    files++;
  }
  deps.messages.deleteWithTombstones(unique, tombstones, reason, deps.clock.now().toISOString());
  deps.audit.record({ actorId: null, action: 'mail.messages.delete', targetType: 'mail_message', details: { count: tombstones.length, reason } });
  return { deleted: tombstones.length, files };
}

/** A stored relative path resolved under the data directory, or null if it would leave it. */
function insideDataDir(dataDir: string, relative: string): string | null {
  if (!relative || isAbsolute(relative)) return null;
  const clean = normalize(relative);
  if (clean === '..' || clean.startsWith(`..${sep}`)) return null;
  return join(dataDir, clean);
}

export class MailService {
  private readonly runners = new Map<number, MailboxRunner>();
  /** A one-off pass per mailbox at a time: a second request joins the one under way. */
  private readonly passes = new Map<number, Promise<SyncReport>>();

  constructor(private readonly deps: MailServiceDeps) {}

  createMailbox(input: NewMailbox, actorId: number): number {
    if (this.deps.mailboxes.byAddress(input.address) !== null) throw new AppError('MAILBOX_EXISTS', { address: input.address });
    const id = this.deps.mailboxes.create(input);
    this.deps.audit.record({ actorId, action: 'mail.mailbox.create', targetType: 'mailbox', targetId: id, details: { address: input.address, imapHost: input.imap.host } });
    return id;
  }

  require(id: number): Mailbox {
    const mailbox = this.deps.mailboxes.get(id);
    if (!mailbox) throw new AppError('MAILBOX_NOT_FOUND', { id });
    return mailbox;
  }

  view(id: number) {
    const m = this.require(id);
    return {
      id: m.id,
      address: m.address,
      enabled: m.enabled,
      state: m.state,
      lastSyncAt: m.lastSyncAt,
      messageCount: this.deps.mailboxes.messageCount(id),
      error: m.error,
      teamId: m.teamId,
      ownerId: m.ownerId,
      folders: m.folders,
      progress: { done: m.progressDone, total: m.progressTotal },
      quarantined: this.deps.mailboxes.quarantineCount(id),
    };
  }

  /** IMAP then SMTP; the first failure is answered as its precise error code. */
  async test(id: number): Promise<{ imap: 'ok'; smtp: 'ok'; folders: string[] }> {
    const m = this.require(id);
    return this.testSettings(m.imap, m.smtp, m.folders);
  }

  /** The same test on settings not saved yet (the admin's form), with the folders to sync. */
  async testSettings(imap: ServerSettings, smtp: ServerSettings, folders: readonly string[] = []): Promise<{ imap: 'ok'; smtp: 'ok'; folders: string[] }> {
    let found: string[];
    try {
      found = (await testImap(imap, this.deps.imapOptions, undefined, folders)).folders;
      await this.deps.smtp.verify(smtp);
    } catch (err) {
      if (err instanceof MailConnectError) throw new AppError(err.failure.code, err.failure.params);
      throw err;
    }
    return { imap: 'ok', smtp: 'ok', folders: found };
  }

  /** Starts continuous sync (IDLE + polling) of a mailbox. */
  start(id: number): void {
    if (this.runners.get(id)?.running) return;
    const runner = new MailboxRunner({
      load: () => this.deps.mailboxes.get(id),
      openSession: this.deps.openSession,
      folderSync: this.deps.folderSync,
      setState: (state, error, synced) => this.deps.mailboxes.setState(id, state, error, synced),
      pollMs: this.deps.pollMs,
      backoffMs: { min: 1000, max: 5 * 60_000 },
      log: this.deps.log,
    });
    this.runners.set(id, runner);
    runner.start();
  }

  startAll(): void {
    for (const m of this.deps.mailboxes.list()) if (m.enabled) this.start(m.id);
  }

  /**
   * Admin changes: stored, audited (without secrets), and a running sync restarted so it uses
   * the new server settings at once.
   */
  async update(id: number, patch: Partial<Omit<NewMailbox, 'address'>> & { enabled?: boolean }, actorId: number): Promise<void> {
    this.require(id);
    this.deps.mailboxes.update(id, patch);
    this.deps.audit.record({ actorId, action: 'mail.mailbox.update', targetType: 'mailbox', targetId: id, details: { fields: Object.keys(patch) } });
    // Pause stops the sync and says so; resume (or new settings) starts it afresh.
    const runner = this.runners.get(id);
    const wasRunning = runner?.running === true;
    if (wasRunning) {
      await runner!.stop();
      this.runners.delete(id);
    }
    const enabled = this.deps.mailboxes.get(id)!.enabled;
    if (!enabled) this.deps.mailboxes.setState(id, 'paused', null);
    else if (wasRunning || patch.enabled === true) this.start(id);
  }

  grant(mailboxId: number, userId: number, actorId: number): void {
    this.require(mailboxId);
    this.deps.mailboxes.grantAccess(mailboxId, userId);
    this.deps.audit.record({ actorId, action: 'mail.access.grant', targetType: 'mailbox', targetId: mailboxId, details: { userId } });
  }

  revoke(mailboxId: number, userId: number, actorId: number): boolean {
    this.require(mailboxId);
    const removed = this.deps.mailboxes.revokeAccess(mailboxId, userId);
    if (removed) this.deps.audit.record({ actorId, action: 'mail.access.revoke', targetType: 'mailbox', targetId: mailboxId, details: { userId } });
    return removed;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    this.runners.clear();
  }

  /** One pass now: through the running sync if there is one, else on a connection of its own. */
  async syncNow(id: number): Promise<SyncReport> {
    const mailbox = this.require(id);
    const runner = this.runners.get(id);
    if (runner?.running) return runner.requestSync();
    const current = this.passes.get(id);
    if (current) return current;
    const pass = this.onePass(mailbox).finally(() => this.passes.delete(id));
    this.passes.set(id, pass);
    return pass;
  }

  private async onePass(mailbox: Mailbox): Promise<SyncReport> {
    const id = mailbox.id;
    const failed = (err: unknown) =>
      this.deps.mailboxes.setState(id, 'error', (err instanceof MailConnectError ? err.failure.code : (err as Error).message).slice(0, 500));
    this.deps.mailboxes.setState(id, 'connecting', null);
    let session: ImapSession;
    try {
      session = await this.deps.openSession(mailbox);
    } catch (err) {
      failed(err);
      throw err;
    }
    try {
      this.deps.mailboxes.setState(id, 'syncing', null);
      const report = await this.deps.folderSync.syncMailbox(session, mailbox);
      this.deps.mailboxes.setState(id, 'synced', null, true);
      return report;
    } catch (err) {
      failed(err);
      throw err;
    } finally {
      await session.close();
    }
  }

  /**
   * Deletes stored messages: files first (a crash leaves rows pointing at missing files, which
   * the next call finishes, never files nobody can find), then rows, writing tombstones in the
   * same transaction so the next sync does not import them again. Used by retention and users.
   */
  deleteMessages(ids: readonly number[], reason: string): { deleted: number; files: number } {
    return deleteStoredMessages(this.deps, ids, reason);
  }

  /**
   * Offboarding: a deactivated user loses every way to mail at once — mailbox ownership and
   * grants, delegations to them (their delegated mail goes back), and assigned mail (unassigned
   * for the team to pick up).
   */
  offboard(userId: number, returnDelegation: (delegationId: number) => void): void {
    const now = this.deps.clock.now().toISOString();
    this.deps.messages.transaction(() => {
      for (const d of this.deps.routing.involving(userId, now)) {
        if (d.toUserId === userId) returnDelegation(d.id);
        else this.deps.routing.revoke(d.id, now);
      }
      this.deps.mailboxes.removeUserAccess(userId);
      const unassigned = this.deps.messages.unassignUser(userId);
      this.deps.audit.record({ actorId: null, action: 'mail.offboard', targetType: 'user', targetId: userId, details: { unassigned } });
    });
  }
}
