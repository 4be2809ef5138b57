import { expect } from 'chai';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, type BrowserServer } from '../support/browser.js';
import { SipWsPeer } from '../support/sip-ws-peer.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { login } from '../support/test-app.js';
import { AmiFeedPort, OffsetClock } from '../support/ami-feed.js';
import type { TelephonyPort } from '../../appliance/telephony/port.js';

const PASSWORD = 'correct horse battery staple';
const SHARED_PHONE = '+380671234545';
const CRLF = '\r\n';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

type Role = 'admin' | 'supervisor' | 'operator' | 'intern';
const USERS: Record<Role, { username: string; name: string }> = {
  admin: { username: 'anna', name: 'Anna Admin' },
  supervisor: { username: 'sofia', name: 'Sofia Supervisor' },
  operator: { username: 'olga', name: 'Olga Operator' },
  intern: { username: 'ivan', name: 'Ivan Intern' },
};

function htmlMail(subject: string): Buffer {
  const b = `b-${Date.now()}`;
  return Buffer.from(
    [
      'From: Ivan Petrenko <ivan.petrenko@example.com>', 'To: sales@corp.test', `Subject: ${subject}`, `Message-ID: <day-${Date.now()}@example.com>`,
      `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b}"`, '',
      `--${b}`, 'Content-Type: multipart/alternative; boundary="alt"', '',
      '--alt', 'Content-Type: text/plain; charset=utf-8', '', 'Hello, the invoice is attached. Call me at +380671234545.', '',
      '--alt', 'Content-Type: text/html; charset=utf-8', '',
      '<p>Hello, the <b>invoice</b> is attached.</p><img src="https://tracker.example/p.gif" alt="t"><script>parent.__mailScript=1</script><a href="https://example.com" onclick="parent.__mailClick=1">site</a>', '',
      '--alt--', '',
      `--${b}`, 'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"', 'Content-Transfer-Encoding: base64', '',
      Buffer.from('%PDF-1.4 invoice').toString('base64'), '', `--${b}--`, '',
    ].join(CRLF),
  );
}

/**
 * An operator's day in Chromium, per role: the inbox of dialogs, a mail thread with an HTML body
 * and an attachment answered from the composer, a missed call called back from the history, an
 * incoming call answered from its card when two contacts share the number, a 200-entry timeline
 * paged to the end, the duplicate warning and Ukrainian sorting, hold and mute from the keyboard,
 * and a pause and resume from the top bar. Every screen of every role is
 * photographed in English and Ukrainian (test-output/screenshots/day-*) and scanned with axe-core.
 */
