import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, signIn, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';
import { waitFor } from '../support/ami-feed.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';

const PASSWORD = 'correct horse battery staple';

/**
 * The mail and chat report and the scheduled reports in Chromium: first response and resolution
 * per channel and per operator of one chat site, each column heading linking to its KPI
 * definition, a figure drilling down to its dialogs; a schedule created, sent through a real SMTP
 * server, edited and deleted from the page. Chats and mail threads reach the reports as the chat
 * and mail capabilities publish them (bus events); the sites and the mailbox are real.
 */
describe('browser: mail and chat report, scheduled reports', function () {
  this.timeout(180_000);
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let mailboxId: number;
  const ids: Record<string, number> = {};
  const sites: Record<string, number> = {};

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    server = await startBrowserServer({ config: { mail: { autoStart: false } } as never });
    ids.admin = await server.createUser('admin', 'anna', PASSWORD);
    ids.supervisor = await server.createUser('supervisor', 'sam', PASSWORD, { displayName: 'Sam Supervisor' });
    ids.op = await server.createUser('operator', 'olga', PASSWORD, { displayName: 'Olga Operator' });
    ids.op2 = await server.createUser('operator', 'oleh', PASSWORD, { displayName: 'Oleh Operator' });
    const admin = await login(server.app, 'anna', PASSWORD);
    for (const [name, origin] of [['Shop', 'https://shop.example.com'], ['Help', 'https://help.example.com']] as const) {
      const res = await admin.request('POST', '/api/v1/sites', { name, origins: [origin] });
      expect(res.statusCode, res.body).to.equal(201);
      sites[name] = res.json().site?.id ?? res.json().id;
    }
    const box = await admin.request('POST', '/api/v1/mailboxes', {
      address: 'reports@shop.test',
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: '', password: '' },
      folders: ['INBOX'],
    });
    expect(box.statusCode, box.body).to.equal(201);
    mailboxId = box.json().id;

    const bus = server.app.deps.bus as unknown as { publish(e: string, p: unknown): void };
    const t0 = Date.now() - 3 * 3600_000;
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    // Shop: three chats, Olga answers after 10, 20 and 30 s, each closed after 5 min.
    for (let i = 1; i <= 3; i++) {
      bus.publish('chat.started', { conversationId: i, siteId: sites.Shop, mode: 'live', contactId: null, at: at(i * 60_000) });
      bus.publish('chat.message', { conversationId: i, siteId: sites.Shop, seq: 1, author: 'operator', operatorId: ids.op, at: at(i * 60_000 + i * 10_000) });
      bus.publish('chat.closed', { conversationId: i, siteId: sites.Shop, operatorId: ids.op, by: 'operator', at: at(i * 60_000 + 300_000) });
    }
    // Help: one chat, Oleh answers after 90 s.
    bus.publish('chat.started', { conversationId: 4, siteId: sites.Help, mode: 'live', contactId: null, at: at(600_000) });
    bus.publish('chat.message', { conversationId: 4, siteId: sites.Help, seq: 1, author: 'operator', operatorId: ids.op2, at: at(690_000) });
    // Mail: a customer's message answered by Olga an hour later.
    bus.publish('mail.received', { messageId: 1, mailboxId, contactIds: [], assigneeId: ids.op, threadId: 9, at: at(0), fromUs: false });
    bus.publish('mail.sent', { messageId: 2, mailboxId, threadId: 9, userId: ids.op, at: at(3600_000) });
    await waitFor(() => (server.db.prepare('SELECT COUNT(*) AS n FROM report_dialogs').get() as { n: number }).n === 5, 10_000, 'five dialogs counted');

    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 800 }, acceptDownloads: true })).newPage();
    await signIn(page, server.url, 'sam', PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.stop();
    await dovecot?.stop();
  });

  const rowOf = (table: string, text: string) => page.getByTestId(table).locator('tbody tr', { hasText: text }).first();
  const cell = async (row: ReturnType<typeof rowOf>, field: string) => (await row.locator(`td[data-field=${field}]`).textContent())!.trim();

  it('mail and chat per channel: first response median and P90, resolution; every figure column links to its KPI definition', async () => {
    await page.goto(`${server.url}/reports`);
    await page.getByTestId('tab-dialogs').click();
    const table = page.getByTestId('dialogs-table');
    await table.waitFor();
    expect(new URL(page.url()).pathname).to.equal('/reports/dialogs');
    const chat = rowOf('dialogs-table', 'Chat');
    expect(await cell(chat, 'dialogs')).to.equal('4');
    expect(await cell(chat, 'responded')).to.equal('4');
    // First responses 10, 20, 30, 90 s: nearest-rank median the 2nd (20), P90 the 4th (90).
    expect(await cell(chat, 'frtMedianSec')).to.equal('20');
    expect(await cell(chat, 'frtP90Sec')).to.equal('90');
    expect(await cell(chat, 'resolved')).to.equal('3');
    expect(await cell(chat, 'resolutionMedianSec')).to.equal('300');
    const mail = rowOf('dialogs-table', 'Mail');
    expect(await cell(mail, 'frtMedianSec')).to.equal('3,600');

    const heads = table.locator('thead th');
    const fields = await heads.evaluateAll((ths) => ths.map((th) => [th.getAttribute('data-field'), th.querySelector('a')?.getAttribute('href') ?? null]));
    for (const [field, href] of fields) {
      if (field === 'name' || field === 'channel') expect(href, field!).to.equal(null);
      else expect(href, field!).to.match(/^\/api\/v1\/reports\/kpis\?format=html#\w+$/);
    }
    // The definition a column links to is in the catalogue page.
    const frtHref = fields.find(([f]) => f === 'frtBizMedianSec')![1]!;
    const catalogue = await page.evaluate(async (u) => (await fetch(u)).text(), frtHref);
    expect(catalogue).to.contain(`id="${frtHref.split('#')[1]}"`);
  });

  it('one chat site per operator, and a figure drills down to exactly its chats', async () => {
    await page.getByTestId('dialogs-dim').selectOption('agent');
    await page.getByTestId('dialogs-site').selectOption({ label: 'Shop' });
    expect(await page.getByTestId('dialogs-channel').isDisabled()).to.equal(true);
    await page.getByTestId('report-show').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=dialogs-table] tbody tr').length === 1);
    const olga = rowOf('dialogs-table', 'Olga Operator');
    expect(await page.getByTestId('dialogs-table').locator('thead th').first().textContent()).to.equal('Operator');
    expect(await cell(olga, 'dialogs')).to.equal('3');
    expect(await cell(olga, 'frtMedianSec')).to.equal('20');
    expect(await cell(olga, 'frtP90Sec')).to.equal('30');
    await olga.locator('td[data-field=dialogs] button').click();
    const drill = page.getByTestId('drill-table');
    await drill.locator('tbody tr').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=drill-table] tbody tr').length === 3);
    expect(await drill.locator('tbody td[data-field=dialogId]').allTextContents()).to.deep.equal(['1', '2', '3']);
    expect(await drill.locator('tbody td[data-field=frtSec]').allTextContents()).to.deep.equal(['10', '20', '30']);

    await page.getByTestId('dialogs-site').selectOption({ label: 'Help' });
    await page.getByTestId('report-show').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=dialogs-table] tbody tr')?.textContent?.includes('Oleh Operator'));
    expect(await page.getByTestId('dialogs-table').locator('tbody tr').count()).to.equal(1);
    expect(await cell(rowOf('dialogs-table', 'Oleh'), 'frtMedianSec')).to.equal('90');
    await page.screenshot({ path: screenshotPath('reports-dialogs'), fullPage: true });
  });

  it('a scheduled report is created, sent now through SMTP, edited and deleted from the page', async () => {
    await page.getByTestId('tab-schedules').click();
    await page.getByTestId('schedules').getByTestId('empty').waitFor();
    await page.getByTestId('schedule-new').click();
    const form = page.getByTestId('schedule-form');
    await form.locator('#sched-name').fill('Weekly queues');
    await form.locator('#sched-period').selectOption('weekly');
    await form.locator('#sched-format').selectOption('csv');
    // A bad address is refused with the server's coded error, and nothing is stored.
    await form.locator('#sched-recipients').fill('boss@example.net, not-an-address');
    await form.locator('#sched-tz').fill('UTC');
    await page.getByTestId('schedule-save').click();
    await form.getByTestId('outcome').waitFor();
    expect(await form.getByTestId('outcome').getAttribute('role')).to.equal('alert');
    expect(server.db.prepare('SELECT COUNT(*) AS n FROM report_schedules').get()).to.deep.equal({ n: 0 });
    await form.locator('#sched-recipients').fill('boss@example.net,\nDeputy@example.net');
    await page.getByTestId('schedule-save').click();
    const row = page.getByTestId('schedules-table').locator('tbody tr').first();
    await row.waitFor();
    expect(await cell(row, 'name')).to.equal('Weekly queues');
    expect(await cell(row, 'period')).to.equal('Weekly (the week before)');
    expect(await cell(row, 'recipients')).to.equal('boss@example.net, deputy@example.net');
    expect(await cell(row, 'mailbox')).to.equal('reports@shop.test');
    expect(await cell(row, 'lastError')).to.equal('—');

    const before = smtp.received.length;
    await row.getByTestId('schedule-send').click();
    // The page says how the sending went once the server answered.
    const said = page.getByTestId('schedules').getByTestId('outcome');
    await said.waitFor({ timeout: 60_000 });
    expect(await said.textContent()).to.match(/^Sent for \d{4}-\d{2}-\d{2}$/);
    const [mail] = (await smtp.waitFor(before + 1, 30_000)).slice(before);
    expect(mail!.to.sort()).to.deep.equal(['boss@example.net', 'deputy@example.net']);
    expect(mail!.raw.toString()).to.match(/filename="?queues_\d{4}-\d{2}-\d{2}\.csv/);

    await page.getByTestId('schedules-table').locator('tbody tr').first().getByTestId('schedule-edit').click();
    expect(await form.locator('#sched-name').inputValue()).to.equal('Weekly queues');
    await form.locator('#sched-period').selectOption('monthly');
    await form.locator('#sched-recipients').fill('chief@example.net');
    await page.getByTestId('schedule-save').click();
    await form.waitFor({ state: 'detached' });
    const edited = page.getByTestId('schedules-table').locator('tbody tr').first();
    await page.waitForFunction(() => document.querySelector('[data-testid=schedules-table] td[data-field=recipients]')?.textContent === 'chief@example.net');
    expect(await cell(edited, 'period')).to.equal('Monthly (the month before)');
    await page.screenshot({ path: screenshotPath('reports-schedules'), fullPage: true });

    page.once('dialog', (d) => void d.accept());
    await edited.getByTestId('schedule-delete').click();
    await page.getByTestId('schedules').getByTestId('empty').waitFor();
    expect(server.db.prepare('SELECT COUNT(*) AS n FROM report_schedules').get()).to.deep.equal({ n: 0 });
  });
});
