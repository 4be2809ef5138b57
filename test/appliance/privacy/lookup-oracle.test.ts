import { expect } from 'chai';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { defaultLookupBudget } from '../../../appliance/core/lookup-guard.js';
import { buildTestApp, type TestApp, type TestClient } from '../../support/test-app.js';

/**
 * The attack from outside: a script logged in as an intern asks `GET /api/v1/contacts?q=` for
 * every candidate of the five hidden digits of a masked number and watches which answer is
 * not empty. It must learn nothing within its budget, admins must hear of it, and the audit log
 * must hold every lookup (without the values).
 */
describe('privacy: a masked user cannot farm the full-value search to unmask a number', function () {
  this.timeout(120_000);
  let t: TestApp;
  let admin: TestClient;
  let intern: TestClient;
  const SECRET = '+380671007919';

  beforeEach(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin');
    intern = await t.userClient('intern');
    const res = await admin.request('POST', '/api/v1/contacts', { name: 'Target', phones: [SECRET], tags: ['vip'] });
    expect(res.statusCode, res.body).to.equal(201);
  });
  afterEach(async () => t.close());

  it('a brute force of 1,000 candidates (the right one among them) recovers nothing; admins are alerted live and see the audit', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const adminWs = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { cookie: admin.cookie } });
    const internWs = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { cookie: intern.cookie } });
    const adminEvents: { type: string; data: unknown }[] = [];
    const internEvents: { type: string }[] = [];
    adminWs.on('message', (m) => adminEvents.push(JSON.parse(String(m))));
    internWs.on('message', (m) => internEvents.push(JSON.parse(String(m))));
    await Promise.all([adminWs, internWs].map((ws) => new Promise((r) => ws.once('message', r))));

    // The mask shows +380 67 *** ** 19: the script walks 10079 - 500 … 10079 + 499, so the
    // right number comes after the budget is spent, as it would for nearly every target.
    const candidates = Array.from({ length: 1000 }, (_, i) => `+38067${String(9579 + i).padStart(5, '0')}19`);
    expect(candidates).to.include(SECRET);
    let answered = 0;
    let refused = 0;
    let confirmed: string | null = null;
    for (const guess of candidates) {
      const res = await intern.request('GET', `/api/v1/contacts?q=${encodeURIComponent(guess)}`);
      if (res.statusCode === 200) {
        answered++;
        if (res.json().items.length > 0) confirmed = guess;
      } else {
        expect(res.statusCode, res.body).to.equal(429);
        expect(res.json().error.code).to.equal('LOOKUP_LIMIT_REACHED');
        refused++;
      }
    }
    expect(confirmed, 'the script found the number').to.equal(null);
    expect(answered).to.equal(defaultLookupBudget.perWindow);
    expect(refused).to.equal(1000 - defaultLookupBudget.perWindow);

    // The look-alike spelling of the right number is refused too: folding happens before counting.
    const fullWidth = await intern.request('GET', `/api/v1/contacts?q=${encodeURIComponent('０６７１００７９１９')}`);
    expect(fullWidth.statusCode).to.equal(429);
    // …and so is a tag filter holding a number.
    expect((await intern.request('GET', `/api/v1/contacts?tag=${encodeURIComponent(SECRET)}`)).statusCode).to.equal(429);
    // Ordinary work goes on: a name search is not a lookup.
    expect((await intern.request('GET', '/api/v1/contacts?q=Target')).json().items).to.have.length(1);

    for (let i = 0; i < 100 && !adminEvents.some((e) => e.type === 'masking.alert'); i++) await new Promise((r) => setTimeout(r, 20));
    const alerts = adminEvents.filter((e) => e.type === 'masking.alert');
    expect(alerts, 'one alert per window, not one per refusal').to.have.length(1);
    expect(alerts[0]!.data).to.deep.include({ userId: intern.userId, username: intern.username, windowMinutes: defaultLookupBudget.windowMinutes });
    expect(internEvents.some((e) => e.type === 'masking.alert')).to.equal(false);
    adminWs.close();
    internWs.close();

    const audit = async (action: string) =>
      (await admin.request('GET', `/api/v1/audit?limit=500&actorId=${intern.userId}&action=${action}`)).json().items as { action: string; details: unknown }[];
    const lookups = await audit('masking.lookup');
    expect(lookups).to.have.length(defaultLookupBudget.perWindow);
    expect(lookups[0]!.details).to.deep.equal({ kind: 'phone', found: 0 });
    expect(await audit('masking.lookup_burst')).to.have.length(1);
    const refusals = await audit('masking.lookup_refused');
    expect(refusals.length).to.be.greaterThan(100);
    expect(JSON.stringify([lookups, refusals])).to.not.contain('1007919');
  });

  it('the budget is counted from the audit log and refills after its window', async () => {
    for (let i = 0; i < defaultLookupBudget.perWindow; i++) {
      expect((await intern.request('GET', `/api/v1/contacts?q=%2B3806700000${String(i).padStart(2, '0')}`)).statusCode).to.equal(200);
    }
    expect((await intern.request('GET', `/api/v1/contacts?q=${encodeURIComponent(SECRET)}`)).statusCode).to.equal(429);
    t.clock.advance(defaultLookupBudget.windowMinutes * 60_000 + 1000);
    const after = await intern.request('GET', `/api/v1/contacts?q=${encodeURIComponent(SECRET)}`);
    expect(after.statusCode).to.equal(200);
    expect(after.json().items[0].phones).to.deep.equal(['+380 67 *** ** 19']);
  });

  it('operators and admins are not limited', async () => {
    const op = await t.userClient('operator');
    for (let i = 0; i < defaultLookupBudget.perWindow + 5; i++) {
      expect((await op.request('GET', `/api/v1/contacts?q=%2B3806700000${String(i).padStart(2, '0')}`)).statusCode).to.equal(200);
    }
  });
});
