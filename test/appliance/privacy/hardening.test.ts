import { expect } from 'chai';
import { buildTestApp, login, type TestApp, type TestClient } from '../../support/test-app.js';

describe('privacy and security: the smaller defences', function () {
  this.timeout(90_000);
  let t: TestApp;
  let admin: TestClient;
  beforeEach(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin', 'boss');
  });
  afterEach(async () => t.close());

  it('anonymous /healthz says only up and version; the details (addresses, error texts, licence) are for admins', async () => {
    t.app.deps.health.register('mail', () => 'error: box2@corp.test: MAIL_AUTH_FAILED');
    t.app.deps.health.register('telephony', () => 'Asterisk refused the AMI login for user crm: Authentication failed');
    const anonymous = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(anonymous.statusCode).to.equal(200);
    expect(anonymous.json()).to.have.all.keys('status', 'version');
    expect(anonymous.body).to.not.match(/corp\.test|refused|licen|MAIL_AUTH/i);
    const details = await admin.request('GET', '/api/v1/health');
    expect(details.statusCode).to.equal(200);
    expect(details.json()).to.include({ mail: 'error: box2@corp.test: MAIL_AUTH_FAILED', db: 'ok', diskFull: null });
    expect(details.json().components).to.have.property('licensing');
    const op = await t.userClient('operator');
    expect((await op.request('GET', '/api/v1/health')).statusCode).to.equal(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).to.equal(401);
  });

  it('refuses a CSRF token that differs only in its last character, and an Origin of the right host but another scheme', async () => {
    const last = admin.csrfToken.slice(-1) === 'A' ? 'B' : 'A';
    const forged = await admin.request('POST', '/api/v1/contacts', { name: 'X' }, { 'x-csrf-token': admin.csrfToken.slice(0, -1) + last });
    expect(forged.statusCode).to.equal(403);
    expect(forged.json().error.code).to.equal('CSRF_TOKEN_INVALID');
    // inject() speaks plain HTTP to host localhost:80: https://localhost:80 is another origin.
    const otherScheme = await admin.request('POST', '/api/v1/contacts', { name: 'X' }, { origin: 'https://localhost:80', host: 'localhost:80' });
    expect(otherScheme.statusCode).to.equal(403);
    expect(otherScheme.json().error.code).to.equal('CROSS_SITE_REQUEST');
    const same = await admin.request('POST', '/api/v1/contacts', { name: 'X' }, { origin: 'http://localhost:80', host: 'localhost:80' });
    expect(same.statusCode, same.body).to.equal(201);
  });

  it('refuses NUL and other control or invisible characters in e-mail addresses, in the API and in CSV', async () => {
    for (const bad of ['a\u0000b@example.com', 'ab@exa\u0001mple.com', 'a\u007fb@example.com', 'a\u0085b@example.com', 'a\u200bb@example.com']) {
      const res = await admin.request('POST', '/api/v1/contacts', { name: 'Ctl', emails: [bad] });
      expect(res.statusCode, JSON.stringify(bad)).to.equal(400);
      expect(res.json().error.code).to.equal('EMAIL_INVALID');
    }
    const csv = await admin.request('POST', '/api/v1/contacts/import', 'name,emails\nCtl,a\u0000b@example.com\n', { 'content-type': 'text/csv' });
    expect(csv.statusCode).to.equal(400);
    expect(csv.json().rows[0]).to.include({ line: 2, code: 'EMAIL_INVALID' });
    expect((await admin.request('GET', '/api/v1/contacts')).json().items).to.deep.equal([]);
  });

  it('does not turn numbers, booleans or arrays in a JSON body into text; query strings are still read as numbers', async () => {
    for (const name of [123, true, ['a']]) {
      const res = await admin.request('POST', '/api/v1/contacts', { name });
      expect(res.statusCode, JSON.stringify(name)).to.equal(400);
      expect(res.json().error).to.include({ code: 'VALIDATION_FAILED', field: 'body.name' });
    }
    const tags = await admin.request('POST', '/api/v1/contacts', { name: 'T', tags: 'vip' });
    expect(tags.statusCode).to.equal(400);
    expect((await admin.request('GET', '/api/v1/contacts?limit=5')).statusCode).to.equal(200);
    expect((await admin.request('GET', '/api/v1/contacts')).json().items).to.deep.equal([]);
  });

  it('a CSV import retried after a lost reply imports once; a key reused for another file is refused', async () => {
    const csv = 'name,phones\nAnna,+380671111111\nBoris,+380672222222\n';
    const send = (body: string, key?: string) => admin.request('POST', '/api/v1/contacts/import', body, { 'content-type': 'text/csv', ...(key ? { 'idempotency-key': key } : {}) });
    const first = await send(csv, 'import-1');
    expect(first.statusCode, first.body).to.equal(201);
    expect(first.json()).to.include({ created: 2, replayed: false });
    const retry = await send(csv, 'import-1');
    expect(retry.statusCode).to.equal(201);
    expect(retry.json()).to.deep.equal({ ...first.json(), replayed: true });
    // Without a key the file itself is the key: the browser's retry is absorbed too.
    const again = await send(csv);
    expect(again.json().replayed).to.equal(true);
    expect((await admin.request('GET', '/api/v1/contacts')).json().items).to.have.length(2);
    const reused = await send('name\nCarla\n', 'import-1');
    expect(reused.statusCode).to.equal(409);
    expect(reused.json().error.code).to.equal('IMPORT_KEY_REUSED');
    const badKey = await send(csv, 'a key with spaces');
    expect(badKey.statusCode).to.equal(400);
    // A day later the same file is a new import.
    t.clock.advance(86_400_000 + 1000);
    admin = await login(t.app, 'boss', admin.password);
    expect((await send(csv, 'import-1')).json()).to.include({ created: 2, replayed: false });
  });

  it('wrong passwords slow a guesser down but cannot keep the only admin out; root unlocks at once', async () => {
    const attempt = (password: string, ip: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'boss', password }, remoteAddress: ip });
    // A patient guesser waits out every delay: each wait is twice the one before.
    const waits: number[] = [];
    for (let failures = 0; failures < 12; ) {
      const res = await attempt('wrong', '10.0.0.66');
      if (res.statusCode === 401) failures++;
      else {
        expect(res.statusCode).to.equal(429);
        waits.push(Number(res.headers['retry-after']));
        t.clock.advance(Number(res.headers['retry-after']) * 1000);
      }
    }
    expect(waits).to.deep.equal([1, 2, 4, 8, 16, 32, 64]);
    const attacker = await attempt(admin.password, '10.0.0.66');
    expect(attacker.statusCode).to.equal(429);
    expect(Number(attacker.headers['retry-after'])).to.be.greaterThan(30);
    // The admin at their own desk waits at most half a minute, however long the attack goes on.
    const desk = await attempt(admin.password, '10.0.0.5');
    expect(desk.statusCode).to.equal(429);
    expect(Number(desk.headers['retry-after'])).to.be.at.most(30);
    t.clock.advance(31_000);
    expect((await attempt(admin.password, '10.0.0.5')).statusCode).to.equal(200);

    // Colleagues behind the same NAT address are not locked out by one person's typos.
    await t.userClient('operator', 'colleague');
    for (let i = 0; i < 8; i++) await attempt('typo', '10.0.0.1');
    const colleague = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'colleague', password: admin.password }, remoteAddress: '10.0.0.1' });
    expect(colleague.statusCode).to.equal(200);

    // Root: `contactbox users unlock boss` reaches the appliance through the admin channel.
    expect((await attempt(admin.password, '10.0.0.66')).statusCode).to.equal(429);
    const unlocked = await t.app.deps.adminChannel.call('users.unlock', { username: 'boss' });
    expect(unlocked.ok).to.equal(true);
    expect((await attempt(admin.password, '10.0.0.66')).statusCode).to.equal(200);
    expect(await t.app.deps.adminChannel.call('users.unlock', { username: 'nobody' })).to.deep.include({ ok: false });
    const audit = (await admin.request('GET', '/api/v1/audit?action=auth.unlock')).json().items;
    expect(audit).to.have.length(1);
  });

  it('a write on a full disk answers a coded 507 in the user’s language, stores nothing, and reads keep working', async () => {
    const before = await admin.request('POST', '/api/v1/contacts', { name: 'Before', phones: ['+380671111111'] });
    expect(before.statusCode).to.equal(201);
    const uk = await t.userClient('operator', 'olena');
    await admin.request('PATCH', `/api/v1/users/${uk.userId}`, { language: 'uk' });
    // SQLite's own limit stands in for the disk: the database may not grow by one page more.
    const pages = (t.db.pragma('page_count', { simple: true }) as number);
    t.db.pragma(`max_page_count = ${pages}`);
    try {
      const note = 'x'.repeat(19_000);
      const full = await admin.request('POST', `/api/v1/contacts/${before.json().id}/notes`, { body: note });
      expect(full.statusCode, full.body).to.equal(507);
      expect(full.json().error.code).to.equal('STORAGE_FULL');
      expect(full.json().error.message).to.match(/disk is full/);
      const inUkrainian = await uk.request('POST', `/api/v1/contacts/${before.json().id}/notes`, { body: note });
      expect(inUkrainian.statusCode).to.equal(507);
      expect(inUkrainian.json().error.message).to.match(/^Диск сервера заповнений/);
      // Nothing half-written.
      expect((await admin.request('GET', `/api/v1/contacts/${before.json().id}/timeline`)).json().items).to.deep.equal([]);
      // Reads go on, even when the session's last-seen time cannot be written.
      t.clock.advance(5 * 60_000);
      expect((await admin.request('GET', '/api/v1/contacts')).json().items).to.have.length(1);
      expect((await uk.request('GET', `/api/v1/contacts/${before.json().id}`)).statusCode).to.equal(200);
      expect((await admin.request('GET', '/api/v1/contacts/export.csv')).statusCode).to.be.oneOf([200, 507]);
      const health = (await admin.request('GET', '/api/v1/health')).json();
      expect(health.status).to.equal('degraded');
      expect(health.diskFull.refusedWrites).to.be.at.least(2);
    } finally {
      t.db.pragma('max_page_count = 1073741823');
    }
    expect((await admin.request('POST', `/api/v1/contacts/${before.json().id}/notes`, { body: 'space again' })).statusCode).to.equal(201);
    expect((await admin.request('GET', '/api/v1/health')).json().diskFull).to.equal(null);
    await login(t.app, 'olena', uk.password);
  });
});
