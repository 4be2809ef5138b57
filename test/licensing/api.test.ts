import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Capability } from '../../appliance/capability.js';
import { licensingHarness, type LicensingHarness } from './app-helpers.js';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { license, strangerKey, waitFor } from './helpers.js';

/** A route of another capability guarded by the licensing helper. */
const mailProbe: Capability = {
  name: 'mail-probe',
  migrations: [],
  plugin: async (app) => {
    app.get(
      '/api/v1/mail-probe',
      { config: { access: 'user' }, schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } }, preHandler: app.licensing.requireModule('mail') },
      async () => ({ ok: true }),
    );
  },
};

describe('licensing: HTTP API and module gating', () => {
  let h: LicensingHarness;
  beforeEach(async () => {
    h = licensingHarness({ extra: [mailProbe] });
    writeFileSync(h.licenseFile, license({ sessions: 4, modules: ['telephony', 'chat'], sites: 3 }));
    await h.start();
  });
  afterEach(async () => h.close());

  it('GET /api/v1/license gives admins the full status and everyone else only the modules', async () => {
    const admin = await h.client('admin');
    const full = await admin.request('GET', '/api/v1/license');
    expect(full.statusCode).to.equal(200);
    const body = full.json();
    expect(body.modules).to.deep.equal(['telephony', 'chat']);
    expect(body.license).to.include({ status: 'licensed', id: 'CB-TEST-0001', customer: 'Test Customer LLC', sessions: 4, sites: 3, fingerprintMatch: true, inUse: 0 });
    // The request code to send the vendor, as `contactbox license request` prints it.
    expect(body.requestCode).to.match(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/);
    const operator = await h.client('operator');
    const limited = await operator.request('GET', '/api/v1/license');
    expect(limited.json()).to.deep.equal({ modules: ['telephony', 'chat'] });
    const intern = await h.client('intern');
    expect((await intern.request('GET', '/api/v1/license')).json()).to.deep.equal({ modules: ['telephony', 'chat'] });
  });

  it('refuses a route of an unlicensed module with LICENSE_MODULE_NOT_LICENSED, in the caller’s language', async () => {
    const operator = await h.client('operator');
    const res = await operator.request('GET', '/api/v1/mail-probe');
    expect(res.statusCode).to.equal(403);
    expect(res.json()).to.deep.equal({ error: { code: 'LICENSE_MODULE_NOT_LICENSED', message: 'The mail module is not included in this licence.' } });
    const uk = await operator.request('GET', '/api/v1/mail-probe', undefined, { 'accept-language': 'uk' });
    expect(uk.json().error).to.deep.equal({ code: 'LICENSE_MODULE_NOT_LICENSED', message: 'Модуль mail не входить до цієї ліцензії.' });
    expect(() => h.app.licensing.assertModule('telephony')).to.not.throw();
  });

  it('POST /api/v1/license (admin, text body) activates a licence at once; a refused one keeps the old licence and says why', async () => {
    const admin = await h.client('admin');
    const ok = await admin.request('POST', '/api/v1/license', license({ sessions: 9, modules: ['telephony', 'mail'], licenseId: 'CB-TEST-0002' }), { 'content-type': 'text/plain' });
    expect(ok.statusCode, ok.body).to.equal(200);
    expect(ok.json()).to.include({ status: 'licensed', id: 'CB-TEST-0002', sessions: 9 });
    expect((await admin.request('GET', '/api/v1/mail-probe')).statusCode).to.equal(200);

    const forged = await admin.request('POST', '/api/v1/license', license({ sessions: 500 }, strangerKey()), { 'content-type': 'text/plain' });
    expect(forged.statusCode).to.equal(422);
    expect(forged.json().error.code).to.equal('LICENSE_BAD_SIGNATURE');
    const expired = await admin.request('POST', '/api/v1/license', license({ expiresAt: '2026-01-01T00:00:00.000Z' }), { 'content-type': 'text/plain', 'accept-language': 'de' });
    expect(expired.json().error).to.deep.equal({ code: 'LICENSE_EXPIRED', message: 'Die Lizenz ist abgelaufen: the licence expired on 2026-01-01T00:00:00.000Z. Bitten Sie Ihren Anbieter um eine Verlängerung.' });
    expect(h.app.licensing.status()).to.include({ id: 'CB-TEST-0002', sessions: 9 });

    const operator = await h.client('operator');
    const denied = await operator.request('POST', '/api/v1/license', license(), { 'content-type': 'text/plain' });
    expect(denied.statusCode).to.equal(403);
    expect(denied.json().error.code).to.equal('FORBIDDEN');
    const audit = h.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'license.%' ORDER BY id").all() as { action: string }[];
    expect(audit.map((a) => a.action)).to.deep.equal(['license.activated', 'license.rejected', 'license.rejected']);
  });

  it('tells connected browsers at once when the licence changes: modules for everyone, limits for admins', async () => {
    const admin = await h.client('admin');
    const operator = await h.client('operator');
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const open = async (cookie: string) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { cookie } });
      const messages: { type: string; data: unknown }[] = [];
      await new Promise<void>((resolve, reject) => {
        socket.once('message', () => resolve());
        socket.once('error', reject);
      });
      socket.on('message', (raw) => messages.push(JSON.parse(String(raw))));
      return { socket, messages };
    };
    const a = await open(admin.cookie);
    const o = await open(operator.cookie);
    try {
      const res = await admin.request('POST', '/api/v1/license', license({ sessions: 6, modules: ['telephony', 'mail'], licenseId: 'CB-TEST-LIVE' }), { 'content-type': 'text/plain' });
      expect(res.statusCode).to.equal(200);
      await waitFor(() => a.messages.length > 0 && o.messages.length > 0, 'live licence events');
      expect(a.messages[0]).to.deep.include({ type: 'license.changed', data: { modules: ['telephony', 'mail'], status: 'licensed', sessions: 6, reason: null } });
      expect(o.messages[0]).to.deep.include({ type: 'license.changed', data: { modules: ['telephony', 'mail'] } });
    } finally {
      a.socket.close();
      o.socket.close();
    }
  });

  it('GET /api/v1/license/usage gives the peak per hour (admin only) and validates its period', async () => {
    const at = () => h.clock.now().toISOString();
    h.publish('dialog.opened', { dialogId: 'a', kind: 'call', operatorId: 1, at: at() });
    h.publish('dialog.opened', { dialogId: 'b', kind: 'chat', operatorId: 2, at: at() });
    h.publish('dialog.closed', { dialogId: 'a', at: at() });
    h.clock.advance(3600_000);
    h.app.licensing.tick();
    h.publish('dialog.opened', { dialogId: 'c', kind: 'call', operatorId: 3, at: at() });
    h.publish('dialog.opened', { dialogId: 'd', kind: 'call', operatorId: 4, at: at() });
    const admin = await h.client('admin');
    const res = await admin.request('GET', '/api/v1/license/usage?from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z');
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json().items).to.deep.equal([
      { hour: '2026-11-25T12:00:00.000Z', peak: 2, sessionLimit: 4, refused: 0 },
      { hour: '2026-11-25T13:00:00.000Z', peak: 3, sessionLimit: 4, refused: 0 },
    ]);
    expect(h.app.licensing.status().peak).to.equal(3);
    const backwards = await admin.request('GET', '/api/v1/license/usage?from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z');
    expect([backwards.statusCode, backwards.json().error.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    const garbage = await admin.request('GET', '/api/v1/license/usage?from=yesterday');
    expect(garbage.statusCode).to.equal(400);
    const supervisor = await h.client('supervisor');
    expect((await supervisor.request('GET', '/api/v1/license/usage')).statusCode).to.equal(403);
  });
});

