import { expect } from 'chai';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';
import { AmiFeedPort, CallScript, OffsetClock } from '../support/ami-feed.js';

const PASSWORD = 'correct horse battery staple';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function axe(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${name}: ${JSON.stringify(bad)}`).to.deep.equal([]);
}

/**
 * The day's agent states in Chromium, two people at once: an operator signs in to a queue,
 * pauses and resumes from the workspace's top bar, while a supervisor's live view follows every
 * change through the live channel (no reload), pauses the operator from there (the operator's
 * top bar follows), sees the call the operator takes with its time, and listens in. Queue actions
 * reach a telephony port fed with Asterisk 22's own AMI events.
 */
describe('browser: agent states live — pause and resume from the workspace, the supervisors’ live view', function () {
  this.timeout(600_000);
  let server: BrowserServer;
  let browser: Browser;
  let op: Page;
  let sup: Page;
  let port: AmiFeedPort;
  const clock = new OffsetClock();
  const ids: Record<string, number> = {};

  async function signIn(page: Page, username: string) {
    await page.context().clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('language').selectOption('en');
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await page.getByTestId('who').waitFor();
  }
  const row = (name: string) => sup.getByTestId('live-agent').filter({ hasText: name });
  const rowState = (name: string, state: string) => sup.locator(`[data-testid=live-agent][data-agent-id="${ids[name]}"][data-state=${state}]`).waitFor({ timeout: 30_000 });

  before(async () => {
    port = new AmiFeedPort(clock);
    server = await startBrowserServer({ clock, overrides: { telephony: { port } } });
    await server.createUser('admin', 'anna', PASSWORD, { displayName: 'Anna Admin' });
    ids.sofia = await server.createUser('supervisor', 'sofia', PASSWORD, { displayName: 'Sofia Supervisor' });
    ids.olga = await server.createUser('operator', 'olga', PASSWORD, { displayName: 'Olga Operator' });
    ids.ivan = await server.createUser('intern', 'ivan', PASSWORD, { displayName: 'Ivan Intern' });
    server.app.calls.repo.setEndpoint(ids.olga!, 'PJSIP/op101');
    server.app.calls.repo.setEndpoint(ids.sofia!, 'PJSIP/op102');
    server.app.calls.repo.setEndpoint(ids.ivan!, 'PJSIP/op103');
    server.app.calls.refreshEndpoints();
    const admin = await login(server.app, 'anna', PASSWORD);
    expect((await admin.request('PUT', '/api/v1/agents/queues/sales', { wrapupSec: 0 })).statusCode).to.equal(200);
    for (const name of ['Lunch', 'Training']) expect((await admin.request('POST', '/api/v1/agents/pause-reasons', { name })).statusCode).to.equal(201);
    browser = await launchChromium();
    op = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } })).newPage();
    sup = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the supervisor sees every agent, signed in or not; the operator signs in to the queue and the view follows live', async () => {
    await signIn(sup, 'sofia');
    await sup.goto(`${server.url}/supervisor`);
    await sup.getByTestId('live-list').waitFor({ timeout: 30_000 });
    expect(await sup.getByTestId('live-name').allTextContents()).to.have.members(['Ivan Intern', 'Olga Operator', 'Sofia Supervisor']);
    await rowState('olga', 'offline');
    await sup.getByTestId('live-status').and(sup.locator('.online')).waitFor({ timeout: 30_000 });

    await signIn(op, 'olga');
    await op.goto(`${server.url}/queues`);
    await op.getByRole('button', { name: 'Log in to the queues' }).click();
    await op.getByTestId('agent-status').and(op.locator('[data-state=available]')).waitFor();
    expect(port.actions).to.include('QueueAdd sales PJSIP/op101');
    // The supervisor's page was not reloaded: the live event moved the row.
    await rowState('olga', 'available');
    expect(await row('Olga Operator').getByTestId('live-since').textContent()).to.match(/\d+:\d\d/);
  });

  it('the operator pauses with a reason and resumes from the workspace; the supervisor sees both at once', async () => {
    await op.goto(`${server.url}/workspace`);
    await op.getByTestId('agent-status-button').click();
    await op.locator('[data-testid=agent-pause][data-reason=Lunch]').click();
    await op.getByTestId('agent-status').and(op.locator('[data-state=paused]')).waitFor();
    expect(await op.getByTestId('agent-status-label').textContent()).to.equal('Paused · Lunch');
    expect(port.actions.at(-1)).to.equal('QueuePause * PJSIP/op101 true Lunch');
    // Focus went back to the state button, not into the page.
    expect(await op.evaluate(() => document.activeElement?.getAttribute('data-testid'))).to.equal('agent-status-button');
    await rowState('olga', 'paused');
    expect(await row('Olga Operator').getByTestId('live-state').textContent()).to.include('Paused · Lunch');

    // Keyboard only: open the menu, arrow to "Available", Enter.
    await op.getByTestId('agent-status-button').focus();
    await op.keyboard.press('Enter');
    await op.getByTestId('agent-available').waitFor();
    // The menu moves the focus to its first choice once it has opened.
    await op.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'agent-available', undefined, { timeout: 30_000 });
    await op.keyboard.press('Enter');
    await op.getByTestId('agent-status').and(op.locator('[data-state=available]')).waitFor();
    expect(port.actions.at(-1)).to.equal('QueuePause * PJSIP/op101 false');
    await rowState('olga', 'available');
  });

  it('the supervisor pauses and resumes the operator from the live view; the operator’s top bar follows without a reload', async () => {
    // The operator is typing a note meanwhile: a live change must not take the focus away.
    await op.locator('#contact-search').click();
    await op.locator('#contact-search').fill('Petr');
    await row('Olga Operator').getByTestId('live-pause').selectOption('Training');
    await op.getByTestId('agent-status').and(op.locator('[data-state=paused]')).waitFor({ timeout: 30_000 });
    expect(await op.getByTestId('agent-status-label').textContent()).to.equal('Paused · Training');
    expect(await op.evaluate(() => document.activeElement?.id)).to.equal('contact-search');
    expect(await op.locator('#contact-search').inputValue()).to.equal('Petr');
    await rowState('olga', 'paused');
    await row('Olga Operator').getByTestId('live-resume').click();
    await op.getByTestId('agent-status').and(op.locator('[data-state=available]')).waitFor({ timeout: 30_000 });
    await rowState('olga', 'available');
    const audit = server.db.prepare("SELECT action, actor_id AS actorId FROM audit_log WHERE action LIKE 'agent.%' ORDER BY id").all() as Array<{ action: string; actorId: number }>;
    expect(audit.filter((a) => a.actorId === ids.sofia).map((a) => a.action)).to.deep.equal(['agent.pause', 'agent.available']);
  });

  it('a call the operator takes shows on the live view with its time; the supervisor listens in', async () => {
    const call = new CallScript(port, clock, 'lv1', '380671112233').arrive().join('sales').ring('sales', 'PJSIP/op101').wait(1).answer('sales', 'PJSIP/op101', 1, 1);
    const callRow = row('Olga Operator').getByTestId('live-call');
    await callRow.waitFor({ timeout: 30_000 });
    expect(await sup.locator(`[data-testid=live-agent][data-agent-id="${ids.olga}"]`).getAttribute('data-presence')).to.equal('busy');
    expect(await callRow.textContent()).to.include('Incoming call, queue sales');
    await sup.screenshot({ path: screenshotPath('live-view-supervisor-en') });
    await axe(sup, 'live view with a call');
    await callRow.getByTestId('spy-listen').click();
    await sup.getByTestId('toast').filter({ hasText: 'Your phone rings' }).waitFor();
    const spied = server.db.prepare("SELECT actor_id AS actorId FROM audit_log WHERE action = 'call.listen'").all() as Array<{ actorId: number }>;
    expect(spied.map((a) => a.actorId)).to.deep.equal([ids.sofia]);
    call.wait(30).complete('sales', 'PJSIP/op101', 1, 30, 'caller').hangup();
    await callRow.waitFor({ state: 'detached', timeout: 30_000 });
    await op.screenshot({ path: screenshotPath('live-topbar-operator-en') });
    await axe(op, 'workspace with the agent state');
  });

  it('in Ukrainian, with a filter; interns and operators have no live view but their own state', async () => {
    // The shell's language picker (it saves the choice for this user).
    await sup.getByTestId('language').selectOption('uk');
    await sup.getByTestId('live-list').waitFor({ timeout: 30_000 });
    await sup.getByTestId('live-filter-offline').click();
    expect(await sup.getByTestId('live-name').allTextContents()).to.have.members(['Ivan Intern', 'Sofia Supervisor']);
    expect(await sup.getByTestId('page-title').textContent()).to.equal('Стан операторів');
    await sup.screenshot({ path: screenshotPath('live-view-supervisor-uk') });
    await axe(sup, 'live view in Ukrainian');

    for (const username of ['ivan', 'olga']) {
      await signIn(op, username);
      await op.goto(`${server.url}/supervisor`);
      await op.getByTestId('not-found').waitFor();
      expect(await op.getByTestId('nav-supervisor').count()).to.equal(0);
      await op.getByTestId('agent-status').waitFor();
    }
    const res = await op.evaluate(async () => (await fetch('/api/v1/agents')).status);
    expect(res).to.equal(403);
  });
});
