import { expect } from 'chai';
import { openDatabase, runMigrations, type Db } from '../../appliance/core/db.js';
import { migrationsOf } from '../../appliance/app.js';
import { capabilities } from '../../appliance/capabilities.js';
import { MessageRepository } from '../../appliance/mail/message-repository.js';

/** A contact's mail for its timeline comes from the contact's own index range (mail/003), newest first. */
describe('mail: the per-contact timeline index', () => {
  let db: Db;
  let repo: MessageRepository;
  beforeEach(() => {
    db = openDatabase(':memory:');
    runMigrations(db, migrationsOf(capabilities));
    repo = new MessageRepository(db);
  });
  afterEach(() => db.close());

  const message = (i: number, at: string) => {
    const thread = Number(db.prepare("INSERT INTO mail_threads (subject_key, last_message_at) VALUES ('s', ?)").run(at).lastInsertRowid);
    return Number(
      db.prepare(
        `INSERT INTO mail_messages (message_id, content_hash, thread_id, direction, subject, from_json, to_json, cc_json, received_at, raw_path, raw_bytes, created_at)
         VALUES (?, ?, ?, 'in', ?, '[]', '[]', '[]', ?, ?, 1, ?)`,
      ).run(`<${i}@t>`, `h${i}`, thread, `m${i}`, at, `raw/${i}`, at).lastInsertRowid,
    );
  };

  it('reads a contact’s messages newest first from its index range, each once, paged by time, and follows merges', () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const id = message(i, `2026-11-0${i + 1}T10:00:00.000Z`);
      ids.push(id);
      // Contact 7 is both sender and recipient of some: it still sees each message once.
      repo.linkContacts(id, i % 2 ? [{ contactId: 7, role: 'from' }, { contactId: 7, role: 'to' }] : [{ contactId: i === 0 ? 8 : 7, role: 'from' }]);
    }
    const page = repo.forContact(7, 3, null);
    expect(page.map((m) => m.id)).to.deep.equal([ids[5], ids[4], ids[3]]);
    expect(repo.forContact(7, 10, page[2]!.receivedAt).map((m) => m.id)).to.deep.equal([ids[2], ids[1]]);
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT DISTINCT message_id, received_at FROM mail_message_contacts INDEXED BY mail_message_contacts_timeline WHERE contact_id = ? AND received_at < ? ORDER BY received_at DESC, message_id DESC LIMIT 3').all(7, 'z') as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).to.match(/USING COVERING INDEX mail_message_contacts_timeline \(contact_id=\? AND received_at<\?\)/);
    // Merged into contact 8: the moved links keep their time, so 8's timeline is in order too.
    db.transaction(() => repo.moveContact(7, 8))();
    expect(repo.forContact(8, 10, null).map((m) => m.id)).to.deep.equal([...ids].reverse());
    expect(repo.forContact(7, 10, null)).to.deep.equal([]);
    expect(repo.list({ contactId: 8, limit: 2, offset: 0 } as never).items.map((m) => m.id)).to.deep.equal([ids[5], ids[4]]);
  });

  it('the migration gives links made before it their message’s time', () => {
    const fresh = openDatabase(':memory:');
    try {
      const before = migrationsOf(capabilities).filter((m) => m.id !== 'mail/003_contact_timeline');
      runMigrations(fresh, before);
      const at = '2026-10-01T09:00:00.000Z';
      const thread = Number(fresh.prepare("INSERT INTO mail_threads (subject_key, last_message_at) VALUES ('s', ?)").run(at).lastInsertRowid);
      const id = Number(fresh.prepare(`INSERT INTO mail_messages (message_id, content_hash, thread_id, direction, subject, from_json, to_json, cc_json, received_at, raw_path, raw_bytes, created_at) VALUES ('<a@t>', 'h', ?, 'in', 's', '[]', '[]', '[]', ?, 'raw/a', 1, ?)`).run(thread, at, at).lastInsertRowid);
      fresh.prepare("INSERT INTO mail_message_contacts (message_id, contact_id, role) VALUES (?, 3, 'from')").run(id);
      runMigrations(fresh, migrationsOf(capabilities));
      expect(new MessageRepository(fresh).forContact(3, 5, null).map((m) => m.id)).to.deep.equal([id]);
    } finally {
      fresh.close();
    }
  });
});
