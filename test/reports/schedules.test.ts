import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { AmiFeedPort, CallScript, waitFor } from '../support/ami-feed.js';
import { freePort, startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';

const CRLF = '\r\n';

/**
 * Reports mailed on a schedule through the mail capability's SMTP path, and mail response times
 * from real mail: a real Dovecot (IMAP) holds the company mailbox, a local SMTP server receives
 * what the appliance sends. The app's clock is set by the test (a day passes in one step).
 */
describe('reports by e-mail on a schedule, and mail response times from real mail (real Dovecot)', function () {
  this.timeout(120_000);
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let clock: ManualClock;
  let admin: TestClient;
  let supervisor: TestClient;
  let operator: TestClient;
  let mailboxId: number;
  let scheduleId: number;
  const start = new Date();
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    clock = new ManualClock(start);
    const port = new AmiFeedPort(clock);
    t = await buildTestApp({ clock, config: { mail: { autoStart: false }, session: { idleMinutes: 3 * 24 * 60, absoluteHours: 96 } } as never, overrides: { telephony: { port } } });
    admin = await t.userClient('admin');
    supervisor = await t.userClient('supervisor');
    operator = await t.userClient('operator', 'mailop');
    const box = await admin.request('POST', '/api/v1/mailboxes', {
      address: 'support@shop.test',
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: '', password: '' },
      folders: ['INBOX'],
      ownerId: operator.userId,
    });
    expect(box.statusCode, box.body).to.equal(201);
    mailboxId = box.json().id;
    // Today: one answered call in support (counted when it ends).
    new CallScript(port, clock, 'sched1', '380671111111').arrive().wait(1).join('support').ring('support', 'PJSIP/op1').wait(4)
      .answer('support', 'PJSIP/op1', 4, 4).wait(30).complete('support', 'PJSIP/op1', 4, 30, 'caller').hangup();
    await waitFor(() => (t.db.prepare('SELECT COUNT(*) AS n FROM report_calls').get() as { n: number }).n === 1, 10_000, 'the call counted');
  });
  after(async () => {
    await t?.close();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it('a customer e-mail synced from IMAP and answered through SMTP gives its first response time', async () => {
    const raw = Buffer.from(
      [
        'From: Customer <customer@example.net>',
        'To: support@shop.test',
        'Subject: Where is my order?',
        `Message-ID: <order-${Date.now()}@example.net>`,
        `Date: ${new Date().toUTCString()}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Order 1234 has not arrived.',
        '',
      ].join(CRLF),
    );
    await dovecot.append('INBOX', [raw]);
    const received = Date.now();
    const sync = await admin.request('POST', `/api/v1/mailboxes/${mailboxId}/sync`);
    expect(sync.statusCode, sync.body).to.be.oneOf([200, 202]);
    const message = await waitFor(async () => (await operator.request('GET', `/api/v1/messages?mailboxId=${mailboxId}`)).json().items?.[0], 20_000, 'the synced message');
    // The operator answers 90 s (by the app's clock) after the message arrived.
    clock.set(new Date(received + 90_000));
    const reply = await operator.request('POST', '/api/v1/messages', { replyToMessageId: message.id, text: 'It ships today.' });
    expect(reply.statusCode, reply.body).to.equal(201);
    await smtp.waitFor(1);
    const report = (await supervisor.request('GET', `/api/v1/reports/dialogs?dim=agent&channel=mail&from=${iso(received - day)}&to=${iso(received + day)}`)).json();
    const row = report.items.find((r: { key: string }) => r.key === String(operator.userId));
    expect(row, JSON.stringify(report)).to.include({ channel: 'mail', dialogs: 1, responded: 1, resolved: 1 });
    expect(row.frtMedianSec).to.be.within(85, 100);
    expect(row.resolutionMedianSec).to.equal(row.frtMedianSec);
  });

  it('refuses a schedule with a coded error for an unknown mailbox, a bad address or time zone; operators may not schedule', async () => {
    const body = { name: 'Daily queues', report: 'queues', period: 'daily', format: 'xlsx', recipients: ['boss@example.net'], mailboxId };
    const unknown = await admin.request('POST', '/api/v1/reports/schedules', { ...body, mailboxId: 999 });
    expect(unknown.statusCode).to.equal(404);
    expect(unknown.json().error.code).to.equal('REPORT_MAILBOX_NOT_FOUND');
    expect((await admin.request('POST', '/api/v1/reports/schedules', { ...body, recipients: ['not an address'] })).statusCode).to.equal(400);
    const tz = await admin.request('POST', '/api/v1/reports/schedules', { ...body, timeZone: 'Nowhere/Land' });
    expect(tz.json().error.code).to.equal('REPORT_TIMEZONE_UNKNOWN');
    expect((await operator.request('POST', '/api/v1/reports/schedules', body)).statusCode).to.equal(403);
    expect((await admin.request('GET', '/api/v1/reports/schedules')).json().items).to.deep.equal([]);
  });

  it('a daily XLSX schedule mails yesterday once, to every recipient, with the figures the screen shows', async () => {
    const created = await supervisor.request('POST', '/api/v1/reports/schedules', {
      name: 'Daily queues', report: 'queues', period: 'daily', format: 'xlsx', recipients: ['boss@example.net', 'Deputy@Example.net'], mailboxId, language: 'en', timeZone: 'UTC',
    });
    expect(created.statusCode, created.body).to.equal(201);
    scheduleId = created.json().id;
    const sentBefore = smtp.received.length;
    // Created today: nothing is due until a whole day has passed.
    await t.app.reports.schedules.tick();
    expect(smtp.received.length).to.equal(sentBefore);

    clock.set(new Date(start.getTime() + day));
    await t.app.reports.schedules.tick();
    const [mail] = (await smtp.waitFor(sentBefore + 1)).slice(sentBefore);
    expect(mail!.to.sort()).to.deep.equal(['boss@example.net', 'deputy@example.net']);
    expect(mail!.from).to.equal('support@shop.test');
    const parsed = await simpleParser(mail!.raw);
    const yesterday = new Date(start.getTime()).toISOString().slice(0, 10);
    expect(parsed.subject).to.match(/Daily queues/);
    expect(parsed.attachments.map((a) => a.filename)).to.deep.equal([`queues_${yesterday}.xlsx`]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(parsed.attachments[0]!.content as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const screen = (await supervisor.request('GET', `/api/v1/reports/queues?from=${yesterday}T00:00:00Z&to=${iso(Date.parse(`${yesterday}T00:00:00Z`) + day)}`)).json();
    const support = screen.items.find((i: { queue: string }) => i.queue === 'support');
    expect(support).to.include({ offered: 1, answered: 1 });
    const rows = [];
    for (let r = 2; r <= ws.rowCount; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
    const line = rows.find((r) => r[0] === 'support')!;
    expect(line[header.indexOf('Offered calls')]).to.equal(support.offered);
    expect(line[header.indexOf('Answered calls')]).to.equal(support.answered);
    expect(line[header.indexOf('Average talk')]).to.equal(support.avgTalkSec);

    // Sent once: another pass the same day sends nothing.
    await t.app.reports.schedules.tick();
    expect(smtp.received.length).to.equal(sentBefore + 1);
    const listed = (await supervisor.request('GET', '/api/v1/reports/schedules')).json().items[0];
    expect(listed).to.include({ id: scheduleId, lastSentFor: yesterday, lastError: null, timeZone: 'UTC' });
  });

  it('"send now" mails the last period again; a failing SMTP server is recorded on the schedule and answered with a coded error', async () => {
    const before = smtp.received.length;
    const now = await supervisor.request('POST', `/api/v1/reports/schedules/${scheduleId}/send`);
    expect(now.statusCode, now.body).to.equal(200);
    await smtp.waitFor(before + 1);

    const dead = await freePort();
    const box = await admin.request('POST', '/api/v1/mailboxes', {
      address: 'reports@shop.test',
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
      smtp: { host: '127.0.0.1', port: dead, security: 'none', username: '', password: '' },
      folders: ['INBOX'],
    });
    expect(box.statusCode, box.body).to.equal(201);
    const s = await admin.request('POST', '/api/v1/reports/schedules', {
      name: 'Weekly agents', report: 'agents', period: 'weekly', format: 'csv', recipients: ['boss@example.net'], mailboxId: box.json().id,
    });
    expect(s.statusCode, s.body).to.equal(201);
    const failed = await admin.request('POST', `/api/v1/reports/schedules/${s.json().id}/send`);
    expect(failed.statusCode).to.be.within(400, 599);
    expect(failed.json().error.code).to.match(/^MAIL_/);
    const listed = (await admin.request('GET', '/api/v1/reports/schedules')).json().items.find((i: { id: number }) => i.id === s.json().id);
    expect(listed.lastError).to.be.a('string').and.not.equal('');

    // Edited: another SMTP path (the working mailbox), period and recipients; the error stays until the next sending.
    const edited = await admin.request('PUT', `/api/v1/reports/schedules/${s.json().id}`, {
      name: 'Monthly agents', report: 'agents', period: 'monthly', format: 'xlsx', recipients: ['Chief@example.net'], mailboxId, timeZone: 'UTC',
    });
    expect(edited.statusCode, edited.body).to.equal(200);
    expect(edited.json()).to.include({ name: 'Monthly agents', period: 'monthly', format: 'xlsx', mailboxId, timeZone: 'UTC' });
    expect(edited.json().recipients).to.deep.equal(['chief@example.net']);
    const before2 = smtp.received.length;
    expect((await admin.request('POST', `/api/v1/reports/schedules/${s.json().id}/send`)).statusCode).to.equal(200);
    const [monthly] = (await smtp.waitFor(before2 + 1)).slice(before2);
    expect(monthly!.to).to.deep.equal(['chief@example.net']);
    expect((await admin.request('GET', '/api/v1/reports/schedules')).json().items.find((i: { id: number }) => i.id === s.json().id).lastError).to.equal(null);
    const badEdit = await admin.request('PUT', `/api/v1/reports/schedules/${s.json().id}`, { name: 'x', report: 'agents', period: 'daily', format: 'csv', recipients: ['a@example.net'], mailboxId: 999 });
    expect(badEdit.json().error.code).to.equal('REPORT_MAILBOX_NOT_FOUND');
    expect((await admin.request('GET', '/api/v1/reports/schedules')).json().items.find((i: { id: number }) => i.id === s.json().id)).to.include({ name: 'Monthly agents', mailboxId });
    const gone = await admin.request('PUT', '/api/v1/reports/schedules/99999', { name: 'x', report: 'agents', period: 'daily', format: 'csv', recipients: ['a@example.net'], mailboxId });
    expect(gone.json().error.code).to.equal('REPORT_SCHEDULE_NOT_FOUND');

    expect((await admin.request('DELETE', `/api/v1/reports/schedules/${s.json().id}`)).statusCode).to.equal(204);
    expect((await admin.request('DELETE', `/api/v1/reports/schedules/${s.json().id}`)).json().error.code).to.equal('REPORT_SCHEDULE_NOT_FOUND');
  });
});
