import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, type BrowserServer } from './browser.js';
import { DIDS, settleSipp, sippOk, startRealAsterisk, waitFor, type RealAsterisk } from './real-asterisk.js';

/**
 * An operator with a desk phone (sipp playing `phone1`) signed in to the workspace in Chromium,
 * on an appliance following a real Asterisk configured by the product. A customer calls the GSM
 * line, the `support` queue rings the desk phone, and the workspace opens the incoming-call card
 * while it rings. Measured per call: from Asterisk creating the phone's channel (seen by a second
 * AMI login, as the appliance sees it) to the card shown in the page (a MutationObserver in the
 * page; the browser and this process read the same clock).
 */
export interface DeskCardRig {
  ast: RealAsterisk;
  server: BrowserServer;
  browser: Browser;
  page: Page;
  operatorId: number;
  /** Places `count` calls one after another; per call, ring → card in ms. */
  ring(count: number, options?: { ringMs?: number }): Promise<number[]>;
  close(): Promise<void>;
}

const PASSWORD = 'desk-card-Pa55word';

interface AmiEvent {
  event?: string;
  channel?: string;
}

export async function startDeskCardRig(): Promise<DeskCardRig> {
  const ast = await startRealAsterisk();
  const server = await startBrowserServer({
    config: {
      telephony: {
        mode: 'local',
        ami: ast.ami,
        recordingsSpool: ast.recordingDir,
        outboundContext: ast.provision.dialplan.outboundContext,
        dialPrefix: ast.provision.dialplan.dialPrefix,
      },
    } as never,
  });
  const operatorId = await server.createUser('operator', 'dora', PASSWORD, { displayName: 'Dora Desk' });
  server.app.calls.repo.setEndpoint(operatorId, 'PJSIP/phone1');
  server.app.calls.refreshEndpoints();
  await waitFor(() => server.app.telephony.port!.status() === 'connected', 'the appliance’s AMI login', 60_000);

  // A second AMI login with the provisioned user: it sees the phone's channel when the appliance does.
  const require = createRequire(import.meta.url);
  const Manager = require('asterisk-manager') as (port: number, host: string, user: string, secret: string, events: boolean) => {
    on(e: string, f: (e: AmiEvent) => void): void;
    disconnect(): void;
  };
  const ami = Manager(ast.ami.port, ast.ami.host, ast.ami.username, ast.ami.secret, true);
  const rings: number[] = [];
  ami.on('managerevent', (e) => {
    if (e.event === 'Newchannel' && e.channel?.startsWith('PJSIP/phone1-')) rings.push(Date.now());
  });

  const browser = await launchChromium();
  const page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } })).newPage();
  await page.goto(`${server.url}/login`);
  await page.locator('#username').fill('dora');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#password').press('Enter');
  await page.getByTestId('who').waitFor({ timeout: 60_000 });
  await page.goto(`${server.url}/workspace`);
  await page.locator('[data-testid=incoming-call]').waitFor({ state: 'attached', timeout: 60_000 });
  await page.locator('[data-testid=live-status].online').waitFor({ timeout: 60_000 });
  // A string, not a function: the page must not depend on helpers the test's compiler adds.
  await page.evaluate(`(() => {
    window.__cards = [];
    let shown = false;
    const check = () => {
      const card = document.querySelector('[data-testid=incoming-call]');
      const visible = !!card && !card.hidden;
      if (visible && !shown) window.__cards.push(Date.now());
      shown = visible;
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
    check();
  })()`);
  const cards = () => page.evaluate(() => (window as unknown as { __cards: number[] }).__cards.slice());

  return {
    ast,
    server,
    browser,
    page,
    operatorId,
    async ring(count, options = {}) {
      const latencies: number[] = [];
      for (let i = 0; i < count; i++) {
        const before = { rings: rings.length, cards: (await cards()).length };
        // The phone rings long enough for the card to be seen, answers, talks briefly and hangs up;
        // the customer (answered by Asterisk's queue at once) stays until then.
        const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: String(options.ringMs ?? 1500), talk: '500' } });
        // The queue rings every member: the other desk phone rings too and is cancelled (a member
        // with nothing listening would leave its INVITE retransmitting into a later call).
        const other = await ast.sippBackground({ scenario: 'phone-ring.xml', port: ast.net.phonePorts[1]!, server: true });
        const caller = `38050${String(1000000 + i).slice(-7)}`;
        const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller }, vars: { talk: '60000' } });
        sippOk(gw, 'the customer (GSM line)');
        sippOk(await phone.done, 'the desk phone');
        sippOk(await other.done, 'the other desk phone (rang, then cancelled)');
        const seen = await waitFor(async () => ((await cards()).length > before.cards && rings.length > before.rings ? await cards() : null), `call ${i + 1}: the card and the ring`, 30_000);
        latencies.push(seen[before.cards]! - rings[before.rings]!);
        // The card closes once the call is answered; the next call starts from a quiet Asterisk.
        await page.locator('[data-testid=incoming-call]:not([hidden])').waitFor({ state: 'detached', timeout: 30_000 });
        await settleSipp();
        await waitFor(async () => /^0 active channels/m.test(await ast.rx('core show channels')), 'Asterisk to end every channel', 30_000);
      }
      return latencies;
    },
    async close() {
      ami.disconnect();
      await browser.close();
      await server.close();
      await ast.stop();
    },
  };
}
