import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { ScaledClock } from '../support/asterisk-standin/index.js';
import { CALL_CAPABILITIES, callRows, insertOperator, type Row } from '../calls/helpers.js';
import { DIDS, startRealAsterisk, waitFor, type CdrLine, type QueueLogLine, type RealAsterisk } from '../support/real-asterisk.js';

/**
 * Real SIP calls through the product's own rendered configuration on a real Asterisk 22:
 * sipp plays the GSM gateway and desk-phone operators; the appliance follows Asterisk over AMI
 * with the user and classes the installer provisions. Each call record is compared with
 * Asterisk's own queue_log and CDR (within 1 s), and its recording with the spool.
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
    // phone2 is deliberately not tied to a user: the outcome must not depend on it.
    t.app.calls.repo.setEndpoint(phone1User, 'PJSIP/phone1');
    t.app.calls.refreshEndpoints();
    await waitFor(() => t.app.telephony.port!.status() === 'connected', 'AMI login', 30_000);
  });
  after(async () => {
    await t?.close();
    await ast?.stop();
  });

  const lastId = () => callRows(t.db).at(-1)?.id ?? 0;
  const ended = (after: number): Promise<Row> =>
    waitFor(() => {
      const rows = callRows(t.db).filter((r) => r.id > after && r.ended_at);
      return rows.length > 0 && t.app.calls.tracker.liveCount === 0 ? rows.at(-1) : null;
    }, 'the call record to end', 30_000);
  const queueEvents = (callId: string): QueueLogLine[] => ast.queueLog().filter((l) => l.callId === callId);
  const cdrOf = (linkedId: string): CdrLine[] => ast.cdr().filter((c) => c.uniqueid === linkedId);
  const cdrFor = async (linkedId: string) => waitFor(() => (cdrOf(linkedId).length ? cdrOf(linkedId) : null), 'CDR rows');
  const close = (ours: number, theirs: number) => expect(Math.abs(ours - theirs), `ours ${ours}, Asterisk ${theirs}`).to.be.at.most(1);
  const spool = () => (existsSync(ast.recordingDir) ? readdirSync(ast.recordingDir) : []);

  async function recordingOf(row: Row): Promise<{ bytes: number; durationSec: number }> {
    await t.app.calls.recordings.idle();
    const rec = await waitFor(() => t.app.calls.repo.get(row.id)?.recording, `call ${row.id}'s recording`);
    return rec;
  }

  it("loads the product configuration with no ERROR in Asterisk's log", async () => {
    expect(ast.errors()).to.deep.equal([]);
    const endpoints = await ast.rx('pjsip show endpoints');
    for (const e of ['goip-ch1', 'uplink', 'fxgw-port1', 'phone1', 'cb-op-7']) expect(endpoints).to.include(e);
    expect(await ast.rx('manager show user contactbox')).to.match(/read perm: system,call,agent,user\b/i);
  });

  it('inbound through the GSM line → queue → desk phone answers → customer hangs up; recording moved out of the spool', async () => {
    const before = lastId();
    const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '1000' } });
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380501234567' }, vars: { talk: '4000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    expect((await phone.done).code).to.equal(0);
    const row = await ended(before);
    expect(row).to.include({ direction: 'inbound', disposition: 'answered', did: DIDS.gsm1, from_number: '380501234567', trunk: 'goip-ch1', queue: 'support', operator_id: phone1User });
    const q = queueEvents(row.linked_id);
    const connect = q.find((l) => l.event === 'CONNECT')!;
    const complete = q.find((l) => l.event === 'COMPLETECALLER')!;
    expect(connect, JSON.stringify(q)).to.not.equal(undefined);
    expect(complete, JSON.stringify(q)).to.not.equal(undefined);
    close(row.wait_sec, Number(connect.data[0]));
    close(row.talk_sec, Number(complete.data[1]));
    const cdr = await cdrFor(row.linked_id);
    expect(cdr.some((c) => c.disposition === 'ANSWERED')).to.equal(true);
    const rec = await recordingOf(row);
    expect(rec.bytes / Math.max(rec.durationSec / 60, 1 / 60)).to.be.at.most(120 * 1024);
    expect(rec.durationSec).to.be.greaterThan(1);
    expect(spool(), 'spool after the move').to.deep.equal([]);
  });

  it('an operator whose phone is tied to no user answers: answered, talk from Asterisk; the operator hangs up', async () => {
    const before = lastId();
    const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[1]!, server: true, vars: { ring: '500', talk: '3000' } });
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380501112233' }, vars: { talk: '30000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    expect((await phone.done).code).to.equal(0);
    const row = await ended(before);
    expect(row).to.include({ direction: 'inbound', disposition: 'answered', queue: 'support', operator_id: null });
    const q = queueEvents(row.linked_id);
    const complete = q.find((l) => l.event === 'COMPLETEAGENT');
    expect(complete, JSON.stringify(q)).to.not.equal(undefined);
    close(row.talk_sec, Number(complete!.data[1]));
    expect(row.talk_sec).to.be.greaterThan(1);
  });

  it('abandoned in the queue: nobody answers, the caller hangs up; no operator named', async () => {
    const before = lastId();
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380509998877' }, vars: { talk: '3000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    const row = await ended(before);
    expect(row).to.include({ direction: 'inbound', disposition: 'abandoned', queue: 'support', operator_id: null, talk_sec: 0 });
    const abandon = queueEvents(row.linked_id).find((l) => l.event === 'ABANDON');
    expect(abandon).to.not.equal(undefined);
    close(row.wait_sec, Number(abandon!.data[2]));
  });
});
