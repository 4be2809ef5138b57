import { expect } from 'chai';
import { createRequire } from 'node:module';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, type BrowserServer } from '../support/browser.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { login } from '../support/test-app.js';

const PASSWORD = 'correct horse battery staple';
const CRLF = '\r\n';
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
 * Writing mail in Chromium with a real Dovecot and a real SMTP server: a supervisor keeps a reply
 * template with placeholders; an operator inserts it (filled in by the server with the customer's
 * and their own name), attaches two files, takes one off, and sends; the customer receives the
 * file and the thread shows it. An attachment the server refuses is explained in the user's words.
 */
describe('browser: reply templates and attachments in the mail composer', function () {
  this.timeout(600_000);
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;

  async function signIn(username: string) {
    await page.context().clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('language').selectOption('en');
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await page.getByTestId('who').waitFor();
  }

  before(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    server = await startBrowserServer();
    await server.createUser('admin', 'anna', PASSWORD, { displayName: 'Anna Admin' });
    await server.createUser('supervisor', 'sofia', PASSWORD, { displayName: 'Sofia Supervisor' });
    const olga = await server.createUser('operator', 'olga', PASSWORD, { displayName: 'Olga Operator' });
    const admin = await login(server.app, 'anna', PASSWORD);
    const box = await admin.request('POST', '/api/v1/mailboxes', {
      address: 'sales@corp.test',
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: '', password: '' },
      ownerId: olga,
    });
    expect(box.statusCode, box.body).to.equal(201);
    const raw = ['From: Petro Bondar <petro@client.test>', 'To: sales@corp.test', 'Subject: Price list', `Message-ID: <pl-${Date.now()}@client.test>`, `Date: ${new Date().toUTCString()}`].join(CRLF) + CRLF + CRLF + 'Could you send me the price list?' + CRLF;
    await dovecot.append('INBOX', [Buffer.from(raw)]);
    await server.app.mail.syncNow(box.json().id);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it('a supervisor keeps a reply template; an unknown placeholder is refused with the list of known ones', async () => {
    await signIn('sofia');
    await page.getByTestId('nav-mail-templates').click();
    await page.getByTestId('template-form').waitFor();
    await page.locator('#template-name').fill('Price list');
    await page.locator('#template-body').fill('Hello {{firstname}}');
    await page.getByTestId('template-save').click();
    expect(await page.getByTestId('template-error').textContent()).to.include('{{firstname}}').and.include('{{customer}}');
    await page.locator('#template-body').fill('Dear {{customer}},\nthe price list is attached.\nKind regards, {{agent}}');
    await page.getByTestId('template-save').click();
    await page.getByTestId('template-row').filter({ hasText: 'Price list' }).waitFor();
    await page.screenshot({ path: screenshotPath('mail-templates-supervisor-en') });
    await axe(page, 'reply templates');
  });

  it('an operator inserts it filled in, attaches files (one refused, one taken off) and the customer receives the file', async () => {
    await signIn('olga');
    await page.goto(`${server.url}/mail`);
    await page.getByTestId('thread-row').filter({ hasText: 'Price list' }).click();
    await page.getByTestId('routing-reason').waitFor();
    await page.getByTestId('reply').first().click();
    await page.getByTestId('compose-template').selectOption({ label: 'Price list' });
    await page.waitForFunction(() => (document.querySelector<HTMLTextAreaElement>('[data-testid=compose-text]')?.value ?? '').startsWith('Dear Petro Bondar,'));
    const text = await page.getByTestId('compose-text').inputValue();
    expect(text).to.match(/^Dear Petro Bondar,\nthe price list is attached\.\nKind regards, Olga Operator/);
    expect(text).to.include('> Could you send me the price list?');

    await page.getByTestId('compose-files').setInputFiles([
      { name: 'prices 2026.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 prices') },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('internal notes') },
      { name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') },
    ]);
    await page.getByTestId('toast').filter({ hasText: 'tool.exe: Files like "tool.exe" cannot be attached' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=compose-attachment]').length === 2);
    await page.getByRole('button', { name: 'Remove notes.txt' }).click();
    expect(await page.getByTestId('compose-attachment').allTextContents()).to.have.length(1);
    expect((await page.getByTestId('compose-attachment').textContent()) ?? '').to.include('prices 2026.pdf');
    await page.screenshot({ path: screenshotPath('mail-compose-attachments-operator-en') });
    await axe(page, 'composer with an attachment');

    await page.getByTestId('send').click();
    await page.getByTestId('toast').filter({ hasText: 'Sent.' }).waitFor();
    const [mail] = await smtp.waitFor(1, 30_000);
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).to.deep.equal([['prices 2026.pdf', '%PDF-1.4 prices']]);
    expect(parsed.text).to.include('Dear Petro Bondar,');
    // The thread shows the sent reply with its file.
    await page.getByTestId('attachment').filter({ hasText: 'prices 2026.pdf' }).waitFor({ timeout: 30_000 });
  });
});
