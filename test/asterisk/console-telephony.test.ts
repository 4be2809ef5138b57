import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, startBrowserServer, type BrowserServer } from '../support/browser.js';
import { freeUdpRun, startRealAsterisk, waitFor, type RealAsterisk } from '../support/real-asterisk.js';
import { liveApplyIn } from '../../installer/provisioning/live.js';
import { saveProvisioningBase } from '../../installer/provisioning/from-install.js';
import { TrunkRepository } from '../../appliance/trunks/repository.js';
import { login } from '../support/test-app.js';

const PASSWORD = 'correct horse battery staple';
const DIDS = ['380671120001', '380671120002', '380671120003', '380671120004'];

/**
 * Telephony from the console reaches a real Asterisk 22 with no root shell: an admin in Chromium
 * adds a GSM gateway with 4 SIMs, the appliance renders and reloads Asterisk (live apply) and
 * shows the applied state; each SIM takes a real test call (sipp playing the gateway's line);
 * an edit with a bad field is refused naming the field and changes nothing, a good edit is
 * applied and Asterisk drops the removed line.
 */
describe('real Asterisk + browser: the console adds, edits and applies a GSM gateway live', function () {
  this.timeout(240_000);
  let ast: RealAsterisk;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let gsmPort: number;

  before(async function () {
    this.timeout(240_000);
    ast = await startRealAsterisk();
    gsmPort = await freeUdpRun(4);
    server = await startBrowserServer({
      config: { telephony: { mode: 'local', ami: ast.ami, ari: ast.ari, asteriskEtcDir: ast.etcDir } } as never,
      overrides: { trunks: { liveApply: liveApplyIn(ast.etcDir) } },
    });
    // What `contactbox install` saved: the network settings, and the trunks it provisioned.
    const m = ast.model;
    saveProvisioningBase(server.db, { applianceAddress: m.applianceAddress, asteriskAddress: m.asteriskAddress, sip: m.sip, http: m.http, rtp: m.rtp, recordingDir: m.recordingDir, queues: m.queues, operatorQueues: ['support'] }, new Date());
    const repo = new TrunkRepository(server.db);
    for (const trunk of m.trunks) repo.insert(trunk, new Date());
    await server.createUser('admin', 'olena', PASSWORD, { displayName: 'Olena Admin', language: 'en' });
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
    await ast?.stop();
  });

  const endpoints = () => ast.rx('pjsip show endpoints');

  it('adds a GSM gateway with 4 SIMs in the console; Asterisk loads all four lines at once', async () => {
    await page.goto(`${server.url}/admin/telephony`);
    await page.locator('[data-testid=asterisk-mode][data-live=true]').waitFor();
    const form = page.getByTestId('trunk-form');
    await form.locator('#trunk-kind').selectOption('gsm');
    await form.locator('#trunk-name').fill('office-gsm');
    await form.locator('#trunk-host').fill('127.0.0.1');
    await form.locator('#trunk-auth').selectOption('ip');
    await form.locator('#trunk-port').fill(String(gsmPort));
    await form.locator('#trunk-timeout').fill('40');
    await form.locator('#trunk-count').fill('4');
    for (const [i, did] of DIDS.entries()) await form.getByLabel(`Phone number of line ${i + 1}`).fill(did);
    await form.locator('#trunk-routes').fill('0');
    await form.locator('#trunk-priority').fill('5');
    await form.getByRole('button', { name: 'Save and apply' }).click();
    await page.locator('[data-testid=asterisk-state][data-status=applied]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=trunk-row][data-name=office-gsm]').waitFor();
    const listed = await endpoints();
    for (let n = 1; n <= 4; n++) expect(listed).to.include(`office-gsm-ch${n}`);
    // The installer's trunks are still there, and the routes table shows the new numbers.
    expect(listed).to.include('goip-ch1').and.include('uplink');
    await page.locator(`[data-testid=inbound-route][data-did="${DIDS[3]}"]`).getByText('office-gsm, line 4').waitFor();
    expect(await page.locator('[data-testid=outbound-route][data-prefix="0"]').textContent()).to.include('office-gsm');
    await page.screenshot({ path: screenshotPath('admin-telephony-live'), fullPage: true });
  });

  it('each SIM takes a real test call on its own line', async () => {
    for (let n = 1; n <= 4; n++) {
      const run = await ast.sipp({ scenario: 'gateway-call.xml', port: gsmPort + n - 1, service: DIDS[n - 1]!, keys: { caller: `38050123000${n}` }, vars: { talk: '1000' } });
      expect(run.code, `line ${n}: ${run.stderr}`).to.equal(0);
      await waitFor(() => ast.cdr().some((c) => c.channel.startsWith(`PJSIP/office-gsm-ch${n}-`) && c.dst === DIDS[n - 1]), `the CDR of line ${n}'s call`, 30_000);
    }
  });

  it('an edit with a bad field is refused naming it and changes nothing; a good edit is applied and the dropped line leaves Asterisk', async () => {
    const row = page.locator('[data-testid=trunk-row][data-name=office-gsm]');
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = page.locator('[data-testid=trunk-form][data-mode=edit]');
    expect(await form.getByLabel('Phone number of line 3').inputValue()).to.equal(DIDS[2]);
    await form.locator('#trunk-count').fill('3');
    await form.locator('#trunk-timeout').fill('10');
    await form.getByRole('button', { name: 'Save and apply' }).click();
    const refused = form.getByTestId('outcome');
    await refused.waitFor();
    expect(await refused.getAttribute('data-field')).to.equal('dialTimeoutSec');
    expect(await refused.textContent()).to.include('dialTimeoutSec');
    expect(await endpoints()).to.include('office-gsm-ch4');

    await form.locator('#trunk-timeout').fill('45');
    await form.getByRole('button', { name: 'Save and apply' }).click();
    await page.getByTestId('outcome').getByText('Trunk office-gsm changed.').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=asterisk-state][data-status=applied]').waitFor();
    await waitFor(async () => !(await endpoints()).includes('office-gsm-ch4'), 'line 4 to leave Asterisk');
    expect(await endpoints()).to.include('office-gsm-ch3');
    const api = await login(server.app, 'olena', PASSWORD);
    const trunk = (await api.request('GET', '/api/v1/trunks')).json().items.find((x: { name: string }) => x.name === 'office-gsm');
    expect(trunk.settings).to.include({ channels: 3, dialTimeoutSec: 45, auth: 'ip', port: gsmPort });
    expect(trunk.outbound).to.deep.equal([{ prefix: '0', strip: 0, prepend: '', priority: 5 }]);
    const audit = (await api.request('GET', '/api/v1/audit?action=trunk.*')).json();
    expect(JSON.stringify(audit)).to.include('trunk.update').and.include('trunk.add');
    expect(ast.errors()).to.deep.equal([]);
  });

  it('changes a queue’s strategy and ring time in the console; Asterisk runs the queue that way', async () => {
    const row = page.locator('[data-testid=queue-row][data-name=support]');
    await row.getByLabel('Who rings · support').selectOption('rrmemory');
    await row.getByLabel('Rings each for (s) · support').fill('2');
    await row.getByRole('button', { name: 'Save queue support' }).click();
    await page.getByTestId('queues').getByTestId('outcome').getByText(/ringTimeoutSec/).waitFor();
    expect(await page.getByTestId('queues').getByTestId('outcome').getAttribute('data-field')).to.equal('ringTimeoutSec');
    await page.locator('[data-testid=queue-row][data-name=support]').getByLabel('Rings each for (s) · support').fill('20');
    await page.locator('[data-testid=queue-row][data-name=support]').getByRole('button', { name: 'Save queue support' }).click();
    await page.getByTestId('queues').getByTestId('outcome').getByText('Queue support saved.').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=asterisk-state][data-status=applied]').waitFor();
    await waitFor(async () => /rrmemory/.test(await ast.rx('queue show support')), 'Asterisk to run support as rrmemory');
    expect(ast.errors()).to.deep.equal([]);
  });

  it('makes a person a member of a queue in the console; Asterisk has their phone as a static member of it', async () => {
    const petro = await server.createUser('operator', 'petro', PASSWORD, { displayName: 'Petro Operator' });
    const api = await login(server.app, 'olena', PASSWORD);
    expect((await api.request('POST', `/api/v1/phones/${petro}`, {})).statusCode).to.equal(200);
    const vip = await api.request('POST', '/api/v1/queues', { name: 'vip', everyOperator: false });
    expect(vip.statusCode, vip.body).to.equal(201);
    await page.goto(`${server.url}/admin/telephony`);
    const row = page.locator('[data-testid=queue-row][data-name=vip]');
    await row.getByTestId('queue-members').getByText('nobody chosen').click();
    await row.getByLabel('Petro Operator · vip').check();
    await row.getByRole('button', { name: 'Save queue vip' }).click();
    await page.getByTestId('queues').getByTestId('outcome').getByText('Queue vip saved.').waitFor({ timeout: 60_000 });
    await waitFor(async () => (await ast.rx('queue show vip')).includes(`PJSIP/cb-op-${petro}`), 'Petro to be a member of vip in Asterisk');
    expect(ast.errors()).to.deep.equal([]);
  });
});
