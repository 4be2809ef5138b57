import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';
import { ScaledClock } from '../support/asterisk-standin/index.js';
import { defaultModel } from '../../installer/provisioning/model.js';
import { DIDS, SIPP_DIR, defaultTrunks, startRealAsterisk, waitFor, type AsteriskNet, type QueueLogLine, type RealAsterisk } from '../support/real-asterisk.js';
import { parseTrunk } from '../../appliance/trunks/validation.js';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';

/**
 * The reports against Asterisk's own queue_log, on a real Asterisk 22 with real SIP calls (sipp
 * plays the GSM gateway, the SIP provider and three desk phones):
 *   `support` rings all its phones (phone1, phone2; 4 s ring timeout);
 *   `sales` (number 600, a 4 s greeting before callers join) has phone3, logged in through the
 *   agents API (QueueAdd), which also pauses it with a reason (QueuePause).
 * Calls: a ring-all call answered; a long abandon after every phone rang out (RONA); a short
 * abandon; a hang-up during the sales greeting (abandon before the queue, which queue_log never
 * sees); a call answered in support and blind-transferred to sales (600) where phone3 answers.
 * Per queue, offered/answered/abandoned/short abandons/wait/talk/RONA must equal what queue_log
 * says; over the whole centre each customer call counts once.
 */
