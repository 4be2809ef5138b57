import { expect } from 'chai';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';
import { defaultAsteriskModel, DIDS, settleSipp, startRealAsterisk, waitFor, type RealAsterisk } from '../support/real-asterisk.js';

/**
 * The browser softphone against the real Asterisk: Chromium (fake microphone) logs in as an
 * operator, its JsSIP phone registers through the appliance's same-origin SIP proxy to
 * Asterisk's WebSocket transport, and sipp, playing the GSM gateway, calls into the queue the
 * operator logged into. The operator answers on the incoming-call card; audio flows both ways
 * over DTLS-SRTP (counted by the browser's getStats() and by Asterisk's RTP statistics).
 */
describe('real Asterisk: the browser softphone', function () {
  this.timeout(120_000);
  let ast: RealAsterisk;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let operatorId: number;
  let sipUser: string;

  const PASSWORD = 'correct horse battery staple';
  const waitState = (s: string, timeout = 30_000) => page.locator(`[data-testid=phone-state][data-state="${s}"]`).waitFor({ timeout });

  /** The call's audio as the browser counts it (the newest peer connection's getStats()). */
  const rtp = () =>
    page.evaluate(async () => {
      const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1);
      if (!pc) return null;
      const out: Record<string, unknown> = { connection: pc.connectionState };
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') out.received = s.packetsReceived;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.sent = s.packetsSent;
        if (s.type === 'transport') Object.assign(out, { dtls: s.dtlsState, cipher: s.srtpCipher });
        if (s.type === 'media-source' && s.kind === 'audio') out.level = s.audioLevel;
        if (s.type === 'codec') out.codec = s.mimeType;
      });
      return out;
    });

  before(async function () {
    this.timeout(240_000);
    let operatorsFile = '';
    ast = await startRealAsterisk({
      model: (net, dir) => {
        operatorsFile = join(dir, 'contactbox', 'pjsip_operators.conf');
        // Only the browser operator answers the queue (its endpoint comes from the appliance's live apply).
        return { ...defaultAsteriskModel(net, dir), operators: [], operatorsFile };
      },
    });
    server = await startBrowserServer({
      config: {
        telephony: {
          mode: 'local',
          ami: ast.ami,
          recordingsSpool: ast.recordingDir,
          outboundContext: ast.provision.dialplan.outboundContext,
          dialPrefix: ast.provision.dialplan.dialPrefix,
        },
        softphone: { asteriskWsUrl: `ws://127.0.0.1:${ast.net.http}/ws`, asteriskOperatorsFile: operatorsFile },
      } as never,
    });
    operatorId = await server.createUser('operator', 'olena', PASSWORD, { displayName: 'Olena Koval' });
    sipUser = server.app.phones.issue(operatorId).sipUser;
    await waitFor(() => server.app.telephony.port?.status() === 'connected', 'AMI login', 30_000);
    await waitFor(() => server.app.operatorEndpoints.applier, 'the live apply to start');
    await server.app.operatorEndpoints.applier!.apply();
    expect(await ast.rx('pjsip show endpoints')).to.include(sipUser);
    const api = await login(server.app, 'olena', PASSWORD);
    const res = await api.request('POST', '/api/v1/telephony/queue', { action: 'login', queue: 'support' });
    expect(res.statusCode, res.body).to.equal(200);

    browser = await launchChromium({ fakeMedia: true, extraArgs: ['--allow-loopback-in-peer-connection'] });
    const context = await browser.newContext({ locale: 'en-US' });
    // Every RTCPeerConnection the page makes, for getStats().
    await context.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const made: RTCPeerConnection[] = [];
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = made;
      window.RTCPeerConnection = class extends Native {
        constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
          super(...args);
          made.push(this);
        }
      } as typeof RTCPeerConnection;
    });
    page = await context.newPage();
    page.on('console', (m) => process.stdout.write(`      [browser] ${m.text()}\n`));
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Username').fill('olena');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(/\/workspace/);
  });
  afterEach(async () => {
    await settleSipp();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await ast?.stop();
  });

  it('registers through the appliance proxy with Asterisk', async () => {
    await waitState('registered');
    expect(await ast.rx(`pjsip show aor ${sipUser}`)).to.match(/contact\s+:\s+\S+/i);
  });

  it('takes a queued call from the GSM line; audio flows both ways', async () => {
    const gw = await ast.sippBackground({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380501234567' }, vars: { talk: '60000' }, timeoutMs: 90_000 });
    await waitState('ringing');
    await page.getByTestId('incoming-call').waitFor({ state: 'visible' });
    await page.getByTestId('incoming-answer').click();
    await waitState('in-call');
    await new Promise((r) => setTimeout(r, 3000));
    process.stdout.write(JSON.stringify(await rtp(), null, 1));
    process.stdout.write(await ast.rx('pjsip show channelstats'));
    process.stdout.write(await ast.rx('core show channels verbose'));
    gw.kill();
  });
});
