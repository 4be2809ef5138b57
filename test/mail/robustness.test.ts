import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { ParsePool } from '../../appliance/mail/parse/pool.js';
import { makeMessage } from './support/corpus.js';
import { startFlakyProxy } from './support/flaky-proxy.js';
import { client, count, mailboxBody, openMailApp, tempDataDir, type MailApp } from './support/mail-app.js';

const CRLF = '\r\n';

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('mail sync robustness (real Dovecot): IDLE, drops mid-fetch, quarantine, a 30 MB attachment', function () {
  this.timeout(180_000);
  let dovecot: Dovecot;
  const cleanups: (() => Promise<void> | void)[] = [];
  before(async () => {
    dovecot = await startDovecot();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await dovecot?.stop();
  });
  async function app(options: Parameters<typeof openMailApp>[1] = {}): Promise<MailApp> {
    const data = tempDataDir();
    const m = await openMailApp(data.dir, options);
    cleanups.push(async () => {
      await m.close();
      data.remove();
    });
    return m;
  }

  it('IDLE delivers a new message to the sender’s timeline without waiting for a poll', async () => {
    const m = await app();
    const admin = await client(m, 'admin');
    const id = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'idle@corp.test'))).json().id as number;
    m.app.mail.start(id);
    await until('the first pass and IDLE', async () => (await admin.request('GET', `/api/v1/mailboxes/${id}`)).json().state === 'idle', 20_000);
    await new Promise((r) => setTimeout(r, 800)); // imapflow enters IDLE after its short quiet delay
    await dovecot.append('INBOX', [Buffer.from(makeMessage(9001, 7, { subject: 'Arrives by IDLE' }).replace(/customer\d+@client\.test/, 'new.customer@client.test'))]);
    const item = await until(
      'the message in the timeline',
      async () => {
        const list = (await admin.request('GET', `/api/v1/messages?mailboxId=${id}`)).json();
        const msg = list.items.find((i: { subject: string }) => i.subject === 'Arrives by IDLE');
        if (!msg) return null;
        const timeline = (await admin.request('GET', `/api/v1/contacts/${msg.contactIds[0]}/timeline`)).json();
        return timeline.items.find((i: { type: string; id: number }) => i.type === 'mail' && i.id === msg.id) ?? null;
      },
      60_000,
    );
    expect(item.subject).to.equal('Arrives by IDLE');
  });

  it('a server dropping the connection mid-fetch: the pass fails cleanly, the next resumes, counts stay exact; the runner backs off and recovers', async () => {
    const raws = Array.from({ length: 200 }, (_, i) => Buffer.from(makeMessage(8000 + i, i % 8)));
    await dovecot.append('Drop', raws);
    const proxy = await startFlakyProxy(dovecot.port, { drops: 1, afterBytes: 120_000 });
    cleanups.push(() => proxy.stop());
    const m = await app({ overrides: { limits: { batchMessages: 25 } } });
    const admin = await client(m, 'admin');
    const body = mailboxBody(dovecot, 'drop@corp.test', { folders: ['Drop'] });
    body.imap.port = proxy.port;
    const id = (await admin.request('POST', '/api/v1/mailboxes', body)).json().id as number;
    const failed = await admin.request('POST', `/api/v1/mailboxes/${id}/sync`);
    expect(failed.statusCode, failed.body).to.equal(422);
    expect(failed.json().error.code).to.equal('MAIL_SERVER_ERROR');
    expect(proxy.dropped).to.equal(1);
    const view = (await admin.request('GET', `/api/v1/mailboxes/${id}`)).json();
    expect(view.state).to.equal('error');
    const partial = count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages');
    expect(partial).to.be.below(200);
    const report = await m.app.mail.syncNow(id);
    expect(report.fetched).to.equal(200 - partial);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(200);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_sightings')).to.equal(200);

    // The continuous runner: two drops in a row, then it gets through, with a back-off between tries.
    await dovecot.append('Drop2', raws.slice(0, 120));
    const proxy2 = await startFlakyProxy(dovecot.port, { drops: 2, afterBytes: 20_000 });
    cleanups.push(() => proxy2.stop());
    const body2 = mailboxBody(dovecot, 'drop2@corp.test', { folders: ['Drop2'] });
    body2.imap.port = proxy2.port;
    const id2 = (await admin.request('POST', '/api/v1/mailboxes', body2)).json().id as number;
    m.app.mail.start(id2);
    await until('the runner to get through', async () => (await admin.request('GET', `/api/v1/mailboxes/${id2}`)).json().state === 'idle', 30_000);
    expect(proxy2.dropped).to.equal(2);
    expect(proxy2.connections).to.equal(3); // no tight reconnect loop
    expect((await admin.request('GET', `/api/v1/mailboxes/${id2}`)).json().messageCount).to.equal(120);
  });

  it('a message that fails to parse every time is quarantined and reported, and not retried on the next pass', async () => {
    const normal = Array.from({ length: 5 }, (_, i) => Buffer.from(makeMessage(8500 + i, 7)));
    const poison = Buffer.from(makeMessage(8600, 7).replace('Date:', 'X-Poison: yes\r\nDate:'));
    await dovecot.append('Poison', [normal[0]!, poison, ...normal.slice(1)]);
    const data = tempDataDir();
    const real = new ParsePool(data.dir, 1);
    let poisonAttempts = 0;
    const parser = {
      parse: (raw: Buffer) => {
        if (raw.includes('X-Poison: yes')) {
          poisonAttempts++;
          return Promise.reject(new Error('parser crashed'));
        }
        return real.parse(raw);
      },
      close: () => real.close(),
    };
    const m = await openMailApp(data.dir, { overrides: { parser } });
    cleanups.push(async () => {
      await m.close();
      data.remove();
    });
    const admin = await client(m, 'admin');
    const id = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'poison@corp.test', { folders: ['Poison'] }))).json().id as number;
    const report = await m.app.mail.syncNow(id);
    expect(report.quarantined).to.equal(1);
    expect(poisonAttempts).to.equal(3);
    expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(5);
    const view = (await admin.request('GET', `/api/v1/mailboxes/${id}`)).json();
    expect(view.quarantined).to.equal(1);
    const q = (await admin.request('GET', `/api/v1/mailboxes/${id}/quarantine`)).json().items;
    expect(q).to.have.length(1);
    expect(q[0]).to.include({ uid: 2, folder: 'Poison', attempts: 3, error: 'parser crashed', rawBytes: poison.length });
    const row = m.db.prepare('SELECT raw_path FROM mail_quarantine').get() as { raw_path: string };
    expect(existsSync(join(data.dir, row.raw_path))).to.equal(true);
    const again = await m.app.mail.syncNow(id);
    expect(again.fetched).to.equal(0);
    expect(poisonAttempts).to.equal(3);
  });

  it('stores a 30 MB attachment on disk with its size', async () => {
    const content = randomBytes(30 * 1024 * 1024);
    const raw = Buffer.from(
      ['From: Big Sender <big@client.test>', 'To: sales@corp.test', 'Subject: =?UTF-8?B?0JLQtdC70LjQutC40Lkg0YTQsNC50Ls=?=', 'Message-ID: <big-1@client.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="BIG"'].join(CRLF) +
        CRLF + CRLF + `--BIG${CRLF}Content-Type: text/plain${CRLF}${CRLF}see attached${CRLF}--BIG${CRLF}Content-Type: application/octet-stream; name="big.bin"${CRLF}Content-Disposition: attachment; filename="big.bin"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}` +
        content.toString('base64').replace(/(.{76})/g, `$1${CRLF}`) + `${CRLF}--BIG--${CRLF}`,
    );
    await dovecot.append('Big', [raw]);
    const m = await app();
    const admin = await client(m, 'admin');
    const id = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'big@corp.test', { folders: ['Big'] }))).json().id as number;
    const report = await m.app.mail.syncNow(id);
    expect(report.stored).to.have.length(1);
    const list = (await admin.request('GET', `/api/v1/messages?mailboxId=${id}`)).json();
    expect(list.items[0].subject).to.equal('Великий файл');
    expect(list.items[0].attachments).to.deep.equal([{ name: 'big.bin', bytes: content.length, contentType: 'application/octet-stream' }]);
    const att = m.db.prepare('SELECT path, bytes FROM mail_attachments').get() as { path: string; bytes: number };
    expect(statSync(join(m.dataDir, att.path)).size).to.equal(30 * 1024 * 1024);
    const msg = m.db.prepare('SELECT raw_path, raw_bytes FROM mail_messages').get() as { raw_path: string; raw_bytes: number };
    expect(statSync(join(m.dataDir, msg.raw_path)).size).to.equal(msg.raw_bytes);
  });
});

describe('mail sync on a server without IDLE (real Dovecot)', function () {
  this.timeout(60_000);
  it('falls back to polling: state "polling", new mail arrives by the next poll', async () => {
    const dovecot = await startDovecot({ extraConfig: 'imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE UIDPLUS' });
    const data = tempDataDir();
    const m = await openMailApp(data.dir, { mail: { pollSeconds: 5 } });
    try {
      const admin = await client(m, 'admin');
      const id = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'noidle@corp.test'))).json().id as number;
      m.app.mail.start(id);
      await until('the first pass', async () => (await admin.request('GET', `/api/v1/mailboxes/${id}`)).json().state === 'polling', 20_000);
      await dovecot.append('INBOX', [Buffer.from(makeMessage(9500, 7, { subject: 'Arrives by polling' }))]);
      await until('the polled message', async () => (await admin.request('GET', `/api/v1/mailboxes/${id}`)).json().messageCount === 1, 45_000);
    } finally {
      await m.close();
      data.remove();
      await dovecot.stop();
    }
  });
});
