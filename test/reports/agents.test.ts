import { expect } from 'chai';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { AmiFeedPort, CallScript, waitFor } from '../support/ami-feed.js';

describe('agents: states drive queue membership and are reported', function () {
  this.timeout(90_000);
  let t: TestApp;
  let port: AmiFeedPort;
  let clock: ManualClock;
  let admin: TestClient;
  let supervisor: TestClient;
  let op: TestClient;

  before(async () => {
    clock = new ManualClock('2026-03-02T09:00:00Z');
    port = new AmiFeedPort(clock);
    t = await buildTestApp({ clock, overrides: { telephony: { port } } });
    admin = await t.userClient('admin');
    supervisor = await t.userClient('supervisor');
    op = await t.userClient('operator', 'op101');
    t.app.calls.repo.setEndpoint(op.userId, 'PJSIP/op101');
    t.app.calls.refreshEndpoints();
    expect((await admin.request('PUT', '/api/v1/agents/queues/sales', { wrapupSec: 15 })).statusCode).to.equal(200);
    expect((await admin.request('PUT', '/api/v1/agents/queues/support', { wrapupSec: 0 })).statusCode).to.equal(200);
    expect((await admin.request('POST', '/api/v1/agents/pause-reasons', { name: 'Lunch' })).statusCode).to.equal(201);
    expect((await admin.request('POST', '/api/v1/agents/pause-reasons', { name: 'Training' })).statusCode).to.equal(201);
  });
  after(async () => t?.close());

  it('login adds the phone to each queue; pause with a reason is a QueuePause with that reason; available unpauses', async () => {
    const login = await op.request('POST', '/api/v1/agents/me/login', { queues: ['sales', 'support'] });
    expect(login.statusCode, login.body).to.equal(200);
    expect(login.json()).to.include({ state: 'available' });
    expect(port.actions).to.deep.equal(['QueueAdd sales PJSIP/op101', 'QueueAdd support PJSIP/op101']);
    clock.advance(60_000);
    const pause = await op.request('POST', '/api/v1/agents/me/state', { state: 'paused', reason: 'lunch' });
    expect(pause.statusCode, pause.body).to.equal(200);
    expect(pause.json()).to.include({ state: 'paused', reason: 'Lunch' });
    expect(port.actions.at(-1)).to.equal('QueuePause * PJSIP/op101 true Lunch');
    expect(port.members.get('sales')!.get('PJSIP/op101')).to.deep.equal({ paused: true, reason: 'Lunch' });
    clock.advance(120_000);
    expect((await op.request('POST', '/api/v1/agents/me/state', { state: 'available' })).json()).to.include({ state: 'available' });
    expect(port.actions.at(-1)).to.equal('QueuePause * PJSIP/op101 false');
  });

  it('the pause report shows the time by reason; the timeline lists each state', async () => {
    const res = await supervisor.request('GET', '/api/v1/reports/agents?from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z');
    const row = res.json().items.find((i: { agentId: number }) => i.agentId === op.userId);
    expect(row).to.include({ pauseSec: 120, availableSec: 60, loginSec: 180 });
    expect(row.pauseByReason).to.deep.equal([{ reason: 'Lunch', sec: 120 }]);
    const tl = (await op.request('GET', `/api/v1/agents/${op.userId}/timeline?from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z`)).json().items;
    expect(tl.map((e: { state: string; reason: string | null }) => [e.state, e.reason])).to.deep.equal([
      ['available', null],
      ['paused', 'Lunch'],
      ['available', null],
    ]);
  });

  it('after a call from a queue with a wrap-up time the operator is in wrap-up (paused in Asterisk), then available again', async () => {
    new CallScript(port, clock, 'w1', '380671234567').arrive().join('sales').ring('sales', 'PJSIP/op101').wait(2)
      .answer('sales', 'PJSIP/op101', 2, 2).wait(10).complete('sales', 'PJSIP/op101', 2, 10, 'caller').hangup();
    const view = await waitFor(async () => {
      const v = (await op.request('GET', '/api/v1/agents/me')).json();
      return v.state === 'wrapup' && v;
    }, 5000, 'wrap-up');
    expect(view).to.include({ queue: 'sales' });
    expect(port.actions.at(-1)).to.equal('QueuePause * PJSIP/op101 true wrap-up');
    // The operator may end wrap-up early.
    clock.advance(5000);
    expect((await op.request('POST', '/api/v1/agents/me/state', { state: 'available' })).json()).to.include({ state: 'available' });
    const row = (await supervisor.request('GET', '/api/v1/reports/agents?from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z')).json().items.find(
      (i: { agentId: number }) => i.agentId === op.userId,
    );
    expect(row).to.include({ wrapSec: 5, handled: 1, talkSec: 10 });
    const sales = (await supervisor.request('GET', '/api/v1/reports/queues?from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z')).json().items.find(
      (i: { queue: string }) => i.queue === 'sales',
    );
    expect(sales).to.include({ wrapSec: 5, ahtSec: 15 });
  });

  it('supervisors see every agent live; bad input and Asterisk refusals are coded errors that change nothing', async () => {
    const list = (await supervisor.request('GET', '/api/v1/agents')).json().items;
    expect(list.find((a: { userId: number }) => a.userId === op.userId)).to.include({ state: 'available', name: 'Test op101' });
    expect((await op.request('GET', '/api/v1/agents')).statusCode).to.equal(403);
    const unknown = await op.request('POST', '/api/v1/agents/me/state', { state: 'paused', reason: 'Nap' });
    expect(unknown.statusCode).to.equal(400);
    expect(unknown.json().error.code).to.equal('AGENT_PAUSE_REASON_UNKNOWN');
    expect((await op.request('POST', '/api/v1/agents/me/login', { queues: ['nope'] })).json().error.code).to.equal('AGENT_QUEUE_UNKNOWN');
    port.failNext = 'Interface not found';
    const refused = await op.request('POST', '/api/v1/agents/me/state', { state: 'paused', reason: 'Training' });
    expect(refused.statusCode).to.equal(503);
    expect(refused.json().error.code).to.equal('AGENT_TELEPHONY_DOWN');
    expect((await op.request('GET', '/api/v1/agents/me')).json()).to.include({ state: 'available' });
    // A supervisor may pause an operator; logout removes the phone from every queue.
    expect((await supervisor.request('POST', `/api/v1/agents/${op.userId}/state`, { state: 'paused', reason: 'Training' })).json()).to.include({ state: 'paused' });
    expect((await op.request('POST', '/api/v1/agents/me/logout')).json()).to.include({ state: 'offline' });
    expect(port.members.get('sales')!.has('PJSIP/op101')).to.equal(false);
    expect((await op.request('POST', '/api/v1/agents/me/state', { state: 'available' })).json().error.code).to.equal('AGENT_NOT_LOGGED_IN');
  });
  it('the roster lists every active non-admin user, signed in or not; the chats each agent handles follow the chat events', async () => {
    const intern = await t.userClient('intern', 'intern-roster');
    const items = (await supervisor.request('GET', '/api/v1/agents')).json().items as Array<{ userId: number; state: string; role: string | null; chats: unknown[] }>;
    expect(items.find((a) => a.userId === intern.userId)).to.include({ state: 'offline', role: 'intern' });
    expect(items.find((a) => a.userId === supervisor.userId)).to.include({ role: 'supervisor' });
    expect(items.some((a) => a.userId === admin.userId)).to.equal(false);
    const at = clock.now().toISOString();
    const bus = t.app.deps.bus;
    bus.publish('chat.accepted', { conversationId: 41, siteId: 1, operatorId: op.userId, waitedMs: 1000, at });
    bus.publish('chat.accepted', { conversationId: 42, siteId: 1, operatorId: op.userId, waitedMs: 1000, at });
    const chatsOf = async (id: number) => ((await supervisor.request('GET', '/api/v1/agents')).json().items as Array<{ userId: number; chats: Array<{ conversationId: number }> }>).find((a) => a.userId === id)!.chats.map((c) => c.conversationId);
    expect(await chatsOf(op.userId)).to.deep.equal([41, 42]);
    // Handed to the intern: it moves; handed to a team: it leaves; closed: gone.
    bus.publish('chat.transferred', { conversationId: 41, siteId: 1, fromOperatorId: op.userId, toOperatorId: intern.userId, toTeamId: null, at });
    expect(await chatsOf(op.userId)).to.deep.equal([42]);
    expect(await chatsOf(intern.userId)).to.deep.equal([41]);
    bus.publish('chat.transferred', { conversationId: 41, siteId: 1, fromOperatorId: intern.userId, toOperatorId: null, toTeamId: 3, at });
    expect(await chatsOf(intern.userId)).to.deep.equal([]);
    bus.publish('chat.closed', { conversationId: 42, siteId: 1, operatorId: op.userId, by: 'visitor', at });
    expect(await chatsOf(op.userId)).to.deep.equal([]);
    expect((await intern.request('GET', '/api/v1/agents/me')).json()).to.include({ state: 'offline' }).and.have.property('chats').that.deep.equals([]);
  });
});
