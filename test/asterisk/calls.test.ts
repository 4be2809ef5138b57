import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { CALL_CAPABILITIES, callRows, insertOperator, type Row } from '../calls/helpers.js';
import { ScaledClock } from '../support/asterisk-standin/index.js';
import { DIDS, startRealAsterisk, waitFor, type RealAsterisk } from '../support/real-asterisk.js';

/**
 * Real SIP calls through the product's own rendered configuration on a real Asterisk 22:
 * sipp plays the GSM gateway, the SIP provider and desk-phone operators; the appliance follows
 * Asterisk over AMI with the user the installer provisions. Each call record is compared with
 * Asterisk's own queue_log and CDR.
 */
describe('real Asterisk: calls', function () {
  this.timeout(120_000);
  let ast: RealAsterisk;
  let t: TestApp;
  let phone1User: number;
  let phone2User: number;

  before(async function () {
    this.timeout(180_000);
    ast = await startRealAsterisk();
    t = await buildTestApp({
      capabilities: CALL_CAPABILITIES,
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
    phone1User = insertOperator(t.db, 'desk1');
    phone2User = insertOperator(t.db, 'desk2');
    t.app.calls.repo.setEndpoint(phone1User, 'PJSIP/phone1');
    t.app.calls.repo.setEndpoint(phone2User, 'PJSIP/phone2');
    t.app.calls.refreshEndpoints();
    await waitFor(() => t.app.telephony.port!.status() === 'connected', 'AMI login', 30_000);
  });
  after(async () => {
    await t?.close();
    await ast?.stop();
  });

  const ended = async (before: number): Promise<Row> =>
    waitFor(() => {
      const rows = callRows(t.db).filter((r) => r.id > before && r.ended_at);
      return rows.length > 0 && t.app.calls.tracker.liveCount === 0 ? rows.at(-1) : null;
    }, 'the call record to end', 30_000);
  const lastId = () => callRows(t.db).at(-1)?.id ?? 0;

  it('loads the product configuration with no ERROR in Asterisk\'s log', async () => {
    expect(ast.errors()).to.deep.equal([]);
    const endpoints = await ast.rx('pjsip show endpoints');
    for (const e of ['goip-ch1', 'uplink', 'fxgw-port1', 'phone1', 'cb-op-7']) expect(endpoints).to.include(e);
  });

  it('inbound through the GSM line → queue → desk phone answers → customer hangs up', async () => {
    const before = lastId();
    const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '1000', talk: '60000' } });
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380501234567' }, vars: { talk: '3000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    const ph = await phone.done;
    expect(ph.code, ph.stderr).to.equal(0);
    const row = await ended(before);
    expect(row).to.include({ direction: 'inbound', disposition: 'answered', did: DIDS.gsm1, queue: 'support', operator_id: phone1User });
  });
});
