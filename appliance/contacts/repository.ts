import type { Db } from '../core/db.js';
import { searchKey } from './search-keys.js';

export type ContactStatus = 'lead' | 'client';
export type ContactKind = 'person' | 'company';

/** A contact as stored: raw (unmasked) values. Never sent to a browser as is. */
export interface Contact {
  id: number;
  kind: ContactKind;
  name: string;
  status: ContactStatus;
  ownerId: number | null;
  phones: string[];
  emails: string[];
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ContactRow {
  id: number;
  kind: ContactKind;
  name: string;
  status: ContactStatus;
  owner_id: number | null;
  merged_into: number | null;
  created_at: string;
  updated_at: string;
}

export interface NoteRow {
  id: number;
  contact_id: number;
  author_id: number | null;
  author_name: string | null;
  body: string;
  created_at: string;
}

/** All SQL of the contacts capability; snake_case rows become camelCase here. */
export class ContactsRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      byId: db.prepare('SELECT * FROM contacts WHERE id = ?'),
      topId: db.prepare('SELECT coalesce(max(id), 0) AS n FROM contacts'),
      phones: db.prepare('SELECT e164 FROM contact_phones WHERE contact_id = ? ORDER BY position, id'),
      emails: db.prepare('SELECT address FROM contact_emails WHERE contact_id = ? ORDER BY position, id'),
      tags: db.prepare('SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag_fold'),
      insert: db.prepare(
        'INSERT INTO contacts (kind, name, name_fold, name_key, status, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare(
        'UPDATE contacts SET kind = ?, name = ?, name_fold = ?, name_key = ?, status = ?, owner_id = ?, updated_at = ? WHERE id = ?',
      ),
      touch: db.prepare('UPDATE contacts SET updated_at = ? WHERE id = ?'),
      deletePhones: db.prepare('DELETE FROM contact_phones WHERE contact_id = ?'),
      deleteEmails: db.prepare('DELETE FROM contact_emails WHERE contact_id = ?'),
      deleteTags: db.prepare('DELETE FROM contact_tags WHERE contact_id = ?'),
      insertPhone: db.prepare('INSERT OR IGNORE INTO contact_phones (contact_id, e164, digits, position) VALUES (?, ?, ?, ?)'),
      insertEmail: db.prepare('INSERT OR IGNORE INTO contact_emails (contact_id, address, position) VALUES (?, ?, ?)'),
      insertTag: db.prepare('INSERT OR IGNORE INTO contact_tags (contact_id, tag, tag_fold) VALUES (?, ?, ?)'),
      matchPhone: db.prepare(
        'SELECT p.contact_id AS id FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ? AND c.merged_into IS NULL ORDER BY p.contact_id LIMIT 1',
      ),
      matchEmail: db.prepare(
        'SELECT e.contact_id AS id FROM contact_emails e JOIN contacts c ON c.id = e.contact_id WHERE e.address = ? AND c.merged_into IS NULL ORDER BY e.contact_id LIMIT 1',
      ),
      activeUser: db.prepare('SELECT id FROM users WHERE id = ? AND active = 1'),
      userByName: db.prepare('SELECT id FROM users WHERE username = ? AND active = 1'),
      insertNote: db.prepare('INSERT INTO contact_notes (contact_id, author_id, body, created_at) VALUES (?, ?, ?, ?)'),
      notesBefore: db.prepare(
        `SELECT n.id, n.contact_id, n.author_id, u.display_name AS author_name, n.body, n.created_at
         FROM contact_notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.contact_id = ? AND n.created_at < ? ORDER BY n.created_at DESC, n.id DESC LIMIT ?`,
      ),
      noteById: db.prepare(
        `SELECT n.id, n.contact_id, n.author_id, u.display_name AS author_name, n.body, n.created_at
         FROM contact_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.id = ?`,
      ),
      mergedFrom: db.prepare('SELECT id FROM contacts WHERE merged_into = ?'),
      moveNotes: db.prepare('UPDATE contact_notes SET contact_id = ? WHERE contact_id = ?'),
      markMerged: db.prepare('UPDATE contacts SET merged_into = ?, updated_at = ? WHERE id = ?'),
      repointMerged: db.prepare('UPDATE contacts SET merged_into = ? WHERE merged_into = ?'),
      handOver: db.prepare('UPDATE contacts SET owner_id = ?, updated_at = ? WHERE owner_id = ? AND merged_into IS NULL'),
      countOwned: db.prepare('SELECT count(*) AS n FROM contacts WHERE owner_id = ? AND merged_into IS NULL'),
    };
  }

  /** The highest contact id (an index lookup): how large the base has grown. */
  topId(): number {
    return (this.s.topId.get() as { n: number }).n;
  }

  row(id: number): ContactRow | undefined {
    return this.s.byId.get(id) as ContactRow | undefined;
  }

  /** Follows merge pointers to the contact that is live now. */
  resolve(id: number): ContactRow | undefined {
    let row = this.row(id);
    for (let hops = 0; row?.merged_into != null && hops < 100; hops++) row = this.row(row.merged_into);
    return row && row.merged_into == null ? row : undefined;
  }

  load(row: ContactRow): Contact {
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      status: row.status,
      ownerId: row.owner_id,
      phones: (this.s.phones.all(row.id) as { e164: string }[]).map((r) => r.e164),
      emails: (this.s.emails.all(row.id) as { address: string }[]).map((r) => r.address),
      tags: (this.s.tags.all(row.id) as { tag: string }[]).map((r) => r.tag),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  insert(c: { kind: ContactKind; name: string; nameFold: string; status: ContactStatus; ownerId: number | null }, now: string): number {
    return Number(this.s.insert.run(c.kind, c.name, c.nameFold, searchKey(c.name), c.status, c.ownerId, now, now).lastInsertRowid);
  }

  update(id: number, c: { kind: ContactKind; name: string; nameFold: string; status: ContactStatus; ownerId: number | null }, now: string): void {
    this.s.update.run(c.kind, c.name, c.nameFold, searchKey(c.name), c.status, c.ownerId, now, id);
  }

  touch(id: number, now: string): void {
    this.s.touch.run(now, id);
  }

  replacePhones(id: number, phones: readonly { e164: string; digits: string }[]): void {
    this.s.deletePhones.run(id);
    this.addPhones(id, phones, 0);
  }

  addPhones(id: number, phones: readonly { e164: string; digits: string }[], from: number): void {
    phones.forEach((p, i) => this.s.insertPhone.run(id, p.e164, p.digits, from + i));
  }

  replaceEmails(id: number, emails: readonly string[]): void {
    this.s.deleteEmails.run(id);
    this.addEmails(id, emails, 0);
  }

  addEmails(id: number, emails: readonly string[], from: number): void {
    emails.forEach((e, i) => this.s.insertEmail.run(id, e, from + i));
  }

  replaceTags(id: number, tags: readonly { tag: string; fold: string }[]): void {
    this.s.deleteTags.run(id);
    this.addTags(id, tags);
  }

  addTags(id: number, tags: readonly { tag: string; fold: string }[]): void {
    for (const t of tags) this.s.insertTag.run(id, t.tag, t.fold);
  }

  /** Tags starting with a folded prefix (one index range), the most used first. */
  tagsStartingWith(prefixFold: string, limit: number): { tag: string; count: number }[] {
    return this.db
      .prepare(
        `SELECT MIN(t.tag) AS tag, COUNT(*) AS count FROM contact_tags t JOIN contacts c ON c.id = t.contact_id AND c.merged_into IS NULL
         WHERE t.tag_fold >= ? AND t.tag_fold < ? GROUP BY t.tag_fold ORDER BY count DESC, t.tag_fold LIMIT ?`,
      )
      .all(prefixFold, `${prefixFold}\u{10FFFF}`, limit) as { tag: string; count: number }[];
  }

  matchPhone(e164: string): number | null {
    return (this.s.matchPhone.get(e164) as { id: number } | undefined)?.id ?? null;
  }

  matchEmail(address: string): number | null {
    return (this.s.matchEmail.get(address) as { id: number } | undefined)?.id ?? null;
  }

  isActiveUser(id: number): boolean {
    return this.s.activeUser.get(id) !== undefined;
  }

  activeUserByName(username: string): number | null {
    return (this.s.userByName.get(username) as { id: number } | undefined)?.id ?? null;
  }

  /** Every live contact, in id order, a batch at a time (exports must not hold the whole table). */
  batchAfter(afterId: number, size: number): ContactRow[] {
    return this.db
      .prepare('SELECT * FROM contacts WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT ?')
      .all(afterId, size) as ContactRow[];
  }

  insertNote(contactId: number, authorId: number | null, body: string, now: string): NoteRow {
    const id = Number(this.s.insertNote.run(contactId, authorId, body, now).lastInsertRowid);
    return this.s.noteById.get(id) as NoteRow;
  }

  noteById(id: number): NoteRow | null {
    return (this.s.noteById.get(id) as NoteRow | undefined) ?? null;
  }

  notesBefore(contactIds: readonly number[], before: string, limit: number): NoteRow[] {
    return contactIds.flatMap((id) => this.s.notesBefore.all(id, before, limit) as NoteRow[]);
  }

  /** Ids merged into this one, directly or through a chain. */
  mergedInto(id: number): number[] {
    const out: number[] = [];
    const queue = [id];
    while (queue.length && out.length < 1000) {
      const next = queue.shift()!;
      for (const r of this.s.mergedFrom.all(next) as { id: number }[]) {
        out.push(r.id);
        queue.push(r.id);
      }
    }
    return out;
  }

  moveNotes(fromId: number, toId: number): void {
    this.s.moveNotes.run(toId, fromId);
  }

  markMerged(fromId: number, intoId: number, now: string): void {
    this.s.repointMerged.run(intoId, fromId);
    this.s.markMerged.run(intoId, now, fromId);
    this.s.deletePhones.run(fromId);
    this.s.deleteEmails.run(fromId);
    this.s.deleteTags.run(fromId);
  }

  handOver(fromUserId: number, toUserId: number | null, now: string): number {
    return this.s.handOver.run(toUserId, now, fromUserId).changes;
  }

  countOwned(userId: number): number {
    return (this.s.countOwned.get(userId) as { n: number }).n;
  }
}
