import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, signIn as signInAs, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';
import { AmiFeedPort, CallScript, OffsetClock, waitFor } from '../support/ami-feed.js';

const PASSWORD = 'correct horse battery staple';

/**
 * Reports and the wallboard in Chromium, fed by AMI events as Asterisk writes them: the wallboard
 * follows a caller joining a queue live, a figure drills down to exactly the calls behind it, the
 * CSV and XLSX files downloaded from the page hold what the table shows, an intern's export is masked.
 */
describe('browser: wallboard, reports, drill-down and exports', function () {
  this.timeout(180_000);
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let port: AmiFeedPort;
  const clock = new OffsetClock();
  const ids: Record<string, number> = {};
  const script = (id: string, num: string) => new CallScript(port, clock, id, num);

  const signIn = (username: string) => signInAs(page, server.url, username, PASSWORD);

  before(async () => {
    port = new AmiFeedPort(clock);
    server = await startBrowserServer({ clock, overrides: { telephony: { port } } });
    ids.admin = await server.createUser('admin', 'anna', PASSWORD);
    ids.supervisor = await server.createUser('supervisor', 'sam', PASSWORD, { displayName: 'Sam Supervisor' });
    ids.op = await server.createUser('operator', 'olga', PASSWORD, { displayName: 'Olga Operator' });
    ids.intern = await server.createUser('intern', 'ivan', PASSWORD, { displayName: 'Ivan Intern' });
    server.app.calls.repo.setEndpoint(ids.op!, 'PJSIP/op101');
    server.app.calls.repo.setEndpoint(ids.intern!, 'PJSIP/op103');
    server.app.calls.refreshEndpoints();
    const admin = await login(server.app, 'anna', PASSWORD);
    expect((await admin.request('PUT', '/api/v1/agents/queues/sales', { wrapupSec: 0 })).statusCode).to.equal(200);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 800 }, acceptDownloads: true })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the wallboard shows a caller waiting as soon as they join the queue, then the answer', async () => {
    await signIn('sam');
    await page.goto(`${server.url}/wallboard`);
    const waiting = page.getByTestId('wb-sales').getByTestId('wb-waiting').locator('strong');
    await waiting.waitFor();
    expect(await waiting.textContent()).to.equal('0');
    // Live events are connected once the page has its first snapshot; give the socket a moment to be open.
    await page.waitForFunction(() => document.querySelector('[data-testid=wallboard]') !== null);
    await new Promise((r) => setTimeout(r, 500));
    const sent = Date.now();
    const call = script('b1', '380671112233').arrive().join('sales').ring('sales', 'PJSIP/op101');
    await page.waitForFunction(() => document.querySelector('[data-testid=wb-sales] [data-testid=wb-waiting] strong')?.textContent === '1', undefined, { timeout: 15_000 });
    const latency = Date.now() - sent;
    process.stdout.write(`      (wallboard showed the waiting caller ${latency} ms after the AMI event)\n`);
    call.wait(4).answer('sales', 'PJSIP/op101', 4, 4).wait(20).complete('sales', 'PJSIP/op101', 4, 20, 'caller').hangup();
    await page.waitForFunction(() => document.querySelector('[data-testid=wb-sales] [data-testid=wb-answered] strong')?.textContent === '1', undefined, { timeout: 15_000 });
    expect(await waiting.textContent()).to.equal('0');
    await page.screenshot({ path: screenshotPath('reports-wallboard') });
  });

  it('a figure drills down to exactly the calls behind it; CSV and XLSX downloads match the table', async () => {
    script('b2', '380674445566').arrive().join('sales').ring('sales', 'PJSIP/op101').wait(2).abandon('sales', 2).hangup();
    script('b3', '380677778899').arrive().join('sales').ring('sales', 'PJSIP/op101').wait(30).abandon('sales', 30).hangup();
    await waitFor(() => (server.db.prepare('SELECT COUNT(*) AS n FROM report_calls').get() as { n: number }).n >= 3, 10_000, 'three counted calls');
    await page.goto(`${server.url}/reports`);
    const table = page.getByTestId('queues-table');
    await table.waitFor();
    const salesRow = table.locator('tbody tr', { hasText: 'sales' }).first();
    const cellText = async (field: string) => (await salesRow.locator(`td[data-field=${field}]`).textContent())!.trim();
    expect(await cellText('offered')).to.equal('3');
    expect(await cellText('abandoned')).to.equal('2');
    expect(await cellText('shortAbandoned')).to.equal('1');
    await salesRow.locator('td[data-field=abandoned] button').click();
    const drill = page.getByTestId('drill-table');
    await drill.locator('tbody tr').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=drill-table] tbody tr').length === 2);
    const froms = await drill.locator('tbody td[data-field=from]').allTextContents();
    expect(froms.sort()).to.deep.equal(['380674445566', '380677778899']);

    // The screen's figures, per column, for the sales row.
    const headers = await table.locator('thead th').allTextContents();
    const cells = await salesRow.locator('td').allTextContents();
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('queues-csv').click()]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).to.deep.equal(headers.map((h) => h.trim()));
    const csvSales = lines.find((l) => l[0] === 'sales')!;
    const norm = (v: string) => (v === '—' ? '' : v.replace(/[\s,\u202f]/g, ''));
    expect(csvSales.map(norm)).to.deep.equal(cells.map((c) => norm(c.trim())));

    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('queues-xlsx').click()]);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await xlsxDownload.path())!);
    const ws = wb.worksheets[0]!;
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    expect(rows[0]).to.deep.equal(headers.map((h) => h.trim()));
    expect(rows.find((r) => r[0] === 'sales')!.map(norm)).to.deep.equal(cells.map((c) => norm(c.trim())));
    await page.screenshot({ path: screenshotPath('reports-drill'), fullPage: true });
  });

  it("an intern's export of their own calls is masked", async () => {
    script('b4', '380675556677').arrive().wait(1).direct('PJSIP/op103').wait(8).hangup();
    await waitFor(() => (server.db.prepare('SELECT COUNT(*) AS n FROM report_calls').get() as { n: number }).n >= 4, 10_000, 'the intern call counted');
    await signIn('ivan');
    const from = new Date(Date.now() - 86400_000).toISOString();
    const to = new Date(Date.now() + 86400_000).toISOString();
    const csv = await page.evaluate(
      async ({ from, to, id }) => (await fetch(`/api/v1/reports/drill?from=${from}&to=${to}&dim=agent&key=${id}&metric=handled&format=csv`)).text(),
      { from, to, id: ids.intern! },
    );
    expect(csv).to.contain('+380 67 *** ** 77');
    expect(csv).not.to.contain('380675556677');
  });
});