describe('licensing: a licence that cannot be saved', () => {
  let h: LicensingHarness;
  afterEach(async () => h.close());

  it('answers LICENSE_NOT_SAVED with what to do, and keeps the limits in force', async () => {
    const blocker = join(tmpdir(), `contactbox-not-a-dir-${process.pid}-${Date.now()}`);
    writeFileSync(blocker, 'a file where the licence directory should be');
    try {
      h = licensingHarness({ licenseFile: join(blocker, 'license.lic') });
      await h.start();
      const admin = await h.client('admin');
      const res = await admin.request('POST', '/api/v1/license', license({ sessions: 8 }), { 'content-type': 'text/plain' });
      expect(res.statusCode).to.equal(500);
      expect(res.json().error.code).to.equal('LICENSE_NOT_SAVED');
      expect(res.json().error.message).to.match(/^The licence is valid but could not be saved on the server \(E[A-Z]+\)\. Run "contactbox license activate FILE"/);
      expect(h.app.licensing.status()).to.include({ status: 'evaluation', sessions: 2 });
    } finally {
      rmSync(blocker, { force: true });
    }
  });
});

describe('licensing: evaluation terms and an installed licence going bad', () => {
  let h: LicensingHarness;
  afterEach(async () => h.close());

  it('without a licence: 2 sessions, all modules, 1 site for 30 days from the first start, then a clear refusal; turning the clock back does not extend it', async () => {
    h = licensingHarness();
    await h.start();
    expect(h.app.licensing.status()).to.include({ status: 'evaluation', sessions: 2, sites: 1, evaluationEndsAt: '2026-12-25T12:00:00.000Z' });
    expect(h.app.licensing.status().modules).to.deep.equal(['telephony', 'mail', 'chat', 'reports']);
    h.app.licensing.assertCanOpenDialog('outbound')();

    h.clock.advance(30 * 86_400_000 + 1000);
    h.app.licensing.tick();
    expect(h.app.licensing.status()).to.include({ status: 'evaluation-ended', sessions: 0 });
    for (const attempt of [() => h.app.licensing.assertCanOpenDialog('outbound'), () => h.app.licensing.assertModule('mail')]) {
      expect(attempt).to.throw('The 30-day evaluation ended on 2026-12-25. An administrator must activate a licence (contactbox license request).');
    }
    // Restart with the clock 10 days back: the latest time seen still counts.
    h.clock.advance(-10 * 86_400_000);
    await h.restart();
    expect(h.app.licensing.status()).to.include({ status: 'evaluation-ended', clockRolledBack: true });
  });

  it('an installed licence that expires while running stops new dialogs with LICENSE_NOT_ACTIVE after the evaluation period', async () => {
    h = licensingHarness();
    writeFileSync(h.licenseFile, license({ expiresAt: '2027-03-01T00:00:00.000Z' }));
    await h.start();
    expect(h.app.licensing.status().status).to.equal('licensed');
    h.clock.set('2027-03-02T00:00:00Z');
    h.app.licensing.tick();
    expect(h.app.licensing.status()).to.include({ status: 'invalid', reason: 'LICENSE_EXPIRED', sessions: 0 });
    expect(() => h.app.licensing.assertCanOpenDialog('inbound')).to.throw(/No valid licence is in force \(LICENSE_EXPIRED\)/);
  });

  it('a licence file moved to another machine is not in force there (LICENSE_WRONG_SERVER) and falls back to evaluation terms', async () => {
    h = licensingHarness();
    writeFileSync(h.licenseFile, license({ sessions: 50 }));
    h.overrides.facts = async () => (await import('./helpers.js')).facts('server-a-clone');
    await h.start();
    expect(h.app.licensing.status()).to.include({ status: 'invalid', reason: 'LICENSE_WRONG_SERVER', fingerprintMatch: false, sessions: 2 });
  });
});
