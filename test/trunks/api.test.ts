import { expect } from 'chai';
import { trunksCapability } from '../../appliance/trunks/index.js';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';

const SIP = {
  kind: 'sip',
  name: 'uplink',
  host: 'sip.uplink.example',
  auth: 'register',
  username: 'acme380441234567',
  secret: 'Provider-Secret-42',
  dids: ['380441234567', '0800301234'],
  outbound: ['0'],
};
const GSM = { kind: 'gsm', name: 'goip', host: '192.0.2.20', channels: 4, secret: 'Gsm-Lines-Secret-7', dids: '380671110001,380671110002', outbound: ['0'], priority: 5 };

describe('trunks API: admin only, validation naming the field, secrets never returned', () => {
  let t: TestApp;
  let admin: TestClient;
  let applied: number;
  const start = async () => {
    applied = 0;
    t = await buildTestApp({
      capabilities: [trunksCapability],
      overrides: { trunks: { applier: { apply: async () => (applied++, { status: 'applied', detail: 'test applier' }) } } },
    });
    admin = await t.userClient('admin');
  };
  describe('with a fresh app per test', () => {
    beforeEach(start);
    afterEach(async () => t.close());

    it('creates, lists, reads and deletes trunks; the response has no secret', async () => {
      const created = await admin.request('POST', '/api/v1/trunks', SIP);
      expect(created.statusCode, created.body).to.equal(201);
      const body = created.json();
      expect(body.asterisk).to.deep.equal({ status: 'applied', detail: 'test applier' });
      expect(body.trunk).to.deep.include({ name: 'uplink', kind: 'sip', label: 'SIP provider', endpoints: ['uplink'] });
      expect(body.trunk.settings).to.include({ host: 'sip.uplink.example', hasSecret: true, auth: 'register' });
      expect(created.body).to.not.include('Provider-Secret-42');
      expect((await admin.request('POST', '/api/v1/trunks', GSM)).statusCode).to.equal(201);

      const list = await admin.request('GET', '/api/v1/trunks');
      expect(list.json().items.map((x: { name: string }) => x.name)).to.deep.equal(['goip', 'uplink']);
      expect(list.json().kinds.map((k: { kind: string }) => k.kind)).to.deep.equal(['sip', 'gsm', 'analog']);
      expect(list.body).to.not.match(/Secret-(42|7)/);
      const gsm = list.json().items[0];
      expect(gsm.endpoints).to.deep.equal(['goip-ch1', 'goip-ch2', 'goip-ch3', 'goip-ch4']);
      expect(gsm.dids).to.deep.equal([
        { did: '380671110001', target: 'queue:support', channel: 1 },
        { did: '380671110002', target: 'queue:support', channel: 2 },
      ]);

      const one = await admin.request('GET', `/api/v1/trunks/${body.trunk.id}`);
      expect(one.json().name).to.equal('uplink');
      const del = await admin.request('DELETE', `/api/v1/trunks/${body.trunk.id}`);
      expect(del.statusCode).to.equal(200);
      expect((await admin.request('GET', `/api/v1/trunks/${body.trunk.id}`)).json().error.code).to.equal('TRUNK_NOT_FOUND');
      expect((await admin.request('POST', '/api/v1/trunks', { ...SIP, name: 'second', dids: [] })).statusCode).to.equal(201);
      const byName = await admin.request('DELETE', '/api/v1/trunks?name=second');
      expect(byName.statusCode).to.equal(200);
      expect(byName.json().trunk.name).to.equal('second');
      const neither = await admin.request('DELETE', '/api/v1/trunks');
      expect(neither.statusCode).to.equal(400);
      expect(neither.json().error).to.include({ code: 'TRUNK_INVALID', field: 'query.name' });
      expect((await admin.request('DELETE', '/api/v1/trunks?name=nope')).statusCode).to.equal(404);
      expect(applied).to.equal(5);
      const audit = t.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'trunk.%' ORDER BY id").all();
      expect(audit).to.deep.equal([{ action: 'trunk.add' }, { action: 'trunk.add' }, { action: 'trunk.remove' }, { action: 'trunk.add' }, { action: 'trunk.remove' }]);
    });

    it('refuses operators and supervisors (403) and anonymous callers (401)', async () => {
      for (const role of ['operator', 'supervisor'] as const) {
        const user = await t.userClient(role);
        expect((await user.request('GET', '/api/v1/trunks')).statusCode).to.equal(403);
        const post = await user.request('POST', '/api/v1/trunks', SIP);
        expect(post.statusCode).to.equal(403);
        expect(post.json().error.code).to.equal('FORBIDDEN');
      }
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/trunks' })).statusCode).to.equal(401);
      expect(t.db.prepare('SELECT COUNT(*) AS n FROM trunks').get()).to.deep.equal({ n: 0 });
    });
  });

  describe('bad input (one app; nothing may be stored)', () => {
    before(start);
    after(async () => t.close());
    const bad: [string, Record<string, unknown>, string, string][] = [
      ['a bad host', { ...SIP, host: 'sip..provider' }, 'body.host', 'TRUNK_INVALID'],
      ['an IP address out of range', { ...SIP, host: '192.0.2.300' }, 'body.host', 'TRUNK_INVALID'],
      ['a weak secret', { ...SIP, secret: 'password1' }, 'body.secret', 'TRUNK_INVALID'],
      ['a long secret of one character class', { ...SIP, secret: 'aaaaaaaaaaaaaaaa' }, 'body.secret', 'TRUNK_INVALID'],
      ['channel count 0', { ...GSM, channels: 0 }, 'body.channels', 'TRUNK_INVALID'],
      ['channel count 65', { ...GSM, channels: 65 }, 'body.channels', 'TRUNK_INVALID'],
      ['an unknown kind', { ...SIP, kind: 'isdn' }, 'body.kind', 'TRUNK_UNKNOWN_KIND'],
      ['a bad prefix', { ...SIP, outbound: ['9x'] }, 'body.outbound.0', 'TRUNK_INVALID'],
      ['a bad DID', { ...SIP, dids: ['12'] }, 'body.dids.0', 'TRUNK_INVALID'],
      ['a DID listed twice', { ...SIP, dids: ['0800301234', '0800301234'] }, 'body.dids.1', 'TRUNK_DUPLICATE_DID'],
      ['a GSM dial timeout under 30 s', { ...GSM, dialTimeoutSec: 20 }, 'body.dialTimeoutSec', 'TRUNK_INVALID'],
      ['a registration without secret', { ...GSM, secret: undefined }, 'body.secret', 'TRUNK_INVALID'],
      ['an unknown codec', { ...SIP, codecs: 'alaw,speex' }, 'body.codecs.1', 'TRUNK_INVALID'],
      ['a bad inbound target', { ...SIP, inboundTarget: 'voicemail:1' }, 'body.inboundTarget', 'TRUNK_INVALID'],
    ];
    for (const [what, input, field, code] of bad) {
      it(`answers ${what} with 400 naming ${field}, and stores nothing`, async () => {
        const res = await admin.request('POST', '/api/v1/trunks', input);
        expect(res.statusCode, res.body).to.equal(400);
        expect(res.json().error).to.include({ code, field });
        expect(res.json().error.message).to.be.a('string').and.not.equal('');
        expect(t.db.prepare('SELECT COUNT(*) AS n FROM trunks').get()).to.deep.equal({ n: 0 });
        expect(applied).to.equal(0);
      });
    }
  });

  describe('conflicts and languages', () => {
    beforeEach(start);
    afterEach(async () => t.close());

    it('refuses a DID that another trunk already has, naming that trunk', async () => {
      await admin.request('POST', '/api/v1/trunks', SIP);
      const res = await admin.request('POST', '/api/v1/trunks', { ...GSM, dids: '380671110001,0800301234' });
      expect(res.statusCode).to.equal(400);
      expect(res.json().error).to.include({ code: 'TRUNK_DUPLICATE_DID', field: 'body.dids.1' });
      expect(res.json().error.message).to.include('uplink');
      const name = await admin.request('POST', '/api/v1/trunks', { ...SIP, dids: [] });
      expect(name.statusCode).to.equal(409);
      expect(name.json().error).to.include({ code: 'TRUNK_NAME_TAKEN', field: 'body.name' });
    });

    it("answers in the caller's language", async () => {
      const res = await admin.request('POST', '/api/v1/trunks', { ...SIP, kind: 'isdn' }, { 'accept-language': 'uk' });
      // The admin has no language of their own, so Accept-Language decides.
      expect(res.json().error.message).to.match(/^Невідомий тип транку «isdn»/);
    });
  });
});
