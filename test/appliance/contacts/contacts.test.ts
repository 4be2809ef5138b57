import { expect } from 'chai';
import { buildTestApp, type TestApp, type TestClient } from '../../support/test-app.js';

describe('contacts: create, read, search, merge, notes and timeline', () => {
  let t: TestApp;
  let admin: TestClient;
  beforeEach(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin');
  });
  afterEach(async () => t.close());

  const count = (table: string) => (t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('creates a contact with numbers normalised to E.164 (Ukrainian default) and lower-cased e-mails', async () => {
    const res = await admin.request('POST', '/api/v1/contacts', {
      name: 'Іван Петренко', phones: ['067 123 45 67', '+1 202 555 0143', '0671234567'], emails: ['Ivan.P@Example.COM'], tags: ['VIP', 'vip', 'wholesale'],
    });
    expect(res.statusCode, res.body).to.equal(201);
    const body = res.json();
    expect(body).to.include({ name: 'Іван Петренко', status: 'lead', kind: 'person', masked: false, ownerId: null });
    expect(body.phones).to.deep.equal(['+380671234567', '+12025550143']);
    expect(body.emails).to.deep.equal(['ivan.p@example.com']);
    expect(body.tags).to.deep.equal(['VIP', 'wholesale']);
    const again = await admin.request('GET', `/api/v1/contacts/${body.id}`);
    expect(again.json()).to.deep.equal(body);
  });

  it('exposes matchPhone, matchEmail, createLead and get to other capabilities', async () => {
    const lead = t.app.contacts.createLead({ name: '', phones: ['+380 50 111 22 33', 'garbage'], emails: ['A@B.example'] });
    expect(t.app.contacts.matchPhone('050 111 22 33')).to.deep.equal({ id: lead.id });
    expect(t.app.contacts.matchPhone('+380501112233')).to.deep.equal({ id: lead.id });
    expect(t.app.contacts.matchPhone('0501112234')).to.equal(null);
    expect(t.app.contacts.matchPhone('not a number')).to.equal(null);
    expect(t.app.contacts.matchEmail(' a@b.EXAMPLE ')).to.deep.equal({ id: lead.id });
    expect(t.app.contacts.matchEmail('c@b.example')).to.equal(null);
    const got = t.app.contacts.get(lead.id)!;
    expect(got).to.include({ name: '+380501112233', status: 'lead' });
    expect(got.phones).to.deep.equal(['+380501112233']);
    expect(t.app.contacts.get(99999)).to.equal(null);
  });

  it('refuses malformed phone numbers and e-mails with a specific error and stores nothing', async () => {
    const before = count('contacts');
    const bad = await admin.request('POST', '/api/v1/contacts', { name: 'X', phones: ['067 123 45 67', '12'], emails: [] });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('PHONE_INVALID');
    expect(bad.json().error.message).to.equal('Phone number 2 is not a valid phone number.');
    const badMail = await admin.request('POST', '/api/v1/contacts', { name: 'X', phones: ['067 123 45 67'], emails: ['no-at-sign'] });
    expect(badMail.json().error.code).to.equal('EMAIL_INVALID');
    const letters = await admin.request('POST', '/api/v1/contacts', { name: 'X', phones: ['call me maybe'] });
    expect(letters.json().error.code).to.equal('PHONE_INVALID');
    expect(count('contacts')).to.equal(before);
    expect(count('contact_phones')).to.equal(0);
  });

  it('refuses a 1 MB name with 413 and a 300-character name with 400, storing nothing', async () => {
    const huge = await admin.request('POST', '/api/v1/contacts', { name: 'a'.repeat(1024 * 1024), phones: [] });
    expect(huge.statusCode).to.equal(413);
    expect(huge.json().error.code).to.equal('BODY_TOO_LARGE');
    const long = await admin.request('POST', '/api/v1/contacts', { name: 'a'.repeat(300) });
    expect(long.statusCode).to.equal(400);
    expect(long.json().error.code).to.equal('VALIDATION_FAILED');
    const blank = await admin.request('POST', '/api/v1/contacts', { name: '   ' });
    expect(blank.json().error.code).to.equal('NAME_INVALID');
    const control = await admin.request('POST', '/api/v1/contacts', { name: 'a\u0000b' });
    expect(control.json().error.code).to.equal('NAME_INVALID');
    expect(count('contacts')).to.equal(0);
  });

  it('stores HTML and script in every text field verbatim and returns it only as JSON', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const res = await admin.request('POST', '/api/v1/contacts', { name: evil, tags: [evil.slice(0, 50)] });
    expect(res.statusCode).to.equal(201);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.json().name).to.equal(evil);
    expect(res.json().tags).to.deep.equal([evil.slice(0, 50)]);
    const note = await admin.request('POST', `/api/v1/contacts/${res.json().id}/notes`, { body: evil });
    expect(note.json().body).to.equal(evil);
    const tl = await admin.request('GET', `/api/v1/contacts/${res.json().id}/timeline`);
    expect(tl.headers['content-type']).to.match(/^application\/json/);
    expect(tl.json().items[0].body).to.equal(evil);
  });

  it('searches by name (any case, Cyrillic), number fragment, full number in any format, e-mail and tag', async () => {
    const a = (await admin.request('POST', '/api/v1/contacts', { name: 'Олена Коваль', phones: ['+380 67 765 43 21'], emails: ['olena@shop.example'], tags: ['Wholesale'] })).json();
    const b = (await admin.request('POST', '/api/v1/contacts', { name: 'Bob 100%_match', phones: ['+1 202 555 0143'], tags: ['retail'] })).json();
    const ids = async (qs: string) => ((await admin.request('GET', `/api/v1/contacts?${qs}`)).json().items as { id: number }[]).map((c) => c.id);
    expect(await ids(`q=${encodeURIComponent('олена')}`)).to.deep.equal([a.id]);
    expect(await ids('q=7654')).to.deep.equal([a.id]);
    expect(await ids(`q=${encodeURIComponent('067 765 43 21')}`)).to.deep.equal([a.id]);
    expect(await ids('q=OLENA%40shop.example')).to.deep.equal([a.id]);
    expect(await ids('q=shop.exa')).to.deep.equal([a.id]);
    expect(await ids('q=wholesale')).to.deep.equal([a.id]);
    expect(await ids('tag=RETAIL')).to.deep.equal([b.id]);
    expect(await ids('q=100%25_')).to.deep.equal([b.id]);
    expect(await ids('q=%25%25')).to.deep.equal([]);
    expect((await ids('')).length).to.equal(2);
  });

  it('merges a duplicate in one transaction: values, tags and notes move; the old id follows to the kept one', async () => {
    const a = (await admin.request('POST', '/api/v1/contacts', { name: 'Anna', phones: ['0671111111'], tags: ['x'] })).json();
    const b = (await admin.request('POST', '/api/v1/contacts', { name: 'Anna K', phones: ['0672222222', '0671111111'], emails: ['anna@k.example'], tags: ['y'], status: 'client' })).json();
    await admin.request('POST', `/api/v1/contacts/${b.id}/notes`, { body: 'from b' });
    const merged = await admin.request('POST', `/api/v1/contacts/${a.id}/merge`, { otherId: b.id });
    expect(merged.statusCode, merged.body).to.equal(200);
    expect(merged.json().phones).to.deep.equal(['+380671111111', '+380672222222']);
    expect(merged.json().emails).to.deep.equal(['anna@k.example']);
    expect(merged.json().tags).to.deep.equal(['x', 'y']);
    expect(merged.json().status).to.equal('client');
    expect(t.app.contacts.matchPhone('0672222222')).to.deep.equal({ id: a.id });
    expect((await admin.request('GET', `/api/v1/contacts/${b.id}`)).json().id).to.equal(a.id);
    const tl = (await admin.request('GET', `/api/v1/contacts/${a.id}/timeline`)).json();
    expect(tl.items.map((i: { body: string }) => i.body)).to.deep.equal(['from b']);
    expect((await admin.request('GET', '/api/v1/contacts')).json().items).to.have.length(1);
    const self = await admin.request('POST', `/api/v1/contacts/${a.id}/merge`, { otherId: b.id });
    expect(self.json().error.code).to.equal('MERGE_SAME_CONTACT');
  });

  it('rolls a merge back completely when a merge handler of another capability fails', async () => {
    const a = (await admin.request('POST', '/api/v1/contacts', { name: 'A', phones: ['0671111111'] })).json();
    const b = (await admin.request('POST', '/api/v1/contacts', { name: 'B', phones: ['0672222222'] })).json();
    t.app.contacts.onMerge(() => {
      throw new Error('disk full');
    });
    const res = await admin.request('POST', `/api/v1/contacts/${a.id}/merge`, { otherId: b.id });
    expect(res.statusCode).to.equal(500);
    expect(t.app.contacts.get(b.id)!.id).to.equal(b.id);
    expect(t.app.contacts.get(a.id)!.phones).to.deep.equal(['+380671111111']);
    expect(t.app.contacts.matchPhone('0672222222')).to.deep.equal({ id: b.id });
  });

  it('assembles the timeline from every registered source in time order, with paging', async () => {
    const c = (await admin.request('POST', '/api/v1/contacts', { name: 'T' })).json();
    const base = t.clock.now().getTime();
    for (let i = 0; i < 3; i++) {
      t.clock.set(new Date(base + i * 60_000));
      await admin.request('POST', `/api/v1/contacts/${c.id}/notes`, { body: `note ${i}` });
    }
    t.app.timeline.register({
      type: 'fake-call',
      list: (contactId, _viewer, { before }) =>
        [{ type: 'fake-call', at: new Date(base + 30_000).toISOString(), contactId, durationSeconds: 42 }].filter((x) => x.at < before && contactId === c.id),
    });
    const all = (await admin.request('GET', `/api/v1/contacts/${c.id}/timeline`)).json();
    expect(all.items.map((i: { type: string }) => i.type)).to.deep.equal(['note', 'fake-call', 'note', 'note']);
    expect(all.items[1].durationSeconds).to.equal(42);
    expect(all.nextBefore).to.equal(null);
    const page = (await admin.request('GET', `/api/v1/contacts/${c.id}/timeline?limit=2`)).json();
    expect(page.items.map((i: { body?: string }) => i.body)).to.deep.equal(['note 1', 'note 2']);
    const older = (await admin.request('GET', `/api/v1/contacts/${c.id}/timeline?limit=2&before=${encodeURIComponent(page.nextBefore)}`)).json();
    expect(older.items.map((i: { type: string }) => i.type)).to.deep.equal(['note', 'fake-call']);
    const badBefore = await admin.request('GET', `/api/v1/contacts/${c.id}/timeline?before=yesterday`);
    expect(badBefore.statusCode).to.equal(400);
    expect(badBefore.json().error.code).to.equal('VALIDATION_FAILED');
    const missing = await admin.request('GET', '/api/v1/contacts/424242/timeline');
    expect(missing.statusCode).to.equal(404);
    expect(missing.json().error.code).to.equal('CONTACT_NOT_FOUND');
  });

  it('pages through a history held by a single source to its first entry (nextBefore until null)', async () => {
    const c = (await admin.request('POST', '/api/v1/contacts', { name: 'Paged' })).json();
    const base = t.clock.now().getTime();
    for (let i = 0; i < 7; i++) {
      t.clock.set(new Date(base + i * 60_000));
      await admin.request('POST', `/api/v1/contacts/${c.id}/notes`, { body: `entry ${i}` });
    }
    const seen: string[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res: { items: { body: string }[]; nextBefore: string | null } = (await admin.request('GET', `/api/v1/contacts/${c.id}/timeline?limit=3${before ? `&before=${encodeURIComponent(before)}` : ''}`)).json();
      seen.unshift(...res.items.map((i: { body: string }) => i.body));
      before = res.nextBefore;
      if (!before) break;
    }
    expect(seen).to.deep.equal([0, 1, 2, 3, 4, 5, 6].map((i) => `entry ${i}`));
  });

  it('patches fields; an unknown or inactive owner is refused', async () => {
    const c = (await admin.request('POST', '/api/v1/contacts', { name: 'P' })).json();
    const op = await t.userClient('operator');
    const ok = await admin.request('PATCH', `/api/v1/contacts/${c.id}`, { status: 'client', ownerId: op.userId, phones: ['0501234567'] });
    expect(ok.statusCode, ok.body).to.equal(200);
    expect(ok.json()).to.include({ status: 'client', ownerId: op.userId });
    expect(ok.json().phones).to.deep.equal(['+380501234567']);
    const bad = await admin.request('PATCH', `/api/v1/contacts/${c.id}`, { ownerId: 9999 });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('OWNER_UNKNOWN');
    const empty = await admin.request('PATCH', `/api/v1/contacts/${c.id}`, {});
    expect(empty.statusCode).to.equal(400);
  });
});
