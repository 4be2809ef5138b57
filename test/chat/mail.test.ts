import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { mailCapability } from '../../appliance/mail/index.js';
import { CHAT_CAPABILITIES, OperatorEvents, startChatAppliance, VisitorSocket, waitUntil, type ChatAppliance } from './support.js';
import type { TestClient } from '../support/test-app.js';

const SHOP = 'http://shop.test:8080';
const CRLF = '\r\n';

/**
 * Left messages answered by e-mail and transcripts sent on request, through a site mailbox on a
 * real Dovecot (IMAP) with a local SMTP server receiving what goes out. An operator writes only
 * from a mailbox they may use (no borrowed rights); interns see masked values throughout.
 */
describe('chat and mail: left messages answered by e-mail, transcripts, mailbox rights (real Dovecot)', function () {
  this.timeout(120_000);
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let a: ChatAppliance;
  let admin: TestClient;
  let boxOwner: TestClient & { displayName: string };
  let outsider: TestClient & { displayName: string };
  let intern: TestClient & { displayName: string };
  let mailboxId: number;
  let key: string;
  const sockets: VisitorSocket[] = [];

  const visitor = async () => {
    const v = await VisitorSocket.open(a.url, key, SHOP);
    sockets.push(v);
    v.send({ t: 'hello', lang: 'en' });
    await v.waitFor((f) => f.t === 'welcome', 'welcome');
    return v;
  };
  const leaveMessage = async (email: string, text: string) => {
    const v = await visitor();
    v.send({ t: 'start', form: { name: 'Late Visitor', email, phone: '+380671234567' }, mode: 'message' });
    const st = await v.waitFor((f) => f.t === 'state', 'state');
    expect(st.mode).to.equal('message');
    v.send({ t: 'msg', cid: 'm1', text });
    await v.waitFor((f) => f.t === 'ack', 'ack');
    return st.conversationId as number;
  };

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    a = await startChatAppliance({ capabilities: [...CHAT_CAPABILITIES, mailCapability], config: { mail: { autoStart: false } } });
    admin = await a.client('admin');
    boxOwner = await a.client('operator', 'boxowner');
    outsider = await a.client('operator', 'outsider');
    intern = await a.client('intern', 'chatintern');
    const box = await admin.request('POST', '/api/v1/mailboxes', {
      address: 'support@shop.test',
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: '', password: '' },
      folders: ['INBOX'],
      ownerId: boxOwner.userId,
    });
    expect(box.statusCode, box.body).to.equal(201);
    mailboxId = box.json().id;
    const site = await admin.request('POST', '/api/v1/sites', { name: 'Shop', origins: [SHOP], settings: { mailboxId } });
    expect(site.statusCode, site.body).to.equal(201);
    key = site.json().publicKey;
  });
  after(async () => {
    for (const s of sockets) s.close();
    await a?.close();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it('lets only users who may write from the site mailbox answer a left message; the answer reaches the visitor and the reply threads back', async () => {
    const id = await leaveMessage('late.visitor@example.net', 'Please call me back at +380 67 123 45 67');

    // Neither an intern nor an operator without the mailbox may write from it: no borrowed rights.
    for (const who of [intern, outsider]) {
      const view = (await who.request('GET', `/api/v1/chats/${id}`)).json();
      expect(view.canReplyByEmail, who.username).to.equal(false);
      const refused = await who.request('POST', `/api/v1/chats/${id}/reply-by-email`, { text: 'We will call' });
      expect(refused.statusCode, refused.body).to.equal(403);
      expect(refused.json().error.code).to.equal('CHAT_MAILBOX_NO_ACCESS');
    }
    expect(smtp.received).to.have.length(0);
    const internView = (await intern.request('GET', `/api/v1/chats/${id}`)).json();
    expect(internView.visitor.email).to.equal('l***@example.net');
    expect(internView.visitor.phone).to.not.contain('1234567');
    const internHistory = (await intern.request('GET', `/api/v1/chats/${id}/messages`)).json().items as { text: string }[];
    expect(internHistory.map((m) => m.text).join(' ')).to.not.contain('123 45 67');

    const ownerView = (await boxOwner.request('GET', `/api/v1/chats/${id}`)).json();
    expect(ownerView.canReplyByEmail).to.equal(true);
    const sent = await boxOwner.request('POST', `/api/v1/chats/${id}/reply-by-email`, { text: 'We will call you tomorrow morning.' });
    expect(sent.statusCode, sent.body).to.equal(201);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).to.deep.equal(['late.visitor@example.net']);
    expect(mail!.from).to.equal('support@shop.test');
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.text).to.contain('We will call you tomorrow morning.');
    expect((await boxOwner.request('GET', `/api/v1/chats/${id}`)).json().state).to.equal('closed');
    const stored = a.db.prepare("SELECT assignee_id AS assignee FROM mail_messages WHERE direction = 'out'").all() as { assignee: number | null }[];
    expect(stored).to.deep.equal([{ assignee: boxOwner.userId }]);

    // The visitor answers the e-mail: it arrives in the site mailbox (Dovecot) and joins the same thread.
    const answer = Buffer.from(
      [
        'From: Late Visitor <late.visitor@example.net>',
        'To: support@shop.test',
        `Subject: Re: ${parsed.subject}`,
        `Message-ID: <answer-${Date.now()}@example.net>`,
        `In-Reply-To: ${parsed.messageId}`,
        `References: ${parsed.messageId}`,
        `Date: ${new Date().toUTCString()}`,
      ].join(CRLF) + CRLF + CRLF + 'Thanks, after 10 please.' + CRLF,
    );
    await dovecot.append('INBOX', [answer]);
    await a.app.mail.syncNow(mailboxId);
    const threads = a.db.prepare('SELECT DISTINCT thread_id AS t FROM mail_messages').all() as { t: number }[];
    expect(threads).to.have.length(1);
  });

  it('an intern given the mailbox answers too, to the visitor address they only see masked', async () => {
    const grant = await admin.request('POST', `/api/v1/mailboxes/${mailboxId}/access`, { userId: intern.userId });
    expect(grant.statusCode, grant.body).to.equal(200);
    const before = smtp.received.length;
    const id = await leaveMessage('second.visitor@example.net', 'Is it in stock?');
    const view = (await intern.request('GET', `/api/v1/chats/${id}`)).json();
    expect(view.canReplyByEmail).to.equal(true);
    expect(view.visitor.email).to.equal('s***@example.net');
    const sent = await intern.request('POST', `/api/v1/chats/${id}/reply-by-email`, { text: 'Yes, write to orders@shop.test' });
    expect(sent.statusCode, sent.body).to.equal(201);
    expect(sent.json().text).to.not.contain('orders@shop.test');
    const got = await smtp.waitFor(before + 1);
    expect(got[before]!.to).to.deep.equal(['second.visitor@example.net']);
  });

  it('e-mails a transcript the visitor asks for from the site mailbox, logged, assigned to no one', async () => {
    const ops = await OperatorEvents.open(a.url, boxOwner.cookie);
    try {
      await waitUntil(() => a.app.realtime.connectedUsers().length > 0, 'operator online');
      const v = await visitor();
      v.send({ t: 'start', form: { name: 'Taras' } });
      const st = await v.waitFor((f) => f.t === 'state', 'state');
      expect(st.mode).to.equal('live');
      const id = st.conversationId as number;
      v.send({ t: 'msg', cid: 't1', text: 'Do you deliver to Lviv?' });
      await v.waitFor((f) => f.t === 'ack', 'ack');
      expect((await boxOwner.request('POST', `/api/v1/chats/${id}/accept`)).statusCode).to.equal(200);
      expect((await boxOwner.request('POST', `/api/v1/chats/${id}/messages`, { text: 'Yes, in two days.' })).statusCode).to.equal(201);
      await boxOwner.request('POST', `/api/v1/chats/${id}/messages`, { text: 'internal: check stock', note: true });
      const before = smtp.received.length;
      v.send({ t: 'transcript', email: 'taras@example.org' });
      await v.waitFor((f) => f.t === 'done' && f.what === 'transcript', 'transcript sent');
      const got = await smtp.waitFor(before + 1);
      const mail = got[before]!;
      expect(mail.to).to.deep.equal(['taras@example.org']);
      expect(mail.from).to.equal('support@shop.test');
      const parsed = await simpleParser(mail.raw);
      expect(parsed.subject).to.equal('Shop: chat transcript');
      expect(parsed.text).to.contain('Do you deliver to Lviv?').and.contain('Yes, in two days.').and.not.contain('internal: check stock');
      const audit = a.db.prepare("SELECT actor_id AS actor FROM audit_log WHERE action = 'chat.transcript_requested' AND target_id = ?").all(String(id)) as { actor: number | null }[];
      expect(audit).to.deep.equal([{ actor: null }]);
      const copy = a.db.prepare("SELECT assignee_id AS assignee FROM mail_messages WHERE direction = 'out' ORDER BY id DESC LIMIT 1").get() as { assignee: number | null };
      expect(copy.assignee).to.equal(null);
    } finally {
      ops.close();
    }
  });
});
