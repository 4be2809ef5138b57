import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { SecretBox } from './secret-box.js';
import type { Folder, Mailbox, ServerSettings } from './types.js';

interface MailboxRow {
  id: number;
  address: string;
  imap_host: string; imap_port: number; imap_security: string; imap_username: string; imap_password_enc: string;
  smtp_host: string; smtp_port: number; smtp_security: string; smtp_username: string; smtp_password_enc: string;
  team_id: number | null; owner_id: number | null; folders: string; enabled: number;
  state: string; error: string | null; last_sync_at: string | null; progress_done: number; progress_total: number;
}

export interface NewMailbox {
  address: string;
  imap: ServerSettings;
  smtp: ServerSettings;
  teamId: number | null;
  ownerId: number | null;
  folders: string[];
}

/** SQL of mailboxes, their folders' sync cursors and who may read them. Passwords sealed here. */
export class MailboxRepository {
  constructor(private readonly db: Db, private readonly box: SecretBox, private readonly clock: Clock) {}

  create(input: NewMailbox): number {
    const r = this.db
      .prepare(
        `INSERT INTO mail_mailboxes (address, imap_host, imap_port, imap_security, imap_username, imap_password_enc,
          smtp_host, smtp_port, smtp_security, smtp_username, smtp_password_enc, team_id, owner_id, folders, created_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        input.address.toLowerCase(), input.imap.host, input.imap.port, input.imap.security, input.imap.username, this.box.seal(input.imap.password),
        input.smtp.host, input.smtp.port, input.smtp.security, input.smtp.username, this.box.seal(input.smtp.password),
        input.teamId, input.ownerId, JSON.stringify(input.folders), this.clock.now().toISOString(),
      );
    return Number(r.lastInsertRowid);
  }

  byAddress(address: string): number | null {
    const row = this.db.prepare('SELECT id FROM mail_mailboxes WHERE address = ?').get(address.toLowerCase()) as { id: number } | undefined;
    return row?.id ?? null;
  }

  get(id: number): Mailbox | null {
    const row = this.db.prepare('SELECT * FROM mail_mailboxes WHERE id = ?').get(id) as MailboxRow | undefined;
    return row ? this.map(row) : null;
  }

  list(): Mailbox[] {
    return (this.db.prepare('SELECT * FROM mail_mailboxes ORDER BY id').all() as MailboxRow[]).map((r) => this.map(r));
  }

  /** Every address the company's mailboxes use: these are never customers. */
  ownAddresses(): Set<string> {
    return new Set((this.db.prepare('SELECT address FROM mail_mailboxes').all() as { address: string }[]).map((r) => r.address.toLowerCase()));
  }

  setState(id: number, state: string, error: string | null, synced = false): void {
    if (synced) {
      this.db.prepare('UPDATE mail_mailboxes SET state = ?, error = ?, last_sync_at = ? WHERE id = ?').run(state, error, this.clock.now().toISOString(), id);
    } else {
      this.db.prepare('UPDATE mail_mailboxes SET state = ?, error = ? WHERE id = ?').run(state, error, id);
    }
  }

  setProgress(id: number, done: number, total: number): void {
    this.db.prepare('UPDATE mail_mailboxes SET progress_done = ?, progress_total = ? WHERE id = ?').run(done, total, id);
  }

  folder(mailboxId: number, path: string): Folder {
    this.db.prepare('INSERT OR IGNORE INTO mail_folders (mailbox_id, path) VALUES (?, ?)').run(mailboxId, path);
    const row = this.db.prepare('SELECT id, mailbox_id, path, uidvalidity, last_uid FROM mail_folders WHERE mailbox_id = ? AND path = ?').get(mailboxId, path) as {
      id: number; mailbox_id: number; path: string; uidvalidity: string | null; last_uid: number;
    };
    return { id: row.id, mailboxId: row.mailbox_id, path: row.path, uidvalidity: row.uidvalidity, lastUid: row.last_uid };
  }

  /**
   * The server says the folder's UIDs mean something else now: forget the old cursor and the
   * old (uidvalidity, uid) sightings in one step. Stored messages stay; the re-sync finds them
   * by Message-ID and content hash and only records new sightings.
   */
  resetFolder(folderId: number, uidvalidity: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM mail_sightings WHERE folder_id = ? AND uidvalidity <> ?').run(folderId, uidvalidity);
      this.db.prepare('UPDATE mail_folders SET uidvalidity = ?, last_uid = 0 WHERE id = ?').run(uidvalidity, folderId);
    })();
  }

  /** Called inside the batch transaction so the cursor moves exactly with the stored messages. */
  advanceCursor(folderId: number, lastUid: number): void {
    this.db.prepare('UPDATE mail_folders SET last_uid = MAX(last_uid, ?) WHERE id = ?').run(lastUid, folderId);
  }

  messageCount(mailboxId: number): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM mail_messages m WHERE m.mailbox_id = ? OR EXISTS (SELECT 1 FROM mail_sightings s WHERE s.message_id = m.id AND s.mailbox_id = ?)')
      .get(mailboxId, mailboxId) as { n: number };
    return row.n;
  }

  quarantineCount(mailboxId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM mail_quarantine WHERE mailbox_id = ?').get(mailboxId) as { n: number }).n;
  }

  quarantined(mailboxId: number): { uid: number; folder: string; attempts: number; error: string; quarantinedAt: string; rawBytes: number | null }[] {
    return (
      this.db
        .prepare(
          `SELECT q.uid, f.path AS folder, q.attempts, q.error, q.quarantined_at, q.raw_bytes FROM mail_quarantine q
           JOIN mail_folders f ON f.id = q.folder_id WHERE q.mailbox_id = ? ORDER BY q.id`,
        )
        .all(mailboxId) as { uid: number; folder: string; attempts: number; error: string; quarantined_at: string; raw_bytes: number | null }[]
    ).map((r) => ({ uid: r.uid, folder: r.folder, attempts: r.attempts, error: r.error, quarantinedAt: r.quarantined_at, rawBytes: r.raw_bytes }));
  }

  grantAccess(mailboxId: number, userId: number): void {
    this.db.prepare('INSERT OR IGNORE INTO mail_access (mailbox_id, user_id) VALUES (?, ?)').run(mailboxId, userId);
  }

  /** Mailboxes a user may read: owned, granted explicitly, or of a team the caller says they are in. */
  accessibleMailboxIds(userId: number, teamIds: readonly number[]): number[] {
    const teams = teamIds.length ? `OR team_id IN (${teamIds.map(() => '?').join(',')})` : '';
    return (
      this.db
        .prepare(`SELECT id FROM mail_mailboxes WHERE owner_id = ? ${teams} OR id IN (SELECT mailbox_id FROM mail_access WHERE user_id = ?)`)
        .all(userId, ...teamIds, userId) as { id: number }[]
    ).map((r) => r.id);
  }

  /** Changes what the admin sent; passwords are sealed again. */
  update(id: number, patch: Partial<Omit<NewMailbox, 'address'>> & { enabled?: boolean }): void {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    const put = (column: string, value: string | number | null) => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    for (const side of ['imap', 'smtp'] as const) {
      const s = patch[side];
      if (!s) continue;
      put(`${side}_host`, s.host);
      put(`${side}_port`, s.port);
      put(`${side}_security`, s.security);
      put(`${side}_username`, s.username);
      put(`${side}_password_enc`, this.box.seal(s.password));
    }
    if (patch.teamId !== undefined) put('team_id', patch.teamId);
    if (patch.ownerId !== undefined) put('owner_id', patch.ownerId);
    if (patch.folders !== undefined) put('folders', JSON.stringify(patch.folders));
    if (patch.enabled !== undefined) put('enabled', patch.enabled ? 1 : 0);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE mail_mailboxes SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  revokeAccess(mailboxId: number, userId: number): boolean {
    return this.db.prepare('DELETE FROM mail_access WHERE mailbox_id = ? AND user_id = ?').run(mailboxId, userId).changes > 0;
  }

  accessList(mailboxId: number): number[] {
    return (this.db.prepare('SELECT user_id FROM mail_access WHERE mailbox_id = ? ORDER BY user_id').all(mailboxId) as { user_id: number }[]).map((r) => r.user_id);
  }

  /** Offboarding: the user loses ownership and every grant at once. */
  removeUserAccess(userId: number): void {
    this.db.prepare('UPDATE mail_mailboxes SET owner_id = NULL WHERE owner_id = ?').run(userId);
    this.db.prepare('DELETE FROM mail_access WHERE user_id = ?').run(userId);
  }

  private map(r: MailboxRow): Mailbox {
    return {
      id: r.id,
      address: r.address,
      imap: { host: r.imap_host, port: r.imap_port, security: r.imap_security as ServerSettings['security'], username: r.imap_username, password: this.box.open(r.imap_password_enc) },
      smtp: { host: r.smtp_host, port: r.smtp_port, security: r.smtp_security as ServerSettings['security'], username: r.smtp_username, password: this.box.open(r.smtp_password_enc) },
      teamId: r.team_id,
      ownerId: r.owner_id,
      folders: JSON.parse(r.folders) as string[],
      enabled: r.enabled === 1,
      state: r.state,
      error: r.error,
      lastSyncAt: r.last_sync_at,
      progressDone: r.progress_done,
      progressTotal: r.progress_total,
    };
  }
}
