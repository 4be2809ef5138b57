import { expect } from 'chai';
import { signIdentity } from '../../appliance/chat/identity.js';
import { startChatAppliance, OperatorEvents, VisitorSocket, waitUntil, type ChatAppliance, type Frame } from './support.js';
import type { TestClient } from '../support/test-app.js';

const SHOP = 'http://shop.test:8080';

describe('chat gateway: visitor socket, operators, licence, masking, identity', function () {
  this.timeout(60_000);
  let a: ChatAppliance;
  let admin: TestClient;
  let operator: TestClient & { displayName: string };
  let ops: OperatorEvents;
  let key: string;
  let secret: string;
  const sockets: VisitorSocket[] = [];
  const visitor = async () => {
    const v = await VisitorSocket.open(a.url, key, SHOP);
    sockets.push(v);
    return v;
  };
  const hello = async (v: VisitorSocket, extra: Record<string, unknown> = {}) => {
    v.send({ t: 'hello', lang: 'uk', ...extra });
    return v.waitFor((f) => f.t === 'welcome', 'welcome');
  };

  before(async () => {
    a = await startChatAppliance({ sessions: 1, chatConfig: { limits: { ipStarts: { perMinute: 600, burst: 100 }, ipConnects: { perMinute: 600, burst: 100 } } } });
    admin = await a.client('admin');
    operator = await a.client('operator');
    const site = await admin.request('POST', '/api/v1/sites', { name: 'Shop', origins: [SHOP] });
    key = site.json().publicKey;
    secret = site.json().secret;
    ops = await OperatorEvents.open(a.url, operator.cookie);
  });
  after(async () => {
    for (const s of sockets) s.close();
    ops?.close();
    await a.close();
  });

  it('refuses a page from an origin the site does not list, on the socket and on the script', async () => {
    let refused = '';
    await VisitorSocket.open(a.url, key, 'http://evil.test').catch((err: Error) => (refused = err.message));
    expect(refused).to.contain('403');
    const script = await fetch(`${a.url}/chat/widget/${key}.js`, { headers: { origin: 'http://evil.test' } });
    expect(script.status).to.equal(403);
    expect((await script.json()).error.code).to.equal('CHAT_ORIGIN_REFUSED');
    const noOrigin = await fetch(`${a.url}/chat/widget/${key}.js`);
    expect(noOrigin.status).to.equal(403);
  });

  it('stores a message once however often it is re-sent, acks after storing, and resumes after a cut without loss or doubles', async () => {
    const v = await visitor();
    const welcome = await hello(v);
    expect(welcome.open).to.equal(true);
    v.send({ t: 'start', form: { name: 'Olena' } });
    const state = await v.waitFor((f) => f.t === 'state', 'state');
    const id = state.conversationId as number;
    v.send({ t: 'msg', cid: 'c1', text: 'Hello' });
    v.send({ t: 'msg', cid: 'c1', text: 'Hello' });
    await waitUntil(() => v.frames.filter((f) => f.t === 'ack').length === 2, 'two acks');
    const acks = v.frames.filter((f) => f.t === 'ack');
    expect(acks.map((f) => f.seq)).to.deep.equal([1, 1]);
    await ops.waitFor((e) => e.type === 'chat.message' && (e.data as { conversationId: number }).conversationId === id, 'operator event');

    const accepted = await operator.request('POST', `/api/v1/chats/${id}/accept`);
    expect(accepted.statusCode, accepted.body).to.equal(200);
    await operator.request('POST', `/api/v1/chats/${id}/messages`, { text: 'Hi Olena', clientId: 'o1' });
    await v.waitFor((f) => f.t === 'msg' && f.from === 'operator', 'operator message');

    // The visitor's connection is cut; meanwhile the operator writes twice (one a retry).
    v.close();
    await operator.request('POST', `/api/v1/chats/${id}/messages`, { text: 'Are you there?', clientId: 'o2' });
    const retry = await operator.request('POST', `/api/v1/chats/${id}/messages`, { text: 'Are you there?', clientId: 'o2' });
    expect(retry.statusCode).to.equal(200);
    const lastSeen = Math.max(...v.frames.filter((f) => f.t === 'msg').map((f) => f.seq as number));
    const again = await visitor();
    await hello(again, { token: welcome.token, lastSeq: lastSeen });
    const replayed = await again.waitFor((f) => f.t === 'msg', 'replayed message');
    expect(replayed.text).to.equal('Are you there?');
    // Re-sending an unacked message after the reconnect stores it once.
    again.send({ t: 'msg', cid: 'c2', text: 'Yes' });
    again.send({ t: 'msg', cid: 'c2', text: 'Yes' });
    await waitUntil(() => again.frames.filter((f) => f.t === 'ack').length === 2, 'acks');
    const history = (await operator.request('GET', `/api/v1/chats/${id}/messages`)).json().items as { seq: number; text: string; author: string }[];
    expect(history.map((m) => [m.seq, m.author, m.text])).to.deep.equal([
      [1, 'visitor', 'Hello'],
      [2, 'operator', 'Hi Olena'],
      [3, 'operator', 'Are you there?'],
      [4, 'visitor', 'Yes'],
    ]);
    expect(again.frames.filter((f) => f.t === 'msg').map((f) => f.seq)).to.deep.equal([3, 4]);
  });

  it('at the licence limit a new visitor waits with a position and is served when a dialog ends; no chat is cut', async () => {
    const open = (await operator.request('GET', '/api/v1/chats?state=active')).json().items as { id: number }[];
    expect(open).to.have.length(1);
    const v = await visitor();
    await hello(v);
    v.send({ t: 'start', form: { name: 'Petro' } });
    const waiting = await v.waitFor((f) => f.t === 'state' && f.state === 'waiting', 'waiting state');
    expect(waiting).to.include({ position: 1, atLimit: true });
    const refused = await operator.request('POST', `/api/v1/chats/${waiting.conversationId}/accept`);
    expect(refused.statusCode).to.equal(409);
    expect(refused.json().error.code).to.equal('LICENSE_SESSIONS_EXHAUSTED');
    // The ongoing chat still works.
    const still = await operator.request('POST', `/api/v1/chats/${open[0]!.id}/messages`, { text: 'still here' });
    expect(still.statusCode).to.equal(201);
    v.frames = [];
    await operator.request('POST', `/api/v1/chats/${open[0]!.id}/close`);
    // The operator's session is free: the waiting visitor is given to them without a click.
    await v.waitFor((f) => f.t === 'state' && f.state === 'active' && f.operator === operator.displayName, 'served');
    const events = a.db.prepare("SELECT count(*) AS n FROM licensing_open_dialogs WHERE dialog_id LIKE 'chat:%'").get() as { n: number };
    expect(events.n).to.equal(1);
    await operator.request('POST', `/api/v1/chats/${waiting.conversationId}/close`);
  });

  it('shows interns masked numbers and addresses in chats: lists, history and contact fields', async () => {
    const intern = await a.client('intern');
    const v = await visitor();
    await hello(v);
    v.send({ t: 'start', form: { name: 'Iryna', email: 'iryna.k@example.com', phone: '+380671234567' } });
    const st = await v.waitFor((f) => f.t === 'state', 'state');
    v.send({ t: 'msg', cid: 'x', text: 'Call me at +380 67 123 45 67 or iryna.k@example.com' });
    await v.waitFor((f) => f.t === 'ack', 'ack');
    const list = (await intern.request('GET', '/api/v1/chats?state=waiting')).json().items as { id: number; visitor: { email: string; phone: string } }[];
    const mine = list.find((c) => c.id === st.conversationId)!;
    expect(mine.visitor.email).to.equal('i***@example.com');
    expect(mine.visitor.phone).to.not.contain('1234567');
    const history = (await intern.request('GET', `/api/v1/chats/${st.conversationId}/messages`)).json().items as { text: string }[];
    expect(history[0]!.text).to.not.contain('123 45 67').and.not.contain('iryna.k@');
    const plain = (await operator.request('GET', `/api/v1/chats/${st.conversationId}/messages`)).json().items as { text: string }[];
    expect(plain[0]!.text).to.contain('iryna.k@example.com');
    v.send({ t: 'close' });
  });

  it('puts a verified visitor on the same contact from a second device; an unsigned claim never attaches', async () => {
    const expires = Math.floor(Date.now() / 1000) + 600;
    const claim = { id: 'customer-42', email: 'taras@example.com', expires };
    const signature = signIdentity(secret, claim);
    const contacts: number[] = [];
    for (let device = 0; device < 2; device++) {
      const v = await visitor();
      await hello(v);
      v.send({ t: 'identify', ...claim, name: 'Taras', signature });
      await v.waitFor((f) => f.t === 'identified', 'identified');
      v.send({ t: 'start', form: {} });
      const st = await v.waitFor((f) => f.t === 'state', 'state');
      contacts.push((await operator.request('GET', `/api/v1/chats/${st.conversationId}`)).json().contactId);
      v.send({ t: 'close' });
      await v.waitFor((f) => f.t === 'state' && f.state === 'closed', 'closed');
    }
    expect(contacts[0]).to.be.a('number');
    expect(contacts[1]).to.equal(contacts[0]);
    // A forged signature is refused; the same e-mail typed in the form makes a new lead.
    const forged = await visitor();
    await hello(forged);
    forged.send({ t: 'identify', ...claim, signature: signIdentity('wrong', claim) });
    const err = await forged.waitFor((f) => f.t === 'error', 'refusal');
    expect(err.code).to.equal('CHAT_IDENTITY_INVALID');
    forged.send({ t: 'start', form: { email: 'taras@example.com' } });
    const st = await forged.waitFor((f) => f.t === 'state', 'state');
    const other = (await operator.request('GET', `/api/v1/chats/${st.conversationId}`)).json().contactId;
    expect(other).to.not.equal(contacts[0]);
    forged.send({ t: 'close' });
  });

  it('turns a chat with nobody online into a left message that waits in the workspace and needs an address', async () => {
    ops.close();
    await waitUntil(() => a.app.realtime.connectedUsers().length === 0, 'operator offline');
    const v = await visitor();
    const welcome = await hello(v);
    expect(welcome).to.include({ open: false, closedReason: 'nobody' });
    v.send({ t: 'start', form: { name: 'Late' }, mode: 'message' });
    const err = await v.waitFor((f) => f.t === 'error', 'address required');
    expect(err.code).to.equal('VALIDATION_FAILED');
    v.send({ t: 'start', form: { name: 'Late', email: 'late@example.com' }, mode: 'message' });
    const st = await v.waitFor((f) => f.t === 'state', 'state');
    expect(st.mode).to.equal('message');
    v.send({ t: 'msg', cid: 'm1', text: 'Please call me back tomorrow' });
    await v.waitFor((f) => f.t === 'ack', 'ack');
    const waiting = (await operator.request('GET', '/api/v1/chats?state=waiting')).json().items as { id: number; mode: string }[];
    expect(waiting.find((c) => c.id === st.conversationId)?.mode).to.equal('message');
    const reply = await operator.request('POST', `/api/v1/chats/${st.conversationId}/reply-by-email`, { text: 'We will call' });
    expect(reply.json().error.code).to.equal('CHAT_NO_MAILBOX');
    ops = await OperatorEvents.open(a.url, operator.cookie);
  });

  it('answers malformed frames and over-long messages with coded errors and stores nothing', async () => {
    const v = await visitor();
    await hello(v);
    v.ws.send('not json');
    const e1 = await v.waitFor((f: Frame) => f.t === 'error', 'malformed');
    expect(e1.code).to.equal('VALIDATION_FAILED');
    expect(e1.message).to.match(/[а-яіїє]/i);
    v.send({ t: 'start', form: {} });
    await v.waitFor((f) => f.t === 'state', 'state');
    v.frames = [];
    v.send({ t: 'msg', cid: 'long', text: 'x'.repeat(5000) });
    const e2 = await v.waitFor((f) => f.t === 'error', 'too long');
    expect(e2).to.include({ code: 'CHAT_MESSAGE_TOO_LONG', cid: 'long' });
    v.send({ t: 'close' });
  });

  it('refuses messages to a chat closed meanwhile and stores nothing, but still acks a re-send of one stored before', async () => {
    const v = await visitor();
    await hello(v);
    v.send({ t: 'start', form: { name: 'Taras' } });
    const id = (await v.waitFor((f) => f.t === 'state', 'state')).conversationId as number;
    v.send({ t: 'msg', cid: 'k1', text: 'Before the end' });
    await v.waitFor((f) => f.t === 'ack' && f.cid === 'k1', 'ack k1');
    const closed = await operator.request('POST', `/api/v1/chats/${id}/close`);
    expect(closed.statusCode, closed.body).to.equal(200);
    await v.waitFor((f) => f.t === 'state' && f.state === 'closed', 'closed state');
    // The socket still points at the chat: the store itself refuses it.
    v.send({ t: 'msg', cid: 'k2', text: 'After the end' });
    const refused = await v.waitFor((f) => f.t === 'error' && f.cid === 'k2', 'refusal');
    expect(refused.code).to.equal('CHAT_CLOSED');
    v.send({ t: 'msg', cid: 'k1', text: 'Before the end' });
    await waitUntil(() => v.frames.filter((f) => f.t === 'ack' && f.cid === 'k1').length === 2, 'second ack of k1');
    expect(v.frames.filter((f) => f.t === 'ack' && f.cid === 'k1').map((f) => f.seq)).to.deep.equal([1, 1]);
    const late = await operator.request('POST', `/api/v1/chats/${id}/messages`, { text: 'Too late' });
    expect(late.statusCode).to.equal(409);
    expect(late.json().error.code).to.equal('CHAT_CLOSED');
    const history = (await operator.request('GET', `/api/v1/chats/${id}/messages`)).json().items as { seq: number; text: string }[];
    expect(history.map((m) => [m.seq, m.text])).to.deep.equal([[1, 'Before the end']]);
  });
});
