import { expect } from 'chai';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { generateCorpus, makeMessage, type Corpus } from './support/corpus.js';
import { client, count, mailboxBody, openMailApp, tempDataDir, type MailApp } from './support/mail-app.js';

describe('mail sync against a real Dovecot', function () {
  this.timeout(180_000);
  let dovecot: Dovecot;
  let corpus: Corpus;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    dovecot = await startDovecot();
    corpus = generateCorpus(1000);
    await dovecot.append('Bulk', corpus.raws);
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await dovecot?.stop();
  });

  async function freshApp(): Promise<MailApp> {
    const data = tempDataDir();
    const m = await openMailApp(data.dir);
    cleanups.push(async () => {
      await m.close();
      data.remove();
    });
    return m;
  }

  it('imports 1,000 generated messages with exact counts: duplicates seen twice, reused ids kept, no id synthesised', async () => {
    const m = await freshApp();
    const admin = await client(m, 'admin');
    const res = await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'sales@corp.test', { folders: ['Bulk'] }));
    expect(res.statusCode, res.body).to.equal(201);
    const id = res.json().id as number;
    const report = await m.app.mail.syncNow(id);
    expect(report.fetched).to.equal(1000);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(corpus.uniqueMessages);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_sightings')).to.equal(1000);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages WHERE message_id_synthetic = 1')).to.equal(corpus.withoutMessageId);
    expect(count(m.db, "SELECT COUNT(*) AS n FROM mail_messages WHERE message_id LIKE '%<%' OR message_id LIKE '% %'")).to.equal(0);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM (SELECT message_id FROM mail_messages GROUP BY message_id HAVING COUNT(*) > 1)')).to.equal(corpus.reusedIds);
    expect(count(m.db, 'SELECT COUNT(DISTINCT message_id) AS n FROM mail_attachments')).to.equal(corpus.withAttachments);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_quarantine')).to.equal(0);
    // Cyrillic RFC 2047 subjects decoded, HTML-only mail has text, broken charsets did not stop anything.
    expect(count(m.db, "SELECT COUNT(*) AS n FROM mail_messages WHERE subject LIKE 'Замовлення №%'")).to.be.greaterThan(100);
    expect(count(m.db, "SELECT COUNT(*) AS n FROM mail_messages WHERE subject LIKE 'Привет%'")).to.be.greaterThan(100);
    expect(count(m.db, "SELECT COUNT(*) AS n FROM mail_messages WHERE has_html = 1 AND body_text LIKE '%Only HTML here%'")).to.be.greaterThan(100);
    // Every stored file is on disk with the recorded size.
    const rows = m.db.prepare('SELECT raw_path AS p, raw_bytes AS b FROM mail_messages UNION ALL SELECT path, bytes FROM mail_attachments').all() as { p: string; b: number }[];
    for (const r of rows) expect(statSync(join(m.dataDir, r.p)).size).to.equal(r.b);
    const view = await admin.request('GET', `/api/v1/mailboxes/${id}`);
    expect(view.json()).to.include({ messageCount: corpus.uniqueMessages, state: 'synced', error: null });
    // A second pass finds nothing new.
    const again = await m.app.mail.syncNow(id);
    expect(again.fetched).to.equal(0);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(corpus.uniqueMessages);
    const list = await admin.request('GET', `/api/v1/messages?mailboxId=${id}&limit=5`);
    expect(list.json().total).to.equal(corpus.uniqueMessages);
    expect(list.json().items).to.have.length(5);
  });

  it('imports mail already \\Seen in another client, and treats <id>, id and " < id > " as one Message-ID', async () => {
    const one = Buffer.from(makeMessage(5001, 7, { messageId: '<same-id@client.test>' }));
    const two = Buffer.from(makeMessage(5001, 7, { messageId: '  same-id@client.test ' }));
    const three = Buffer.from(makeMessage(5001, 6, { messageId: '<same-id@client.test>' }));
    await dovecot.append('Seen', [one, two, three], ['\\Seen']);
    const m = await freshApp();
    const admin = await client(m, 'admin');
    const id = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'seen@corp.test', { folders: ['Seen'] }))).json().id;
    await m.app.mail.syncNow(id);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_sightings')).to.equal(3);
    expect(count(m.db, "SELECT COUNT(*) AS n FROM mail_messages WHERE message_id = 'same-id@client.test'")).to.equal(1);
  });

  it('the same message delivered to two mailboxes (different Received headers) is one message seen twice', async () => {
    const body = makeMessage(6001, 1, { messageId: '<both@client.test>' });
    await dovecot.append('CopyA', [Buffer.from(`Received: from mx1.corp.test by a\r\nDelivered-To: sales@corp.test\r\n${body}`)]);
    await dovecot.append('CopyB', [Buffer.from(`Received: from mx2.corp.test by b\r\nDelivered-To: support@corp.test\r\n${body}`)]);
    const m = await freshApp();
    const admin = await client(m, 'admin');
    const a = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'sales@corp.test', { folders: ['CopyA'] }))).json().id;
    const b = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'support@corp.test', { folders: ['CopyB'] }))).json().id;
    await m.app.mail.syncNow(a);
    await m.app.mail.syncNow(b);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(1);
    expect(count(m.db, 'SELECT COUNT(DISTINCT mailbox_id) AS n FROM mail_sightings')).to.equal(2);
    expect((await admin.request('GET', `/api/v1/mailboxes/${a}`)).json().messageCount).to.equal(1);
    expect((await admin.request('GET', `/api/v1/mailboxes/${b}`)).json().messageCount).to.equal(1);
    expect((await admin.request('GET', `/api/v1/messages?mailboxId=${b}`)).json().items[0].attachments).to.have.length(1);
  });
});
