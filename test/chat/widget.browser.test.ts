import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { signIdentity } from '../../appliance/chat/identity.js';
import { startChatAppliance, OperatorEvents, waitUntil, type ChatAppliance } from './support.js';
import { customerSite, ensureWidgetBuilt, NetworkCut } from './widget-support.js';
import type { TestClient } from '../support/test-app.js';

/**
 * The widget in real Chromium on two customer websites served from other loopback origins than
 * the appliance. The visitor's network runs through a relay the test can cut.
 */
describe('chat widget in Chromium on customer websites', function () {
  this.timeout(120_000);
  let a: ChatAppliance;
  let browser: Browser;
  let admin: TestClient;
  let operator: TestClient & { displayName: string };
  let ops: OperatorEvents;
  let visitorNet: NetworkCut;
  let widgetBase: string;
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
  const chatsOf = async (state: string) => (await operator.request('GET', `/api/v1/chats?state=${state}`)).json().items as { id: number; siteId: number; mode: string; contactId: number; visitor: { name: string | null } }[];

  before(async () => {
    ensureWidgetBuilt();
    a = await startChatAppliance({ sessions: 1, sites: 2 });
    visitorNet = new NetworkCut(Number(new URL(a.url).port));
    widgetBase = await visitorNet.start();
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
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    ops?.close();
    for (const p of pages) await p.close();
    await visitorNet?.close();
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

  it('lets a visitor and an operator chat: typing both ways, read receipts, a file each way, timestamps', async () => {
    const page = await visit(shopA);
    await page.waitForFunction(() => Boolean((window as unknown as { ContactboxChat?: unknown }).ContactboxChat));
    await shadow(page, 'button.cb-launch').click();
    await shadow(page, '.cb-prechat input[name=name]').fill('Olena');
    await shadow(page, '.cb-prechat button[type=submit]').click();
    await shadow(page, '.cb-compose textarea').fill('Добрий день! <b>not bold</b>');
    await shadow(page, '.cb-compose button.cb-send').click();
    await waitUntil(async () => (await chatsOf('waiting')).length === 1, 'a waiting chat');
    const [chat] = await chatsOf('waiting');
    expect(chat!.visitor.name).to.equal('Olena');
    // Visitor text is shown as text.
    expect(await shadow(page, '.cb-m.cb-visitor .cb-text').first().textContent()).to.equal('Добрий день! <b>not bold</b>');
    expect(await shadow(page, '.cb-m b').count()).to.equal(0);

    expect((await operator.request('POST', `/api/v1/chats/${chat!.id}/accept`)).statusCode).to.equal(200);
    await shadow(page, `.cb-status:has-text("${operator.displayName}")`).waitFor();
    await operator.request('POST', `/api/v1/chats/${chat!.id}/typing`, { on: true });
    await shadow(page, '.cb-typing:has-text("пише")').waitFor();
    await operator.request('POST', `/api/v1/chats/${chat!.id}/messages`, { text: 'Вітаю, Олено!' });
    await shadow(page, '.cb-m.cb-operator:has-text("Вітаю, Олено!")').waitFor();
    expect(await shadow(page, '.cb-m.cb-operator .cb-meta').first().textContent()).to.match(/\d{1,2}:\d{2}/);
    // The visitor's panel is open, so the operator's message is read: the operator is told.
    await ops.waitFor((e) => e.type === 'chat.read' && (e.data as { visitorReadSeq: number }).visitorReadSeq >= 2, 'visitor read receipt');
    // The visitor types; the operator sees it.
    await shadow(page, '.cb-compose textarea').pressSequentially('Ще');
    await ops.waitFor((e) => e.type === 'chat.typing' && (e.data as { on: boolean }).on === true, 'visitor typing');
    // The operator reads; the visitor's message shows as read.
    await operator.request('POST', `/api/v1/chats/${chat!.id}/read`, { seq: 2 });
    await shadow(page, '.cb-m.cb-visitor.cb-read').first().waitFor();

    // A file from the visitor: stored content-addressed, served only as a download.
    await shadow(page, 'input.cb-file').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 test invoice') });
    await waitUntil(async () => ((await operator.request('GET', `/api/v1/chats/${chat!.id}/messages`)).json().items as { file: unknown }[]).some((m) => m.file), 'file message');
    const withFile = ((await operator.request('GET', `/api/v1/chats/${chat!.id}/messages`)).json().items as { file: { id: string; name: string } | null }[]).find((m) => m.file)!;
    expect(withFile.file!.name).to.equal('invoice.pdf');
    const got = await operator.request('GET', `/api/v1/chats/${chat!.id}/files/${withFile.file!.id}`);
    expect(got.headers['content-disposition']).to.match(/^attachment;/);
    expect(got.headers['content-type']).to.equal('application/octet-stream');
    expect(got.body).to.equal('%PDF-1.4 test invoice');
    // A file from the operator reaches the visitor, who downloads it.
    const up = await a.app.inject({
      method: 'POST',
      url: `/api/v1/chats/${chat!.id}/files?name=price.txt`,
      headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrfToken, 'content-type': 'text/plain' },
      payload: 'prices: 10 UAH',
    });
    expect(up.statusCode, up.body).to.equal(201);
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
    await operator.request('POST', `/api/v1/chats/${chat!.id}/messages`, { text: 'Поки вас не було' });
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
    expect((await operator.request('POST', `/api/v1/chats/${waiting.id}/accept`)).statusCode).to.equal(200);
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

  it('makes no request to anyone but the customer\'s site and the appliance', () => {
    const allowed = [shopA, shopB, unlisted, widgetBase];
    const foreign = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && !allowed.some((o) => u.startsWith(o)));
    expect(foreign).to.deep.equal([]);
  });
});