describe('real Asterisk: reports agree with queue_log', function () {
  this.timeout(120_000);
  let ast: RealAsterisk;
  let t: TestApp;
  let supervisor: TestClient;
  let admin: TestClient;
  let op1: TestClient;
  let op2: TestClient;
  let op3: TestClient;
  const startedAt = new Date(Date.now() - 3600_000).toISOString();
  let greeting: string;

  const model = (net: AsteriskNet, dir: string) => {
    greeting = join(dir, 'greeting');
    const made = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', `${greeting}.wav`, 'synth', '4', 'sine', '440', 'vol', '0.2'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`sox: ${made.stderr}`);
    const trunks = defaultTrunks(net).map((tr) => (tr.name === 'uplink' ? parseTrunk({ kind: 'sip', name: 'uplink', host: net.providerHost, port: net.providerPort, auth: 'ip', dids: [DIDS.provider], inboundTarget: 'queue:sales', outbound: ['+'], priority: 20 }, [], trunkKinds) : tr));
    return defaultModel({
      sip: { bindAddress: net.host, udpPort: net.sip, tcpPort: net.sip, externalAddress: null, localNets: [] },
      http: { bindAddress: net.host, port: net.http, tls: null },
      rtp: net.rtp,
      recordingDir: join(dir, 'var', 'spool', 'recording'),
      queues: [
        { name: 'support', strategy: 'ringall', ringTimeoutSec: 4, retrySec: 1, wrapupSec: 0, maxWaitSec: 300 },
        { name: 'sales', strategy: 'rrmemory', ringTimeoutSec: 15, retrySec: 1, wrapupSec: 0, maxWaitSec: 300, extension: '600', greeting },
      ],
      operators: [
        { endpoint: 'phone1', extension: '201', name: 'Desk Phone One', secret: 'Phone1-Pass-3', queues: ['support'], device: 'sip', contact: `sip:phone1@${net.host}:${net.phonePorts[0]}` },
        { endpoint: 'phone2', extension: '202', name: 'Desk Phone Two', secret: 'Phone2-Pass-4', queues: ['support'], device: 'sip', contact: `sip:phone2@${net.host}:${net.phonePorts[1]}` },
        { endpoint: 'phone3', extension: '203', name: 'Desk Phone Three', secret: 'Phone3-Pass-5', queues: [], device: 'sip', contact: `sip:phone3@${net.host}:${net.phonePorts[2]}` },
      ],
      trunks,
    });
  };

  before(async function () {
    this.timeout(180_000);
    ast = await startRealAsterisk({ model });
    t = await buildTestApp({
      clock: new ScaledClock(1),
      config: {
        telephony: {
          mode: 'local',
          ami: ast.ami,
          recordingsSpool: ast.recordingDir,
          outboundContext: ast.provision.dialplan.outboundContext,
          dialPrefix: ast.provision.dialplan.dialPrefix,
        },
      },
    });
    admin = await t.userClient('admin');
    supervisor = await t.userClient('supervisor');
    op1 = await t.userClient('operator', 'desk1');
    op2 = await t.userClient('operator', 'desk2');
    op3 = await t.userClient('operator', 'desk3');
    t.app.calls.repo.setEndpoint(op1.userId, 'PJSIP/phone1');
    t.app.calls.repo.setEndpoint(op2.userId, 'PJSIP/phone2');
    t.app.calls.repo.setEndpoint(op3.userId, 'PJSIP/phone3');
    t.app.calls.refreshEndpoints();
    await waitFor(() => t.app.telephony.port!.status() === 'connected', 'AMI login', 30_000);
    for (const q of ['support', 'sales']) expect((await admin.request('PUT', `/api/v1/agents/queues/${q}`, { wrapupSec: 0 })).statusCode).to.equal(200);
    expect((await admin.request('POST', '/api/v1/agents/pause-reasons', { name: 'Lunch' })).statusCode).to.equal(201);
  });
  after(async () => {
    await t?.close();
    await ast?.stop();
  });

  const counted = () => (t.db.prepare('SELECT COUNT(*) AS n FROM report_calls').get() as { n: number }).n;
  /** Places one call and waits until the reports counted it and Asterisk has no channel left. */
  async function call(run: () => Promise<void>): Promise<void> {
    const before = counted();
    await run();
    await waitFor(() => counted() > before && t.app.calls.tracker.liveCount === 0, 'the call to be counted', 30_000);
  }
  const ringing = (port: number, calls = 1) => ast.sippBackground({ scenario: 'phone-ring.xml', port, server: true, calls, timeoutMs: 40_000 });
  const gateway = async (caller: string, talkMs: number) => {
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller }, vars: { talk: String(talkMs) } });
    expect(gw.code, gw.stderr).to.equal(0);
  };

  it('phone3 logs in to sales through the agents API (QueueAdd) and a pause with a reason reaches Asterisk', async () => {
    const login = await op3.request('POST', '/api/v1/agents/me/login', { queues: ['sales'] });
    expect(login.statusCode, login.body).to.equal(200);
    expect(await ast.rx('queue show sales')).to.match(/phone3/i);
    const pause = await op3.request('POST', '/api/v1/agents/me/state', { state: 'paused', reason: 'lunch' });
    expect(pause.statusCode, pause.body).to.equal(200);
    const shown = await ast.rx('queue show sales');
    expect(shown, shown).to.match(/paused:Lunch/i);
    await waitFor(() => ast.queueLog().some((l) => l.queue === 'sales' && l.event === 'PAUSE' && l.data.includes('Lunch')), 'PAUSE with the reason in queue_log');
    await new Promise((r) => setTimeout(r, 2100));
    expect((await op3.request('POST', '/api/v1/agents/me/state', { state: 'available' })).statusCode).to.equal(200);
    expect(await ast.rx('queue show sales')).to.not.match(/paused/i);
    const report = (await supervisor.request('GET', `/api/v1/reports/agents?from=${startedAt}&to=${new Date(Date.now() + 3600_000).toISOString()}`)).json();
    const row = report.items.find((i: { agentId: number }) => i.agentId === op3.userId);
    expect(row.pauseByReason).to.have.length(1);
    expect(row.pauseByReason[0].reason).to.equal('Lunch');
    expect(row.pauseByReason[0].sec).to.be.within(2, 4);
  });

  it('ring-all answered: phone1 answers while phone2 rings; two ring attempts, no missed call', async () => {
    await call(async () => {
      const phone1 = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '1000' } });
      const phone2 = await ringing(ast.net.phonePorts[1]!);
      await gateway('380501230001', 3000);
      expect((await phone1.done).code).to.equal(0);
      expect((await phone2.done).code, 'phone2 rang and was cancelled').to.equal(0);
    });
  });

  it('long abandon in support after both phones rang out (RONA)', async () => {
    await call(async () => {
      const phones = await Promise.all([ringing(ast.net.phonePorts[0]!, 3), ringing(ast.net.phonePorts[1]!, 3)]);
      await gateway('380501230002', 7000);
      for (const p of phones) p.kill();
    });
  });

  it('short abandon in support', async () => {
    await call(async () => {
      const phones = await Promise.all([ringing(ast.net.phonePorts[0]!), ringing(ast.net.phonePorts[1]!)]);
      await gateway('380501230003', 1500);
      for (const p of phones) p.kill();
    });
  });

  it('a hang-up during the sales greeting: an abandon before the queue, absent from queue_log', async () => {
    const linesBefore = ast.queueLog().length;
    await call(async () => {
      const gw = await ast.sipp({ scenario: 'gateway-call.xml', ip: ast.net.providerHost, port: ast.net.providerPort, service: DIDS.provider, keys: { caller: '380501230004' }, vars: { talk: '1500' } });
      expect(gw.code, gw.stderr).to.equal(0);
    });
    expect(ast.queueLog().slice(linesBefore).filter((l) => l.event === 'ENTERQUEUE')).to.deep.equal([]);
  });

  it('answered in support, blind-transferred to sales (600), answered by phone3', async () => {
    const refer = readFileSync(join(SIPP_DIR, 'refer-fragment.xml'), 'utf8');
    await call(async () => {
      const phone1 = await ast.sippBackground({ scenario: 'phone-hold-transfer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '500', hold: '1000', refer, transfer: '600' } });
      const phone2 = await ringing(ast.net.phonePorts[1]!);
      const phone3 = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[2]!, server: true, vars: { ring: '1000' } });
      await gateway('380501230005', 10_000);
      expect((await phone3.done).code, 'phone3 answered the transferred caller').to.equal(0);
      phone1.kill();
      phone2.kill();
    });
    expect(ast.queueLog().some((l) => l.event === 'BLINDTRANSFER' && l.data[0] === '600')).to.equal(true);
  });

  it('per queue, the report equals queue_log; over the centre each call counts once', async () => {
    const log = ast.queueLog();
    const res = await supervisor.request('GET', `/api/v1/reports/queues?from=${startedAt}&to=${new Date(Date.now() + 3600_000).toISOString()}`);
    expect(res.statusCode, res.body).to.equal(200);
    const report = res.json() as { items: Array<Record<string, number> & { queue: string }>; total: Record<string, number> };
    const shortSec = 5;
    const expected = (queue: string) => {
      const q = log.filter((l) => l.queue === queue);
      const of = (e: string) => q.filter((l) => l.event === e);
      const sum = (lines: QueueLogLine[], i: number) => lines.reduce((s, l) => s + Number(l.data[i]), 0);
      const abandons = of('ABANDON');
      return {
        offered: of('ENTERQUEUE').length,
        answered: of('CONNECT').length,
        abandoned: abandons.length,
        shortAbandoned: abandons.filter((l) => Number(l.data[2]) < shortSec).length,
        transfersOut: of('BLINDTRANSFER').length + of('ATTENDEDTRANSFER').length,
        rona: of('RINGNOANSWER').length,
        // Asterisk ends each ring with CONNECT, RINGNOANSWER or RINGCANCELED, except the rings of a
        // ring-all queue that another member's answer ended: those leave no line.
        attemptLines: of('CONNECT').length + of('RINGNOANSWER').length + of('RINGCANCELED').length,
        waitSec: sum(of('CONNECT'), 0) + sum(abandons, 2),
        talkSec: sum([...of('COMPLETECALLER'), ...of('COMPLETEAGENT')], 1) + sum(of('BLINDTRANSFER'), 3),
        calls: new Set(q.map((l) => l.callId)).size,
      };
    };
    for (const queue of ['support', 'sales']) {
      const want = expected(queue);
      const row = report.items.find((i) => i.queue === queue)!;
      const why = `${queue}: ours ${JSON.stringify(row)}\nqueue_log ${JSON.stringify(log.filter((l) => l.queue === queue))}`;
      expect(row, why).to.not.equal(undefined);
      expect({ offered: row.offered, answered: row.answered, abandoned: row.abandoned, shortAbandoned: row.shortAbandoned, transfersOut: row.transfersOut, rona: row.rona }, why).to.deep.equal({
        offered: want.offered,
        answered: want.answered,
        abandoned: want.abandoned,
        shortAbandoned: want.shortAbandoned,
        transfersOut: want.transfersOut,
        rona: want.rona,
      });
      // Whole seconds per call on both sides: at most one second apart per call.
      expect(Math.abs(row.waitSec! - want.waitSec), `${why}\nwait`).to.be.at.most(want.calls);
      expect(Math.abs(row.talkSec! - want.talkSec), `${why}\ntalk`).to.be.at.most(want.calls);
      // Ring attempts are counted apart from calls: in support, phone2 also rang (and got
      // Asterisk's CANCEL, see the sipp runs) in the two calls phone1 answered.
      expect(row.ringAttempts, `${why}\nring attempts`).to.equal(want.attemptLines + (queue === 'support' ? 2 : 0));
    }
    const support = report.items.find((i) => i.queue === 'support')!;
    const sales = report.items.find((i) => i.queue === 'sales')!;
    expect(support).to.include({ offered: 4, answered: 2, abandoned: 2, shortAbandoned: 1, transfersOut: 1 });
    expect(support.rona).to.be.at.least(2);
    expect(sales).to.include({ offered: 1, answered: 1, abandoned: 0, transfersIn: 1 });
    // Five customer calls: the transferred one once, the one lost in the greeting counted too.
    expect(report.total).to.include({ offered: 5, answered: 2, abandoned: 2, abandonedPreQueue: 1, shortAbandoned: 2 });
    expect(report.total).to.include({ ringAttempts: support.ringAttempts + sales.ringAttempts, rona: support.rona });
  });
});
