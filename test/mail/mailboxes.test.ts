import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, freePort, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import type { TestClient } from '../support/test-app.js';
import { client, mailboxBody, openMailApp, tempDataDir, type MailApp } from './support/mail-app.js';

describe('mailboxes: setup, precise connection errors, passwords sealed at rest', function () {
  this.timeout(60_000);
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let m: MailApp;
  let data: ReturnType<typeof tempDataDir>;
  let admin: TestClient;

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver({ username: 'relay', password: 'relay-secret' });
    data = tempDataDir();
    m = await openMailApp(data.dir);
    admin = await client(m, 'admin');
  });
  after(async () => {
    await m?.close();
    data?.remove();
    await smtp?.stop();
    await dovecot?.stop();
  });

  let n = 0;
  async function testWith(change: (b: ReturnType<typeof mailboxBody>) => void) {
    const body = mailboxBody(dovecot, `box${++n}@corp.test`);
    body.smtp = { host: '127.0.0.1', port: smtp.port, security: 'none', username: 'relay', password: 'relay-secret' };
    change(body);
    const created = await admin.request('POST', '/api/v1/mailboxes', body);
    expect(created.statusCode, created.body).to.equal(201);
    return admin.request('POST', `/api/v1/mailboxes/${created.json().id}/test`);
  }

  it('a working account tests ok; the passwords are never returned and are stored sealed with a 0600 key', async () => {
    const ok = await testWith(() => {});
    expect(ok.statusCode, ok.body).to.equal(200);
    expect(ok.json()).to.deep.include({ imap: 'ok', smtp: 'ok', folders: ['INBOX'] });
    const view = await admin.request('GET', '/api/v1/mailboxes/1');
    expect(view.json()).to.include({ id: 1, address: 'box1@corp.test', messageCount: 0, error: null, lastSyncAt: null });
    expect(view.body).not.to.include(dovecot.password);
    const list = await admin.request('GET', '/api/v1/mailboxes');
    expect(list.body).not.to.include(dovecot.password);
    const row = m.db.prepare('SELECT imap_password_enc, smtp_password_enc FROM mail_mailboxes WHERE id = 1').get() as Record<string, string>;
    expect(row.imap_password_enc).to.match(/^v1:/);
    expect(JSON.stringify(row)).not.to.include(dovecot.password);
    expect(JSON.stringify(row)).not.to.include('relay-secret');
    const key = join(data.dir, 'keys', 'mail.key');
    expect(statSync(key).mode & 0o777).to.equal(0o600);
    expect(readFileSync(key)).to.have.length(32);
    const audit = m.db.prepare("SELECT details FROM audit_log WHERE action = 'mail.mailbox.create'").all();
    expect(JSON.stringify(audit)).not.to.include(dovecot.password);
  });

  it('names the exact reason: wrong password, unknown host, TLS to a plain port, nothing listening, SMTP login refused', async () => {
    const auth = await testWith((b) => (b.imap.password = 'wrong'));
    expect(auth.statusCode).to.equal(422);
    expect(auth.json().error.code).to.equal('MAIL_AUTH_FAILED');
    expect(auth.json().error.message).to.equal('The IMAP server 127.0.0.1 refused the username or password.');

    const dns = await testWith((b) => (b.imap.host = 'no-such-host.invalid'));
    expect(dns.json().error.code).to.equal('MAIL_DNS_FAILED');

    const tls = await testWith((b) => (b.imap.security = 'tls'));
    expect(tls.json().error.code).to.equal('MAIL_TLS_FAILED');

    const closed = await freePort();
    const refused = await testWith((b) => (b.imap.port = closed));
    expect(refused.json().error.code).to.equal('MAIL_CONNECTION_REFUSED');

    const smtpAuth = await testWith((b) => (b.smtp.password = 'nope'));
    expect(smtpAuth.json().error.code).to.equal('MAIL_AUTH_FAILED');
    expect(smtpAuth.json().error.message).to.include('SMTP');

    // A sync of a mailbox that cannot connect answers with the same code and records it.
    const failedSync = await admin.request('POST', '/api/v1/mailboxes/2/sync');
    expect(failedSync.statusCode).to.equal(422);
    expect(failedSync.json().error.code).to.equal('MAIL_AUTH_FAILED');
    expect((await admin.request('GET', '/api/v1/mailboxes/2')).json()).to.include({ state: 'error', error: 'MAIL_AUTH_FAILED' });
    expect((await admin.request('GET', '/api/v1/health')).json().mail).to.match(/^error: box2@corp\.test: MAIL_AUTH_FAILED/);

    const uk = await admin.request('POST', '/api/v1/mailboxes/2/test', undefined, { 'accept-language': 'uk' });
    expect(uk.json().error.message).to.equal('Сервер IMAP 127.0.0.1 не прийняв ім’я користувача або пароль.');
  });

  it('refuses bad input with a specific error and stores nothing', async () => {
    const before = (m.db.prepare('SELECT COUNT(*) AS n FROM mail_mailboxes').get() as { n: number }).n;
    const port = mailboxBody(dovecot, 'x@corp.test');
    port.imap.port = 70000;
    const badPort = await admin.request('POST', '/api/v1/mailboxes', port);
    expect(badPort.statusCode).to.equal(400);
    expect(badPort.json().error.code).to.equal('VALIDATION_FAILED');
    const security = mailboxBody(dovecot, 'x@corp.test');
    (security.imap as { security: string }).security = 'ssl3';
    expect((await admin.request('POST', '/api/v1/mailboxes', security)).statusCode).to.equal(400);
    const dup = await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'BOX1@corp.test'));
    expect(dup.statusCode).to.equal(409);
    expect(dup.json().error.code).to.equal('MAILBOX_EXISTS');
    expect((m.db.prepare('SELECT COUNT(*) AS n FROM mail_mailboxes').get() as { n: number }).n).to.equal(before);
    const op = await client(m, 'operator');
    expect((await op.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'y@corp.test'))).statusCode).to.equal(403);
    expect((await op.request('GET', '/api/v1/mailboxes/1')).statusCode).to.equal(403);
    expect((await admin.request('GET', '/api/v1/mailboxes/999')).json().error.code).to.equal('MAILBOX_NOT_FOUND');
  });

  it('an admin fixes a wrong password with PATCH, and grants and revokes a user’s access to a mailbox', async () => {
    const wrong = await testWith((b) => (b.imap.password = 'typo'));
    expect(wrong.json().error.code).to.equal('MAIL_AUTH_FAILED');
    const id = n;
    const fix = await admin.request('PATCH', `/api/v1/mailboxes/${id}`, { imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password } });
    expect(fix.statusCode, fix.body).to.equal(200);
    expect(fix.body).not.to.include(dovecot.password);
    expect((await admin.request('POST', `/api/v1/mailboxes/${id}/test`)).statusCode).to.equal(200);
    expect((await admin.request('PATCH', `/api/v1/mailboxes/${id}`, {})).statusCode).to.equal(400);
    const ghost = await admin.request('PATCH', `/api/v1/mailboxes/${id}`, { ownerId: 9999 });
    expect(ghost.json().error.code).to.equal('USER_NOT_FOUND_FOR_MAIL');

    const op = await client(m, 'operator');
    expect((await op.request('GET', `/api/v1/mailboxes/${id}`)).statusCode).to.equal(403);
    const granted = await admin.request('POST', `/api/v1/mailboxes/${id}/access`, { userId: op.userId });
    expect(granted.json()).to.deep.equal({ userIds: [op.userId] });
    expect((await op.request('GET', `/api/v1/mailboxes/${id}`)).statusCode).to.equal(200);
    expect((await op.request('GET', '/api/v1/mailboxes')).json().items.map((b: { id: number }) => b.id)).to.deep.equal([id]);
    const revoked = await admin.request('DELETE', `/api/v1/mailboxes/${id}/access/${op.userId}`);
    expect(revoked.json()).to.deep.equal({ userIds: [] });
    expect((await op.request('GET', `/api/v1/mailboxes/${id}`)).statusCode).to.equal(403);
  });
});
