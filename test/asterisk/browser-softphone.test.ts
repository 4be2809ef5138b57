import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, type BrowserServer } from '../support/browser.js';
import { login } from '../support/test-app.js';
import { callRows } from '../calls/helpers.js';
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

  /** Asterisk's own RTP counts for the operator's channel (`pjsip show channelstats`). */
  const asteriskRtp = async (): Promise<{ received: number; sent: number } | null> => {
    const line = (await ast.rx('pjsip show channelstats')).split('\n').find((l) => l.includes(`${sipUser}-`));
    // BridgeId ChannelId UpTime Codec | Receive: Count Lost Pct Jitter | Transmit: Count …
    const m = line && /^\s*\S+\s+\S+\s+\S+\s+\S+\s+(\d+)\s+\d+\s+\d+\s+\S+\s+(\d+)/.exec(line);
    return m ? { received: Number(m[1]), sent: Number(m[2]) } : null;
  };
  /** Waits until the browser and Asterisk both count more packets each way than `since`. */
  const audioFlows = async (since: { received: number; sent: number }) => {
    const now = await waitFor(async () => {
      const s = await rtp();
      return s && (s.received as number) > since.received + 10 && (s.sent as number) > since.sent + 10 ? s : null;
    }, 'audio packets both ways in the browser');
    return { received: now.received as number, sent: now.sent as number };
  };
  const lastCallId = () => callRows(server.db).at(-1)?.id ?? 0;
  const customerCall = () =>
    ast.sippBackground({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380501234567' }, vars: { talk: '90000' }, timeoutMs: 100_000 });
  const answerOnCard = async () => {
    await waitState('ringing');
    await page.getByTestId('incoming-call').waitFor({ state: 'visible' });
    await page.getByTestId('incoming-answer').click();
    await waitState('in-call');
  };
  const noChannels = () => waitFor(async () => /^0 active channels/m.test(await ast.rx('core show channels')), 'Asterisk to end every channel', 30_000);

  it('registers through the appliance proxy with Asterisk', async () => {
    await waitState('registered');
    expect(await ast.rx(`pjsip show aor ${sipUser}`)).to.match(/contact\s+:\s+\S+/i);
  });

  it('answers a queued call from the GSM line on the incoming-call card; audio both ways over DTLS-SRTP; hold, mute, DTMF, hang-up', async () => {
    const before = lastCallId();
    const gw = await customerCall();
    await answerOnCard();

    // Media: the browser's counters grow both ways, and Asterisk counts the same stream.
    let seen = await audioFlows({ received: 0, sent: 0 });
    const stats = await rtp();
    expect(stats).to.include({ connection: 'connected', dtls: 'connected', codec: 'audio/PCMU' });
    expect(stats!.cipher).to.match(/^(SRTP|AEAD)_/);
    seen = await audioFlows(seen);
    const counted = await waitFor(async () => {
      const a = await asteriskRtp();
      return a && a.received > 10 && a.sent > 10 ? a : null;
    }, "Asterisk's RTP statistics for the browser's channel");
    process.stdout.write(`      browser: ${seen.received} packets in, ${seen.sent} out; Asterisk: ${counted.received} in from the browser, ${counted.sent} out to it\n`);

    // Hold (re-INVITE a=sendonly): Asterisk tells the appliance, the call is marked held; resume brings audio back.
    await page.getByTestId('phone-hold').click();
    await waitState('held');
    await waitFor(() => callRows(server.db).at(-1)?.held === 1, 'the call record to show the hold (AMI Hold from Asterisk)');
    await page.getByTestId('phone-hold').click();
    await waitState('in-call');
    seen = await audioFlows(await rtp().then((s) => ({ received: s!.received as number, sent: s!.sent as number })));

    // Mute: the microphone's level goes to silence while packets keep flowing; unmute restores it.
    await page.getByTestId('phone-mute').click();
    expect(await page.getByTestId('phone-mute').getAttribute('aria-pressed')).to.equal('true');
    await waitFor(async () => (await rtp())?.level === 0, 'the muted microphone to send silence');
    await page.getByTestId('phone-mute').click();
    await waitFor(async () => ((await rtp())?.level as number) > 0, 'the microphone to come back');

    // DTMF (RFC 4733 in the media): Asterisk receives the digits on the operator's channel and
    // sends them on to the customer's line (no DTMF feature code — `#` — takes them).
    await ast.rx('logger add channel dtmf dtmf,verbose');
    await ast.rx('rtp set debug on');
    try {
      for (const digit of ['4', '2', '#']) await page.getByRole('group', { name: 'Keypad' }).getByRole('button', { name: digit, exact: true }).click();
      const dtmfLog = join(ast.logDir, 'dtmf');
      const read = () => (existsSync(dtmfLog) ? readFileSync(dtmfLog, 'utf8') : '');
      const digits = await waitFor(() => {
        const got = [...read().matchAll(new RegExp(`DTMF end '(.)' received on PJSIP/${sipUser}-`, 'g'))].map((m) => m[1]);
        return got.length >= 3 ? got : null;
      }, 'Asterisk to receive the DTMF digits');
      expect(digits).to.deep.equal(['4', '2', '#']);
      // Each digit is one RFC 4733 event (one timestamp) sent to the gateway's media address.
      const events = await waitFor(() => {
        const ts = new Set([...read().matchAll(/Sent RTP DTMF packet to [\d.]+:\d+ \(type \d+, seq \d+, ts (\d+)/g)].map((m) => m[1]));
        return ts.size >= 3 ? ts : null;
      }, "the digits to be sent on to the customer's line");
      expect(events.size).to.equal(3);
    } finally {
      await ast.rx('rtp set debug off');
    }
    expect(ast.log()).to.not.match(/pbx-transfer/);

    // Hang-up from the browser: Asterisk ends the customer's leg (BYE to the gateway).
    await page.getByTestId('phone-hangup').click();
    const g = await gw.done;
    expect(g.code, g.stderr).to.equal(0);
    await waitState('registered');
    await noChannels();
    const row = await waitFor(() => callRows(server.db).find((r) => r.id > before && r.ended_at), 'the call record to end');
    expect(row).to.include({ direction: 'inbound', disposition: 'answered', from_number: '380501234567', queue: 'support', operator_id: operatorId, held: 1 });
    expect(row.talk_sec).to.be.greaterThan(0);
  });

  it('reloading the workspace during a call does not strand the customer: the call is hung up and the phone registers again', async () => {
    const gw = await customerCall();
    await answerOnCard();
    await audioFlows({ received: 0, sent: 0 });
    await page.reload();
    // The customer is not left in silence: Asterisk hangs up their leg (BYE to the gateway).
    const g = await waitFor(async () => Promise.race([gw.done, new Promise<null>((r) => setTimeout(() => r(null), 200))]), 'the customer to be hung up', 30_000);
    expect(g.code, g.stderr).to.equal(0);
    await noChannels();
    await waitState('registered');
  });

  it('closing the tab during a call does not strand the customer either: the call is hung up once the browser has not come back', async () => {
    const gw = await customerCall();
    await answerOnCard();
    await audioFlows({ received: 0, sent: 0 });
    await page.close();
    const g = await waitFor(async () => Promise.race([gw.done, new Promise<null>((r) => setTimeout(() => r(null), 200))]), 'the customer to be hung up', 60_000);
    expect(g.code, g.stderr).to.equal(0);
    await noChannels();
    expect(ast.errors()).to.deep.equal([]);
  });
});
