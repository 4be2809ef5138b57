import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../appliance/core/clock.js';
import { relativePathOf } from '../../appliance/chat/files.js';
import { startChatAppliance, VisitorSocket, type ChatAppliance } from './support.js';
import { login, type TestClient } from '../support/test-app.js';

const SHOP = 'http://retention.test';
const DAY = 86_400_000;

describe('chats under retention: expiry, shared files, legal holds, forecast', function () {
  this.timeout(60_000);
  let a: ChatAppliance;
  let admin: TestClient;
  let key: string;
  const clock = new ManualClock(new Date());
  const sockets: VisitorSocket[] = [];
  const file = Buffer.from('a contract both visitors sent');
  const filePath = () => join(a.dir, relativePathOf(require256(file)));

  before(async () => {
    a = await startChatAppliance({ clock, chatConfig: { limits: { ipStarts: { perMinute: 600, burst: 100 } } } });
    admin = await a.client('admin');
    key = (await admin.request('POST', '/api/v1/sites', { name: 'R', origins: [SHOP] })).json().publicKey;
  });
  after(async () => {
    for (const s of sockets) s.close();
    await a.close();
  });

  async function chatWithFile(text: string): Promise<number> {
    const v = await VisitorSocket.open(a.url, key, SHOP);
    sockets.push(v);
    v.send({ t: 'hello' });
    const welcome = await v.waitFor((f) => f.t === 'welcome', 'welcome');
    v.send({ t: 'start', form: { name: text, email: 'r@example.com' } });
    const st = await v.waitFor((f) => f.t === 'state', 'state');
    v.send({ t: 'msg', cid: 'm', text });
    await v.waitFor((f) => f.t === 'ack', 'ack');
    const up = await fetch(`${a.url}/chat/w/${key}/files?token=${welcome.token}&cid=f&name=contract.pdf`, { method: 'POST', body: file, headers: { origin: SHOP, 'content-type': 'application/pdf' } });
    expect(up.status, await up.clone().text()).to.equal(201);
    expect(up.headers.get('access-control-allow-origin')).to.equal(SHOP);
    v.send({ t: 'close' });
    await v.waitFor((f) => f.t === 'state' && f.state === 'closed', 'closed');
    return st.conversationId as number;
  }

  it('counts chat files in the forecast, keeps a held chat and a file it still uses, and deletes the rest', async () => {
    const [first, second, held] = [await chatWithFile('first'), await chatWithFile('second'), await chatWithFile('held')];
    expect(existsSync(filePath())).to.equal(true);
    const forecast = (await admin.request('GET', '/api/v1/retention/forecast')).json() as { classes: { class: string; registered: boolean; items: number; bytes: number }[] };
    const chats = forecast.classes.find((c) => c.class === 'chats')!;
    expect(chats).to.include({ registered: true, items: 3 });
    expect(chats.bytes).to.be.greaterThan(3 * file.length);

    const hold = await admin.request('POST', '/api/v1/legal-holds', { scope: 'chat', targetId: String(held), reason: 'dispute' });
    expect(hold.statusCode, hold.body).to.equal(201);
    const missing = await admin.request('POST', '/api/v1/legal-holds', { scope: 'chat', targetId: '99999', reason: 'x' });
    expect(missing.statusCode).to.equal(404);

    a.app.retention.service.setPolicy('chats', 1, { source: 'admin', actorId: null });
    clock.advance(3 * DAY);
    const report = await a.app.retention.service.run({ trigger: 'test', actor: 'test' });
    const chatsRun = report.classes.find((c) => c.class === 'chats')!;
    expect(chatsRun.items).to.equal(2);
    const left = a.db.prepare('SELECT id FROM chat_conversations ORDER BY id').all() as { id: number }[];
    expect(left.map((r) => r.id)).to.deep.equal([held]);
    expect(a.db.prepare('SELECT count(*) AS n FROM chat_messages WHERE conversation_id IN (?, ?)').get(first, second)).to.deep.equal({ n: 0 });
    // The held chat still uses the content-addressed file: it stays.
    expect(existsSync(filePath())).to.equal(true);

    // Three days on, the admin's session has ended: they log in again.
    admin = await login(a.app, admin.username, admin.password);
    const released = await admin.request('DELETE', `/api/v1/legal-holds/${hold.json().id}`);
    expect(released.statusCode, released.body).to.equal(200);
    const again = await a.app.retention.service.run({ trigger: 'test', actor: 'test' });
    expect(again.classes.find((c) => c.class === 'chats')!.items).to.equal(1);
    expect(existsSync(filePath())).to.equal(false);
    expect(a.db.prepare('SELECT count(*) AS n FROM chat_files').get()).to.deep.equal({ n: 0 });
  });
});

function require256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
