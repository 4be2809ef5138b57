import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, signIn, startBrowserServer, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';

const PASSWORD = 'correct horse battery staple';

/**
 * Operators' phones in the admin console, in Chromium: the admin issues a phone and sees its
 * credentials once, resets the password (the operator's own softphone gets the new one), and
 * revokes it; every step is in the audit log by name.
 */
describe("browser: the admin console manages operators' phones", function () {
  this.timeout(180_000);
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let markoId: number;

  before(async () => {
    // A SIP server named for the softphone: phones are on although this test has no Asterisk.
    server = await startBrowserServer({ config: { softphone: { asteriskWsUrl: 'ws://127.0.0.1:9/ws', domain: 'pbx.test' } } as never });
    await server.createUser('admin', 'olena', PASSWORD, { displayName: 'Olena Admin', language: 'en' });
    markoId = await server.createUser('operator', 'marko', PASSWORD, { displayName: 'Marko Operator' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('dialog', (d) => void d.accept());
    await signIn(page, server.url, 'olena', PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const row = () => page.locator('[data-testid=phone-row][data-user=marko]');

  it('issues a phone and shows its credentials once; the state column says Asterisk is not asked', async () => {
    await page.goto(`${server.url}/admin/phones`);
    await page.getByTestId('admin-phones').waitFor();
    expect(await page.title()).to.equal('Phones · contactbox');
    await page.locator('[data-testid=phone-row][data-user=marko][data-state=none]').getByText('No phone').waitFor();
    await row().getByRole('button', { name: 'Issue a phone' }).click();
    await page.getByTestId('outcome').getByText('Marko Operator has a phone now.').waitFor();
    const shown = page.locator(`[data-testid=phone-credentials][data-user="${markoId}"]`);
    expect(await shown.textContent()).to.include(`cb-op-${markoId}`).and.include('pbx.test');
    const password = (await shown.getByTestId('phone-password').textContent())!;
    expect(password).to.match(/^[A-Za-z0-9_-]{32}$/);
    await page.locator('[data-testid=phone-row][data-user=marko][data-state=unknown]').getByText('Unknown').waitFor();
    expect(await row().textContent()).to.include(String(1000 + markoId));
    await page.getByTestId('phones-apply').getByText('Registration states are unknown while Asterisk is not connected.').waitFor();

    await row().getByRole('button', { name: 'Reset the password' }).click();
    await page.getByTestId('outcome').getByText("Marko Operator's phone has a new password; the old one no longer works.").waitFor();
    const fresh = (await page.getByTestId('phone-password').textContent())!;
    expect(fresh).to.match(/^[A-Za-z0-9_-]{32}$/).and.not.equal(password);
    const marko = await login(server.app, 'marko', PASSWORD);
    expect((await marko.request('GET', '/api/v1/me/phone')).json().password).to.equal(fresh);
    await page.screenshot({ path: screenshotPath('admin-phones'), fullPage: true });
  });

  it('revokes the phone: the operator is refused, and the audit log names each step', async () => {
    await row().getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('outcome').getByText("Marko Operator's phone is revoked.").waitFor();
    await page.locator('[data-testid=phone-row][data-user=marko][data-state=revoked]').getByText(/Revoked on/).waitFor();
    expect(await page.getByTestId('phone-credentials').count()).to.equal(0);
    const marko = await login(server.app, 'marko', PASSWORD);
    expect((await marko.request('GET', '/api/v1/me/phone')).json().error.code).to.equal('PHONE_REVOKED');

    await page.goto(`${server.url}/admin/audit`);
    for (const name of ['Issued a phone', "Reset a phone's password", 'Revoked a phone']) await page.getByTestId('admin-audit').getByText(name).first().waitFor();
  });
});