describe('browser: the operator’s day in the workspace, every role, screenshots and accessibility', function () {
  // 56 screens photographed and scanned: minutes on a loaded machine, so a generous ceiling.
  this.timeout(1_800_000);
  let peer: SipWsPeer;
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  const ids = {} as Record<Role, number>;
  const contacts: Record<string, number> = {};
  const sip: Record<string, string> = {};

  async function signIn(role: Role, language = 'en') {
    await page.context().clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('language').selectOption(language);
    await page.locator('#username').fill(USERS[role].username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await page.getByTestId('who').waitFor();
  }

  async function open(path: string, ready: string) {
    await page.goto(`${server.url}${path}`);
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
  }

  async function axe(name: string) {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, {
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad, `${name}: ${JSON.stringify(bad)}`).to.deep.equal([]);
  }

  before(async () => {
    peer = await SipWsPeer.start({}, 'pbx.test');
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    server = await startBrowserServer({ config: { softphone: { asteriskWsUrl: peer.url, domain: 'pbx.test' } } });
    for (const role of Object.keys(USERS) as Role[]) {
      ids[role] = await server.createUser(role, USERS[role].username, PASSWORD, { displayName: USERS[role].name });
      const phone = server.app.phones.issue(ids[role]);
      peer.setUser(phone.sipUser, phone.sipPassword);
      sip[role] = phone.sipUser;
    }
    const admin = await login(server.app, 'anna', PASSWORD);
    const mk = async (body: Record<string, unknown>) => {
      const res = await admin.request('POST', '/api/v1/contacts', { phones: [], emails: [], tags: [], ...body });
      expect(res.statusCode, res.body).to.equal(201);
      return res.json().id as number;
    };
    contacts.ivan = await mk({ name: 'Ivan Petrenko', phones: [SHARED_PHONE], emails: ['ivan.petrenko@example.com'], ownerId: ids.operator });
    // A second card with the same number (a relative sharing the line): the server allows it.
    contacts.maria = await mk({ name: 'Maria Petrenko', phones: [SHARED_PHONE] });
    for (const name of ['Ярема Коваль', 'Борис Коваль', 'Євген Коваль']) contacts[name] = await mk({ name, tags: ['коваль'] });
    contacts.long = await mk({ name: 'Long History' });
    for (let i = 1; i <= 200; i++) {
      const note = await admin.request('POST', `/api/v1/contacts/${contacts.long}/notes`, { body: `History entry ${i}` });
      expect(note.statusCode).to.equal(201);
    }
    // A call the operator missed this morning (the call tracker's rows, as Asterisk's events leave them).
    const started = new Date(Date.now() - 20 * 60_000).toISOString();
    const call = server.db
      .prepare(
        `INSERT INTO calls (linked_id, direction, from_number, to_number, queue, operator_id, contact_id, started_at, ended_at, wait_sec, talk_sec, disposition, legs, operator_ids, updated_at)
         VALUES ('day-missed', 'inbound', ?, '+380441112233', 'sales', NULL, ?, ?, ?, 25, 0, 'missed', '[]', ?, ?) RETURNING id`,
      )
      .get(SHARED_PHONE, contacts.ivan, started, started, `,${ids.operator},`, started) as { id: number };
    server.db.prepare('INSERT INTO call_operators (operator_id, started_at, call_id) VALUES (?, ?, ?)').run(ids.operator, started, call.id);

    const box = await admin.request('POST', '/api/v1/mailboxes', {
      address: 'sales@corp.test',
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: '', password: '' },
      ownerId: ids.operator,
    });
    expect(box.statusCode, box.body).to.equal(201);
    await dovecot.append('INBOX', [htmlMail('Invoice for March')]);
    await server.app.mail.syncNow(box.json().id);
    // The intern stands in for the operator this week: the operator's mail goes to them too.
    const delegation = await admin.request('POST', '/api/v1/delegations', { fromUserId: ids.operator, toUserId: ids.intern });
    expect(delegation.statusCode, delegation.body).to.be.oneOf([200, 201]);
    await dovecot.append('INBOX', [htmlMail('Second invoice')]);
    await server.app.mail.syncNow(box.json().id);

    browser = await launchChromium({ fakeMedia: true });
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.stop();
    await dovecot?.stop();
    await peer?.close();
  });

  it('operator: inbox, a mail thread with HTML and an attachment answered from the composer', async () => {
    await signIn('operator');
    await open('/inbox', '[data-testid=inbox-item]');
    const items = page.getByTestId('inbox-item');
    expect(await items.count()).to.be.greaterThan(0);
    expect(await page.getByTestId('inbox-list').textContent()).to.include('Invoice for March');
    // The missed queue call is new work until someone calls back.
    await page.getByTestId('inbox-tab-new').click();
    await page.getByTestId('inbox-list').filter({ hasText: 'Missed call' }).waitFor();

    await open('/mail', '[data-testid=thread-row]');
    await page.getByTestId('thread-row').filter({ hasText: 'Invoice for March' }).click();
    await page.waitForURL(/\/mail\/\d+$/);
    const frame = page.getByTestId('mail-frame').first();
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).to.equal('allow-popups allow-popups-to-escape-sandbox');
    const doc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(doc).to.include('<b>invoice</b>');
    expect(doc).to.not.match(/<script|onclick|tracker\.example/);
    expect(doc).to.include("default-src 'none'");
    expect(await page.evaluate(() => (window as unknown as { __mailScript?: number }).__mailScript)).to.equal(undefined);
    expect(await page.getByTestId('routing-reason').textContent()).to.include('Assigned to you');
    const attachment = page.getByTestId('attachment').first();
    expect(await attachment.textContent()).to.equal('invoice.pdf');
    const download = await page.evaluate(async (href) => {
      const r = await fetch(href!);
      return { status: r.status, disposition: r.headers.get('content-disposition'), body: await r.text() };
    }, await attachment.getAttribute('href'));
    expect(download).to.deep.equal({ status: 200, disposition: "attachment; filename*=UTF-8''invoice.pdf", body: '%PDF-1.4 invoice' });
    // Remote images only when asked.
    await page.getByTestId('show-images').first().click();
    expect((await page.getByTestId('mail-frame').first().getAttribute('srcdoc')) ?? '').to.include('tracker.example');

    await page.getByTestId('reply').first().click();
    await page.getByTestId('compose-text').fill('Thank you, paid today.\n');
    await page.getByTestId('send').click();
    await page.getByTestId('toast').filter({ hasText: 'Sent.' }).waitFor();
    const sent = await smtp.waitFor(1, 30_000);
    expect(sent[0]!.raw.toString()).to.include('Thank you, paid today.');
    expect(sent[0]!.raw.toString()).to.match(/In-Reply-To: <day-/);
  });

  it('operator: calls back the missed call from the history and hears clearly why it cannot be placed here', async () => {
    await open('/calls?filter=missed', '[data-testid=call-row]');
    const row = page.locator('[data-testid=call-row][data-missed=true]').first();
    await row.getByText('Ivan Petrenko').waitFor();
    const request = page.waitForRequest((r) => r.url().endsWith('/api/v1/calls') && r.method() === 'POST');
    await row.getByTestId('call-back').click();
    expect((await request).postDataJSON()).to.deep.equal({ contactId: contacts.ivan });
    // No telephony on this test server: the reason, in words, not a microphone error.
    await page.getByTestId('toast').filter({ hasText: 'Telephony is not configured' }).waitFor();
  });

  it('operator: answers a call from its card and picks which of the two contacts with that number it is', async () => {
    await open('/workspace', '[data-testid=phone-state][data-state=registered]');
    const call = peer.call(sip.operator!, { number: SHARED_PHONE, name: 'Caller' });
    await page.getByTestId('incoming-call').waitFor({ state: 'visible' });
    const choices = page.getByTestId('incoming-choice');
    await choices.first().waitFor();
    expect(await choices.allTextContents()).to.deep.equal(['Ivan Petrenko', 'Maria Petrenko']);
    await page.screenshot({ path: screenshotPath('day-incoming-choice-operator-en') });
    await choices.nth(1).click();
    await page.locator(`[data-testid=contact-card][data-contact-id="${contacts.maria}"]`).waitFor();
    await page.keyboard.press('Alt+a');
    await call.answered;
    await page.locator('[data-testid=phone-state][data-state=in-call]').waitFor();
    // Hold and mute from the keyboard, while the operator writes a note: the shortcuts work, and
    // keys that type text (`?`, `/`) stay text in the note box instead of opening help or search.
    const note = page.locator(`#note-${contacts.maria}`);
    await note.click();
    await page.keyboard.press('Alt+o');
    await page.locator('[data-testid=phone-state][data-state=held]').waitFor();
    expect(await page.getByTestId('phone-hold').getAttribute('aria-pressed')).to.equal('true');
    await page.keyboard.press('Alt+o');
    await page.locator('[data-testid=phone-state][data-state=in-call]').waitFor();
    expect(peer.reInvites.slice(-2)).to.deep.equal(['sendonly', 'sendrecv']);
    await page.keyboard.press('Alt+m');
    await page.locator('[data-testid=phone-mute][aria-pressed=true]').waitFor();
    await page.keyboard.press('Alt+m');
    await page.locator('[data-testid=phone-mute][aria-pressed=false]').waitFor();
    await note.focus();
    await page.keyboard.type('Asked about March? Yes/no');
    expect(await note.inputValue()).to.equal('Asked about March? Yes/no');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal(`note-${contacts.maria}`);
    expect(await page.getByTestId('shortcut-help').count()).to.equal(0);
    await note.fill('');
    // Outside a field, `?` lists the shortcuts with their keys; Escape closes the list.
    await page.locator('[data-testid=contact-card] h2').click();
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    const listed = await help.locator('dl').textContent();
    for (const text of ['Alt+AAnswer the ringing call', 'Alt+HHang up', 'Alt+OHold or resume', 'Alt+MMute or unmute']) expect(listed).to.include(text);
    await page.screenshot({ path: screenshotPath('day-shortcuts-operator-en') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+h');
    await page.locator('[data-testid=phone-state][data-state=registered]').waitFor();
  });

  it('operator: pages through a 200-entry timeline, the note box on top; duplicate warning; Ukrainian sorting', async () => {
    await open(`/workspace/contacts/${contacts.long}`, '[data-testid=timeline]');
    const noteBox = await page.locator('.note-form').boundingBox();
    const timeline = await page.getByTestId('timeline').boundingBox();
    expect(noteBox!.y).to.be.lessThan(timeline!.y);
    const older = page.getByTestId('timeline-older');
    for (let i = 0; i < 10 && (await older.isVisible()); i++) {
      const before = await page.locator('[data-testid=timeline] > li').count();
      await older.click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=timeline] > li').length > n, before);
    }
    expect(await older.isVisible()).to.equal(false);
    expect(await page.locator('[data-testid=timeline] > li').count()).to.equal(200);
    expect(await page.getByTestId('timeline').textContent()).to.include('History entry 1').and.include('History entry 200');

    await page.locator('.new-contact summary').click();
    await page.locator('#nc-name').fill('Ivan P. again');
    await page.locator('#nc-phones').fill(SHARED_PHONE);
    await page.getByRole('button', { name: 'Add contact' }).click();
    const warning = page.getByTestId('duplicate-warning');
    await warning.waitFor();
    expect(await warning.textContent()).to.include('already exist');
    expect(await warning.getByTestId('duplicate-open').allTextContents()).to.have.members(['Ivan Petrenko', 'Maria Petrenko']);

    await page.getByTestId('language').selectOption('uk');
    await page.locator('#contact-search').fill('коваль');
    await page.locator('#contact-search').press('Enter');
    await page.getByTestId('search-result').first().waitFor();
    const names = (await page.getByTestId('search-result').allTextContents()).map((s) => s.split(' · ')[0]);
    expect(names).to.deep.equal(['Борис Коваль', 'Євген Коваль', 'Ярема Коваль']);
    await page.getByTestId('language').selectOption('en');
  });

  it('operator: pauses with a reason and resumes from the workspace top bar; the state reaches the server and the queues', async () => {
    // Queue membership goes to Asterisk over AMI: here a port that records the actions, plugged in
    // for this case only (the cases before it show the server without telephony).
    const telephony = server.app.telephony as { port: TelephonyPort | null };
    const ami = new AmiFeedPort(new OffsetClock());
    const previous = telephony.port;
    telephony.port = ami;
    const operator = await login(server.app, USERS.operator.username, PASSWORD);
    try {
      server.app.calls.repo.setEndpoint(ids.operator, `PJSIP/${sip.operator}`);
      server.app.calls.refreshEndpoints();
      const admin = await login(server.app, USERS.admin.username, PASSWORD);
      expect((await admin.request('PUT', '/api/v1/agents/queues/sales', { wrapupSec: 0 })).statusCode).to.equal(200);
      expect((await admin.request('POST', '/api/v1/agents/pause-reasons', { name: 'Lunch' })).statusCode).to.equal(201);
      const onServer = async () => (await operator.request('GET', '/api/v1/agents/me')).json() as { state: string; reason: string | null };

      await open('/queues', 'main');
      await page.getByRole('button', { name: 'Log in to the queues' }).click();
      await page.getByTestId('agent-status').and(page.locator('[data-state=available]')).waitFor();
      await open('/workspace', '[data-testid=contact-search], #contact-search');
      await page.getByTestId('agent-status-button').click();
      await page.locator('[data-testid=agent-pause][data-reason=Lunch]').click();
      await page.getByTestId('agent-status').and(page.locator('[data-state=paused]')).waitFor();
      expect(await page.getByTestId('agent-status-label').textContent()).to.equal('Paused · Lunch');
      expect(await onServer()).to.include({ state: 'paused', reason: 'Lunch' });
      expect(ami.actions.at(-1)).to.equal(`QueuePause * PJSIP/${sip.operator} true Lunch`);
      await page.screenshot({ path: screenshotPath('day-paused-operator-en') });

      // Resume by keyboard: the menu opens on Enter, its first choice is "Available".
      await page.getByTestId('agent-status-button').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'agent-available', undefined, { timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page.getByTestId('agent-status').and(page.locator('[data-state=available]')).waitFor();
      expect(await onServer()).to.include({ state: 'available', reason: null });
      expect(ami.actions.at(-1)).to.equal(`QueuePause * PJSIP/${sip.operator} false`);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).to.equal('agent-status-button');
    } finally {
      await operator.request('POST', '/api/v1/agents/me/logout');
      telephony.port = previous;
    }
  });

  it('intern: reads the delegated mail as masked text, no HTML and no attachments; "on behalf of" is shown', async () => {
    await signIn('intern');
    await open('/mail', '[data-testid=thread-row]');
    await page.getByTestId('thread-row').filter({ hasText: 'Second invoice' }).click();
    await page.getByTestId('mail-text').first().waitFor();
    expect(await page.getByTestId('mail-frame').count()).to.equal(0);
    expect(await page.getByTestId('mail-text').first().textContent()).to.not.include(SHARED_PHONE);
    expect(await page.getByTestId('attachment').count()).to.equal(0);
    expect(await page.getByTestId('routing-reason').textContent()).to.include('on behalf of Olga Operator');
    expect(await page.getByTestId('forward').count()).to.equal(0);
  });

  it('every screen of every role in English and Ukrainian: screenshots, and no serious or critical axe violation', async () => {
    const screens: Array<{ name: string; path: string; ready: string; roles?: Role[] }> = [
      { name: 'inbox', path: '/inbox', ready: '[data-testid=inbox-page] [data-testid=inbox-list], [data-testid=inbox-page] [data-testid=empty]' },
      { name: 'mail', path: '/mail', ready: '[data-testid=thread-row], [data-testid=mail-page] [data-testid=empty]' },
      { name: 'calls', path: '/calls', ready: '[data-testid=call-list], [data-testid=calls-page] [data-testid=empty]' },
      { name: 'workspace', path: `/workspace/contacts/${contacts.ivan}`, ready: '[data-testid=contact-card]' },
      { name: 'admin', path: '/admin', ready: '.admin-tabs', roles: ['admin'] },
      { name: 'selftest', path: '/selftest', ready: '[data-testid=selftest-summary], .checks' },
      { name: 'not-found', path: '/no-such-page', ready: '[data-testid=not-found]' },
    ];
    for (const role of Object.keys(USERS) as Role[]) {
      for (const language of ['en', 'uk']) {
        await signIn(role, language);
        for (const screen of screens) {
          if (screen.roles && !screen.roles.includes(role)) continue;
          await open(screen.path, screen.ready);
          await page.waitForLoadState('networkidle').catch(() => undefined);
          await page.screenshot({ path: screenshotPath(`day-${screen.name}-${role}-${language}`) });
          await axe(`${screen.name} as ${role} in ${language}`);
        }
      }
    }
    await signIn('operator');
    await page.getByTestId('theme-toggle').click();
    await open('/inbox', '[data-testid=inbox-page]');
    await page.screenshot({ path: screenshotPath('day-inbox-operator-en-dark') });
    await axe('inbox, dark theme');
    await page.getByTestId('theme-toggle').click();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await open('/mail', '[data-testid=thread-row]');
    await page.screenshot({ path: screenshotPath('day-mail-operator-en-1920') });
  });
});
