import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, startBrowserServer, type BrowserServer } from '../support/browser.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { login } from '../support/test-app.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PASSWORD = 'correct horse battery staple';
const CRLF = '\r\n';
const mail = (from: string, to: string, subject: string, id: string) =>
  Buffer.from([`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${id}@acme.test>`, `Date: ${new Date().toUTCString()}`].join(CRLF) + CRLF + CRLF + 'Please send the prices.' + CRLF);

/**
 * An admin with no terminal, in Chromium: adds a mailbox on a real Dovecot and sees it sync,
 * writes a routing rule and previews it on that real message, adds a GSM gateway with 4 SIMs,
 * sets retention after its exact preview, activates a licence file, and reads all of it in the
 * audit log.
 */
describe('browser: the admin console does daily administration without a terminal (real Dovecot)', function () {
  this.timeout(240_000);
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let work: string;

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    work = mkdtempSync(join(tmpdir(), 'contactbox-admin-console-'));
    // One fresh message from a client, and one received 400 days ago (what a 1-year mail policy deletes).
    await dovecot.append('INBOX', [mail('Boss <boss@acme.test>', 'sales@corp.test', 'Prices for 2027', 'fresh-1')]);
    const c = await dovecot.client();
    await c.append('INBOX', mail('Old <old@acme.test>', 'sales@corp.test', 'Old order', 'old-1'), [], new Date(Date.now() - 400 * 86_400_000));
    await c.logout();
    server = await startBrowserServer();
    await server.createUser('admin', 'olena', PASSWORD, { displayName: 'Olena Admin', language: 'en' });
    const managerId = await server.createUser('operator', 'marko', PASSWORD, { displayName: 'Marko Manager' });
    const api = await login(server.app, 'olena', PASSWORD);
    const boss = await api.request('POST', '/api/v1/contacts', { name: 'Acme Boss', emails: ['boss@acme.test'], status: 'client', ownerId: managerId });
    expect(boss.statusCode, boss.body).to.equal(201);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Username').fill('olena');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/workspace$/);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.stop();
    await dovecot?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const open = async (path: string, testid: string) => {
    await page.goto(`${server.url}${path}`);
    await page.getByTestId(testid).waitFor();
  };

  it('adds a mailbox: a wrong password is named, the right one lists the folders, and the mailbox syncs', async () => {
    await open('/admin/mailboxes', 'admin-mailboxes');
    expect(await page.title()).to.equal('Mailboxes · contactbox');
    await page.getByTestId('evaluation-banner').getByText(/Evaluation licence: 30 days left/).waitFor();
    const form = page.getByTestId('mailbox-form');
    await form.getByLabel('E-mail address').fill('sales@corp.test');
    await form.locator('#imap-host').fill('127.0.0.1');
    await form.locator('#imap-port').fill(String(dovecot.port));
    await form.locator('#imap-security').selectOption('none');
    await form.locator('#imap-username').fill(dovecot.username);
    await form.locator('#imap-password').fill('not-the-password');
    await form.locator('#smtp-host').fill('127.0.0.1');
    await form.locator('#smtp-port').fill(String(smtp.port));
    await form.locator('#smtp-security').selectOption('none');
    await form.getByTestId('mailbox-test').click();
    await form.getByTestId('outcome').getByText('The IMAP server 127.0.0.1 refused the username or password.').waitFor();
    await form.locator('#imap-password').fill(dovecot.password);
    await form.getByTestId('mailbox-test').click();
    await form.getByTestId('mailbox-folders').getByLabel('INBOX').waitFor();
    expect(await form.getByTestId('mailbox-folders').getByLabel('INBOX').isChecked()).to.equal(true);
    await form.getByRole('button', { name: 'Save mailbox' }).click();
    const row = page.locator('[data-testid=mailbox-row][data-address="sales@corp.test"]');
    // The page follows the sync by itself: both messages arrive and the state settles.
    await page.waitForFunction(() => {
      const r = document.querySelector('[data-testid=mailbox-row]');
      return r && ['idle', 'polling'].includes(r.getAttribute('data-state') ?? '') && r.querySelector('[data-testid=mailbox-count]')?.textContent === '2';
    }, null, { timeout: 60_000 });
    expect(await row.textContent()).to.match(/In sync/);
  });

  it('every role sees the evaluation licence’s end and a full disk above every page, not only admins', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const op = await context.newPage();
      await op.goto(`${server.url}/login`);
      await op.getByLabel('Username').fill('marko');
      await op.getByLabel('Password').fill(PASSWORD);
      await op.getByRole('button', { name: 'Sign in' }).click();
      await op.waitForURL(/\/workspace$/);
      const banner = op.getByTestId('evaluation-banner');
      await banner.getByText(/Evaluation licence: 30 days left \(until /).waitFor();
      expect(await banner.getByRole('link').count(), 'no licence link for an operator').to.equal(0);
      server.app.deps.storage.refusedWrite();
      await op.reload();
      await op.locator('[data-testid=storage-notice][data-level=full]').getByText(/disk is full/).waitFor();
      server.app.deps.storage.wroteOk();
    } finally {
      await context.close();
    }
  });

  it('writes a routing rule, previews it on recent mail, and explains where the real message goes and why', async () => {
    await open('/admin/routing', 'admin-routing');
    const form = page.getByTestId('rule-form');
    await form.getByLabel('Rule name').fill('Clients go to their manager');
    await form.getByLabel('was sent to (addresses)').fill('sales@corp.test');
    await form.getByLabel('Client', { exact: true }).check();
    await form.getByTestId('rule-preview').click();
    await form.getByTestId('rule-preview-result').getByText('This rule would have routed 1 of the last 2 messages.').waitFor();
    expect(await form.getByTestId('rule-preview-result').textContent()).to.include('Marko Manager');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('rule-row').getByText('Clients go to their manager').waitFor();

    const explain = page.getByTestId('explain');
    const option = explain.locator('#explain-message option', { hasText: 'Prices for 2027' });
    await explain.locator('#explain-message').selectOption(await option.getAttribute('value'));
    await explain.getByTestId('explain-message-run').click();
    await explain.getByTestId('explain-verdict').getByText('It goes to Marko Manager by the matching rule.').waitFor();
    expect(await explain.locator('li[data-outcome=chosen]').textContent()).to.include('Clients go to their manager');
  });

  it('adds a GSM gateway with 4 SIMs, one number per SIM; a bad field is named; the Asterisk state is shown', async () => {
    await open('/admin/telephony', 'admin-telephony');
    const form = page.getByTestId('trunk-form');
    await form.locator('#trunk-kind').selectOption('gsm');
    await form.locator('#trunk-name').fill('office-gsm');
    await form.locator('#trunk-host').fill('192.0.2.40');
    await form.locator('#trunk-secret').fill('gsm-line-secret-2026');
    await form.locator('#trunk-count').fill('4');
    const numbers = ['+380671110001', '+380671110002', '+380671110003', 'not-a-number'];
    for (const [i, n] of numbers.entries()) await form.getByLabel(`Phone number of line ${i + 1}`).fill(n);
    await form.getByRole('button', { name: 'Save and apply' }).click();
    const refused = form.getByTestId('outcome');
    await refused.waitFor();
    expect(await refused.getAttribute('data-field')).to.match(/^channels\.3/);
    await form.getByLabel('Phone number of line 4').fill('+380671110004');
    await form.getByRole('button', { name: 'Save and apply' }).click();
    const row = page.locator('[data-testid=trunk-row][data-name=office-gsm]');
    await row.waitFor();
    expect(await row.getByTestId('trunk-endpoints').textContent()).to.equal('office-gsm-ch1, office-gsm-ch2, office-gsm-ch3, office-gsm-ch4');
    expect(await row.textContent()).to.include('+380671110004');
    // Without the live-apply mechanism this appliance reports the change as waiting for an apply.
    const state = page.getByTestId('asterisk-state');
    expect(['applied', 'pending']).to.include(await state.getAttribute('data-status'));
  });

  it('sets retention only after the exact preview of what it deletes', async () => {
    await open('/admin/retention', 'admin-retention');
    const row = page.locator('[data-testid=policy-row][data-class=mail]');
    await row.getByRole('textbox').fill('365');
    await row.getByRole('button', { name: 'Preview' }).click();
    await row.getByTestId('policy-preview').getByText(/This deletes 1 item \(/).waitFor();
    await row.getByRole('button', { name: 'Save this period' }).click();
    await page.locator('[data-testid=policy-row][data-class=mail]').getByText('365 days').waitFor();
    await page.getByTestId('forecast-chart').locator('canvas').waitFor();
  });

  it('activates a licence file made for this server’s request code; the evaluation banner goes away', async () => {
    await open('/admin/licence', 'admin-licence');
    const code = (await page.getByTestId('request-code').textContent())!.trim();
    expect(code).to.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    const file = join(work, 'customer.lic');
    await promisify(execFile)(join(REPO, 'scripts/issue-license'), ['--request', code, '--sessions', '12', '--modules', 'telephony,mail,chat', '--sites', '2', '--customer', 'Kvitka LLC', '--out', file]);
    await page.locator('#licence-file').setInputFiles(file);
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByTestId('outcome').getByText('Licence activated.').waitFor();
    await page.locator('[data-testid=licence-status][data-status=licensed]').waitFor();
    expect(await page.getByTestId('licence-customer').textContent()).to.include('Kvitka LLC');
    expect(await page.getByTestId('licence-sessions').textContent()).to.include('of 12');
    await page.getByTestId('evaluation-banner').waitFor({ state: 'detached' });
  });

  it('reads the audit trail of all of it by name, filters it, the system page shows each component, and an unknown admin page is not found', async () => {
    await open('/admin/audit', 'admin-audit');
    const log = page.getByTestId('audit-log');
    for (const action of ['Added a mailbox', 'Added a routing rule', 'Added a trunk', 'Changed a retention period', 'Activated a licence']) {
      await log.getByRole('cell', { name: action, exact: true }).first().waitFor();
    }
    expect(await log.textContent()).not.to.match(/mail\.mailbox\.create|trunk\.add/);
    expect(await log.getByRole('row').filter({ hasText: 'Added a trunk' }).textContent()).to.include('Olena Admin').and.include('office-gsm');
    await page.locator('#audit-action').selectOption('trunk.*');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=audit-row]')).every((r) => r.getAttribute('data-action')?.startsWith('trunk.')));
    expect(await page.getByTestId('audit-row').count()).to.equal(1);
    await page.screenshot({ path: screenshotPath('admin-audit'), fullPage: true });

    await open('/admin/system', 'admin-system');
    await page.locator('[data-testid=component-row][data-component=db]').getByText('Working').waitFor();
    await page.locator('[data-testid=tls-state][data-state=none]').waitFor();
    await page.getByTestId('backup-now').click();
    await page.getByTestId('backups').getByTestId('outcome').getByText(/^Backup contactbox-\d{8}-\d{6} made\.$/).waitFor({ timeout: 60_000 });
    await page.getByTestId('backup-row').getByText('Database checked').waitFor();

    await page.goto(`${server.url}/admin/no-such-page`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.title()).to.equal('Page not found · contactbox');
  });

  it('renames a team, edits its members and deletes it; finds users by name, role and team', async () => {
    const api = await login(server.app, 'olena', PASSWORD);
    const created = await api.request('POST', '/api/v1/teams', { name: 'Sales' });
    expect(created.statusCode, created.body).to.equal(201);
    await server.createUser('intern', 'ivan', PASSWORD, { displayName: 'Ivan Intern' });
    await open('/admin/teams', 'admin-teams-page');
    const row = () => page.locator('[data-testid=team-row][data-team="Sales"], [data-testid=team-row][data-team="Key accounts"]');
    await row().getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name of team Sales').fill('Key accounts');
    await page.getByLabel('New name of team Sales').press('Enter');
    await page.getByTestId('admin-message').getByText('Team renamed to Key accounts.').waitFor();
    await row().getByRole('button', { name: 'Edit members' }).click();
    const editor = page.getByTestId('team-members-editor');
    await editor.getByLabel('Marko Manager').check();
    await editor.getByLabel('Ivan Intern').check();
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('admin-message').getByText('Members of Key accounts saved.').waitFor();
    expect(await row().getByTestId('team-members').textContent()).to.equal('Ivan Intern, Marko Manager');
    const team = (await api.request('GET', '/api/v1/teams')).json().items.find((x: { name: string }) => x.name === 'Key accounts');
    expect(team.memberIds).to.have.length(2);

    await open('/admin/users', 'admin-users-page');
    await page.locator('#user-search').fill('mark');
    await page.getByTestId('users-shown').getByText('1 user of 3 shown').waitFor();
    expect(await page.locator('tr[data-username=marko]').isVisible()).to.equal(true);
    expect(await page.locator('tr[data-username=olena]').isVisible()).to.equal(false);
    await page.locator('#user-search').fill('');
    await page.locator('#user-team-filter').selectOption({ label: 'Key accounts' });
    await page.locator('#user-role-filter').selectOption('intern');
    await page.getByTestId('users-shown').getByText('1 user of 3 shown').waitFor();
    expect(await page.locator('tr[data-username=ivan]').isVisible()).to.equal(true);
    await page.locator('#user-search').fill('nobody-like-this');
    await page.getByTestId('users-shown').getByText('No user matches.').waitFor();

    await open('/admin/teams', 'admin-teams-page');
    page.once('dialog', (d) => void d.accept());
    await row().getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('admin-message').getByText('Team Key accounts deleted.').waitFor();
    expect(await row().count()).to.equal(0);
    const actions = (await api.request('GET', '/api/v1/audit?action=team.*')).json().items.map((a: { action: string }) => a.action);
    expect(actions).to.include.members(['team.create', 'team.update', 'team.delete']);
  });
});
