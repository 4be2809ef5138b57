import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callsCapability } from '../../appliance/calls/index.js';
import { licensingCapability } from '../../appliance/licensing/index.js';
import type { LicensingOverrides } from '../../appliance/licensing/plugin.js';
import { telephonyCapability } from '../../appliance/telephony/index.js';
import { loadAmiScenario, tracesDir } from '../support/asterisk-standin/index.js';
import { SPEED, startRig, waitFor, type Rig } from '../calls/helpers.js';
import { DEV_BUILD, facts, license } from './helpers.js';

/**
 * Licensing with the real calls and telephony capabilities, following the Asterisk stand-in
 * over AMI: calls' dialog events are what licensing counts, and click-to-call
 * (POST /api/v1/calls) asks licensing before it originates.
 */
describe('licensing with calls and the Asterisk stand-in', function () {
  this.timeout(30_000);
  let rig: Rig;
  const overrides: LicensingOverrides = { facts: async () => facts('server-a'), build: DEV_BUILD, env: {} };

  beforeEach(async () => {
    rig = await startRig({ capabilities: [telephonyCapability, licensingCapability, callsCapability], overrides: { licensing: overrides } });
    writeFileSync(join(rig.t.dataDir, 'license.lic'), license({ sessions: 2 }));
    await rig.t.app.licensing.reload();
    await waitFor(() => rig.standin.clientCount > 0, 5000, 'AMI login');
  });
  afterEach(async () => rig.close());

  it('counts a recorded inbound queue call while the operator is on it, and releases the session at hangup', async () => {
    let peak = 0;
    const off = (rig.t.app.deps.bus.subscribe as (e: string, l: () => void) => () => void)('dialog.opened', () => {
      peak = Math.max(peak, rig.t.app.licensing.status().inUse);
    });
    await rig.standin.play(loadAmiScenario(join(tracesDir(), 'ami', 'ami-10-inbound-queue-answered.raw')), SPEED);
    await waitFor(() => rig.t.app.licensing.status().inUse === 0, 5000, 'the call to end');
    off();
    expect(peak).to.equal(1);
    expect(rig.t.app.licensing.status().peak).to.equal(1);
  });

  it('refuses an operator’s click-to-call at the limit with LICENSE_SESSIONS_EXHAUSTED, before anything is sent to Asterisk', async () => {
    const op = await rig.t.userClient('operator');
    rig.t.app.calls.repo.setEndpoint(op.userId, 'PJSIP/op103');
    rig.t.app.calls.refreshEndpoints();
    const at = new Date().toISOString();
    const bus = rig.t.app.deps.bus;
    const publish = (e: string, p: unknown) => (bus.publish as (e: string, p: unknown) => void).call(bus, e, p);
    publish('dialog.opened', { dialogId: 'in-1', kind: 'call', operatorId: rig.users.op101, at });
    publish('dialog.opened', { dialogId: 'in-2', kind: 'call', operatorId: rig.users.op102, at });
    const originates = () => rig.standin.actions.filter((a) => a.Action?.toLowerCase() === 'originate').length;

    const refused = await op.request('POST', '/api/v1/calls', { number: '+380671234567' });
    expect(refused.statusCode).to.equal(409);
    expect(refused.json().error.code).to.equal('LICENSE_SESSIONS_EXHAUSTED');
    expect(refused.json().error.message).to.contain('All 2 licensed sessions are in use');
    expect(originates()).to.equal(0);

    publish('dialog.closed', { dialogId: 'in-1', at });
    const placed = await op.request('POST', '/api/v1/calls', { number: '+380671234567' });
    expect(placed.statusCode, placed.body).to.equal(202);
    await waitFor(() => originates() === 1, 5000, 'the Originate action');
  });
});
