import { expect } from 'chai';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';

const PASSWORD = 'correct horse battery staple';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * The contact list in Chromium: filters by owner ("me" or a colleague), status and a tag picked
 * from suggestions and shown as a chip, narrowing the list and a search; arrow keys move through
 * the results; a filter change never takes the focus away from where the user is typing.
 */
describe('browser: contact filters (owner, status, tag chips) and keyboard in the list', function () {
  this.timeout(600_000);
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  const names = async () => (await page.getByTestId('search-result').allTextContents()).map((s) => s.split(' · ')[0]);
  const searched = async (expected: string[]) => {
    await page.waitForFunction(
      (want) => JSON.stringify(Array.from(document.querySelectorAll('[data-testid=search-result] strong')).map((e) => e.textContent)) === JSON.stringify(want),
      expected,
      { timeout: 30_000 },
    );
  };

  before(async () => {
    server = await startBrowserServer();
    await server.createUser('admin', 'anna', PASSWORD, { displayName: 'Anna Admin' });
    const olga = await server.createUser('operator', 'olga', PASSWORD, { displayName: 'Olga Operator' });
    const petro = await server.createUser('operator', 'petro', PASSWORD, { displayName: 'Petro Operator' });
    const admin = await login(server.app, 'anna', PASSWORD);
    const mk = async (name: string, extra: Record<string, unknown>) =>
      expect((await admin.request('POST', '/api/v1/contacts', { phones: [], emails: [], tags: [], name, ...extra })).statusCode).to.equal(201);
    await mk('Anna Koval', { ownerId: olga, status: 'client', tags: ['VIP'] });
    await mk('Andrii Koval', { ownerId: olga, status: 'lead', tags: ['Kyiv'] });
    await mk('Alla Bondar', { ownerId: petro, status: 'client', tags: ['VIP'] });
    await mk('Bohdan Melnyk', { status: 'lead' });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } })).newPage();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('language').selectOption('en');
    await page.locator('#username').fill('olga');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await page.getByTestId('who').waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('owner, status and a tag chip narrow the list; the chip comes off again', async () => {
    await page.goto(`${server.url}/workspace`);
    await page.getByTestId('contact-filters').waitFor();
    await page.getByTestId('filter-owner').selectOption('me');
    await searched(['Andrii Koval', 'Anna Koval']);
    await page.getByTestId('filter-status').selectOption('client');
    await searched(['Anna Koval']);
    await page.getByTestId('filter-owner').selectOption({ label: 'Petro Operator' });
    await searched(['Alla Bondar']);
    await page.getByTestId('filter-owner').selectOption('');
    await page.getByTestId('filter-status').selectOption('');
    // The tag: suggestions as the user types, Enter makes the chip.
    await page.getByTestId('filter-tag').fill('v');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#filter-tag-suggestions option')).some((o) => (o as HTMLOptionElement).value === 'VIP'));
    expect(await page.locator('#filter-tag-suggestions option').first().textContent()).to.equal('VIP (2)');
    await page.getByTestId('filter-tag').fill('VIP');
    await page.getByTestId('filter-tag').press('Enter');
    await page.getByTestId('filter-chip').waitFor();
    await searched(['Alla Bondar', 'Anna Koval']);
    // Focus stayed in the tag field.
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('filter-tag');
    // With a query too.
    await page.locator('#contact-search').fill('koval');
    await page.locator('#contact-search').press('Enter');
    await searched(['Anna Koval']);
    await page.screenshot({ path: screenshotPath('contacts-filters-operator-en') });
    await page.addScriptTag({ path: axePath });
    const bad = await page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<{ violations: Array<{ id: string; impact: string }> }> } }).axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(bad).to.deep.equal([]);
    await page.getByRole('button', { name: 'Remove the tag filter VIP' }).click();
    expect(await page.getByTestId('filter-chip').count()).to.equal(0);
    await searched(['Andrii Koval', 'Anna Koval']);
  });

  it('arrow keys move through the results; Enter opens one', async () => {
    await page.locator('#contact-search').fill('');
    await page.locator('#contact-search').press('Enter');
    await searched(['Alla Bondar', 'Andrii Koval', 'Anna Koval', 'Bohdan Melnyk']);
    expect(await names()).to.have.length(4);
    await page.getByTestId('search-result').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('Anna Koval');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('Bohdan Melnyk');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=contact-card]').filter({ hasText: 'Alla Bondar' }).waitFor();
  });
});
