import { expect } from 'chai';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import type { TestClient } from '../support/test-app.js';
import { client, mailboxBody, openMailApp, tempDataDir, type MailApp } from './support/mail-app.js';

const CRLF = '\r\n';
function mail(from: string, to: string, subject: string, body: string): Buffer {
  return Buffer.from([`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <console-${subject.replace(/\W/g, '')}-${Date.now()}@acme.test>`, `Date: ${new Date().toUTCString()}`].join(CRLF) + CRLF + CRLF + body + CRLF);
}

describe('mail for the admin console: test before saving, folders, pause/resume, rule edits, "where would it go and why" (real Dovecot)', function () {
  this.timeout(90_000);
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let m: MailApp;
  let data: ReturnType<typeof tempDataDir>;
  let admin: TestClient, manager: TestClient, owner: TestClient;
  let bossId: number;

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    data = tempDataDir();
    m = await openMailApp(data.dir);
    admin = await client(m, 'admin');
    manager = await client(m, 'operator', 'console-manager');
    owner = await client(m, 'operator', 'console-owner');
    const boss = await admin.request('POST', '/api/v1/contacts', { name: 'Boss', emails: ['boss@acme.test'], status: 'client', ownerId: manager.userId, tags: ['vip'] });
    expect(boss.statusCode, boss.body).to.equal(201);
    bossId = boss.json().id;
    await dovecot.append('Sales', [mail('Boss <boss@acme.test>', 'sales@corp.test', 'Invoice 7', 'please send the invoice')]);
  });
  after(async () => {
    await m?.close();
    data?.remove();
    await smtp?.stop();
    await dovecot?.stop();
  });

  function settings() {
    const b = mailboxBody(dovecot, 'sales@corp.test');
    b.smtp.port = smtp.port;
    return b;
  }

  it('tests typed settings before saving and lists the folders to choose; names a missing folder and a wrong password', async () => {
    const { imap, smtp: out } = settings();
    const ok = await admin.request('POST', '/api/v1/mailboxes/test', { imap, smtp: out });
    expect(ok.statusCode, ok.body).to.equal(200);
    expect(ok.json().folders[0]).to.equal('INBOX');
    expect(ok.json().folders).to.include('Sales');
    const missing = await admin.request('POST', '/api/v1/mailboxes/test', { imap, smtp: out, folders: ['Sales', 'Archive'] }, { 'accept-language': 'de' });
    expect(missing.statusCode).to.equal(422);
    expect(missing.json().error.code).to.equal('MAIL_NO_FOLDER');
    expect(missing.json().error.message).to.include('„Archive“');
    const auth = await admin.request('POST', '/api/v1/mailboxes/test', { imap: { ...imap, password: 'wrong' }, smtp: out });
    expect(auth.json().error.code).to.equal('MAIL_AUTH_FAILED');
    const operator = await manager.request('POST', '/api/v1/mailboxes/test', { imap, smtp: out });
    expect(operator.statusCode).to.equal(403);
    expect(JSON.stringify(ok.json())).not.to.include(dovecot.password);
  });

  it('pauses and resumes a mailbox’s sync; the state says which', async () => {
    const created = await admin.request('POST', '/api/v1/mailboxes', { ...settings(), folders: ['INBOX', 'Sales'], ownerId: owner.userId });
    expect(created.statusCode, created.body).to.equal(201);
    const id = created.json().id as number;
    const paused = await admin.request('PATCH', `/api/v1/mailboxes/${id}`, { enabled: false });
    expect(paused.statusCode, paused.body).to.equal(200);
    expect(paused.json()).to.include({ enabled: false, state: 'paused' });
    const resumed = await admin.request('PATCH', `/api/v1/mailboxes/${id}`, { enabled: true });
    expect(resumed.json().enabled).to.equal(true);
    // Resuming starts the sync: the Sales message arrives without anyone asking.
    const deadline = Date.now() + 30_000;
    let view = resumed.json();
    while (view.messageCount < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      view = (await admin.request('GET', `/api/v1/mailboxes/${id}`)).json();
    }
    expect(view.messageCount).to.equal(1);
    expect(['idle', 'polling', 'syncing']).to.include(view.state);
    const again = await admin.request('PATCH', `/api/v1/mailboxes/${id}`, { enabled: false });
    expect(again.json().state).to.equal('paused');
  });

  it('explains a real message rule by rule, reorders and edits rules', async () => {
    const keyword = await admin.request('POST', '/api/v1/routing-rules', { name: 'refunds', conditions: { keywords: ['refund'] }, action: { type: 'user', userId: owner.userId } });
    const vip = await admin.request('POST', '/api/v1/routing-rules', { name: 'VIPs to their manager', conditions: { tagsAny: ['vip'], recipients: ['sales@corp.test'] }, action: { type: 'contact_owner' } });
    expect(vip.statusCode, vip.body).to.equal(201);
    const messages = await admin.request('GET', '/api/v1/messages?limit=10');
    const messageId = (messages.json().items as { id: number; subject: string }[]).find((i) => i.subject === 'Invoice 7')!.id;

    const why = await admin.request('POST', '/api/v1/routing-rules/explain', { messageId });
    expect(why.statusCode, why.body).to.equal(200);
    const body = why.json();
    expect(body.steps.map((s: { name: string; outcome: string; failed: string[] }) => [s.name, s.outcome, s.failed])).to.deep.equal([
      ['refunds', 'not_matched', ['keywords']],
      ['VIPs to their manager', 'chosen', []],
    ]);
    expect(body).to.include({ decidedBy: 'rule', ruleId: vip.json().id, assigneeId: manager.userId, messageId, senderContactId: bossId });

    // Moving the VIP rule down and widening "refunds" to "invoice" changes the answer.
    const edited = await admin.request('PUT', `/api/v1/routing-rules/${keyword.json().id}`, { name: 'invoices', enabled: true, position: 1, conditions: { keywords: ['invoice'] }, action: { type: 'user', userId: owner.userId } });
    expect(edited.statusCode, edited.body).to.equal(200);
    const again = (await admin.request('POST', '/api/v1/routing-rules/explain', { messageId })).json();
    expect(again.steps.map((s: { outcome: string }) => s.outcome)).to.deep.equal(['chosen', 'not_reached']);
    expect(again.assigneeId).to.equal(owner.userId);
    const moved = await admin.request('PUT', `/api/v1/routing-rules/${vip.json().id}`, { name: vip.json().name, enabled: true, conditions: vip.json().conditions, action: vip.json().action, position: 1 });
    expect(moved.statusCode, moved.body).to.equal(200);
    expect((await admin.request('GET', '/api/v1/routing-rules')).json().items.map((r: { name: string; position: number }) => `${r.position}:${r.name}`)).to.deep.equal(['1:VIPs to their manager', '2:invoices']);

    // A sample typed by the admin: an unknown sender, no rule matches, the mailbox owner takes it.
    const box = (await admin.request('GET', '/api/v1/mailboxes')).json().items[0].id;
    const sample = await admin.request('POST', '/api/v1/routing-rules/explain', { sample: { from: 'someone@new.test', to: ['sales@corp.test'], subject: 'hello', text: 'hi' }, mailboxId: box });
    expect(sample.statusCode, sample.body).to.equal(200);
    expect(sample.json()).to.include({ decidedBy: 'mailbox_owner', assigneeId: owner.userId, senderContactId: null });
    expect(sample.json().steps.map((s: { failed: string[] }) => s.failed)).to.deep.equal([['tagsAny'], ['keywords']]);

    const bad = await admin.request('PUT', '/api/v1/routing-rules/999', { name: 'x', enabled: true, conditions: { keywords: ['a'] }, action: { type: 'contact_owner' } });
    expect(bad.json().error.code).to.equal('ROUTING_RULE_NOT_FOUND');
    const noBox = await admin.request('POST', '/api/v1/routing-rules/explain', { sample: { from: 'a@b.test', to: ['c@d.test'], subject: '', text: '' }, mailboxId: 999 });
    expect(noBox.json().error.code).to.equal('MAILBOX_NOT_FOUND');
    const audit = m.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'mail.routing_rule.update'").get() as { n: number };
    expect(audit.n).to.equal(2);
  });
});
