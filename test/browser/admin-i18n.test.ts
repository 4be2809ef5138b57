import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { areaFile, mergeCatalogues, type Catalogue, type Language } from '../../appliance/ui/src/i18n/index.js';
import { launchChromium, startBrowserServer, uiSourceDir, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';

const PASSWORD = 'correct horse battery staple';
const PAGES = ['/admin/users', '/admin/teams', '/admin/mailboxes', '/admin/routing', '/admin/sites', '/admin/telephony', '/admin/phones', '/admin/retention', '/admin/licence', '/admin/system', '/admin/settings', '/admin/audit'];
const OTHER_LANGUAGES: Language[] = ['uk', 'ru', 'fr', 'de', 'es', 'pt'];

async function catalogues(): Promise<Record<Language, Catalogue>> {
  const featuresDir = join(uiSourceDir, 'src/features');
  const areas: Record<string, Partial<Record<Language, Catalogue>>> = {};
  for (const area of readdirSync(featuresDir)) {
    const dir = join(featuresDir, area, 'i18n');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      const where = areaFile(join(dir, file));
      if (where) (areas[where.area] ??= {})[where.language] = ((await import(join(dir, file))) as { default: Catalogue }).default;
    }
  }
  return mergeCatalogues(areas);
}

/** The literal English pieces of a message (between its {arguments}) long enough to be a sentence, not a name. */
function englishPieces(message: string): string[] {
  return message
    .split(/\{[^{}]*\}|[{}]/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 12 && s.includes(' ') && !/plural|#/.test(s));
}

/**
 * Every admin page in every language: reachable (its own page, not "not found"), and its visible
 * text holds no message key, no error code and no English sentence from the catalogues.
 */
describe('browser: every admin page in every language, with no raw codes and no English left over', function () {
  this.timeout(300_000);
  let server: BrowserServer;
  let browser: Browser;
  let texts: Record<Language, Catalogue>;

  before(async () => {
    texts = await catalogues();
    server = await startBrowserServer({ config: { mail: { autoStart: true, pollSeconds: 300 } } as never });
    await server.createUser('admin', 'root', PASSWORD, { displayName: 'Root Admin', language: 'en' });
    const api = await login(server.app, 'root', PASSWORD);
    // Content on every page: a failing mailbox, a rule, a delegation, a GSM trunk, audit entries.
    const other = await server.createUser('operator', 'oksana', PASSWORD, { displayName: 'Oksana Koval' });
    const box = await api.request('POST', '/api/v1/mailboxes', {
      address: 'sales@corp.test',
      imap: { host: '127.0.0.1', port: 1, security: 'none', username: 'x', password: 'y' },
      smtp: { host: '127.0.0.1', port: 1, security: 'none', username: '', password: '' },
    });
    expect(box.statusCode, box.body).to.equal(201);
    expect((await api.request('POST', '/api/v1/routing-rules', { name: 'VIP', conditions: { tagsAny: ['vip'] }, action: { type: 'contact_owner' } })).statusCode).to.equal(201);
    expect((await api.request('POST', '/api/v1/delegations', { fromUserId: other, toUserId: api.userId })).statusCode).to.equal(201);
    const trunk = await api.request('POST', '/api/v1/trunks', { kind: 'gsm', name: 'gsm1', host: '192.0.2.7', secret: 'line-secret-2026', channels: 2 });
    expect(trunk.statusCode, trunk.body).to.equal(201);
    expect((await api.request('POST', '/api/v1/teams', { name: 'Sales', memberIds: [other] })).statusCode).to.equal(201);
    expect((await api.request('POST', '/api/v1/sites', { name: 'Shop', origins: ['https://shop.example.com'] })).statusCode).to.equal(201);
    for (const language of OTHER_LANGUAGES) await server.createUser('admin', `admin-${language}`, PASSWORD, { displayName: `Admin ${language.toUpperCase()}`, language });
    // The mailbox has failed at least once, so its error is on the page.
    const deadline = Date.now() + 30_000;
    while ((await api.request('GET', `/api/v1/mailboxes/${box.json().id}`)).json().state !== 'error' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const language of OTHER_LANGUAGES) {
    it(`${language}: every admin page opens and speaks ${language} only`, async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/login`);
        await page.locator('#username, input[autocomplete=username]').first().fill(`admin-${language}`);
        await page.locator('input[type=password]').first().fill(PASSWORD);
        await page.locator('button[type=submit]').first().click();
        await page.waitForURL(/\/workspace$/);
        const english = new Set<string>();
        for (const [key, en] of Object.entries(texts.en)) if (texts[language][key] !== en) for (const piece of englishPieces(en)) english.add(piece);
        const problems: string[] = [];
        for (const path of PAGES) {
          await page.goto(`${server.url}${path}`);
          await page.locator('section.admin').waitFor();
          await page.waitForFunction(() => !document.querySelector('[data-testid=loading]'), null, { timeout: 30_000 });
          if (await page.getByTestId('not-found').count()) problems.push(`${path}: not found`);
          const title = await page.title();
          if (!title.endsWith(' · contactbox') || title === 'contactbox') problems.push(`${path}: title "${title}"`);
          const text = await page.locator('body').innerText();
          for (const m of text.matchAll(/\b(?:admin|common|nav|audit|trunks|users|teams|settings|error|shell|notFound|mail|routing|sites)\.[a-z][A-Za-z]*(?:\.[a-z][A-Za-z0-9]*)*\b/g)) problems.push(`${path}: message key ${m[0]}`);
          for (const m of text.matchAll(/\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b/g)) problems.push(`${path}: code ${m[0]}`);
          for (const piece of english) if (text.includes(piece)) problems.push(`${path}: English "${piece}"`);
        }
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }
});
