import { expect } from 'chai';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, type BrowserServer } from '../support/browser.js';

describe('browser: login page and shell (headless Chromium)', function () {
  this.timeout(60_000);
  let server: BrowserServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startBrowserServer();
    await server.createUser('admin', 'boss', 'correct horse battery staple', { displayName: 'Olena Boss' });
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-US' });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the server’s error text for a wrong password and stays on the login page', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Username').fill('boss');
    await page.getByLabel('Password').fill('not the password');
    await page.keyboard.press('Enter');
    const error = page.getByTestId('login-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).to.equal('Wrong username or password.');
    expect(await page.getByLabel('Password').inputValue()).to.equal('');
  });

  it('switches the login page to Ukrainian and shows the server’s error in Ukrainian', async () => {
    await page.getByTestId('language').selectOption('uk');
    await page.getByLabel('Ім’я користувача').fill('boss');
    await page.getByLabel('Пароль').fill('still not the password');
    await page.getByRole('button', { name: 'Увійти' }).click();
    await page.getByTestId('login-error').getByText('Неправильне ім’я користувача або пароль.').waitFor();
    expect(await page.locator('h1').textContent()).to.equal('Вхід до contactbox');
    await page.getByTestId('language').selectOption('en');
    await page.getByLabel('Username').waitFor();
  });

  it('is usable from the keyboard: labelled fields in order, Enter submits', async () => {
    await page.goto(`${server.url}/login`);
    await page.locator('#username:focus').waitFor();
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      order.push(await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return el.id || el.textContent || el.tagName;
      }));
      await page.keyboard.press('Tab');
    }
    expect(order).to.deep.equal(['username', 'password', 'Sign in', 'language']);
    expect(await page.locator('label[for=username]').textContent()).to.equal('Username');
    expect(await page.locator('label[for=password]').textContent()).to.equal('Password');
  });

  it('asks for both fields before calling the server', async () => {
    await page.getByLabel('Username').fill('');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByTestId('login-error').textContent()).to.equal('Enter your username and password.');
  });

  it('logs in through the page, shows the shell with name and role, sends the CSRF token, and logs out', async () => {
    await page.getByLabel('Username').fill('boss');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/workspace$/);
    const who = page.getByTestId('who');
    await who.waitFor();
    expect(await who.textContent()).to.equal('Olena Boss · Administrator');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).to.include.members(['Workspace', 'Administration']);
    // A reload keeps the session (cookie) and gets the CSRF token again from GET /api/v1/me.
    await page.reload();
    await who.waitFor();
    await page.locator('.live.online').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('shell-after-login') });

    const logoutRequest = page.waitForRequest((r: Request) => r.url().endsWith('/api/v1/auth/logout'));
    await page.getByTestId('logout').click();
    const sent = await logoutRequest;
    expect(sent.headers()['x-csrf-token']).to.be.a('string').with.length.greaterThan(20);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Username').waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(me).to.equal(401);
  });

  it('shell: tab titles per page, favicon, not-found page, dark theme, / and Ctrl+K search without stealing typed text', async () => {
    await page.getByLabel('Username').fill('boss');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.keyboard.press('Enter');
    await page.getByTestId('who').waitFor();
    expect(await page.title()).to.equal('Workspace · contactbox');
    const icon = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel=icon]')?.href ?? '';
      const r = await fetch(href);
      return { status: r.status, type: r.headers.get('content-type') };
    });
    expect(icon.status).to.equal(200);
    expect(icon.type).to.match(/svg/);

    await page.getByTestId('nav-admin').click();
    await page.waitForURL(/\/admin\/users$/);
    expect(await page.title()).to.equal('Users · contactbox');
    expect(await page.getByTestId('nav-admin').getAttribute('aria-current')).to.equal('page');

    await page.goto(`${server.url}/no/such/page`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.title()).to.equal('Page not found · contactbox');
    await page.getByRole('link', { name: 'Back to my start page' }).click();
    await page.waitForURL(/\/workspace$/);

    // `/` outside a field jumps to the search; inside a field it is just a character.
    await page.locator('body').click({ position: { x: 600, y: 400 } });
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-page-search'))).to.not.equal(null);
    await page.keyboard.type('a/b');
    expect(await page.locator('#contact-search').inputValue()).to.equal('a/b');
    await page.locator('#global-search').focus();
    await page.keyboard.press('Control+k');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('contact-search');

    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByTestId('theme-toggle').click();
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(after).to.not.equal(before);
    await page.reload();
    await page.getByTestId('who').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).to.equal(after);
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('logout').click();
    await page.getByLabel('Username').waitFor();
  });

  it('works over HTTPS as installed: Secure cookie, live events over wss, the CA page', async () => {
    const secure = await startBrowserServer({ https: true });
    try {
      await secure.createUser('operator', 'tls-op', 'correct horse battery staple', { displayName: 'TLS Operator' });
      const tlsContext = await browser.newContext({ locale: 'en-US', ignoreHTTPSErrors: true });
      const p = await tlsContext.newPage();
      const sockets: string[] = [];
      p.on('websocket', (ws) => sockets.push(ws.url()));
      await p.goto(`${secure.url}/login`);
      await p.getByLabel('Username').fill('tls-op');
      await p.getByLabel('Password').fill('correct horse battery staple');
      await p.getByLabel('Password').press('Enter');
      await p.getByTestId('who').waitFor();
      await p.locator('.live.online').waitFor({ timeout: 10_000 });
      expect(sockets.some((u) => u.startsWith('wss://localhost:') && u.endsWith('/api/v1/events'))).to.equal(true);
      const cookie = (await tlsContext.cookies()).find((c) => c.name === 'cb_session')!;
      expect(cookie).to.include({ secure: true, httpOnly: true, sameSite: 'Strict' });
      expect(await p.evaluate(() => window.isSecureContext)).to.equal(true);
      const ca = await p.evaluate(async () => (await fetch('/ca.crt')).status);
      expect(ca).to.equal(200);
      await tlsContext.close();
    } finally {
      await secure.close();
    }
  });
});
