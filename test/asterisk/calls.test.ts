import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionUser } from '../../appliance/core/auth/sessions.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { ScaledClock } from '../support/asterisk-standin/index.js';
import { CALL_CAPABILITIES, callRows, insertOperator, type Row } from '../calls/helpers.js';
import { DIDS, SIPP_DIR, settleSipp, sippOk, startRealAsterisk, waitFor, type CdrLine, type QueueLogLine, type RealAsterisk } from '../support/real-asterisk.js';

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
  // Each case starts from a quiet Asterisk: no phone of an earlier case still talking or bound.
  afterEach(async () => {
    await settleSipp();
    await waitFor(async () => /^0 active channels/m.test(await ast.rx('core show channels')), 'Asterisk to end every channel', 30_000);
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
  /**
   * The queue rings all its members: a desk phone that is not answering in a case still rings and
   * is cancelled. An INVITE to a port nobody listens on is retransmitted for 32 s (SIP timer B),
   * its CANCEL waiting for a provisional answer, so a phone started there by a later case would
   * take that stale INVITE and then its CANCEL as its own call.
   */
  const ringingOnly = (phone: 0 | 1) => ast.sippBackground({ scenario: 'phone-ring.xml', port: ast.net.phonePorts[phone]!, server: true });

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
    const other = await ringingOnly(1);
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380501234567' }, vars: { talk: '4000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    sippOk(await phone.done, 'phone');
    sippOk(await other.done, 'the other phone (rang, then cancelled)');
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
    const other = await ringingOnly(0);
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380501112233' }, vars: { talk: '30000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    sippOk(await phone.done, 'phone');
    sippOk(await other.done, 'the other phone (rang, then cancelled)');
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
    const ringing = await Promise.all(ast.net.phonePorts.slice(0, 2).map((port) => ast.sippBackground({ scenario: 'phone-ring.xml', port, server: true })));
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380509998877' }, vars: { talk: '3000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    for (const r of ringing) sippOk(await r.done, 'the phones rang and were cancelled');
    const row = await ended(before);
    expect(row).to.include({ direction: 'inbound', disposition: 'abandoned', queue: 'support', operator_id: null, talk_sec: 0 });
    const abandon = queueEvents(row.linked_id).find((l) => l.event === 'ABANDON');
    expect(abandon).to.not.equal(undefined);
    close(row.wait_sec, Number(abandon!.data[2]));
  });

  it('a second call on the busy one-SIM line is refused (486) before it is answered: busy, like Asterisk says', async () => {
    const before = lastId();
    const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '300' } });
    const other = await ringingOnly(1);
    // Two calls 100 ms apart from the same gateway line (one SIM): the first talks 4 s.
    const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, calls: 2, keys: { caller: '380507770001' }, vars: { talk: '4000' } });
    expect(gw.code, gw.stderr).to.equal(0);
    phone.kill();
    sippOk(await other.done, 'the other phone rang and was cancelled');
    await waitFor(() => callRows(t.db).filter((r) => r.id > before && r.ended_at).length === 2 && t.app.calls.tracker.liveCount === 0, 'both records');
    const [first, second] = callRows(t.db).filter((r) => r.id > before);
    expect(first).to.include({ direction: 'inbound', disposition: 'answered', operator_id: phone1User });
    expect(second).to.include({ direction: 'inbound', disposition: 'busy', did: DIDS.gsm1, operator_id: null, talk_sec: 0, queue: null });
    const cdr = await cdrFor(second!.linked_id);
    expect(cdr.map((c) => c.disposition)).to.include('BUSY');
  });

  const clickToCall = (userId: number, number: string) =>
    t.app.calls.service.clickToCall({ id: userId, username: 'desk1', displayName: 'Desk One', role: 'operator', language: null } as SessionUser, { number });

  it('click-to-call out through the GSM line: the desk phone rings first, the callee answers; outbound answered', async () => {
    const before = lastId();
    const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '300' } });
    await ast.reachable('goip-ch1', ast.net.gsmPort);
    const callee = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.gsmPort, server: true, vars: { ring: '1000', talk: '3000' } });
    await clickToCall(phone1User, '+380501234567');
    sippOk(await callee.done, 'callee');
    sippOk(await phone.done, 'phone');
    const row = await ended(before);
    expect(row).to.include({ direction: 'outbound', disposition: 'answered', to_number: '380501234567', trunk: 'goip-ch1', operator_id: phone1User });
    const cdr = await cdrFor(row.linked_id);
    const out = cdr.find((c) => c.dstchannel.startsWith('PJSIP/goip-ch1'))!;
    expect(out, JSON.stringify(cdr)).to.not.equal(undefined);
    expect(out.disposition).to.equal('ANSWERED');
    close(row.talk_sec, out.billsec);
    expect((await recordingOf(row)).durationSec).to.be.greaterThan(1);
    expect(spool()).to.deep.equal([]);
  });

  it('click-to-call to a busy callee: outbound busy', async () => {
    const before = lastId();
    const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '300' } });
    await ast.reachable('goip-ch1', ast.net.gsmPort);
    const callee = await ast.sippBackground({ scenario: 'phone-busy.xml', port: ast.net.gsmPort, server: true });
    await clickToCall(phone1User, '+380501234568');
    sippOk(await callee.done, 'callee');
    const row = await ended(before);
    phone.kill();
    expect(row).to.include({ direction: 'outbound', disposition: 'busy', to_number: '380501234568', operator_id: phone1User, talk_sec: 0 });
    const cdr = await cdrFor(row.linked_id);
    expect(cdr.map((c) => c.disposition)).to.include('BUSY');
  });

  it("an intern's phone: a REFER to raw digits is refused by the interns' context (NOTIFY 404) and the call goes on; a REFER to a colleague is taken", async () => {
    const errorsBefore = ast.errors().length;
    const intern = await ast.sippBackground({ scenario: 'phone-refer-intern.xml', port: ast.net.phonePorts[2]!, server: true, vars: { ring: '300', outside: '380501234999', transfer: '202' } });
    await ast.reachable('goip-ch1', ast.net.gsmPort);
    const callee = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.gsmPort, server: true, vars: { ring: '300', talk: '20000' } });
    const colleague = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[1]!, server: true, vars: { ring: '300', talk: '1500' } });
    await t.app.telephony.port!.queuePause('support', 'PJSIP/phone2', true, 'transfer test');
    try {
      // The appliance dials out for the intern (click-to-call by contact goes through cb-operators).
      await t.app.telephony.port!.originate({ endpoint: 'PJSIP/phone3', context: 'cb-operators', exten: '380501234570', channelId: `intern-${Date.now()}` });
      const i = await intern.done;
      expect(i.code, `the intern's phone: transfer to raw digits refused (NOTIFY 404), then accepted for the colleague\n${i.stderr}`).to.equal(0);
      sippOk(await colleague.done, 'the colleague answered the transferred callee');
      sippOk(await callee.done, 'callee');
    } finally {
      await t.app.telephony.port!.queuePause('support', 'PJSIP/phone2', false);
    }
    // Asterisk says why it refused: the number is not in the interns' context.
    expect(ast.errors().slice(errorsBefore).join('\n')).to.match(/blind transfer to '380501234999@cb-interns'.*does not exist/);
  });

  it('hold and resume from the desk phone, then a blind transfer to a colleague (REFER to 202)', async () => {
    const before = lastId();
    const refer = readFileSync(join(SIPP_DIR, 'refer-fragment.xml'), 'utf8');
    const phone = await ast.sippBackground({ scenario: 'phone-hold-transfer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '300', hold: '1500', refer, transfer: '202' } });
    // The colleague is paused in the queue (so the queue does not ring them), yet takes transfers.
    await t.app.telephony.port!.queuePause('support', 'PJSIP/phone2', true, 'transfer test');
    let row: Row;
    try {
      const colleague = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[1]!, server: true, vars: { ring: '500' } });
      const gw = await ast.sipp({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380503334455' }, vars: { talk: '9000' } });
      expect(gw.code, gw.stderr).to.equal(0);
      row = await ended(before);
      phone.kill();
      sippOk(await colleague.done, 'the colleague answered the transferred caller');
    } finally {
      await t.app.telephony.port!.queuePause('support', 'PJSIP/phone2', false);
    }
    const cdr = await cdrFor(row.linked_id);
    expect(cdr.some((c) => c.dstchannel.startsWith('PJSIP/phone2') && c.disposition === 'ANSWERED'), JSON.stringify(cdr)).to.equal(true);
    expect(row).to.include({ direction: 'inbound', disposition: 'answered', operator_id: phone1User, held: 1, transferred: 1 });
    const transfer = queueEvents(row.linked_id).find((l) => l.event === 'BLINDTRANSFER');
    expect(transfer?.data.slice(0, 2), 'Asterisk transferred through the operators\' context').to.deep.equal(['202', 'cb-operators']);
  });
  it("deactivating the operator hangs up the call they are on at once (Asterisk ends both legs)", async () => {
    const before = lastId();
    // Both sides would talk for a minute: only the offboarding hangup can end the call sooner.
    const phone = await ast.sippBackground({ scenario: 'phone-answer.xml', port: ast.net.phonePorts[0]!, server: true, vars: { ring: '300', talk: '60000' }, timeoutMs: 90_000 });
    const other = await ringingOnly(1);
    const gw = await ast.sippBackground({ scenario: 'gateway-call.xml', port: ast.net.gsmPort, service: DIDS.gsm1, keys: { caller: '380506660001' }, vars: { talk: '60000' }, timeoutMs: 90_000 });
    await waitFor(async () => /PJSIP\/phone1-.*Up/.test(await ast.rx('core show channels')), 'the desk phone to answer', 30_000);
    sippOk(await other.done, 'the other phone rang and was cancelled');
    t.app.deps.bus.publish('user.deactivated', { userId: phone1User, actorId: null });
    // Ended well inside the minute both sides would talk: Asterisk sent BYE to the gateway and the phone.
    const [g, p] = await waitFor(async () => {
      const out = await Promise.race([Promise.all([gw.done, phone.done]), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
      return out;
    }, "Asterisk to hang up the deactivated operator's call", 30_000);
    expect(g.code, g.stderr).to.equal(0);
    expect(p.code, p.stderr).to.equal(0);
    expect(await ast.rx('core show channels')).to.match(/^0 active channels/m);
    const row = await ended(before);
    expect(row).to.include({ direction: 'inbound', disposition: 'answered', operator_id: phone1User });
    expect(row.talk_sec).to.be.below(30);
  });
});
