import { expect } from 'chai';
import fp from 'fastify-plugin';
import { AppError } from '../../appliance/core/errors.js';
import { join } from 'node:path';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { loadAmiScenario, tracesDir, type AmiScenario } from '../support/asterisk-standin/index.js';
import { CALL_CAPABILITIES, startRig, waitFor, SPEED, type Rig } from './helpers.js';

const scenario = (name: string) => loadAmiScenario(join(tracesDir(), 'ami', `${name}.raw`));

/** The same recorded call, with its first Uniqueid/Linkedid replaced (as a ChannelId does). */
function withLinkedId(s: AmiScenario, from: string, to: string): AmiScenario {
  const swap = (text: string) => text.split(from).join(to);
  return { ...s, messages: s.messages.map((m) => ({ ...m, text: swap(m.text), fields: Object.fromEntries(Object.entries(m.fields).map(([k, v]) => [k, swap(v)])) })) };
}

const CONTRACT_KEYS = [
  'id', 'direction', 'from', 'to', 'did', 'trunk', 'queue', 'operatorId', 'startedAt', 'answeredAt', 'endedAt', 'waitSec', 'talkSec', 'disposition', 'contactId', 'recording',
];

describe('calls API: without telephony', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ capabilities: CALL_CAPABILITIES });
  });
  after(async () => t.close());

  it('answers with empty lists, a coded 503 for click-to-call, and health "disabled"', async () => {
    const op = await t.userClient('operator');
    const list = await op.request('GET', '/api/v1/calls');
    expect(list.statusCode).to.equal(200);
    expect(list.json()).to.deep.equal({ items: [] });
    const call = await op.request('POST', '/api/v1/calls', { number: '+380671234567' });
    expect(call.statusCode).to.equal(503);
    expect(call.json().error.code).to.equal('TELEPHONY_DISABLED');
    const uk = await op.request('POST', '/api/v1/calls', { number: '+380671234567' }, { 'accept-language': 'uk' });
    expect(uk.json().error.message).to.be.a('string').and.not.equal('');
    expect(((await t.app.deps.adminChannel.call('health')) as { result: { telephony: string } }).result.telephony).to.equal('disabled');
  });

  it('refuses bad input with specific 4xx errors', async () => {
    const admin = await t.userClient('admin');
    expect((await admin.request('GET', '/api/v1/calls?limit=0')).json().error.code).to.equal('VALIDATION_FAILED');
    expect((await admin.request('GET', '/api/v1/calls?from=yesterday')).statusCode).to.equal(400);
    expect((await admin.request('GET', '/api/v1/calls/abc')).statusCode).to.equal(400);
    const missing = await admin.request('GET', '/api/v1/calls/999');
    expect(missing.statusCode).to.equal(404);
    expect(missing.json().error.code).to.equal('CALL_NOT_FOUND');
    expect((await admin.request('POST', '/api/v1/calls', { number: '1', contactId: 2 })).statusCode).to.equal(400);
    expect((await admin.request('GET', '/api/v1/recordings/5/audio')).json().error.code).to.equal('RECORDING_NOT_FOUND');
  });

  it('rejects telephony config mistakes by field', async () => {
    let error: Error | null = null;
    try {
      await buildTestApp({ capabilities: CALL_CAPABILITIES, config: { telephony: { mode: 'local', ami: { host: 'x', port: 0, username: 'a', secret: 'b' } } } });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/telephony\.ami\.port/);
  });
});

