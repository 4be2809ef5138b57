import { expect } from 'chai';
import { join } from 'node:path';
import { loadAmiScenario, tracesDir } from '../support/asterisk-standin/index.js';
import { callRows, startRig, waitFor, SPEED, type Rig } from '../calls/helpers.js';

const scenario = (name: string) => loadAmiScenario(join(tracesDir(), 'ami', `${name}.raw`));
const sleepTrace = (traceSec: number) => new Promise((r) => setTimeout(r, (traceSec * 1000) / SPEED));

describe('telephony: the AMI link (login, drop, Asterisk restart, reconcile)', function () {
  this.timeout(30_000);
  let rig: Rig | null = null;
  afterEach(async () => {
    await rig?.close();
    rig = null;
  });

  it('reports a refused login in /healthz; the stand-in closes the socket as Asterisk does', async () => {
    rig = await startRig({ secret: 'wrong' });
    await waitFor(() => rig!.standin.actions.some((a) => a.Action === 'Login'), 3000, 'a login attempt');
    await waitFor(() => rig!.t.app.telephony.port!.status().includes('refused'), 3000, 'status');
    expect(((await rig.t.app.deps.adminChannel.call('health')) as { result: { telephony: string } }).result.telephony).to.equal('Asterisk refused the AMI login for user crm: Authentication failed');
    expect(rig.standin.clientCount).to.equal(0);
    const login = rig.standin.actions.find((a) => a.Action === 'Login')!;
    // Exactly the classes the installer grants (no dialplan: Newexten/VarSet are not ours to read).
    expect(login.Events).to.equal('system,call,agent,user');
  });

  it('reports connected, and the reason when Asterisk is not there at all', async () => {
    rig = await startRig();
    await waitFor(() => rig!.t.app.telephony.port!.status() === 'connected', 3000, 'login');
    expect(((await rig.t.app.deps.adminChannel.call('health')) as { result: { telephony: string } }).result.telephony).to.equal('connected');
    await rig.standin.stop();
    await waitFor(() => rig!.t.app.telephony.port!.status().startsWith('cannot reach Asterisk AMI at 127.0.0.1'), 3000, 'reason');
  });

  it('a dropped link mid-call loses and duplicates nothing: the call goes on after the reconnect', async () => {
    rig = await startRig();
    await waitFor(() => rig!.t.app.telephony.port!.status() === 'connected', 3000, 'login');
    const playing = rig.standin.play(scenario('ami-10-inbound-queue-answered'), SPEED);
    await sleepTrace(4.5); // talking since 3.2 (trace time after login 2.9)
    const snapshots: unknown[] = [];
    rig.t.app.deps.bus.subscribe('dialog.snapshot', (s) => void snapshots.push(s));
    rig.standin.dropClients();
    await waitFor(() => rig!.t.app.telephony.port!.status() !== 'connected', 2000, 'drop seen');
    await waitFor(() => rig!.t.app.telephony.port!.status() === 'connected', 3000, 'reconnect');
    // The reconcile (CoreShowChannels) follows the login's FullyBooted a moment later.
    await waitFor(() => rig!.standin.actions.filter((a) => a.Action === 'CoreShowChannels').length >= 2, 2000, 'reconcile after reconnect');
    // Licensing hears which call dialogs are still open after the reconnect.
    const snapshot = await waitFor(() => snapshots[0] as { kind: string; dialogs: Array<{ dialogId: string; operatorId: number }> } | undefined, 2000, 'snapshot');
    expect(snapshot.kind).to.equal('call');
    expect(snapshot.dialogs.map((d) => [d.dialogId, d.operatorId])).to.deep.equal([['call-1795599145.23', rig.users.op101]]);
    await playing;
    await waitFor(() => callRows(rig!.t.db)[0]?.ended_at, 3000, 'call end');
    const rows = callRows(rig.t.db);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ linked_id: '1795599145.23', disposition: 'answered', direction: 'inbound', reconciled: 0 });
    expect(rows[0]!.wait_sec).to.be.within(1, 3);
    expect(rows[0]!.talk_sec).to.be.within(4, 6);
  });

  it('a hang-up missed while the link was down is closed by reconciliation, not left in progress', async () => {
    rig = await startRig({ backoffMs: 300 });
    await waitFor(() => rig!.t.app.telephony.port!.status() === 'connected', 3000, 'login');
    const playing = rig.standin.play(scenario('ami-13-inbound-queue-agent-hangs-up'), SPEED);
    await sleepTrace(5.6); // talking; the hang-ups come at 6.9 (after login)
    // Keep the link down over the hang-ups: refuse reconnects until they are past.
    rig.standin.dropClients();
    const refuse = setInterval(() => rig!.standin.dropClients(), 5);
    await sleepTrace(2.0);
    clearInterval(refuse);
    await playing;
    await waitFor(() => callRows(rig!.t.db)[0]?.ended_at, 3000, 'reconciled end');
    expect(rig.standin.undelivered).to.be.greaterThan(0);
    const rows = callRows(rig.t.db);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ disposition: 'answered', reconciled: 1 });
    expect(rig.t.app.calls.tracker.liveCount).to.equal(0);
  });

  it('an Asterisk restart mid-call ends that call once; the next call after the restart is recorded once', async () => {
    rig = await startRig();
    await waitFor(() => rig!.t.app.telephony.port!.status() === 'connected', 3000, 'login');
    void rig.standin.play(scenario('ami-11-inbound-queue-answered-op102-not-responding'), SPEED);
    await sleepTrace(4.5);
    await rig.standin.restart(100);
    await waitFor(() => rig!.t.app.telephony.port!.status() === 'connected', 5000, 'reconnect after restart');
    await waitFor(() => callRows(rig!.t.db)[0]?.ended_at, 3000, 'the cut call closed');
    await rig.standin.play(scenario('ami-13-inbound-queue-agent-hangs-up'), SPEED);
    await waitFor(() => rig!.t.app.calls.tracker.liveCount === 0 && callRows(rig!.t.db).length === 2 && callRows(rig!.t.db)[1]!.ended_at, 3000, 'second call');
    const rows = callRows(rig.t.db);
    expect(rows.map((r) => r.linked_id)).to.deep.equal(['1795598864.0', '1795599192.29']);
    expect(rows[0]).to.include({ disposition: 'answered', reconciled: 1 });
    expect(rows[0]!.talk_sec).to.be.within(0, 3);
    expect(rows[1]).to.include({ disposition: 'answered', reconciled: 0 });
  });
});

