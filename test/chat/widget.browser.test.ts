import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureUiBuilt, launchChromium } from '../support/browser.js';
import { signIdentity } from '../../appliance/chat/identity.js';
import { startChatAppliance, OperatorEvents, waitUntil, type ChatAppliance } from './support.js';
import { customerSite, ensureWidgetBuilt, NetworkCut } from './widget-support.js';
import type { TestClient } from '../support/test-app.js';

/**
 * The widget in real Chromium on two customer websites served from other loopback origins than
 * the appliance. The visitor's network runs through a relay the test can cut.
 */
const PASSWORD = 'correct horse battery staple';

describe('chat widget in Chromium on customer websites', function () {
  this.timeout(180_000);
  let a: ChatAppliance;
  let browser: Browser;
  let admin: TestClient;
  let operator: TestClient & { displayName: string };
  let ops: OperatorEvents;
  let visitorNet: NetworkCut;
  let operatorNet: NetworkCut;
  let widgetBase: string;
  let workspace: string;
  let opPage: Page;
  const sites: { key: string; secret: string; id: number }[] = [];
  const pages: { origin: string; close(): Promise<void> }[] = [];
  const contexts: BrowserContext[] = [];
  let shopA: string;
  let shopB: string;
  let unlisted: string;
  const requests: string[] = [];

  const snippet = (i: number) => `<script src="${widgetBase}/chat/widget/${sites[i]!.key}.js" crossorigin="anonymous" async></script>`;
  const shadow = (page: Page, selector: string) => page.locator(`[data-contactbox-chat] >> ${selector}`);
  async function visit(origin: string, context?: BrowserContext): Promise<Page> {
    const ctx = context ?? (await browser.newContext());
    if (!context) contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${origin}/`);
    return page;
  }
  async function signIn(context: BrowserContext, username: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${workspace}/login`);
    await page.getByTestId('language').selectOption('en');
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await page.getByTestId('who').waitFor();
    return page;
  }
  const opMessage = (text: string) => opPage.getByTestId('chat-message').filter({ hasText: text });
  const chatsOf = async (state: string) => (await operator.request('GET', `/api/v1/chats?state=${state}`)).json().items as { id: number; siteId: number; mode: string; contactId: number; visitor: { name: string | null } }[];

  before(async () => {
    ensureWidgetBuilt();
    // Every visitor here comes from 127.0.0.1: the per-IP limit on new chats is raised for the test.
    a = await startChatAppliance({ sessions: 1, sites: 2, uiDir: ensureUiBuilt(), chatConfig: { limits: { ipStarts: { perMinute: 600, burst: 100 } } } });
    visitorNet = new NetworkCut(Number(new URL(a.url).port));
    widgetBase = await visitorNet.start();
    // The operator's workspace reaches the appliance through a relay of its own, cut separately.
    operatorNet = new NetworkCut(Number(new URL(a.url).port));
    workspace = await operatorNet.start();
    // Site A on 127.0.0.1, site B on localhost, an unlisted one on 127.0.0.3: three other origins.
    const a1 = await customerSite('127.0.0.1', () => `<!doctype html><html lang="uk"><head><title>Shop A</title></head><body><h1>Shop A</h1>${snippet(0)}</body></html>`);
    const b1 = await customerSite('localhost', () => `<!doctype html><html lang="en"><head><title>Shop B</title></head><body><h1>Shop B</h1>${snippet(1)}</body></html>`);
    const u1 = await customerSite('127.0.0.3', () => `<!doctype html><html><body><h1>Copycat</h1>${snippet(0)}</body></html>`);
    pages.push(a1, b1, u1);
    [shopA, shopB, unlisted] = [a1.origin, b1.origin, u1.origin];
    admin = await a.client('admin');
    operator = await a.client('operator');
    for (const [name, origin] of [['Shop A', shopA], ['Shop B', shopB]] as const) {
      const res = await admin.request('POST', '/api/v1/sites', { name, origins: [origin] });
      expect(res.statusCode, res.body).to.equal(201);
      sites.push({ key: res.json().publicKey, secret: res.json().secret, id: res.json().id });
    }
    ops = await OperatorEvents.open(a.url, operator.cookie);
    await a.createUser('operator', 'olha', PASSWORD, 'Olha Operator');
    browser = await launchChromium();
    const opContext = await browser.newContext();
    contexts.push(opContext);
    opPage = await signIn(opContext, 'olha');
    await opPage.goto(`${workspace}/chats`);
    await opPage.getByRole('heading', { name: /Waiting/ }).waitFor();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    ops?.close();
    for (const p of pages) await p.close();
    await visitorNet?.close();
    await operatorNet?.close();
    await a?.close();
  });

  it('loads cross-origin on a listed site, and not at all on an unlisted one', async () => {
    const page = await visit(unlisted);
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => typeof (window as unknown as { ContactboxChat?: unknown }).ContactboxChat)).to.equal('undefined');
    expect(await page.locator('[data-contactbox-chat]').count()).to.equal(0);
    await page.close();
  });

  it('lets a visitor and an operator (in the workspace, another browser) chat: typing both ways, read receipts, a file each way, timestamps', async () => {
    const page = await visit(shopA);
    await page.waitForFunction(() => Boolean((window as unknown as { ContactboxChat?: unknown }).ContactboxChat));
    await shadow(page, 'button.cb-launch').click();
    await shadow(page, '.cb-prechat input[name=name]').fill('Olena');
    await shadow(page, '.cb-prechat button[type=submit]').click();
    await shadow(page, '.cb-compose textarea').fill('Добрий день! <b>not bold</b>');
    await shadow(page, '.cb-compose button.cb-send').click();
    // Visitor text is shown as text on both sides.
    expect(await shadow(page, '.cb-m.cb-visitor .cb-text').first().textContent()).to.equal('Добрий день! <b>not bold</b>');
    expect(await shadow(page, '.cb-m b').count()).to.equal(0);

    const row = opPage.getByTestId('chat-list-waiting').locator('a', { hasText: 'Olena' });
    await row.waitFor();
    await row.click();
    await opMessage('<b>not bold</b>').waitFor();
    expect(await opPage.locator('.chat-log b').count()).to.equal(0);
    await opPage.getByRole('button', { name: 'Accept' }).click();
    await shadow(page, '.cb-status:has-text("Olha Operator")').waitFor();

    const composer = opPage.getByLabel('Write to the visitor…');
    await composer.pressSequentially('Вітаю');
    await shadow(page, '.cb-typing:has-text("пише")').waitFor();
    await composer.pressSequentially(', Олено!');
    await composer.press('Enter');
    await shadow(page, '.cb-m.cb-operator:has-text("Вітаю, Олено!")').waitFor();
    expect(await shadow(page, '.cb-m.cb-operator .cb-meta').first().textContent()).to.match(/Olha Operator · \d{1,2}:\d{2}/);
    // The visitor's panel is open, so the message is read, and the operator sees that.
    await opMessage('Вітаю, Олено!').locator('.chat-read').waitFor();
    // The visitor types; the operator sees it.
    await shadow(page, '.cb-compose textarea').pressSequentially('Ще');
    await opPage.getByTestId('chat-typing').filter({ hasText: 'The visitor is typing' }).waitFor();
    // The operator has the chat open, so the visitor's message shows as read.
    await shadow(page, '.cb-m.cb-visitor.cb-read').first().waitFor();

    // A file from the visitor: stored content-addressed, served only as a download.
    await shadow(page, 'input.cb-file').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 test invoice') });
    const link = opPage.locator('a.chat-file', { hasText: 'invoice.pdf' });
    await link.waitFor();
    const [opDownload] = await Promise.all([opPage.waitForEvent('download'), link.click()]);
    expect(opDownload.suggestedFilename()).to.equal('invoice.pdf');
    const [chat] = await chatsOf('active');
    const withFile = ((await operator.request('GET', `/api/v1/chats/${chat!.id}/messages`)).json().items as { file: { id: string } | null }[]).find((m) => m.file)!;
    const got = await operator.request('GET', `/api/v1/chats/${chat!.id}/files/${withFile.file!.id}`);
    expect(got.headers['content-disposition']).to.match(/^attachment;/);
    expect(got.headers['content-type']).to.equal('application/octet-stream');
    expect(got.body).to.equal('%PDF-1.4 test invoice');
    // A file from the operator reaches the visitor, who downloads it.
    await opPage.getByTestId('chat-file').setInputFiles({ name: 'price.txt', mimeType: 'text/plain', buffer: Buffer.from('prices: 10 UAH') });
    const button = shadow(page, 'button.cb-download:has-text("price.txt")');
    await button.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).to.equal('price.txt');
  });

  it('continues after a reload, and loses or doubles nothing when the visitor\'s network is cut mid-conversation', async () => {
    const page = (contexts[contexts.length - 1]!.pages())[0]!;
    const [chat] = await chatsOf('active');
    await page.reload();
    // The panel opens again by itself with the whole conversation.
    await shadow(page, '.cb-m.cb-operator:has-text("Вітаю, Олено!")').waitFor();
    const before = await shadow(page, '.cb-m').count();

    // An acknowledgement lost on the way, then the connection cut: the widget re-sends, the appliance stores once.
    visitorNet.swallow = true;
    await shadow(page, '.cb-compose textarea').fill('Перше після обриву');
    await shadow(page, '.cb-compose button.cb-send').click();
    await waitUntil(async () => ((await operator.request('GET', `/api/v1/chats/${chat!.id}/messages`)).json().items as { text: string }[]).some((m) => m.text === 'Перше після обриву'), 'stored');
    visitorNet.cut();
    visitorNet.swallow = false;
    // While the visitor is cut off, the operator writes.
    const composer = opPage.getByLabel('Write to the visitor…');
    await composer.fill('Поки вас не було');
    await composer.press('Enter');
    await shadow(page, '.cb-m.cb-operator:has-text("Поки вас не було")').waitFor();
    // And the visitor writes during a second cut.
    visitorNet.cut();
    await shadow(page, '.cb-compose textarea').fill('Друге');
    await shadow(page, '.cb-compose button.cb-send').click();
    await shadow(page, '.cb-m.cb-visitor[data-seq]:has-text("Друге")').waitFor();
    const stored = ((await operator.request('GET', `/api/v1/chats/${chat!.id}/messages`)).json().items as { seq: number; text: string }[]).map((m) => m.text);
    expect(stored.filter((t) => t === 'Перше після обриву')).to.have.length(1);
    expect(stored.filter((t) => t === 'Друге')).to.have.length(1);
    const shown = await shadow(page, '.cb-m').allTextContents();
    expect(shown.filter((t) => t.includes('Перше після обриву'))).to.have.length(1);
    expect(shown.filter((t) => t.includes('Поки вас не було'))).to.have.length(1);
    expect(await shadow(page, '.cb-m').count()).to.equal(before + 3);
  });

  it('loses or doubles nothing when the operator\'s network is cut mid-conversation', async () => {
    const page = contexts.flatMap((c) => c.pages()).find((p) => p.url().startsWith(shopA))!;
    await opMessage('Друге').waitFor();
    operatorNet.cut();
    await shadow(page, '.cb-compose textarea').fill('Поки оператора не було 1');
    await shadow(page, '.cb-compose button.cb-send').click();
    await shadow(page, '.cb-compose textarea').fill('Поки оператора не було 2');
    await shadow(page, '.cb-compose button.cb-send').click();
    await shadow(page, '.cb-m.cb-visitor[data-seq]:has-text("не було 2")').waitFor();
    // The workspace reconnects by itself and fetches what came meanwhile, once.
    await opMessage('Поки оператора не було 2').waitFor({ timeout: 30_000 });
    await opMessage('Поки оператора не було 1').waitFor();
    const seqs = await opPage.getByTestId('chat-message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(new Set(seqs).size).to.equal(seqs.length);
    expect(seqs).to.deep.equal([...seqs].sort((x, y) => x - y));
    expect(await opMessage('Поки оператора не було 1').count()).to.equal(1);
    // And the operator can still write.
    const composer = opPage.getByLabel('Write to the visitor…');
    await composer.fill('Я тут');
    await composer.press('Enter');
    await shadow(page, '.cb-m.cb-operator:has-text("Я тут")').waitFor();
  });

  it('at the licence limit a second site\'s visitor waits with a position and is served when the dialog ends', async () => {
    const page = await visit(shopB);
    await shadow(page, 'button.cb-launch').click();
    await shadow(page, '.cb-prechat button[type=submit]').click();
    await shadow(page, '.cb-status:has-text("number 1")').waitFor();
    expect(await shadow(page, '.cb-status').textContent()).to.contain('All operators are busy');
    const waiting = (await chatsOf('waiting')).find((c) => c.siteId === sites[1]!.id)!;
    const refused = await operator.request('POST', `/api/v1/chats/${waiting.id}/accept`);
    expect(refused.json().error.code).to.equal('LICENSE_SESSIONS_EXHAUSTED');
    const [active] = await chatsOf('active');
    await operator.request('POST', `/api/v1/chats/${active!.id}/close`);
    // Olha's session is free (her workspace is open): the waiting visitor is given to her without a click.
    await shadow(page, '.cb-status:has-text("Olha Operator joined")').waitFor();
    await opPage.getByTestId('toasts').filter({ hasText: 'A waiting chat was given to you' }).waitFor();
    // She hands it to a colleague from the chat screen.
    await opPage.goto(`${workspace}/chats/${waiting.id}`);
    const target = opPage.getByTestId('chat-transfer-target');
    await target.locator(`option[value="operator:${operator.userId}"]`).waitFor({ state: 'attached' });
    await target.selectOption(`operator:${operator.userId}`);
    await opPage.getByRole('button', { name: 'Transfer', exact: true }).click();
    await shadow(page, `.cb-status:has-text("${operator.displayName} joined")`).waitFor();
    await operator.request('POST', `/api/v1/chats/${waiting.id}/close`);
    await shadow(page, '.cb-end:has-text("How was this chat?")').waitFor();
  });

  it('puts a verified visitor on the same contact from a second browser profile', async () => {
    const expires = Math.floor(Date.now() / 1000) + 600;
    const claim = { id: 'cust-7', email: 'maria@example.com', name: 'Maria', expires, signature: signIdentity(sites[0]!.secret, { id: 'cust-7', email: 'maria@example.com', expires }) };
    const contactIds: number[] = [];
    for (let profile = 0; profile < 2; profile++) {
      const page = await visit(shopA);
      await page.waitForFunction(() => Boolean((window as unknown as { ContactboxChat?: unknown }).ContactboxChat));
      await page.evaluate((c) => {
        const chat = (window as unknown as { ContactboxChat: { identify(c: unknown): void; open(): void } }).ContactboxChat;
        chat.identify(c);
        chat.open();
      }, claim);
      await shadow(page, '.cb-prechat button[type=submit]').click();
      await page.evaluate(() => (window as unknown as { ContactboxChat: { send(t: string): void } }).ContactboxChat.send(`from profile`));
      await waitUntil(async () => (await chatsOf('waiting')).some((c) => c.siteId === sites[0]!.id && !contactIds.length === false ? true : c.siteId === sites[0]!.id), 'waiting chat');
      const chat = (await chatsOf('waiting')).find((c) => c.siteId === sites[0]!.id)!;
      contactIds.push(chat.contactId);
      await operator.request('POST', `/api/v1/chats/${chat.id}/close`);
    }
    expect(contactIds[0]).to.be.a('number');
    expect(contactIds[1]).to.equal(contactIds[0]);
  });

  it('after hours lets the visitor leave a message that appears in the workspace', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const patched = await admin.request('PATCH', `/api/v1/sites/${sites[1]!.id}`, { settings: { holidays: [today], texts: { en: { offline: 'Closed today — leave us a note.' } } } });
    expect(patched.statusCode, patched.body).to.equal(200);
    const page = await visit(shopB);
    await shadow(page, 'button.cb-launch').click();
    await shadow(page, '.cb-offline:has-text("Closed today — leave us a note.")').waitFor();
    await shadow(page, '.cb-offline input[name=name]').fill('Night Owl');
    await shadow(page, '.cb-offline input[name=email]').fill('owl@example.com');
    await shadow(page, '.cb-offline textarea[name=message]').fill('Please call me back tomorrow morning');
    await shadow(page, '.cb-offline button[type=submit]').click();
    await shadow(page, '.cb-status:has-text("answer by e-mail")').waitFor();
    const row = opPage.getByTestId('chat-list-waiting').locator('a', { hasText: 'Night Owl' });
    await row.waitFor();
    expect(await row.textContent()).to.contain('Left message');
    await row.click();
    await opMessage('Please call me back tomorrow morning').waitFor();
    await opPage.getByRole('button', { name: 'Answer by e-mail' }).first().waitFor();
    // The site has no mailbox she may write from: said, and the answer button stays off.
    await opPage.getByTestId('chat-no-mailbox').waitFor();
    expect(await opPage.getByRole('button', { name: 'Answer by e-mail' }).first().isDisabled()).to.equal(true);
  });

  it('shows an intern masked numbers and addresses in the chat screen', async () => {
    await a.createUser('intern', 'ivan', PASSWORD, 'Ivan Intern');
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const internPage = await signIn(ctx, 'ivan');
    const chat = (await chatsOf('waiting')).find((c) => c.visitor.name === 'Night Owl')!;
    await internPage.goto(`${workspace}/chats/${chat.id}`);
    await internPage.getByTestId('chat-message').first().waitFor();
    const details = await internPage.getByTestId('chat-visitor-details').textContent();
    expect(details).to.contain('o***@example.com').and.not.contain('owl@example.com');
    await internPage.close();
  });

  it('makes no request to anyone but the customer\'s site and the appliance', () => {
    const allowed = [shopA, shopB, unlisted, widgetBase];
    const foreign = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && !allowed.some((o) => u.startsWith(o)));
    expect(foreign).to.deep.equal([]);
  });
});