describe('calls API: with the stand-in Asterisk', function () {
  this.timeout(30_000);
  let rig: Rig;
  before(async () => {
    rig = await startRig();
    await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 3000, 'login');
  });
  after(async () => rig?.close());

  async function operatorOn(endpoint: string, role: 'operator' | 'intern' | 'supervisor' = 'operator') {
    const client = await rig.t.userClient(role);
    const previous = rig.t.app.calls.repo.endpoints().get(endpoint);
    if (previous !== undefined) rig.t.app.calls.repo.setEndpoint(previous, null);
    rig.t.app.calls.repo.setEndpoint(client.userId, endpoint);
    rig.t.app.calls.refreshEndpoints();
    return client;
  }

  it('lists calls in the contract shape, masked for interns, visible only to those who took part', async () => {
    const op101 = await operatorOn('PJSIP/op101');
    const intern = await operatorOn('PJSIP/op102', 'intern');
    const outsider = await operatorOn('PJSIP/op201');
    const admin = await rig.t.userClient('admin');
    await rig.standin.play(scenario('ami-10-inbound-queue-answered'), SPEED);
    await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');

    const all = (await admin.request('GET', '/api/v1/calls?limit=10')).json().items;
    expect(all).to.have.length(1);
    expect(Object.keys(all[0]).sort()).to.deep.equal([...CONTRACT_KEYS].sort());
    expect(all[0]).to.include({ direction: 'inbound', from: '79161234567', to: '74951230000', did: '74951230000', trunk: 'gsm-gw', queue: 'support', operatorId: op101.userId, disposition: 'answered', recording: null });

    const mine = (await op101.request('GET', '/api/v1/calls')).json().items;
    expect(mine.map((c: { id: number }) => c.id)).to.deep.equal([all[0].id]);
    const masked = (await intern.request('GET', '/api/v1/calls')).json().items;
    expect(masked[0].from).to.equal('+7916 *** ** 67');
    expect((await outsider.request('GET', '/api/v1/calls')).json().items).to.deep.equal([]);
    expect((await outsider.request('GET', `/api/v1/calls/${all[0].id}`)).statusCode).to.equal(404);

    const detail = (await op101.request('GET', `/api/v1/calls/${all[0].id}`)).json();
    expect(detail.legs.map((l: { endpoint: string; role: string }) => `${l.role}:${l.endpoint}`)).to.deep.equal([
      'external:PJSIP/gsm-gw', 'operator:PJSIP/op102', 'operator:PJSIP/op101',
    ]);

    const from = new Date(Date.parse(all[0].startedAt) + 1000).toISOString();
    expect((await admin.request('GET', `/api/v1/calls?from=${encodeURIComponent(from)}`)).json().items).to.deep.equal([]);
  });

  it('click-to-call originates the operator phone first, through the dialplan, and ties the call back', async () => {
    const op = await operatorOn('PJSIP/op102');
    const res = await op.request('POST', '/api/v1/calls', { number: '+380671234567' });
    expect(res.statusCode).to.equal(202);
    const { callRef } = res.json();
    expect(callRef).to.match(/^cb-[0-9a-f-]{36}$/);
    const originate = rig.standin.actions.find((a) => a.Action === 'Originate')!;
    expect(originate).to.include({ Channel: 'PJSIP/op102', Context: 'from-operators', Exten: '9380671234567', Priority: '1', Async: 'true', ChannelId: callRef, Variable: `CRM_CALL_ID=${callRef}` });

    await rig.standin.play(withLinkedId(scenario('ami-30-originate-op102-then-gsm'), '1795598914.8', callRef), SPEED);
    await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
    const call = (await op.request('GET', '/api/v1/calls')).json().items.find((c: { operatorId: number }) => c.operatorId === op.userId);
    expect(call).to.include({ direction: 'outbound', disposition: 'answered', trunk: 'gsm-gw' });
    const row = rig.t.db.prepare('SELECT linked_id FROM calls WHERE id = ?').get(call.id) as { linked_id: string };
    expect(row.linked_id).to.equal(callRef);
  });

  it('tells the operator when Asterisk reports the originate failed (their phone is offline)', async () => {
    const op = await operatorOn('PJSIP/op201');
    const published: Array<{ type: string; userIds?: readonly number[]; data: unknown }> = [];
    const realPublish = rig.t.app.realtime.publish.bind(rig.t.app.realtime);
    rig.t.app.realtime.publish = (e) => {
      published.push({ type: e.type, userIds: e.userIds, data: e.render({ id: op.userId, role: 'operator', username: '', displayName: '', language: null }) });
      realPublish(e);
    };
    // As in ami-15: the Async originate is queued, then OriginateResponse Failure, Reason 0.
    rig.standin.onAction = (f, reply) => {
      if (f.Action !== 'Originate') return false;
      reply(`Response: Success\r\nActionID: ${f.ActionID}\r\nMessage: Originate successfully queued\r\n\r\n`);
      reply(
        `Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: ${f.ActionID}\r\nResponse: Failure\r\nChannel: ${f.Channel}\r\nContext: ${f.Context}\r\n` +
          `Exten: ${f.Exten}\r\nReason: 0\r\nUniqueid: <unknown>\r\nCallerIDNum: <unknown>\r\nCallerIDName: <unknown>\r\n\r\n`,
      );
      return true;
    };
    try {
      const res = await op.request('POST', '/api/v1/calls', { number: '+380671234567' });
      expect(res.statusCode).to.equal(202);
      const failed = await waitFor(() => published.find((p) => p.type === 'call.originate_failed'), 2000, 'failure event');
      expect(failed.userIds).to.deep.equal([op.userId]);
      expect(failed.data).to.deep.equal({ callRef: res.json().callRef, reason: 0 });
      expect(rig.t.app.calls.service.pendingOriginates.size).to.equal(0);
    } finally {
      rig.standin.onAction = null;
      rig.t.app.realtime.publish = realPublish;
    }
  });

  it('admins link phones to users; a phone belongs to one user; others may not', async () => {
    const admin = await rig.t.userClient('admin');
    const op = await rig.t.userClient('operator');
    expect((await admin.request('PUT', `/api/v1/telephony/endpoints/${op.userId}`, { endpoint: 'PJSIP/op301' })).statusCode).to.equal(200);
    const list = (await admin.request('GET', '/api/v1/telephony/endpoints')).json().items;
    expect(list).to.deep.include({ userId: op.userId, endpoint: 'PJSIP/op301' });
    const taken = await admin.request('PUT', `/api/v1/telephony/endpoints/${rig.users.op102 ?? op.userId}`, { endpoint: 'PJSIP/op301' });
    expect(taken.statusCode).to.equal(409);
    expect(taken.json().error.code).to.equal('ENDPOINT_TAKEN');
    expect((await admin.request('PUT', `/api/v1/telephony/endpoints/${op.userId}`, { endpoint: 'PJSIP/op 301' })).statusCode).to.equal(400);
    expect((await admin.request('PUT', '/api/v1/telephony/endpoints/99999', { endpoint: 'PJSIP/op999' })).statusCode).to.equal(404);
    expect((await op.request('PUT', `/api/v1/telephony/endpoints/${op.userId}`, { endpoint: 'PJSIP/op302' })).statusCode).to.equal(403);
    expect((await admin.request('PUT', `/api/v1/telephony/endpoints/${op.userId}`, { endpoint: null })).statusCode).to.equal(200);
    expect(rig.t.app.calls.repo.endpointOfUser(op.userId)).to.equal(null);
    expect(rig.t.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'telephony.endpoint.set'").get()).to.deep.equal({ n: 2 });
  });

  it('click-to-call refuses an intern dialling a raw number, a user without a phone, and a non-number', async () => {
    const intern = await operatorOn('PJSIP/op201', 'intern');
    expect((await intern.request('POST', '/api/v1/calls', { number: '+380671234567' })).json().error.code).to.equal('FORBIDDEN');
    const noPhone = await rig.t.userClient('operator');
    expect((await noPhone.request('POST', '/api/v1/calls', { number: '+380671234567' })).json().error.code).to.equal('NO_ENDPOINT');
    const op = await operatorOn('PJSIP/op101');
    const bad = await op.request('POST', '/api/v1/calls', { number: '12ab' });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('INVALID_PHONE_NUMBER');
    expect((await op.request('POST', '/api/v1/calls', { contactId: 3 })).json().error.code).to.equal('CONTACTS_UNAVAILABLE');
  });

  it('hangs up and blind-transfers a live call through AMI; refuses on ended calls and for other operators', async () => {
    const op = await operatorOn('PJSIP/op101');
    const other = await operatorOn('PJSIP/op201');
    const supervisor = await operatorOn('PJSIP/sup301', 'supervisor');
    const playing = rig.standin.play(scenario('ami-13-inbound-queue-agent-hangs-up'), SPEED);
    const id = await waitFor(() => {
      const row = rig.t.db.prepare("SELECT id, answered_at FROM calls WHERE linked_id = '1795599192.29'").get() as { id: number; answered_at: string | null } | undefined;
      return row?.answered_at ? row.id : undefined;
    }, 3000, 'answered call');
    expect((await other.request('POST', `/api/v1/calls/${id}/hangup`)).statusCode).to.equal(404);
    // A supervisor listens in: their phone rings, then ChanSpy on the operator's channel; audited.
    expect((await op.request('POST', `/api/v1/calls/${id}/spy`, { mode: 'listen' })).statusCode).to.equal(403);
    expect((await supervisor.request('POST', `/api/v1/calls/${id}/spy`, { mode: 'eavesdrop' })).statusCode).to.equal(400);
    const listen = await supervisor.request('POST', `/api/v1/calls/${id}/spy`, { mode: 'whisper' });
    expect(listen.statusCode, listen.body).to.equal(200);
    const spy = rig.standin.actions.filter((a) => a.Action === 'Originate').at(-1)!;
    expect(spy).to.include({ Channel: 'PJSIP/sup301', Application: 'ChanSpy' });
    expect(spy.Data).to.match(/^PJSIP\/op101-[\w.]+,qwE$/);
    expect(spy.Context).to.equal(undefined);
    const audited = rig.t.db.prepare("SELECT actor_id AS actorId, target_id AS targetId FROM audit_log WHERE action = 'call.whisper'").all();
    expect(audited).to.deep.equal([{ actorId: supervisor.userId, targetId: String(id) }]);
    const transfer = await op.request('POST', `/api/v1/calls/${id}/transfer`, { exten: '102' });
    expect(transfer.statusCode).to.equal(200);
    expect(rig.standin.actions.filter((a) => a.Action === 'Redirect').at(-1)).to.include({ Channel: 'PJSIP/gsm-gw-0000001b', Context: 'from-operators', Exten: '102' });
    expect((await op.request('POST', `/api/v1/calls/${id}/transfer`, { exten: '10 2' })).statusCode).to.equal(400);
    const hold = await op.request('POST', `/api/v1/calls/${id}/hold`);
    expect(hold.statusCode).to.equal(501);
    expect(hold.json().error.code).to.equal('HOLD_NOT_SUPPORTED');
    expect((await op.request('POST', `/api/v1/calls/${id}/hangup`)).statusCode).to.equal(200);
    expect(rig.standin.actions.filter((a) => a.Action === 'Hangup').at(-1)).to.include({ Channel: 'PJSIP/gsm-gw-0000001b' });
    await playing;
    await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
    const after = await op.request('POST', `/api/v1/calls/${id}/hangup`);
    expect(after.statusCode).to.equal(409);
    expect(after.json().error.code).to.equal('CALL_NOT_IN_PROGRESS');
    const late = await supervisor.request('POST', `/api/v1/calls/${id}/spy`, { mode: 'barge' });
    expect(late.statusCode).to.equal(409);
    expect(late.json().error.code).to.equal('CALL_NOT_IN_PROGRESS');
  });

  it('transfer rules: an intern transfers to colleagues through the interns\' context but never to typed digits; an outside number goes through the outbound routes', async () => {
    const intern = await operatorOn('PJSIP/op101', 'intern');
    const supervisor = await operatorOn('PJSIP/sup302', 'supervisor');
    const linkedId = '1795599192.29';
    const playing = rig.standin.play(withLinkedId(scenario('ami-13-inbound-queue-agent-hangs-up'), linkedId, '1795599300.29'), SPEED);
    const id = await waitFor(() => {
      const row = rig.t.db.prepare("SELECT id, answered_at FROM calls WHERE linked_id = '1795599300.29'").get() as { id: number; answered_at: string | null } | undefined;
      return row?.answered_at ? row.id : undefined;
    }, 3000, 'answered call');
    const redirects = () => rig.standin.actions.filter((a) => a.Action === 'Redirect');
    const before = redirects().length;
    for (const exten of ['+380671234567', '0671234567']) {
      const refused = await intern.request('POST', `/api/v1/calls/${id}/transfer`, { exten });
      expect(refused.statusCode, refused.body).to.equal(403);
      expect(refused.json().error.code).to.equal('TRANSFER_OUTSIDE_BY_CONTACT_ONLY');
    }
    expect(redirects().length, 'nothing reached Asterisk').to.equal(before);
    const colleague = await intern.request('POST', `/api/v1/calls/${id}/transfer`, { exten: '102' });
    expect(colleague.statusCode, colleague.body).to.equal(200);
    expect(redirects().at(-1)).to.include({ Context: 'cb-interns', Exten: '102' });
    // Transfer by contact needs the contacts module here: a coded refusal, not a raw dial.
    expect((await intern.request('POST', `/api/v1/calls/${id}/transfer`, { contactId: 3 })).json().error.code).to.equal('CONTACTS_UNAVAILABLE');
    const outside = await supervisor.request('POST', `/api/v1/calls/${id}/transfer`, { exten: '+380671234567' });
    expect(outside.statusCode, outside.body).to.equal(200);
    expect(redirects().at(-1)).to.include({ Context: 'from-operators', Exten: '9380671234567' });
    expect((await supervisor.request('POST', `/api/v1/calls/${id}/transfer`, { exten: '+12' })).json().error.code).to.equal('INVALID_PHONE_NUMBER');
    const audit = rig.t.db.prepare("SELECT details FROM audit_log WHERE action = 'call.transfer' AND target_id = ? ORDER BY id").all(String(id)) as { details: string }[];
    expect(audit.map((a) => JSON.parse(a.details))).to.deep.equal([{ exten: '102' }, { outside: true, contactId: null }]);
    await supervisor.request('POST', `/api/v1/calls/${id}/hangup`);
    await playing;
    await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
  });

  it('queue log-in and pause go to Asterisk as QueueAdd/QueuePause for the operator phone', async () => {
    const op = await operatorOn('PJSIP/op201');
    expect((await op.request('POST', '/api/v1/telephony/queue', { action: 'login', queue: 'support' })).statusCode).to.equal(200);
    expect((await op.request('POST', '/api/v1/telephony/queue', { action: 'pause', queue: 'support', reason: 'break' })).statusCode).to.equal(200);
    const add = rig.standin.actions.find((a) => a.Action === 'QueueAdd')!;
    expect(add).to.include({ Queue: 'support', Interface: 'PJSIP/op201' });
    expect(rig.standin.actions.find((a) => a.Action === 'QueuePause')).to.include({ Interface: 'PJSIP/op201', Paused: 'true', Reason: 'break' });
    expect((await op.request('POST', '/api/v1/telephony/queue', { action: 'pause', queue: 'bad queue' })).statusCode).to.equal(400);
    const members = await rig.t.app.telephony.port!.queueMembers!();
    expect(members).to.deep.include({ queue: 'support', interface: 'PJSIP/op201', paused: true, pausedReason: 'break' });
    expect(members).to.deep.include({ queue: 'support', interface: 'PJSIP/op101', paused: false, pausedReason: null });
  });
});

