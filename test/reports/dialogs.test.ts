import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { businessSeconds } from '../../appliance/reports/periods.js';

/**
 * Mail and chat first-response and resolution times, from the mail and chat capabilities' bus
 * events (the real publishers are exercised in test/reports/schedules.test.ts with real mail).
 * Business hours: Monday–Friday 09:00–18:00 Kyiv time.
 */
describe('reports: mail and chat first response and resolution (median, P90, business hours)', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: TestClient;
  let supervisor: TestClient;
  let op1: TestClient;
  let op2: TestClient;
  let intern: TestClient;
  let teamId: number;
  const range = 'from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z';
  const publish = (e: string, p: unknown) => (t.app.deps.bus as unknown as { publish(e: string, p: unknown): void }).publish(e, p);
  const at = (iso: string) => new Date(iso).toISOString();

  before(async () => {
    t = await buildTestApp({ clock: new ManualClock('2026-03-02T09:00:00Z') });
    admin = await t.userClient('admin');
    supervisor = await t.userClient('supervisor');
    op1 = await t.userClient('operator', 'mailop1');
    op2 = await t.userClient('operator', 'chatop2');
    intern = await t.userClient('intern', 'intern9');
    teamId = t.app.teams.create({ name: 'Service', memberIds: [op2.userId] }, admin.userId).id;
    const settings = (await admin.request('GET', '/api/v1/reports/settings')).json();
    const put = await admin.request('PUT', '/api/v1/reports/settings', { ...settings, businessHours: { timeZone: 'Europe/Kyiv', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } });
    expect(put.statusCode, put.body).to.equal(200);

    // Chats on site 7, each first answered by op2 after 10, 20, … 100 s and closed 5 min after start.
    for (let i = 1; i <= 10; i++) {
      const start = Date.parse('2026-03-02T08:00:00Z') + i * 600_000; // Monday, 10:10 … 11:40 Kyiv
      publish('chat.started', { conversationId: i, siteId: 7, mode: 'live', contactId: null, at: at(new Date(start).toISOString()) });
      publish('chat.accepted', { conversationId: i, siteId: 7, operatorId: op2.userId, waitedMs: 5000, at: new Date(start + 5000).toISOString() });
      publish('chat.message', { conversationId: i, siteId: 7, seq: 1, author: 'visitor', operatorId: null, at: new Date(start + 1000).toISOString() });
      publish('chat.message', { conversationId: i, siteId: 7, seq: 2, author: 'operator', operatorId: op2.userId, at: new Date(start + i * 10_000).toISOString() });
      publish('chat.message', { conversationId: i, siteId: 7, seq: 3, author: 'operator', operatorId: op2.userId, at: new Date(start + i * 10_000 + 30_000).toISOString() });
      publish('chat.closed', { conversationId: i, siteId: 7, operatorId: op2.userId, by: 'operator', at: new Date(start + 300_000).toISOString() });
    }
    // A chat nobody answered.
    publish('chat.started', { conversationId: 11, siteId: 7, mode: 'live', contactId: null, at: '2026-03-02T09:00:00.000Z' });
    // Site 8: one chat, answered by op2 after 40 s.
    publish('chat.started', { conversationId: 12, siteId: 8, mode: 'live', contactId: null, at: '2026-03-03T09:00:00.000Z' });
    publish('chat.message', { conversationId: 12, siteId: 8, seq: 1, author: 'operator', operatorId: op2.userId, at: '2026-03-03T09:00:40.000Z' });

    // Mail: a customer writes on Friday 19:00 Kyiv, op1 answers on Monday 09:30 Kyiv: 62.5 h around
    // the clock, 30 min in business hours.
    publish('mail.received', { messageId: 100, mailboxId: 3, contactIds: [], assigneeId: op1.userId, threadId: 50, at: '2026-03-06T17:00:00.000Z', fromUs: false });
    publish('mail.sent', { messageId: 101, mailboxId: 3, threadId: 50, userId: op1.userId, at: '2026-03-09T07:30:00.000Z' });
    // The customer writes back on Monday 10:00 Kyiv and is answered at 11:00: resolved then.
    publish('mail.received', { messageId: 102, mailboxId: 3, contactIds: [], assigneeId: op1.userId, threadId: 50, at: '2026-03-09T08:00:00.000Z', fromUs: false });
    publish('mail.received', { messageId: 103, mailboxId: 3, contactIds: [], assigneeId: op1.userId, threadId: 50, at: '2026-03-09T08:10:00.000Z', fromUs: false });
    publish('mail.sent', { messageId: 104, mailboxId: 3, threadId: 50, userId: op1.userId, at: '2026-03-09T09:00:00.000Z' });
    // Another thread answered from another mail client (a message from the company's address seen by a sync) after 1 h.
    publish('mail.received', { messageId: 110, mailboxId: 3, contactIds: [], assigneeId: op1.userId, threadId: 51, at: '2026-03-10T07:00:00.000Z', fromUs: false });
    publish('mail.received', { messageId: 111, mailboxId: 3, contactIds: [], assigneeId: null, threadId: 51, at: '2026-03-10T08:00:00.000Z', fromUs: true });
    // A thread the company started: not a customer dialog until the customer writes.
    publish('mail.sent', { messageId: 120, mailboxId: 3, threadId: 52, userId: op1.userId, at: '2026-03-10T07:00:00.000Z' });
    // Still waiting for an answer.
    publish('mail.received', { messageId: 130, mailboxId: 3, contactIds: [], assigneeId: op1.userId, threadId: 53, at: '2026-03-11T07:00:00.000Z', fromUs: false });
  });
  after(async () => t?.close());

  it('business seconds follow the local wall clock (Kyiv, across the spring daylight-saving change)', () => {
    const bh = { timeZone: 'Europe/Kyiv', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
    expect(businessSeconds(Date.parse('2026-03-06T17:00:00Z'), Date.parse('2026-03-09T07:30:00Z'), bh)).to.equal(1800);
    expect(businessSeconds(Date.parse('2026-03-27T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z'), bh)).to.equal(2 * 9 * 3600);
    expect(businessSeconds(Date.parse('2026-03-30T06:00:00Z'), Date.parse('2026-03-30T07:00:00Z'), bh)).to.equal(3600); // 09:00–10:00 EEST
    expect(businessSeconds(Date.parse('2026-03-07T08:00:00Z'), Date.parse('2026-03-07T12:00:00Z'), bh)).to.equal(0); // Saturday
  });

  it('per channel: dialogs, responses, median and P90 of first response and resolution, around the clock and in business hours', async () => {
    const res = await supervisor.request('GET', `/api/v1/reports/dialogs?dim=channel&${range}`);
    expect(res.statusCode, res.body).to.equal(200);
    const chat = res.json().items.find((i: { channel: string }) => i.channel === 'chat');
    const mail = res.json().items.find((i: { channel: string }) => i.channel === 'mail');
    // Chat first responses 10…100 s: nearest-rank median is the 5th (50 s), P90 the 9th (90 s).
    // Chat first responses 10…100 s and 40 s (site 8): nearest-rank median is the 6th of 11 (50 s), P90 the 10th (90 s).
    expect(chat).to.include({ key: 'chat', dialogs: 12, responded: 11, resolved: 10, frtMedianSec: 50, frtP90Sec: 90, resolutionMedianSec: 300, resolutionP90Sec: 300 });
    // Chat service level: answered within 60 s (business hours) = 7 of 12.
    expect(chat.responseSl).to.equal(58.3);
    expect(chat.responseRate).to.equal(91.7);
    // Mail: thread 50 first answered after 62.5 h (30 min in business hours), resolved at the
    // second answer (64 h; 2 h in business hours); thread 51 after 1 h; thread 53 waits.
    expect(mail).to.include({ dialogs: 3, responded: 2, resolved: 2, frtMedianSec: 3600, frtP90Sec: 225000, frtBizMedianSec: 1800, frtBizP90Sec: 3600 });
    expect(mail).to.include({ resolutionMedianSec: 3600, resolutionP90Sec: 230400, resolutionBizMedianSec: 3600, resolutionBizP90Sec: 7200 });
  });

  it('per agent, team and site; the channel filter', async () => {
    const agents = (await supervisor.request('GET', `/api/v1/reports/dialogs?dim=agent&${range}`)).json().items;
    expect(agents.find((i: { key: string; channel: string }) => i.key === String(op2.userId) && i.channel === 'chat')).to.include({ name: 'Test chatop2', dialogs: 11, frtMedianSec: 50 });
    expect(agents.find((i: { key: string; channel: string }) => i.key === String(op1.userId) && i.channel === 'mail')).to.include({ name: 'Test mailop1', dialogs: 3, responded: 2 });
    const teams = (await supervisor.request('GET', `/api/v1/reports/dialogs?dim=team&${range}`)).json().items;
    expect(teams).to.have.length(1);
    expect(teams[0]).to.include({ key: String(teamId), name: 'Service', channel: 'chat', dialogs: 11 });
    const sites = (await supervisor.request('GET', `/api/v1/reports/dialogs?dim=site&${range}`)).json().items;
    expect(sites.map((s: { key: string; dialogs: number }) => [s.key, s.dialogs])).to.deep.equal([['7', 11], ['8', 1]]);
    // One site's figures: its chats only, per agent too, and the drill-down behind them.
    const site7 = (await supervisor.request('GET', `/api/v1/reports/dialogs?dim=all&site=7&${range}`)).json().items;
    expect(site7.map((r: { channel: string; dialogs: number; frtMedianSec: number }) => [r.channel, r.dialogs, r.frtMedianSec])).to.deep.equal([['chat', 11, 50]]);
    const site8 = (await supervisor.request('GET', `/api/v1/reports/dialogs?dim=agent&site=8&${range}`)).json().items;
    expect(site8.map((r: { key: string; dialogs: number; frtMedianSec: number }) => [r.key, r.dialogs, r.frtMedianSec])).to.deep.equal([[String(op2.userId), 1, 40]]);
    const behind = (await supervisor.request('GET', `/api/v1/reports/dialogs/drill?dim=agent&key=${op2.userId}&site=8&metric=responded&${range}`)).json().items;
    expect(behind.map((d: { dialogId: number }) => d.dialogId)).to.deep.equal([12]);
    const badSite = await supervisor.request('GET', `/api/v1/reports/dialogs?dim=all&site=seven&${range}`);
    expect(badSite.statusCode).to.equal(400);
    // The first column is named after what the rows are.
    expect((await supervisor.request('GET', `/api/v1/reports/dialogs?dim=site&${range}`)).json().columns[0]).to.deep.equal({ field: 'name', kpi: null, label: 'Site' });
    const onlyMail = (await supervisor.request('GET', `/api/v1/reports/dialogs?dim=all&channel=mail&${range}`)).json().items;
    expect(onlyMail.map((r: { channel: string; dialogs: number }) => [r.channel, r.dialogs])).to.deep.equal([['mail', 3]]);
  });

  it('drill-down lists the dialogs behind a figure', async () => {
    const unanswered = (await supervisor.request('GET', `/api/v1/reports/dialogs/drill?dim=channel&key=mail&metric=unanswered&${range}`)).json().items;
    expect(unanswered.map((d: { dialogId: number }) => d.dialogId)).to.deep.equal([53]);
    const responded = (await supervisor.request('GET', `/api/v1/reports/dialogs/drill?dim=agent&key=${op1.userId}&metric=responded&${range}`)).json().items;
    expect(responded.map((d: { dialogId: number; frtBizSec: number }) => [d.dialogId, d.frtBizSec])).to.deep.equal([[50, 1800], [51, 3600]]);
  });

  it('operators and interns see their own row only; bad input is a coded 400', async () => {
    const own = (await op1.request('GET', `/api/v1/reports/dialogs?dim=agent&${range}`)).json().items;
    expect(own.map((r: { key: string }) => r.key)).to.deep.equal([String(op1.userId)]);
    expect((await intern.request('GET', `/api/v1/reports/dialogs?dim=channel&${range}`)).statusCode).to.equal(403);
    expect((await op1.request('GET', `/api/v1/reports/dialogs/drill?dim=agent&key=${op2.userId}&metric=dialogs&${range}`)).statusCode).to.equal(403);
    const bad = await supervisor.request('GET', `/api/v1/reports/dialogs?dim=queue&${range}`);
    expect(bad.statusCode).to.equal(400);
    const settings = (await admin.request('GET', '/api/v1/reports/settings')).json();
    const tz = await admin.request('PUT', '/api/v1/reports/settings', { ...settings, businessHours: { ...settings.businessHours, timeZone: 'Mars/Olympus' } });
    expect(tz.statusCode).to.equal(400);
    expect(tz.json().error.code).to.equal('REPORT_TIMEZONE_UNKNOWN');
    const order = await admin.request('PUT', '/api/v1/reports/settings', { ...settings, businessHours: { ...settings.businessHours, start: '18:00', end: '09:00' } });
    expect(order.json().error.code).to.equal('REPORT_BUSINESS_HOURS_INVALID');
    expect((await admin.request('GET', '/api/v1/reports/settings')).json().businessHours.timeZone).to.equal('Europe/Kyiv');
  });

  it('XLSX export carries the screen figures under the translated column names', async () => {
    const res = await supervisor.request('GET', `/api/v1/reports/dialogs?dim=channel&${range}&format=xlsx`, undefined, { 'accept-language': 'uk' });
    expect(res.statusCode).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).to.include('Перша відповідь, медіана');
    const chatRow = ws.getRow(2).values as unknown[];
    expect(chatRow[header.indexOf('Перша відповідь, медіана') + 1]).to.equal(50);
  });

  it('the KPI catalogue downloads as a PDF (pdfmake, a font with Cyrillic glyphs)', async () => {
    const en = await supervisor.request('GET', '/api/v1/reports/kpis?format=pdf');
    expect(en.statusCode).to.equal(200);
    expect(en.headers['content-type']).to.equal('application/pdf');
    expect(en.headers['content-disposition']).to.match(/attachment; filename="kpi-catalogue.pdf"/);
    const pdf = en.rawPayload.toString('latin1');
    expect(pdf.startsWith('%PDF-')).to.equal(true);
    expect(pdf).to.match(/\(KPI catalogue\)/);
    expect(pdf).to.match(/Roboto/);
    expect((pdf.match(/\/Type \/Page\b/g) ?? []).length, 'pages').to.be.at.least(2);
    const uk = await supervisor.request('GET', '/api/v1/reports/kpis?format=pdf', undefined, { 'accept-language': 'uk' });
    // The document title in UTF-16 (a PDF text string): the Ukrainian catalogue's own.
    const title = Buffer.from('\ufeffКаталог', 'utf16le').swap16().toString('latin1');
    expect(uk.rawPayload.toString('latin1')).to.include(title);
  });

  it('the KPI catalogue defines the mail and chat KPIs in every language', async () => {
    for (const lang of ['en', 'uk', 'ru', 'fr', 'de', 'es', 'pt']) {
      const items = (await supervisor.request('GET', '/api/v1/reports/kpis', undefined, { 'accept-language': lang })).json().items;
      for (const id of ['firstResponse', 'firstResponseBusiness', 'resolution', 'resolutionBusiness', 'responseServiceLevel']) {
        expect(items.find((k: { id: string }) => k.id === id), `${lang} ${id}`).to.not.equal(undefined);
      }
    }
  });
});
