import { expect } from 'chai';
import { buildTestApp, type TestApp, type TestClient } from '../../support/test-app.js';

/** The contact list's filters (tag, owner, "mine", status) with and without a query, and tag suggestions. */
describe('contacts: filters by tag, owner and status; tag suggestions', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: TestClient, olga: TestClient, petro: TestClient, intern: TestClient;
  const names = async (who: TestClient, query: string) => {
    const res = await who.request('GET', `/api/v1/contacts?${query}`);
    expect(res.statusCode, res.body).to.equal(200);
    return (res.json().items as Array<{ name: string }>).map((c) => c.name).sort();
  };

  before(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin');
    olga = await t.userClient('operator', 'olga');
    petro = await t.userClient('operator', 'petro');
    intern = await t.userClient('intern', 'ivan');
    const mk = async (name: string, extra: Record<string, unknown>) =>
      expect((await admin.request('POST', '/api/v1/contacts', { phones: [], emails: [], tags: [], name, ...extra })).statusCode).to.equal(201);
    await mk('Anna Koval', { ownerId: olga.userId, status: 'client', tags: ['VIP', 'Kyiv'] });
    await mk('Andrii Koval', { ownerId: olga.userId, status: 'lead', tags: ['kyiv'] });
    await mk('Alla Bondar', { ownerId: petro.userId, status: 'client', tags: ['VIP', 'Lviv'] });
    await mk('Oleh Shevchenko', { status: 'lead', tags: ['+380671234567'] });
  });
  after(async () => t?.close());

  it('narrows the list and a search by owner ("me" is the caller), status and tag, together', async () => {
    expect(await names(olga, 'owner=me')).to.deep.equal(['Andrii Koval', 'Anna Koval']);
    expect(await names(admin, `owner=${petro.userId}`)).to.deep.equal(['Alla Bondar']);
    expect(await names(olga, 'status=client')).to.deep.equal(['Alla Bondar', 'Anna Koval']);
    expect(await names(olga, 'tag=vip&status=client&owner=me')).to.deep.equal(['Anna Koval']);
    expect(await names(olga, 'q=koval&status=lead')).to.deep.equal(['Andrii Koval']);
    expect(await names(olga, 'q=koval&owner=me&tag=KYIV')).to.deep.equal(['Andrii Koval', 'Anna Koval']);
    expect(await names(petro, 'q=koval&owner=me')).to.deep.equal([]);
    const bad = await olga.request('GET', '/api/v1/contacts?status=customer');
    expect(bad.statusCode).to.equal(400);
    expect((await olga.request('GET', '/api/v1/contacts?owner=someone')).statusCode).to.equal(400);
  });

  it('suggests tags by prefix, the most used first, case folded; a tag holding a number is no suggestion for an intern', async () => {
    const tags = async (who: TestClient, prefix: string) => (await who.request('GET', `/api/v1/contacts/tags?prefix=${encodeURIComponent(prefix)}`)).json().items;
    expect(await tags(olga, 'k')).to.deep.equal([{ tag: 'Kyiv', count: 2 }]);
    expect(await tags(olga, 'V')).to.deep.equal([{ tag: 'VIP', count: 2 }]);
    expect(await tags(olga, '+380')).to.deep.equal([{ tag: '+380671234567', count: 1 }]);
    expect(await tags(intern, '+380')).to.deep.equal([]);
    expect((await olga.request('GET', '/api/v1/contacts/tags')).statusCode).to.equal(400);
  });
});
