import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt, launchChromium } from '../support/browser.js';
import { startChatAppliance, type ChatAppliance } from './support.js';
import { login, type TestClient } from '../support/test-app.js';

const PASSWORD = 'correct horse battery staple';

/**
 * The admin console's chat sites page in Chromium: a site with every setting of the issue
 * (origins, team, admins, languages, hours and holidays, texts per language, pre-chat form,
 * uploads), the snippet and the identity secret shown once, sites counted by registrable domain
 * and the licence's refusal in the admin's words, editing, a new secret, removing.
 */
describe('browser: chat sites in the admin console', function () {
  this.timeout(240_000);
  let a: ChatAppliance;
  let browser: Browser;
  let page: Page;
  let api: TestClient;
  let teamId: number;

  const sitesApi = async () => (await api.request('GET', '/api/v1/sites')).json() as { items: { id: number; name: string; teamId: number | null; adminIds: number[]; settings: Record<string, any>; origins: { origin: string }[] }[]; usage: { domains: string[] } };
  const form = () => page.getByTestId('site-form');
  const row = (name: string) => page.locator(`[data-testid="site-row"][data-site="${name}"]`);
  const add = async (name: string, origins: string) => {
    await page.getByTestId('site-add').click();
    await form().getByLabel('Name', { exact: true }).fill(name);
    await form().getByLabel('Allowed origins (one per line)').fill(origins);
    await form().getByTestId('site-save').click();
  };

  before(async () => {
    a = await startChatAppliance({ sites: 2, uiDir: ensureUiBuilt() });
    await a.createUser('admin', 'sofia', PASSWORD, 'Sofia Admin');
    const id = (a.db.prepare("SELECT id FROM users WHERE username = 'sofia'").get() as { id: number }).id;
    api = await login(a.app, 'sofia', PASSWORD, id);
    const manager = await a.createUser('operator', 'mykola', PASSWORD, 'Mykola Manager');
    const team = await api.request('POST', '/api/v1/teams', { name: 'Web team', memberIds: [manager] });
    teamId = team.json().id;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${a.url}/login`);
    await page.getByTestId('language').selectOption('en');
    await page.locator('#username').fill('sofia');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await page.getByTestId('who').waitFor();
  });
  after(async () => {
    await browser?.close();
    await a?.close();
  });

  it('adds a site with all its settings and shows the snippet and the secret once', async () => {
    await page.goto(`${a.url}/admin/sites`);
    await page.getByTestId('admin-sites').waitFor();
    await page.getByRole('link', { name: 'Chat sites' }).waitFor();
    await page.getByTestId('site-add').click();
    const f = form();
    await f.getByLabel('Name', { exact: true }).fill('Shop');
    await f.getByLabel('Allowed origins (one per line)').fill('https://shop.example.com.ua\nhttps://www.shop.example.com.ua');
    await f.getByLabel('Team that answers').selectOption({ label: 'Web team' });
    await f.getByRole('checkbox', { name: 'Mykola Manager' }).check();
    await f.locator('input[data-language="ru"]').uncheck();
    await f.getByLabel('Default language').selectOption('uk');
    await f.getByLabel('Time zone').fill('Europe/Kyiv');
    await f.getByRole('checkbox', { name: 'Open around the clock' }).uncheck();
    await f.locator('input[data-day="mon"]').fill('9:00-13:00, 14:00-18:00');
    await f.locator('input[data-day="fri"]').fill('09:00-16:00');
    await f.getByLabel('Holidays (one date per line, YYYY-MM-DD)').fill('2026-12-25\n2027-01-01');
    await f.locator('fieldset[data-texts="uk"]').getByLabel('Greeting').fill('Вітаємо! Чим допомогти?');
    await f.locator('fieldset[data-texts="en"]').getByLabel('Outside opening hours').fill('We are closed now; leave us a message.');
    await f.getByLabel('Visitor’s phone').selectOption('required');
    await f.getByLabel('Consent to processing').selectOption('optional');
    await f.getByLabel('Largest file (MB)').fill('2');
    await f.getByLabel('Accepted types, e.g. image/*, application/pdf').fill('image/*, application/pdf');
    await f.getByTestId('site-save').click();

    await row('Shop').waitFor();
    const snippet = await page.getByTestId('site-snippet').inputValue();
    expect(snippet).to.match(/^<script src="http:\/\/127\.0\.0\.1:\d+\/chat\/widget\/[\w-]+\.js" crossorigin="anonymous" async><\/script>$/);
    const secret = await page.getByTestId('site-secret').inputValue();
    expect(secret).to.have.length.greaterThan(20);
    expect(await page.getByTestId('sites-usage').textContent()).to.contain('1 of 2').and.contain('example.com.ua');

    const [site] = (await sitesApi()).items;
    expect(site!.teamId).to.equal(teamId);
    expect(site!.adminIds).to.have.length(1);
    expect(site!.origins.map((o) => o.origin)).to.deep.equal(['https://shop.example.com.ua', 'https://www.shop.example.com.ua']);
    const s = site!.settings;
    expect(s.languages).to.deep.equal(['uk', 'en', 'fr', 'de', 'es', 'pt']);
    expect(s.defaultLanguage).to.equal('uk');
    expect(s.timezone).to.equal('Europe/Kyiv');
    expect(s.hours).to.deep.equal({ mon: [{ from: '09:00', to: '13:00' }, { from: '14:00', to: '18:00' }], tue: [{ from: '09:00', to: '18:00' }], wed: [{ from: '09:00', to: '18:00' }], thu: [{ from: '09:00', to: '18:00' }], fri: [{ from: '09:00', to: '16:00' }] });
    expect(s.holidays).to.deep.equal(['2026-12-25', '2027-01-01']);
    expect(s.texts).to.deep.equal({ uk: { greeting: 'Вітаємо! Чим допомогти?' }, en: { offline: 'We are closed now; leave us a message.' } });
    expect(s.form).to.deep.equal({ name: 'optional', email: 'optional', phone: 'required', consent: 'optional' });
    expect(s.uploads).to.deep.equal({ enabled: true, maxBytes: 2 * 1024 * 1024, types: ['image/*', 'application/pdf'] });
    // The secret is not in any later answer.
    expect(JSON.stringify(await sitesApi())).to.not.contain(secret);
  });

  it('counts a second site on the same registrable domain once and refuses a third domain over the licence', async () => {
    await add('Main', 'https://example.com.ua');
    await row('Main').waitFor();
    expect(await page.getByTestId('sites-usage').textContent()).to.contain('1 of 2');
    await add('UA', 'https://example.ua');
    await row('UA').waitFor();
    await page.getByTestId('sites-usage').filter({ hasText: '2 of 2' }).waitFor();
    await add('Fourth', 'https://fourth.test');
    await form().getByTestId('outcome').filter({ hasText: 'The licence allows 2 chat sites and all of them are in use.' }).waitFor();
    expect((await sitesApi()).items.map((x) => x.name).sort()).to.deep.equal(['Main', 'Shop', 'UA']);
    await form().getByRole('button', { name: 'Cancel' }).click();
  });

  it('edits a site (hours checked before sending), makes a new secret, and removes a site', async () => {
    await row('Main').getByRole('button', { name: 'Edit' }).click();
    await form().getByRole('checkbox', { name: 'Open around the clock' }).uncheck();
    await form().locator('input[data-day="tue"]').fill('nine to five');
    await form().getByTestId('site-save').click();
    await form().getByRole('alert').filter({ hasText: 'The opening hours for Tuesday are not written like 09:00-18:00.' }).waitFor();
    await form().locator('input[data-day="tue"]').fill('10:00-17:00');
    await form().getByLabel('Name', { exact: true }).fill('Main shop');
    await form().getByTestId('site-save').click();
    await row('Main shop').waitFor();
    expect(await page.getByTestId('site-secret').count()).to.equal(0);
    const main = (await sitesApi()).items.find((x) => x.name === 'Main shop')!;
    expect(main.settings.hours.tue).to.deep.equal([{ from: '10:00', to: '17:00' }]);

    await row('Main shop').getByRole('button', { name: 'Make a new identity secret' }).click();
    const secret = await page.getByTestId('site-secret').inputValue();
    expect(secret).to.have.length.greaterThan(20);
    const audit = a.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'chat.site_secret_rotated'").get() as { n: number };
    expect(audit.n).to.equal(1);

    await row('UA').getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('outcome').filter({ hasText: 'Site UA removed.' }).waitFor();
    await page.getByTestId('sites-usage').filter({ hasText: '1 of 2' }).waitFor();
    expect((await sitesApi()).items.map((x) => x.name).sort()).to.deep.equal(['Main shop', 'Shop']);
  });
});
