import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import type { TestClient } from '../support/test-app.js';
import { client, mailboxBody, openMailApp, tempDataDir, type MailApp } from './support/mail-app.js';

const CRLF = '\r\n';

/**
 * The composer's server side with a real Dovecot and a real SMTP receiver: files attached to a
 * reply (size and type limits, the sender's own uploads only) reach the customer and are stored
 * content-addressed with the sent copy; reply templates are kept by supervisors and admins and
 * filled by the server, masked for interns.
 */
describe('mail composer: attachments on replies and shared reply templates (real Dovecot + SMTP)', function () {
  this.timeout(120_000);
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let m: MailApp;
  let data: ReturnType<typeof tempDataDir>;
  let admin: TestClient, supervisor: TestClient, operator: TestClient, other: TestClient, intern: TestClient;
  let inboundId: number;
  let mailboxId: number;

  const upload = (who: TestClient, name: string, body: Buffer, type = 'application/pdf') =>
    who.request('POST', `/api/v1/mail/uploads?name=${encodeURIComponent(name)}`, body, { 'content-type': type });

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    data = tempDataDir();
    m = await openMailApp(data.dir, { mail: { attachmentMaxBytes: 64 * 1024, attachmentsMaxTotalBytes: 100 * 1024 } });
    admin = await client(m, 'admin');
    supervisor = await client(m, 'supervisor');
    operator = await client(m, 'operator', 'olga');
    other = await client(m, 'operator');
    intern = await client(m, 'intern');
    const box = mailboxBody(dovecot, 'sales@corp.test', { ownerId: operator.userId });
    box.smtp.port = smtp.port;
    const res = await admin.request('POST', '/api/v1/mailboxes', box);
    expect(res.statusCode, res.body).to.equal(201);
    const raw = Buffer.from(
      ['From: bob@acme.test', 'To: sales@corp.test', 'Subject: Contract', `Message-ID: <c-${Date.now()}@acme.test>`, `Date: ${new Date().toUTCString()}`].join(CRLF) +
        CRLF + CRLF + 'Please send the signed contract.' + CRLF,
    );
    await dovecot.append('INBOX', [raw]);
    mailboxId = res.json().id;
    await m.app.mail.syncNow(mailboxId);
    const list = await operator.request('GET', '/api/v1/messages?limit=10');
    inboundId = (list.json().items as Array<{ id: number; direction: string }>).find((i) => i.direction === 'in')!.id;
  });
  after(async () => {
    await m?.close();
    data?.remove();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it('a reply carries the attached file to the customer; the sent copy stores it content-addressed; the upload is gone', async () => {
    const pdf = Buffer.from('%PDF-1.4 signed contract');
    const up = await upload(operator, 'contract signed.pdf', pdf);
    expect(up.statusCode, up.body).to.equal(201);
    expect(up.json()).to.include({ name: 'contract signed.pdf', contentType: 'application/pdf', bytes: pdf.length });
    const sent = await operator.request('POST', '/api/v1/messages', { replyToMessageId: inboundId, text: 'Here it is.', attachments: [up.json().id] });
    expect(sent.statusCode, sent.body).to.equal(201);
    const [mail] = await smtp.waitFor(1, 30_000);
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).to.deep.equal([['contract signed.pdf', 'application/pdf', '%PDF-1.4 signed contract']]);
    const detail = await operator.request('GET', `/api/v1/messages/${sent.json().id}`);
    expect(detail.json().attachments).to.deep.equal([{ name: 'contract signed.pdf', bytes: pdf.length, contentType: 'application/pdf' }]);
    const row = m.db.prepare('SELECT path, sha256 FROM mail_attachments WHERE message_id = ?').get(sent.json().id) as { path: string; sha256: string };
    expect(row.path).to.equal(join('mail', 'att', row.sha256.slice(0, 1), row.sha256));
    expect(existsSync(join(data.dir, row.path))).to.equal(true);
    expect(readdirSync(join(data.dir, 'uploads', 'mail', String(operator.userId)))).to.deep.equal([]);
    const file = await operator.request('GET', `/api/v1/messages/${sent.json().id}/attachments/0`);
    expect(file.body).to.equal('%PDF-1.4 signed contract');
  });

  it('refuses programs, files over the limit, empty files, another user’s upload and a used one, with coded errors and nothing sent', async () => {
    const exe = await upload(operator, 'setup.EXE', Buffer.from('MZ'), 'application/octet-stream');
    expect([exe.statusCode, exe.json().error.code]).to.deep.equal([415, 'MAIL_UPLOAD_TYPE_REFUSED']);
    const big = await upload(operator, 'big.pdf', Buffer.alloc(65 * 1024, 1));
    expect(big.statusCode).to.equal(413);
    expect(big.json().error.code).to.be.oneOf(['BODY_TOO_LARGE', 'MAIL_UPLOAD_TOO_LARGE']);
    const empty = await upload(operator, 'empty.pdf', Buffer.alloc(0));
    expect([empty.statusCode, empty.json().error.code]).to.deep.equal([400, 'MAIL_UPLOAD_INVALID']);
    const nameless = await operator.request('POST', '/api/v1/mail/uploads', Buffer.from('x'), { 'content-type': 'text/plain' });
    expect(nameless.statusCode).to.equal(400);

    const theirs = await upload(other, 'theirs.pdf', Buffer.from('%PDF other'));
    expect(theirs.statusCode).to.equal(201);
    const before = smtp.received.length;
    const stolen = await operator.request('POST', '/api/v1/messages', { replyToMessageId: inboundId, text: 'x', attachments: [theirs.json().id] });
    expect([stolen.statusCode, stolen.json().error.code]).to.deep.equal([404, 'MAIL_UPLOAD_NOT_FOUND']);
    const bogus = await operator.request('POST', '/api/v1/messages', { replyToMessageId: inboundId, text: 'x', attachments: ['not-an-id'] });
    expect(bogus.statusCode).to.equal(400);

    // Two files of 40 KB pass one by one but not together (100 KB per message).
    const a = await upload(operator, 'a.pdf', Buffer.alloc(60 * 1024, 2));
    const b = await upload(operator, 'b.pdf', Buffer.alloc(60 * 1024, 3));
    const tooMuch = await operator.request('POST', '/api/v1/messages', { replyToMessageId: inboundId, text: 'x', attachments: [a.json().id, b.json().id] });
    expect([tooMuch.statusCode, tooMuch.json().error.code]).to.deep.equal([413, 'MAIL_ATTACHMENTS_TOO_LARGE']);
    expect(smtp.received.length).to.equal(before);
    // Taken off in the composer: gone.
    expect((await operator.request('DELETE', `/api/v1/mail/uploads/${a.json().id}`)).statusCode).to.equal(200);
    const gone = await operator.request('POST', '/api/v1/messages', { replyToMessageId: inboundId, text: 'x', attachments: [a.json().id] });
    expect(gone.json().error.code).to.equal('MAIL_UPLOAD_NOT_FOUND');
    // In the user's language.
    const uk = await operator.request('POST', `/api/v1/mail/uploads?name=run.bat`, Buffer.from('echo'), { 'content-type': 'text/plain', 'accept-language': 'uk' });
    expect(uk.json().error.message).to.equal('Файли на кшталт «run.bat» не можна вкладати (програми й скрипти відхиляються).');
  });

  it('templates: supervisors and admins keep them, operators insert them filled by the server, interns masked', async () => {
    const body = 'Dear {{customer}},\n\nabout "{{ subject }}": see attached.\n\n{{agent}}, {{mailbox}}';
    const denied = await operator.request('POST', '/api/v1/mail/templates', { name: 'Contract', body });
    expect(denied.statusCode).to.equal(403);
    const created = await supervisor.request('POST', '/api/v1/mail/templates', { name: 'Contract', body });
    expect(created.statusCode, created.body).to.equal(201);
    const id = created.json().id as number;
    const dup = await admin.request('POST', '/api/v1/mail/templates', { name: 'contract', body: 'x' });
    expect([dup.statusCode, dup.json().error.code]).to.deep.equal([409, 'MAIL_TEMPLATE_EXISTS']);
    const bad = await admin.request('POST', '/api/v1/mail/templates', { name: 'Bad', body: 'Hi {{firstname}}' });
    expect([bad.statusCode, bad.json().error.code]).to.deep.equal([400, 'MAIL_TEMPLATE_INVALID']);
    expect(bad.json().error.message).to.include('{{firstname}}').and.include('{{customer}}');

    const list = await operator.request('GET', '/api/v1/mail/templates');
    expect(list.json().items.map((t: { name: string }) => t.name)).to.deep.equal(['Contract']);
    expect(list.json().placeholders).to.include('customer');
    const filled = await operator.request('POST', `/api/v1/mail/templates/${id}/render`, { replyToMessageId: inboundId });
    expect(filled.statusCode, filled.body).to.equal(200);
    // The sender gave no name: the address stands in for it.
    expect(filled.json().text).to.equal('Dear bob@acme.test,\n\nabout "Contract": see attached.\n\nTest olga, sales@corp.test');

    // The intern sees the message through a delegation and gets the address masked.
    const del = await admin.request('POST', '/api/v1/delegations', { fromUserId: operator.userId, toUserId: intern.userId });
    expect(del.statusCode, del.body).to.be.oneOf([200, 201]);
    await dovecot.append('INBOX', [
      Buffer.from(['From: bob@acme.test', 'To: sales@corp.test', 'Subject: Contract again', `Message-ID: <c2-${Date.now()}@acme.test>`, `Date: ${new Date().toUTCString()}`].join(CRLF) + CRLF + CRLF + 'Any news?' + CRLF),
    ]);
    await m.app.mail.syncNow(mailboxId);
    const seen = await intern.request('GET', '/api/v1/messages?limit=10');
    const delegatedId = (seen.json().items as Array<{ id: number; subject: string }>).find((i) => i.subject === 'Contract again')!.id;
    const masked = await intern.request('POST', `/api/v1/mail/templates/${id}/render`, { replyToMessageId: delegatedId });
    expect(masked.statusCode, masked.body).to.equal(200);
    expect(masked.json().text).to.match(/^Dear b.*\*.*@.*,/).and.not.include('bob@acme.test');
    const otherRender = await other.request('POST', `/api/v1/mail/templates/${id}/render`, { replyToMessageId: inboundId });
    expect(otherRender.json().error.code).to.equal('MESSAGE_NOT_FOUND');

    const renamed = await admin.request('PUT', `/api/v1/mail/templates/${id}`, { name: 'Signed contract', body: 'Hello {{customer}}' });
    expect(renamed.json()).to.include({ name: 'Signed contract', body: 'Hello {{customer}}' });
    expect((await operator.request('DELETE', `/api/v1/mail/templates/${id}`)).statusCode).to.equal(403);
    expect((await supervisor.request('DELETE', `/api/v1/mail/templates/${id}`)).statusCode).to.equal(200);
    expect((await supervisor.request('DELETE', `/api/v1/mail/templates/${id}`)).json().error.code).to.equal('MAIL_TEMPLATE_NOT_FOUND');
    const audit = m.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'mail.template.%' ORDER BY id").all() as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).to.deep.equal(['mail.template.create', 'mail.template.update', 'mail.template.delete']);
  });
  it('"why did this reach me": a message names the routing rule that chose its assignee; the owner’s mail names none', async () => {
    const own = await operator.request('GET', `/api/v1/messages/${inboundId}`);
    expect(own.json().routing).to.deep.equal({ rule: null, delegated: false });
    const rule = await admin.request('POST', '/api/v1/routing-rules', { name: 'Contracts to Olga', conditions: { keywords: ['contract'] }, action: { type: 'user', userId: operator.userId } });
    expect(rule.statusCode, rule.body).to.equal(201);
    await dovecot.append('INBOX', [
      Buffer.from(['From: carol@acme.test', 'To: sales@corp.test', 'Subject: The contract', `Message-ID: <c3-${Date.now()}@acme.test>`, `Date: ${new Date().toUTCString()}`].join(CRLF) + CRLF + CRLF + 'About the contract.' + CRLF),
    ]);
    await m.app.mail.syncNow(mailboxId);
    const list = (await operator.request('GET', '/api/v1/messages?limit=20')).json().items as Array<{ subject: string; routing: unknown }>;
    // The intern stands in for Olga (the delegation above): the rule chose her, the delegation passed it on.
    expect(list.find((i) => i.subject === 'The contract')!.routing).to.deep.equal({ rule: 'Contracts to Olga', delegated: true });
  });
});