describe('calls API: click-to-call asks licensing first', function () {
  this.timeout(30_000);
  it('does not originate when licensing refuses, and gives the held session back when Asterisk refuses', async () => {
    const asked: string[] = [];
    let refuse = true;
    let released = 0;
    const fakeLicensing = {
      name: 'licensing-fake',
      migrations: [],
      plugin: fp(async (app) => {
        // Only the one method calls uses; the real licensing service has more.
        const fake = {
          assertCanOpenDialog(direction: string) {
            asked.push(direction);
            if (refuse) throw new AppError('FORBIDDEN');
            return () => void released++;
          },
        };
        app.decorate('licensing', fake as never);
      }, { name: 'licensing' }),
    };
    const rig = await startRig({ capabilities: [fakeLicensing, ...CALL_CAPABILITIES] });
    try {
      await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 3000, 'login');
      const op = await rig.t.userClient('operator');
      rig.t.app.calls.repo.setEndpoint(rig.users.op101!, null);
      rig.t.app.calls.repo.setEndpoint(op.userId, 'PJSIP/op101');
      rig.t.app.calls.refreshEndpoints();
      const refused = await op.request('POST', '/api/v1/calls', { number: '+380671234567' });
      expect(refused.json().error.code).to.equal('FORBIDDEN');
      expect(asked).to.deep.equal(['outbound']);
      expect(rig.standin.actions.filter((a) => a.Action === 'Originate')).to.have.length(0);
      refuse = false;
      rig.standin.onAction = (f, reply) => {
        if (f.Action !== 'Originate') return false;
        reply(`Response: Error\r\nActionID: ${f.ActionID}\r\nMessage: Originate failed\r\n\r\n`);
        return true;
      };
      const failed = await op.request('POST', '/api/v1/calls', { number: '+380671234567' });
      expect(failed.statusCode).to.equal(502);
      expect(failed.json().error.code).to.equal('TELEPHONY_REJECTED');
      expect(released).to.equal(1);
    } finally {
      await rig.close();
    }
  });
});