describe('telephony: a manager that sends no FullyBooted', function () {
  this.timeout(10_000);
  it('still counts the link as up and reconciles after login', async () => {
    const { AmiStandin } = await import('../support/asterisk-standin/index.js');
    const { AmiTelephony } = await import('../../appliance/telephony/ami/adapter.js');
    const standin = new AmiStandin({ fullyBooted: false });
    const port = await standin.start();
    const ami = new AmiTelephony({ host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret' });
    const ups: unknown[] = [];
    ami.on((e) => void (e.type === 'link.up' && ups.push(e)));
    ami.start();
    try {
      await waitFor(() => ups.length === 1, 3000, 'link.up');
      expect(ami.status()).to.equal('connected');
      expect(await ami.channels()).to.deep.equal([]);
    } finally {
      await ami.stop();
      await standin.stop();
    }
  });
});

describe('telephony: the appliance itself restarting mid-call', function () {
  this.timeout(30_000);
  it('picks the call up where the previous run left it: one record, true start time, ended by the real hang-up', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { buildApp } = await import('../../appliance/app.js');
    const { defaultConfig } = await import('../../appliance/config.js');
    const { openDatabase } = await import('../../appliance/core/db.js');
    const { AmiStandin, ScaledClock } = await import('../support/asterisk-standin/index.js');
    const { CALL_CAPABILITIES, insertOperator } = await import('../calls/helpers.js');
    const standin = new AmiStandin();
    const port = await standin.start();
    const dir = mkdtempSync(join(tmpdir(), 'cb-restart-'));
    const db = openDatabase(join(dir, 'contactbox.sqlite'));
    const clock = new ScaledClock(SPEED);
    const config = defaultConfig(dir, { telephony: { mode: 'local', ami: { host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret' } } });
    const build = async () => {
      const app = await buildApp({ config, db, clock, capabilities: CALL_CAPABILITIES, uiDir: null, overrides: { telephony: { amiBackoff: { initialMs: 50, maxMs: 200 } } } });
      await app.ready();
      await waitFor(() => app.telephony.port!.status() === 'connected', 3000, 'login');
      return app;
    };
    try {
      const first = await build();
      const op101 = insertOperator(db, 'op101');
      first.calls.repo.setEndpoint(op101, 'PJSIP/op101');
      first.calls.refreshEndpoints();
      const playing = standin.play(scenario('ami-10-inbound-queue-answered'), SPEED);
      await sleepTrace(4.5);
      await first.close();
      expect(callRows(db)).to.have.length(1);
      expect(callRows(db)[0]!.ended_at).to.equal(null);
      const second = await build();
      await playing;
      await waitFor(() => callRows(db)[0]?.ended_at, 3000, 'call end');
      const rows = callRows(db);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ disposition: 'answered', operator_id: op101, reconciled: 0 });
      expect(rows[0]!.wait_sec).to.be.within(1, 3);
      expect(rows[0]!.talk_sec).to.be.within(4, 6);
      await second.close();
    } finally {
      await standin.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
