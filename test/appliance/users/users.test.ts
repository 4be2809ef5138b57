import { expect } from 'chai';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { buildTestApp, login, type TestApp, type TestClient } from '../../support/test-app.js';

const STRONG = 'orange-Tulip-42-river';

describe('users: people, teams, offboarding', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: TestClient;
  beforeEach(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin', 'root');
  });
  afterEach(async () => t.close());

  const count = (table: string) => (t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('creates a user with teams and language; lists, reads and patches them; the hash never leaves', async () => {
    const team = await admin.request('POST', '/api/v1/teams', { name: 'Sales', description: 'new business' });
    expect(team.statusCode, team.body).to.equal(201);
    const res = await admin.request('POST', '/api/v1/users', {
      username: 'olena', password: STRONG, displayName: 'Олена', role: 'operator', language: 'uk', teamIds: [team.json().id],
    });
    expect(res.statusCode, res.body).to.equal(201);
    const user = res.json();
    expect(user).to.include({ username: 'olena', displayName: 'Олена', role: 'operator', language: 'uk', active: true });
    expect(user.teamIds).to.deep.equal([team.json().id]);
    expect(res.body).not.to.match(/scrypt|password/i);
    const list = (await admin.request('GET', '/api/v1/users')).json();
    expect(list.items.map((u: { username: string }) => u.username)).to.deep.equal(['olena', 'root']);
    const patched = await admin.request('PATCH', `/api/v1/users/${user.id}`, { displayName: 'Olena K', teamIds: [] });
    expect(patched.json()).to.include({ displayName: 'Olena K' });
    expect(patched.json().teamIds).to.deep.equal([]);
    const olena = await login(t.app, 'olena', STRONG);
    const me = await olena.request('GET', '/api/v1/me');
    expect(me.json().language).to.equal('uk');
    const dup = await admin.request('POST', '/api/v1/users', { username: 'OLENA', password: STRONG, displayName: 'x', role: 'intern' });
    expect(dup.statusCode).to.equal(409);
    expect(dup.json().error.code).to.equal('USERNAME_TAKEN');
  });

  it('refuses weak passwords with a clear reason and stores nothing', async () => {
    const cases: [string, string, string][] = [
      ['short1', 'PASSWORD_TOO_SHORT', 'The password must be at least 10 characters long.'],
      ['aaaaaaaaaaaa', 'PASSWORD_TOO_SIMPLE', 'The password is too easy to guess: use at least 5 different characters and avoid common passwords.'],
      ['Password123', 'PASSWORD_TOO_SIMPLE', ''],
      ['my-ivanko-secret', 'PASSWORD_CONTAINS_USERNAME', 'The password must not contain the username.'],
    ];
    for (const [password, code, message] of cases) {
      const res = await admin.request('POST', '/api/v1/users', { username: 'ivanko', password, displayName: 'I', role: 'operator' });
      expect(res.statusCode, password).to.equal(400);
      expect(res.json().error.code, password).to.equal(code);
      if (message) expect(res.json().error.message).to.equal(message);
    }
    expect(count('users')).to.equal(1);
  });

  it('refuses unknown language codes by name, in the caller’s language', async () => {
    const res = await admin.request('POST', '/api/v1/users', { username: 'x1', password: STRONG, displayName: 'X', role: 'operator', language: 'klingon' });
    expect(res.statusCode).to.equal(400);
    expect(res.json().error).to.deep.equal({
      code: 'LANGUAGE_UNSUPPORTED',
      message: 'The language "klingon" is not supported. Supported: uk, ru, en, fr, de, es, pt.',
    });
    const mine = await admin.request('PUT', '/api/v1/me/language', { language: 'xx' });
    expect(mine.json().error.code).to.equal('LANGUAGE_UNSUPPORTED');
    const set = await admin.request('PUT', '/api/v1/me/language', { language: 'ru' });
    expect(set.json()).to.deep.include({ language: 'ru' });
    const again = await admin.request('PUT', '/api/v1/me/language', { language: 'zz' });
    expect(again.json().error.message).to.equal('Язык «zz» не поддерживается. Поддерживаются: uk, ru, en, fr, de, es, pt.');
    expect(count('users')).to.equal(1);
  });

  it('deactivation ends every session at once: the next request gets 401 and the open WebSocket is closed by the server', async () => {
    const op = await t.userClient('operator', 'leaver');
    const second = await login(t.app, 'leaver', op.password);
    const heir = await t.userClient('operator', 'heir');
    const owned = (await admin.request('POST', '/api/v1/contacts', { name: 'Client of leaver', ownerId: op.userId })).json();
    const team = (await admin.request('POST', '/api/v1/teams', { name: 'Service', memberIds: [op.userId, heir.userId] })).json();
    const events: unknown[] = [];
    t.app.deps.bus.subscribe('user.deactivated', (e) => void events.push(e));

    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { cookie: op.cookie } });
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('error', reject);
    });
    const closed = new Promise<{ code: number }>((resolve) => socket.once('close', (code) => resolve({ code })));

    const res = await admin.request('POST', `/api/v1/users/${op.userId}/deactivate`, { handoverTo: heir.userId });
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json()).to.include({ active: false, sessionsRevoked: 2, contactsHandedOver: 1, deactivatedBy: admin.userId });
    // A generous wait: the server closes the socket itself (code 4401), the client never does.
    const close = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
    expect(close, 'socket still open after deactivation').to.not.equal(null);
    expect(close!.code).to.equal(4401);

    for (const client of [op, second]) {
      const next = await client.request('GET', '/api/v1/me');
      expect(next.statusCode).to.equal(401);
      expect(next.json().error.code).to.equal('SESSION_EXPIRED');
    }
    const relogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leaver', password: op.password } });
    expect(relogin.statusCode).to.equal(403);
    expect(relogin.json().error.code).to.equal('ACCOUNT_DISABLED');
    expect(t.app.contacts.get(owned.id)!.ownerId).to.equal(heir.userId);
    expect((await admin.request('GET', `/api/v1/teams/${team.id}`)).json().memberIds).to.deep.equal([heir.userId]);
    expect(events).to.deep.equal([{ userId: op.userId, actorId: admin.userId, handoverTo: heir.userId }]);
    const audit = (await admin.request('GET', '/api/v1/audit?action=user.deactivate')).json();
    expect(audit.items).to.have.length(1);
    expect(audit.items[0]).to.deep.include({ actorId: admin.userId, actorName: 'Test root', targetType: 'user', targetId: String(op.userId) });
    expect(audit.items[0].details).to.deep.include({ handoverTo: heir.userId, contactsHandedOver: 1, sessionsRevoked: 2 });
  });

  it('reactivation restores login only; contacts and teams stay where offboarding put them', async () => {
    const op = await t.userClient('operator', 'back');
    const heir = await t.userClient('supervisor', 'keeper');
    const c = (await admin.request('POST', '/api/v1/contacts', { name: 'Kept', ownerId: op.userId })).json();
    await admin.request('POST', '/api/v1/teams', { name: 'Sales', memberIds: [op.userId] });
    await admin.request('POST', `/api/v1/users/${op.userId}/deactivate`, { handoverTo: heir.userId });
    const again = await admin.request('POST', `/api/v1/users/${op.userId}/deactivate`);
    expect(again.statusCode).to.equal(409);
    expect(again.json().error.code).to.equal('USER_ALREADY_INACTIVE');
    const res = await admin.request('POST', `/api/v1/users/${op.userId}/reactivate`);
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json()).to.include({ active: true, deactivatedAt: null });
    expect(res.json().teamIds).to.deep.equal([]);
    const back = await login(t.app, 'back', op.password);
    expect((await back.request('GET', '/api/v1/me')).statusCode).to.equal(200);
    expect(t.app.contacts.get(c.id)!.ownerId).to.equal(heir.userId);
  });

  it('refuses bad deactivations and leaves everything as it was', async () => {
    const op = await t.userClient('operator');
    const gone = await t.userClient('operator');
    await admin.request('POST', `/api/v1/users/${gone.userId}/deactivate`);
    const c = (await admin.request('POST', '/api/v1/contacts', { name: 'C', ownerId: op.userId })).json();
    const self = await admin.request('POST', `/api/v1/users/${admin.userId}/deactivate`, {});
    expect(self.json().error.code).to.equal('CANNOT_DEACTIVATE_SELF');
    for (const handoverTo of [op.userId, gone.userId, 9999]) {
      const res = await admin.request('POST', `/api/v1/users/${op.userId}/deactivate`, { handoverTo });
      expect(res.statusCode).to.equal(400);
      expect(res.json().error.code).to.equal('HANDOVER_INVALID');
    }
    expect((await op.request('GET', '/api/v1/me')).statusCode).to.equal(200);
    expect(t.app.contacts.get(c.id)!.ownerId).to.equal(op.userId);
    const missing = await admin.request('POST', '/api/v1/users/9999/deactivate', {});
    expect(missing.statusCode).to.equal(404);
    const lastAdmin = await admin.request('PATCH', `/api/v1/users/${admin.userId}`, { role: 'operator' });
    expect(lastAdmin.json().error.code).to.equal('LAST_ADMIN');
  });

  it('a role change or password reset ends the user’s sessions so no socket keeps the old rights', async () => {
    const op = await t.userClient('operator');
    const res = await admin.request('PATCH', `/api/v1/users/${op.userId}`, { role: 'intern' });
    expect(res.json().role).to.equal('intern');
    expect((await op.request('GET', '/api/v1/me')).statusCode).to.equal(401);
    const weak = await admin.request('PATCH', `/api/v1/users/${op.userId}`, { password: 'abc' });
    expect(weak.json().error.code).to.equal('PASSWORD_TOO_SHORT');
    await admin.request('PATCH', `/api/v1/users/${op.userId}`, { password: STRONG });
    const relogin = await login(t.app, op.username, STRONG);
    expect((await relogin.request('GET', '/api/v1/me')).json().role).to.equal('intern');
  });

  it('manages teams: unique names, members must be active users, delete', async () => {
    const a = await admin.request('POST', '/api/v1/teams', { name: 'Service' });
    expect(a.statusCode).to.equal(201);
    const dup = await admin.request('POST', '/api/v1/teams', { name: 'service' });
    expect(dup.json().error.code).to.equal('TEAM_NAME_TAKEN');
    const bad = await admin.request('POST', '/api/v1/teams', { name: 'X', memberIds: [4242] });
    expect(bad.json().error.code).to.equal('MEMBER_UNKNOWN');
    const renamed = await admin.request('PATCH', `/api/v1/teams/${a.json().id}`, { name: 'Customer service', memberIds: [admin.userId] });
    expect(renamed.json()).to.include({ name: 'Customer service' });
    expect(renamed.json().memberIds).to.deep.equal([admin.userId]);
    const userWithBadTeam = await admin.request('POST', '/api/v1/users', { username: 'z1', password: STRONG, displayName: 'Z', role: 'operator', teamIds: [999] });
    expect(userWithBadTeam.json().error.code).to.equal('TEAM_UNKNOWN');
    const del = await admin.request('DELETE', `/api/v1/teams/${a.json().id}`);
    expect(del.statusCode).to.equal(204);
    expect((await admin.request('GET', '/api/v1/teams')).json().items).to.deep.equal([]);
    expect(count('team_members')).to.equal(0);
  });

  it('masking policy: admins read and change it, it applies to the next response, admins cannot be masked', async () => {
    const op = await t.userClient('operator');
    const c = (await admin.request('POST', '/api/v1/contacts', { name: 'M', phones: ['+380 67 123 45 67'] })).json();
    expect((await admin.request('GET', '/api/v1/settings/masking')).json()).to.deep.equal({ maskedRoles: ['intern'], phoneVisibleTail: 2 });
    expect((await op.request('GET', `/api/v1/contacts/${c.id}`)).json().phones).to.deep.equal(['+380671234567']);
    const put = await admin.request('PUT', '/api/v1/settings/masking', { maskedRoles: ['intern', 'operator'], phoneVisibleTail: 3 });
    expect(put.statusCode, put.body).to.equal(200);
    const masked = (await op.request('GET', `/api/v1/contacts/${c.id}`)).json();
    expect(masked.masked).to.equal(true);
    expect(masked.phones[0]).to.not.contain('1234');
    expect(masked.phones[0]).to.match(/567$/);
    const bad = await admin.request('PUT', '/api/v1/settings/masking', { maskedRoles: ['admin'], phoneVisibleTail: 2 });
    expect(bad.json().error.code).to.equal('MASKING_ROLE_INVALID');
    const out = await admin.request('PUT', '/api/v1/settings/masking', { maskedRoles: ['intern'], phoneVisibleTail: 9 });
    expect(out.statusCode).to.equal(400);
    const log = (await admin.request('GET', '/api/v1/audit?action=settings.masking')).json();
    expect(log.items).to.have.length(1);
  });

  it('pages the audit log newest first with before=', async () => {
    for (let i = 0; i < 5; i++) await admin.request('POST', '/api/v1/teams', { name: `T${i}` });
    const first = (await admin.request('GET', '/api/v1/audit?limit=2&action=team.create')).json();
    expect(first.items.map((e: { targetId: string }) => e.targetId)).to.deep.equal(['5', '4']);
    const next = (await admin.request('GET', `/api/v1/audit?limit=2&action=team.create&before=${first.nextBefore}`)).json();
    expect(next.items.map((e: { targetId: string }) => e.targetId)).to.deep.equal(['3', '2']);
    const bad = await admin.request('GET', '/api/v1/audit?limit=100000');
    expect(bad.statusCode).to.equal(400);
  });

  it('stores HTML and script in display names and team texts verbatim, as JSON only; 1 MB names are refused', async () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const u = await admin.request('POST', '/api/v1/users', { username: 'html', password: STRONG, displayName: evil, role: 'operator' });
    expect(u.statusCode, u.body).to.equal(201);
    expect(u.headers['content-type']).to.match(/^application\/json/);
    expect(u.json().displayName).to.equal(evil);
    const team = await admin.request('POST', '/api/v1/teams', { name: evil, description: evil });
    expect(team.json()).to.include({ name: evil, description: evil });
    const before = count('users');
    const huge = await admin.request('POST', '/api/v1/users', { username: 'big', password: STRONG, displayName: 'a'.repeat(1024 * 1024), role: 'operator' });
    expect(huge.statusCode).to.equal(413);
    const long = await admin.request('POST', '/api/v1/users', { username: 'big', password: STRONG, displayName: 'a'.repeat(201), role: 'operator' });
    expect(long.statusCode).to.equal(400);
    const badName = await admin.request('POST', '/api/v1/users', { username: 'no spaces', password: STRONG, displayName: 'x', role: 'operator' });
    expect(badName.json().error.code).to.equal('USERNAME_INVALID');
    const badRole = await admin.request('POST', '/api/v1/users', { username: 'r1', password: STRONG, displayName: 'x', role: 'root' });
    expect(badRole.statusCode).to.equal(400);
    expect(count('users')).to.equal(before);
  });
});
