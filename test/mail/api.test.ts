import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import type { TestClient } from '../support/test-app.js';
import { client, mailboxBody, openMailApp, tempDataDir, type MailApp } from './support/mail-app.js';

const CRLF = '\r\n';
let seq = 0;
function mailFrom(from: string, to: string, subject: string, extra: string[] = []): Buffer {
  seq++;
  return Buffer.from(
    [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <api-${seq}-${Date.now()}@acme.test>`, `Date: ${new Date().toUTCString()}`, ...extra].join(CRLF) +
      CRLF + CRLF + `Body ${seq}: call me at boss@acme.test or +380671234545${CRLF}`,
  );
}

describe('mail API: FAQ routing, delegation and revert, replies, masking for interns (real Dovecot + SMTP)', function () {
  this.timeout(120_000);
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let m: MailApp;
  let data: ReturnType<typeof tempDataDir>;
  let admin: TestClient, manager: TestClient, salesRep: TestClient, intern: TestClient;
  let mailboxId: number;
  let acmeId: number;

  async function deliver(raw: Buffer) {
    await dovecot.append('Sales', [raw]);
    await m.app.mail.syncNow(mailboxId);
  }
  async function latest(viewer: TestClient) {
    // The newest inbound one (INTERNALDATE has whole seconds, so order by id).
    const res = await viewer.request('GET', `/api/v1/messages?mailboxId=${mailboxId}&limit=200`);
    expect(res.statusCode, res.body).to.equal(200);
    const inbound = (res.json().items as { id: number; direction: string }[]).filter((i) => i.direction === 'in');
    return inbound.sort((a, b) => b.id - a.id)[0] as unknown as { id: number; messageId: string; threadId: number; assigneeId: number | null; originalAssigneeId: number | null; contactIds: number[] };
  }

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    data = tempDataDir();
    m = await openMailApp(data.dir);
    admin = await client(m, 'admin');
    manager = await client(m, 'operator', 'manager');
    salesRep = await client(m, 'operator', 'salesrep');
    intern = await client(m, 'intern', 'intern');
    const box = mailboxBody(dovecot, 'sales@corp.test', { folders: ['Sales'], ownerId: salesRep.userId });
    box.smtp.port = smtp.port;
    const res = await admin.request('POST', '/api/v1/mailboxes', box);
    expect(res.statusCode, res.body).to.equal(201);
    mailboxId = res.json().id;
    const acme = await admin.request('POST', '/api/v1/contacts', { name: 'Acme boss', emails: ['boss@acme.test'], status: 'client', ownerId: manager.userId });
    expect(acme.statusCode, acme.body).to.equal(201);
    acmeId = acme.json().id;
  });
  after(async () => {
    await m?.close();
    data?.remove();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it('FAQ: a client who once wrote to sales writes to the sales address and the mail goes to their account manager', async () => {
    await deliver(mailFrom('Acme Boss <boss@acme.test>', 'sales@corp.test', 'Prices?'));
    const first = await latest(admin);
    expect(first.assigneeId).to.equal(salesRep.userId); // no rule yet: the mailbox owner
    expect(first.contactIds).to.deep.equal([acmeId]);
    await deliver(mailFrom('Stranger <stranger@new.test>', 'sales@corp.test', 'Hello'));
    const stranger = await latest(admin);
    expect(stranger.contactIds).to.have.length(1); // a lead was created for the new sender
    expect(stranger.contactIds[0]).not.to.equal(acmeId);

    const rule = { name: 'Clients writing to sales go to their manager', conditions: { recipients: ['sales@corp.test'], contactStatus: ['client'] }, action: { type: 'contact_owner' } };
    const preview = await admin.request('POST', '/api/v1/routing-rules/preview', { conditions: rule.conditions, action: rule.action });
    expect(preview.statusCode, preview.body).to.equal(200);
    expect(preview.json()).to.include({ matched: 1, total: 2, summary: 'This rule would have routed 1 of the last 2 messages.' });
    expect(preview.json().sample).to.deep.equal([{ id: first.id, assigneeId: manager.userId }]);
    const uk = await admin.request('POST', '/api/v1/routing-rules/preview', { conditions: rule.conditions, action: rule.action }, { 'accept-language': 'uk' });
    expect(uk.json().summary).to.match(/^Це правило спрямувало б 1 з останніх 2/);

    const saved = await admin.request('POST', '/api/v1/routing-rules', rule);
    expect(saved.statusCode, saved.body).to.equal(201);
    expect((await admin.request('GET', '/api/v1/routing-rules')).json().items).to.have.length(1);

    await deliver(mailFrom('Acme Boss <boss@acme.test>', 'Sales <sales@corp.test>', 'Order 42'));
    const routed = await latest(admin);
    expect(routed.assigneeId).to.equal(manager.userId);
    expect(routed.originalAssigneeId).to.equal(null);
    // One history per customer: the mail is on the contact's timeline.
    const timeline = await admin.request('GET', `/api/v1/contacts/${acmeId}/timeline?limit=10`);
    expect(timeline.statusCode, timeline.body).to.equal(200);
    const mails = (timeline.json().items as { type: string; id: number }[]).filter((i) => i.type === 'mail');
    expect(mails.map((i) => i.id)).to.include.members([first.id, routed.id]);
    const byContact = await admin.request('GET', `/api/v1/messages?contactId=${acmeId}`);
    expect(byContact.json().total).to.equal(2);
  });

  it('refuses a rule without conditions and a malformed one with clear errors', async () => {
    const none = await admin.request('POST', '/api/v1/routing-rules', { name: 'x', conditions: {}, action: { type: 'contact_owner' } });
    expect(none.statusCode).to.equal(400);
    expect(none.json().error.code).to.equal('ROUTING_RULE_INVALID');
    const bad = await admin.request('POST', '/api/v1/routing-rules', { name: 'x', conditions: { recipients: ['not-an-address'] }, action: { type: 'user' } });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('VALIDATION_FAILED');
    const op = await manager.request('POST', '/api/v1/routing-rules', { name: 'x', conditions: { keywords: ['a'] }, action: { type: 'contact_owner' } });
    expect(op.statusCode).to.equal(403);
  });

  it('delegation sends the manager’s mail to an intern (original shown, addresses masked), the intern replies in the thread, revert hands it back', async () => {
    const del = await manager.request('POST', '/api/v1/delegations', { fromUserId: manager.userId, toUserId: intern.userId });
    expect(del.statusCode, del.body).to.equal(201);
    const delegationId = del.json().id;
    expect(del.json().state).to.equal('active');

    await deliver(mailFrom('Acme Boss <boss@acme.test>', 'sales@corp.test', 'Urgent: invoice'));
    const asAdmin = await latest(admin);
    expect(asAdmin.assigneeId).to.equal(intern.userId);
    expect(asAdmin.originalAssigneeId).to.equal(manager.userId);

    const list = await intern.request('GET', '/api/v1/messages');
    expect(list.statusCode).to.equal(200);
    expect(list.json().total).to.equal(1); // only what is assigned to them
    const seen = list.json().items[0];
    expect(seen.id).to.equal(asAdmin.id);
    expect(seen.from.address).to.equal('b***@acme.test');
    expect(list.body).not.to.include('boss@acme.test');
    const detail = await intern.request('GET', `/api/v1/messages/${seen.id}`);
    expect(detail.statusCode).to.equal(200);
    expect(detail.body).not.to.include('boss@acme.test');
    expect(detail.body).not.to.include('1234545');
    expect((await intern.request('GET', `/api/v1/messages/${asAdmin.id - 1}`)).statusCode).to.equal(404);

    const typed = await intern.request('POST', '/api/v1/messages', { mailboxId, to: ['boss@acme.test'], text: 'hi' });
    expect(typed.statusCode).to.equal(403);
    expect(typed.json().error.code).to.equal('MAIL_RAW_ADDRESS_FORBIDDEN');
    const reply = await intern.request('POST', '/api/v1/messages', { replyToMessageId: seen.id, text: 'We are on it.' });
    expect(reply.statusCode, reply.body).to.equal(201);
    expect(reply.json().threadId).to.equal(seen.threadId);
    expect(reply.json().to[0].address).to.equal('b***@acme.test');
    const [sent] = await smtp.waitFor(1);
    expect(sent!.to).to.deep.equal(['boss@acme.test']);
    const parsed = await simpleParser(sent!.raw);
    expect(parsed.inReplyTo).to.equal(`<${asAdmin.messageId}>`);
    expect(String(parsed.references)).to.include(asAdmin.messageId);
    expect(parsed.subject).to.equal('Re: Urgent: invoice');
    const thread = await admin.request('GET', `/api/v1/messages?contactId=${acmeId}&limit=50`);
    expect((thread.json().items as { threadId: number; direction: string }[]).filter((i) => i.threadId === seen.threadId).map((i) => i.direction).sort()).to.deep.equal(['in', 'out']);

    const revert = await manager.request('DELETE', `/api/v1/delegations/${delegationId}`);
    expect(revert.statusCode, revert.body).to.equal(200);
    expect(revert.json()).to.deep.equal({ id: delegationId, returned: 1 });
    const back = (await admin.request('GET', `/api/v1/messages/${asAdmin.id}`)).json();
    expect(back.assigneeId).to.equal(manager.userId);
    expect(back.originalAssigneeId).to.equal(null);
    // What stays visible to the intern is only the reply they wrote themselves.
    const left = (await intern.request('GET', '/api/v1/messages')).json();
    expect(left.items.map((i: { direction: string }) => i.direction)).to.deep.equal(['out']);
    await deliver(mailFrom('Acme Boss <boss@acme.test>', 'sales@corp.test', 'After the holiday'));
    expect((await latest(admin)).assigneeId).to.equal(manager.userId);
    expect((await manager.request('DELETE', `/api/v1/delegations/${delegationId}`)).statusCode).to.equal(404);
  });

  it('team rules hand out mail round-robin; replies thread by headers and by subject when headers are lost; writing to a contact by id', async () => {
    const a = await client(m, 'operator', 'support-a');
    const b = await client(m, 'operator', 'support-b');
    const team = await admin.request('POST', '/api/v1/teams', { name: 'Support', memberIds: [a.userId, b.userId] });
    expect(team.statusCode, team.body).to.equal(201);
    const rule = await admin.request('POST', '/api/v1/routing-rules', {
      name: 'support words', position: 1, conditions: { keywords: ['support'] }, action: { type: 'team', teamId: team.json().id, strategy: 'round_robin' },
    });
    expect(rule.statusCode, rule.body).to.equal(201);
    expect((await admin.request('GET', '/api/v1/routing-rules')).json().items.map((r: { position: number; name: string }) => r.name)[0]).to.equal('support words');
    const assignees: (number | null)[] = [];
    const ids: { id: number; messageId: string; threadId: number }[] = [];
    for (let i = 1; i <= 3; i++) {
      await deliver(mailFrom('Pat <pat@people.test>', 'sales@corp.test', `Need support ${i}`));
      const msg = await latest(admin);
      assignees.push(msg.assigneeId);
      ids.push(msg);
    }
    expect(assignees).to.deep.equal([a.userId, b.userId, a.userId]);
    expect(new Set(ids.map((x) => x.threadId)).size).to.equal(3);

    await deliver(mailFrom('Pat <pat@people.test>', 'sales@corp.test', 'Something else', [`In-Reply-To: <${ids[1]!.messageId}>`, `References: <${ids[1]!.messageId}>`]));
    expect((await latest(admin)).threadId).to.equal(ids[1]!.threadId);
    await deliver(mailFrom('Pat <pat@people.test>', 'sales@corp.test', 'RE: Need support 3'));
    expect((await latest(admin)).threadId).to.equal(ids[2]!.threadId);
    await deliver(mailFrom('Someone Else <else@people.test>', 'sales@corp.test', 'Re: Need support 3'));
    expect((await latest(admin)).threadId).not.to.equal(ids[2]!.threadId); // no shared contact: not the same conversation

    const before = smtp.received.length;
    const sent = await admin.request('POST', '/api/v1/messages', { mailboxId, contactId: acmeId, subject: 'Our offer', text: 'Dear client' });
    expect(sent.statusCode, sent.body).to.equal(201);
    expect(sent.json()).to.include({ direction: 'out', subject: 'Our offer' });
    expect(sent.json().contactIds).to.deep.equal([acmeId]);
    const got = await smtp.waitFor(before + 1);
    expect(got[before]!.to).to.deep.equal(['boss@acme.test']);
    expect(got[before]!.from).to.equal('sales@corp.test');
    const none = await admin.request('POST', '/api/v1/messages', { mailboxId, text: 'to nobody' });
    expect(none.json().error.code).to.equal('MAIL_NO_RECIPIENT');
    // Least busy: b has had fewer messages than a this week.
    const busy = await admin.request('POST', '/api/v1/routing-rules', {
      name: 'least busy', position: 1, conditions: { keywords: ['overloaded'] }, action: { type: 'team', teamId: team.json().id, strategy: 'least_busy' },
    });
    await deliver(mailFrom('Pat <pat@people.test>', 'sales@corp.test', 'We are overloaded'));
    expect((await latest(admin)).assigneeId).to.equal(b.userId);
    expect((await admin.request('DELETE', `/api/v1/routing-rules/${busy.json().id}`)).statusCode).to.equal(204);
    expect((await admin.request('DELETE', `/api/v1/routing-rules/${rule.json().id}`)).statusCode).to.equal(204);
    expect((await admin.request('DELETE', `/api/v1/routing-rules/${rule.json().id}`)).json().error.code).to.equal('ROUTING_RULE_NOT_FOUND');
  });

  it('delegations check their dates: "until" in the past refused, a future one is scheduled and routes nothing yet', async () => {
    const past = await manager.request('POST', '/api/v1/delegations', { fromUserId: manager.userId, toUserId: intern.userId, until: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).to.equal(400);
    expect(past.json().error.code).to.equal('DELEGATION_INVALID');
    const self = await manager.request('POST', '/api/v1/delegations', { fromUserId: manager.userId, toUserId: manager.userId });
    expect(self.json().error.code).to.equal('DELEGATION_INVALID');
    const foreign = await intern.request('POST', '/api/v1/delegations', { fromUserId: manager.userId, toUserId: intern.userId });
    expect(foreign.statusCode).to.equal(403);
    const later = await manager.request('POST', '/api/v1/delegations', { fromUserId: manager.userId, toUserId: intern.userId, from: '2099-01-01T00:00:00Z', until: '2099-02-01T00:00:00Z' });
    expect(later.statusCode, later.body).to.equal(201);
    expect(later.json()).to.include({ state: 'scheduled', until: '2099-02-01T00:00:00.000Z' });
    await deliver(mailFrom('Acme Boss <boss@acme.test>', 'sales@corp.test', 'Not delegated yet'));
    expect((await latest(admin)).assigneeId).to.equal(manager.userId);
    expect((await manager.request('DELETE', `/api/v1/delegations/${later.json().id}`)).json()).to.deep.equal({ id: later.json().id, returned: 0 });
  });

  it('offboarding removes every mail access of a deactivated user at once', async () => {
    const helper = await client(m, 'operator', 'helper');
    const box = mailboxBody(dovecot, 'helper@corp.test', { folders: ['Helper'], ownerId: helper.userId });
    const own = await admin.request('POST', '/api/v1/mailboxes', box);
    expect(own.statusCode).to.equal(201);
    const del = await manager.request('POST', '/api/v1/delegations', { fromUserId: manager.userId, toUserId: helper.userId });
    expect(del.statusCode, del.body).to.equal(201);
    await deliver(mailFrom('Acme Boss <boss@acme.test>', 'sales@corp.test', 'For the helper'));
    const msg = await latest(admin);
    expect(msg.assigneeId).to.equal(helper.userId);
    expect((await helper.request('GET', `/api/v1/mailboxes/${own.json().id}`)).statusCode).to.equal(200);

    const off = await admin.request('POST', `/api/v1/users/${helper.userId}/deactivate`, {});
    expect(off.statusCode, off.body).to.equal(200);
    const after = (await admin.request('GET', `/api/v1/messages/${msg.id}`)).json();
    expect(after.assigneeId).to.equal(manager.userId); // the delegation was undone, mail went back
    expect((await admin.request('GET', '/api/v1/delegations')).json().items).to.deep.equal([]);
    expect((await admin.request('GET', `/api/v1/mailboxes/${own.json().id}`)).json().ownerId).to.equal(null);
    await deliver(mailFrom('Acme Boss <boss@acme.test>', 'sales@corp.test', 'Next one'));
    expect((await latest(admin)).assigneeId).to.equal(manager.userId);
  });

  it('merging two contacts brings their mail into one history', async () => {
    await deliver(mailFrom('Kim <kim@one.test>', 'sales@corp.test', 'From the first address'));
    const kim = (await latest(admin)).contactIds[0]!;
    await deliver(mailFrom('Kim at home <kim@two.test>', 'sales@corp.test', 'From the second address'));
    const kimToo = (await latest(admin)).contactIds[0]!;
    expect(kimToo).not.to.equal(kim);
    const merged = await admin.request('POST', `/api/v1/contacts/${kim}/merge`, { otherId: kimToo });
    expect(merged.statusCode, merged.body).to.equal(200);
    expect((await admin.request('GET', `/api/v1/messages?contactId=${kim}`)).json().total).to.equal(2);
    expect((await admin.request('GET', `/api/v1/messages?contactId=${kimToo}`)).json().total).to.equal(2);
    const timeline = (await admin.request('GET', `/api/v1/contacts/${kim}/timeline`)).json().items.filter((i: { type: string }) => i.type === 'mail');
    expect(timeline).to.have.length(2);
  });

  it('live events about new mail reach the assignee masked for an intern', async () => {
    await m.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = m.app.server.address() as AddressInfo;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { cookie: intern.cookie } });
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const del = (await manager.request('POST', '/api/v1/delegations', { fromUserId: manager.userId, toUserId: intern.userId })).json();
    try {
      await deliver(mailFrom('Acme Boss <boss@acme.test>', 'sales@corp.test', 'Live one, call +380671234545'));
      const mail = () => messages.map((x) => JSON.parse(x)).filter((e: { type: string }) => e.type === 'mail.message');
      for (let i = 0; i < 100 && mail().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(mail()).to.have.length(1);
      expect(mail()[0].data.from.address).to.equal('b***@acme.test');
      expect(mail()[0].data.subject).not.to.include('1234545');
      for (const x of messages) expect(x).not.to.include('boss@acme.test');
    } finally {
      socket.close();
      await manager.request('DELETE', `/api/v1/delegations/${del.id}`);
    }
  });

  it('lead creation follows the setting; a folder missing on the server is named in the mailbox error', async () => {
    expect((await admin.request('GET', '/api/v1/mail/settings')).json()).to.deep.equal({ createLeads: 'senders' });
    expect((await admin.request('PUT', '/api/v1/mail/settings', { createLeads: 'off' })).json()).to.deep.equal({ createLeads: 'off' });
    await deliver(mailFrom('Nobody Known <unknown@nowhere.test>', 'sales@corp.test', 'No lead for me'));
    expect((await latest(admin)).contactIds).to.deep.equal([]);
    expect((await admin.request('PUT', '/api/v1/mail/settings', { createLeads: 'sometimes' })).statusCode).to.equal(400);
    await admin.request('PUT', '/api/v1/mail/settings', { createLeads: 'senders' });

    const box = mailboxBody(dovecot, 'typo@corp.test', { folders: ['Inbx'] });
    const id = (await admin.request('POST', '/api/v1/mailboxes', box)).json().id;
    const sync = await admin.request('POST', `/api/v1/mailboxes/${id}/sync`);
    expect(sync.statusCode).to.equal(422);
    expect((await admin.request('GET', `/api/v1/mailboxes/${id}`)).json()).to.include({ state: 'error', error: 'the folder "Inbx" does not exist on the IMAP server' });
  });
  it('serves a message’s HTML part for sanitising in the browser and its attachments as downloads; masked viewers get neither', async () => {
    const boundary = 'b-' + Date.now();
    const raw = Buffer.from(
      [
        'From: Acme Boss <boss@acme.test>', 'To: sales@corp.test', 'Subject: Invoice attached', `Message-ID: <html-${Date.now()}@acme.test>`,
        `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, '',
        `--${boundary}`, 'Content-Type: multipart/alternative; boundary="alt"', '',
        '--alt', 'Content-Type: text/plain; charset=utf-8', '', 'Please see the invoice.', '',
        '--alt', 'Content-Type: text/html; charset=utf-8', '', '<p>Please see the <b>invoice</b>.<img src="https://tracker.example/p.gif"></p><script>alert(1)</script>', '',
        '--alt--', '',
        `--${boundary}`, 'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"', 'Content-Transfer-Encoding: base64', '',
        Buffer.from('%PDF-1.4 test invoice').toString('base64'), '',
        `--${boundary}--`, '',
      ].join(CRLF),
    );
    await deliver(raw);
    const message = await latest(admin);
    const html = await admin.request('GET', `/api/v1/messages/${message.id}/html`);
    expect(html.statusCode, html.body).to.equal(200);
    expect(html.json().masked).to.equal(false);
    expect(html.json().html).to.include('<b>invoice</b>');
    const file = await admin.request('GET', `/api/v1/messages/${message.id}/attachments/0`);
    expect(file.statusCode, file.body).to.equal(200);
    expect(file.headers['content-disposition']).to.match(/^attachment; filename\*=UTF-8''invoice\.pdf$/);
    expect(file.headers['content-type']).to.equal('application/octet-stream');
    expect(file.body).to.equal('%PDF-1.4 test invoice');
    const missing = await admin.request('GET', `/api/v1/messages/${message.id}/attachments/5`);
    expect(missing.statusCode).to.equal(404);
    expect(missing.json().error.code).to.equal('ATTACHMENT_NOT_FOUND');

    // Delegated to the intern or not, masked viewers read the masked text only.
    const internHtml = await intern.request('GET', `/api/v1/messages/${message.id}/html`);
    if (internHtml.statusCode === 200) {
      expect(internHtml.json()).to.deep.equal({ html: null, masked: true });
      const internFile = await intern.request('GET', `/api/v1/messages/${message.id}/attachments/0`);
      expect(internFile.statusCode).to.equal(403);
      expect(internFile.json().error.code).to.equal('MAIL_ATTACHMENT_MASKED');
    } else {
      expect(internHtml.statusCode).to.equal(404);
    }
  });
});
