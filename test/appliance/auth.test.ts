import { expect } from 'chai';
import WebSocket from 'ws';
import { buildTestApp, type TestApp } from '../support/test-app.js';

describe('appliance: sessions, login, CSRF and the error envelope', function () {
  this.timeout(60_000);
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('GET /healthz answers without a session with status and version only; admins get component states', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).to.equal(200);
    const body = res.json();
    expect(body).to.have.all.keys('status', 'version');
    expect(body.status).to.equal('ok');
    expect(body.version).to.match(/^\d+\.\d+\.\d+/);
    const admin = await t.userClient('admin');
    const details = (await admin.request('GET', '/api/v1/health')).json();
    expect(details).to.include({ status: 'ok', db: 'ok' });
    expect(details).to.have.property('telephony');
    expect(details).to.have.property('mail');
  });

  it('logs in, returns a CSRF token and an HttpOnly SameSite=Strict cookie, and /me follows the session', async () => {
    const admin = await t.userClient('admin', 'boss');
    const me = await admin.request('GET', '/api/v1/me');
    expect(me.statusCode).to.equal(200);
    expect(me.json()).to.include({ username: 'boss', role: 'admin' });
    expect(me.json().csrfToken).to.equal(admin.csrfToken);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'boss', password: admin.password } });
    const cookie = res.cookies.find((c) => c.name === 'cb_session')!;
    expect(cookie.httpOnly).to.equal(true);
    expect(String(cookie.sameSite).toLowerCase()).to.equal('strict');
    expect(Buffer.from(cookie.value, 'base64url').length).to.be.at.least(16);
  });

  it('a user with no saved language keeps the one the login page was in; a saved one wins', async () => {
    const admin = await t.userClient('admin', 'boss');
    const login = (lang: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'accept-language': lang }, payload: { username: 'boss', password: admin.password } });
    const uk = await login('uk');
    expect(uk.statusCode).to.equal(200);
    expect(uk.json().language).to.equal('uk');
    const cookie = uk.cookies.find((c) => c.name === 'cb_session')!;
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'accept-language': 'de' }, cookies: { cb_session: cookie.value } });
    expect(me.json().language).to.equal('de');
    t.db.prepare("UPDATE users SET language = 'pt' WHERE username = 'boss'").run();
    expect((await login('uk')).json().language).to.equal('pt');
  });

  it('refuses a wrong password with a coded error and no cookie', async () => {
    await t.userClient('operator', 'op');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'op', password: 'nope' } });
    expect(res.statusCode).to.equal(401);
    expect(res.json()).to.deep.equal({ error: { code: 'INVALID_CREDENTIALS', message: 'Wrong username or password.' } });
    expect(res.cookies.find((c) => c.name === 'cb_session')).to.equal(undefined);
  });

  it('limits failed logins per account', async () => {
    await t.userClient('operator', 'victim');
    for (let i = 0; i < 5; i++) {
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'victim', password: `x${i}` } });
    }
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'victim', password: 'correct horse battery staple' } });
    expect(res.statusCode).to.equal(429);
    expect(res.json().error.code).to.equal('TOO_MANY_ATTEMPTS');
    expect(Number(res.headers['retry-after'])).to.be.greaterThan(0);
    t.clock.advance(16 * 60_000);
    const later = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'victim', password: 'correct horse battery staple' } });
    expect(later.statusCode).to.equal(200);
  });

  it('refuses a state-changing request without the CSRF token, and a cross-site one', async () => {
    const op = await t.userClient('operator');
    const noToken = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: op.cookie } });
    expect(noToken.statusCode).to.equal(403);
    expect(noToken.json().error.code).to.equal('CSRF_TOKEN_INVALID');
    const crossSite = await op.request('POST', '/api/v1/auth/logout', undefined, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.json().error.code).to.equal('CROSS_SITE_REQUEST');
    const ok = await op.request('POST', '/api/v1/auth/logout');
    expect(ok.statusCode).to.equal(204);
    const after = await op.request('GET', '/api/v1/me');
    expect(after.statusCode).to.equal(401);
    expect(after.json().error.code).to.equal('SESSION_EXPIRED');
  });

  it('answers a 10 MB login body with 413 and malformed JSON with 400, never a 500', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'a', password: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(big.statusCode).to.equal(413);
    expect(big.json().error.code).to.equal('BODY_TOO_LARGE');
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('MALFORMED_JSON');
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a' } });
    expect(missing.statusCode).to.equal(400);
    expect(missing.json().error).to.include({ code: 'VALIDATION_FAILED', field: 'body.password' });
  });

  it('ends sessions after the idle timeout and revokes all of a user at once', async () => {
    const op = await t.userClient('operator');
    t.clock.advance(31 * 60_000);
    expect((await op.request('GET', '/api/v1/me')).statusCode).to.equal(401);
    const again = await t.userClient('supervisor');
    t.app.sessions.revokeUser(again.userId);
    expect((await again.request('GET', '/api/v1/me')).statusCode).to.equal(401);
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).to.equal(404);
    expect(res.json().error.code).to.equal('ROUTE_NOT_FOUND');
  });

  it('refuses a WebSocket without a session with 401, and the refused socket does not hold the server open', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as { port: number }).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => resolve(-1));
    });
    expect(status).to.equal(401);
    const closed = await Promise.race([t.app.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 30_000))]);
    expect(closed).to.equal('closed');
  });
});
