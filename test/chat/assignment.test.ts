import { expect } from 'chai';
import { startChatAppliance, OperatorEvents, VisitorSocket, waitUntil, type ChatAppliance, type Frame } from './support.js';
import type { TestClient } from '../support/test-app.js';

const SHOP = 'http://shop.test:8080';

/**
 * Waiting visitors are given to an operator whose session frees (a chat ended or handed on, or
 * the operator became available), longest waiting first, up to the operator's chat limit;
 * transfers to a colleague or a team of the site, checked on the server.
 */
describe('chat assignment and transfer', function () {
  this.timeout(60_000);
  let a: ChatAppliance;
  let admin: TestClient;
  let anna: TestClient & { displayName: string };
  let bohdan: TestClient & { displayName: string };
  let outsider: TestClient & { displayName: string };
  let teamId: number;
  let key: string;
  const sockets: VisitorSocket[] = [];
  const events: OperatorEvents[] = [];

  const arrive = async (name: string) => {
    const v = await VisitorSocket.open(a.url, key, SHOP);
    sockets.push(v);
    v.send({ t: 'hello', lang: 'en' });
    await v.waitFor((f) => f.t === 'welcome', 'welcome');
    v.send({ t: 'start', form: { name } });
    const st = await v.waitFor((f) => f.t === 'state' && f.state === 'waiting', `${name} waiting`);
    return { v, id: st.conversationId as number };
  };
  const servedBy = (v: VisitorSocket, name: string) => v.waitFor((f: Frame) => f.t === 'state' && f.state === 'active' && f.operator === name, `served by ${name}`);
  const chat = async (id: number) => (await admin.request('GET', `/api/v1/chats/${id}`)).json() as { state: string; operatorId: number | null; teamId: number | null };

  before(async () => {
    a = await startChatAppliance({ sessions: 10, chatConfig: { maxChatsPerOperator: 1 } });
    admin = await a.client('admin');
    anna = await a.client('operator', 'anna');
    bohdan = await a.client('operator', 'bohdan');
    outsider = await a.client('operator', 'outsider');
    const team = await admin.request('POST', '/api/v1/teams', { name: 'Shop team', memberIds: [anna.userId, bohdan.userId] });
    expect(team.statusCode, team.body).to.equal(201);
    teamId = team.json().id;
    const site = await admin.request('POST', '/api/v1/sites', { name: 'Shop', origins: [SHOP], teamId });
    expect(site.statusCode, site.body).to.equal(201);
    key = site.json().publicKey;
    events.push(await OperatorEvents.open(a.url, anna.cookie));
  });
  after(async () => {
    for (const s of sockets) s.close();
    for (const e of events) e.close();
    await a.close();
  });

  it('gives the visitor waiting longest to the operator whose chat ended, up to their limit', async () => {
    const first = await arrive('First');
    const second = await arrive('Second');
    const third = await arrive('Third');
    expect((await anna.request('POST', `/api/v1/chats/${second.id}/accept`)).statusCode).to.equal(200);
    // At her limit (one chat) nothing more comes to her.
    expect((await chat(first.id)).state).to.equal('waiting');
    const closed = await anna.request('POST', `/api/v1/chats/${second.id}/close`);
    expect(closed.statusCode, closed.body).to.equal(200);
    await servedBy(first.v, anna.displayName);
    await events[0]!.waitFor((e) => e.type === 'chat.assigned' && (e.data as { conversationId: number }).conversationId === first.id, 'assigned event');
    expect((await chat(third.id)).state).to.equal('waiting');
    const audit = a.db.prepare("SELECT actor_id AS actor, details FROM audit_log WHERE action = 'chat.assigned' AND target_id = ?").get(String(first.id)) as { actor: number | null; details: string };
    expect(audit.actor).to.equal(null);
    expect(JSON.parse(audit.details)).to.deep.equal({ operatorId: anna.userId });
    // Third learns their new place in the queue.
    await third.v.waitFor((f) => f.t === 'state' && f.state === 'waiting' && f.position === 1, 'third moves up');
  });

  it('transfers only to colleagues and teams of the site, and the freed operator takes the next visitor', async () => {
    const [first, third] = (await admin.request('GET', '/api/v1/chats?state=active')).json().items.concat((await admin.request('GET', '/api/v1/chats?state=waiting')).json().items) as { id: number }[];
    const targets = (await anna.request('GET', `/api/v1/chats/${first!.id}/transfer-targets`)).json() as { operators: { id: number; name: string; online: boolean }[]; teams: { id: number }[] };
    expect(targets.operators.map((o) => o.id)).to.include(bohdan.userId).and.include(admin.userId).and.not.include(outsider.userId).and.not.include(anna.userId);
    expect(targets.teams.map((t) => t.id)).to.deep.equal([teamId]);

    const notMember = await anna.request('POST', `/api/v1/chats/${first!.id}/transfer`, { operatorId: outsider.userId });
    expect(notMember.statusCode).to.equal(400);
    expect(notMember.json().error.code).to.equal('CHAT_TRANSFER_INVALID');
    const otherTeam = await admin.request('POST', '/api/v1/teams', { name: 'Other team', memberIds: [outsider.userId] });
    const wrongTeam = await anna.request('POST', `/api/v1/chats/${first!.id}/transfer`, { teamId: otherTeam.json().id });
    expect(wrongTeam.json().error.code).to.equal('CHAT_TRANSFER_INVALID');
    const notHers = await bohdan.request('POST', `/api/v1/chats/${first!.id}/transfer`, { operatorId: bohdan.userId });
    expect(notHers.json().error.code).to.equal('CHAT_NOT_YOURS');
    const hidden = await outsider.request('GET', `/api/v1/chats/${first!.id}/transfer-targets`);
    expect(hidden.statusCode).to.equal(404);

    const moved = await anna.request('POST', `/api/v1/chats/${first!.id}/transfer`, { operatorId: bohdan.userId });
    expect(moved.statusCode, moved.body).to.equal(200);
    expect(moved.json()).to.include({ state: 'active', operatorId: bohdan.userId });
    // Anna is free again: the next waiting visitor is hers.
    await waitUntil(async () => (await chat(third!.id)).operatorId === anna.userId, 'third given to anna');
  });

  it('a chat handed to the team waits for a member with room; an operator becoming available takes it', async () => {
    events.push(await OperatorEvents.open(a.url, bohdan.cookie));
    await waitUntil(() => a.app.realtime.connectedUsers().some((u) => u.id === bohdan.userId), 'bohdan online');
    const held = (await bohdan.request('GET', '/api/v1/chats?state=active&mine=true')).json().items as { id: number }[];
    expect(held).to.have.length(1);
    // Back to the team: Anna is at her limit, Bohdan handed it on, so it waits.
    const back = await bohdan.request('POST', `/api/v1/chats/${held[0]!.id}/transfer`, { teamId });
    expect(back.statusCode, back.body).to.equal(200);
    expect(back.json()).to.include({ state: 'waiting', operatorId: null, teamId });
    expect((await chat(held[0]!.id)).state).to.equal('waiting');
    // An operator who becomes available (telephony presence) is given the visitor waiting longest.
    (a.app.deps.bus as unknown as { publish(t: string, p: unknown): void }).publish('agent.state.changed', { userId: bohdan.userId, state: 'available', reason: null, queue: null, since: new Date().toISOString(), ended: null });
    await waitUntil(async () => (await chat(held[0]!.id)).operatorId === bohdan.userId, 'bohdan takes it');
  });
});
