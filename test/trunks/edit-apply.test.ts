import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trunksCapability } from '../../appliance/trunks/index.js';
import { TrunkRepository } from '../../appliance/trunks/repository.js';
import { softphoneCapability } from '../../appliance/softphone/index.js';
import { loadProvisioningModel } from '../../installer/provisioning/from-install.js';
import { liveAsteriskApplier } from '../../installer/provisioning/live.js';
import { freePort } from '../support/cli.js';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';

const SIP = { kind: 'sip', name: 'uplink', host: 'sip.uplink.example', auth: 'register', username: 'acme1', secret: 'Provider-Secret-42', dids: ['380441234567'], outbound: ['0'] };
const GSM = { kind: 'gsm', name: 'goip', host: '192.0.2.20', channels: [{ did: '380671110001' }, { did: '380671110002' }], secret: 'Gsm-Lines-Secret-7', outbound: ['0'], priority: 5 };

describe('trunks: edit, apply state, and the undo of a change Asterisk refuses', () => {
  let t: TestApp;
  let admin: TestClient;
  let verdict: { status: string; detail: string };
  const stored = (name: string) => new TrunkRepository(t.db).find(name);
  const audited = (action: string) => (t.db.prepare('SELECT details FROM audit_log WHERE action = ?').all(action) as { details: string }[]).map((r) => JSON.parse(r.details).name as string);

  beforeEach(async () => {
    verdict = { status: 'applied', detail: 'test applier' };
    t = await buildTestApp({ capabilities: [trunksCapability], overrides: { trunks: { applier: { live: true, apply: async () => verdict } } } });
    admin = await t.userClient('admin');
    for (const body of [SIP, GSM]) expect((await admin.request('POST', '/api/v1/trunks', body)).statusCode).to.equal(201);
  });
  afterEach(async () => t.close());

  it('edits a trunk: new DIDs and lines, the secret kept when left out, the kind fixed; audited', async () => {
    const id = stored('goip')!.id;
    const res = await admin.request('PUT', `/api/v1/trunks/${id}`, { host: '192.0.2.21', channels: [{ did: '380671110001' }, { did: '380671110002' }, { did: '380671110003', target: 'team:sales' }], outbound: ['0', '+380'], priority: 3, dialTimeoutSec: 45 });
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json().asterisk).to.deep.equal({ status: 'applied', detail: 'test applier' });
    expect(res.json().trunk.endpoints).to.deep.equal(['goip-ch1', 'goip-ch2', 'goip-ch3']);
    const after = stored('goip')!;
    expect((after.settings as { lines: { secret: string }[] }).lines.map((l) => l.secret)).to.deep.equal(['Gsm-Lines-Secret-7', 'Gsm-Lines-Secret-7', 'Gsm-Lines-Secret-7']);
    expect(after.dids.find((d) => d.did === '380671110003')!.target).to.deep.equal({ type: 'team', name: 'sales' });
    expect(after.outbound.map((o) => [o.prefix, o.priority])).to.deep.equal([['+380', 3], ['0', 3]]);
    expect(res.body).to.not.include('Gsm-Lines-Secret-7');

    const sip = stored('uplink')!;
    expect((await admin.request('PUT', `/api/v1/trunks/${sip.id}`, { host: 'sip2.uplink.example', username: 'acme1', dids: ['380441234567'] })).statusCode).to.equal(200);
    expect((stored('uplink')!.settings as { secret: string }).secret).to.equal('Provider-Secret-42');

    const kind = await admin.request('PUT', `/api/v1/trunks/${sip.id}`, { kind: 'gsm', host: 'x.example' });
    expect(kind.statusCode).to.equal(400);
    expect(kind.json().error).to.include({ code: 'TRUNK_INVALID', field: 'body.kind' });
    const taken = await admin.request('PUT', `/api/v1/trunks/${sip.id}`, { ...SIP, dids: ['380671110002'] });
    expect(taken.json().error).to.include({ code: 'TRUNK_DUPLICATE_DID' });
    expect(stored('uplink')!.dids.map((d) => d.did)).to.deep.equal(['380441234567']);
    expect((await admin.request('PUT', '/api/v1/trunks/999', SIP)).statusCode).to.equal(404);

    expect(audited('trunk.update').sort()).to.deep.equal(['goip', 'uplink']);
    const state = (await admin.request('GET', '/api/v1/trunks/asterisk')).json();
    expect(state.live).to.equal(true);
    expect(state.last).to.include({ status: 'applied' });
  });

  it('when Asterisk refuses, the add, the edit and the removal are undone and the reason is given', async () => {
    verdict = { status: 'refused', detail: 'Asterisk did not load the endpoints goip-ch3 after the reload' };
    const before = stored('goip')!;
    const edit = await admin.request('PUT', `/api/v1/trunks/${before.id}`, { ...GSM, channels: 3 }, { 'accept-language': 'uk' });
    expect(edit.statusCode).to.equal(409);
    expect(edit.json().error.code).to.equal('TRUNK_ASTERISK_REFUSED');
    expect(edit.json().error.message).to.match(/^Asterisk не прийняв зміну/).and.include('goip-ch3');
    expect(stored('goip')).to.deep.equal(before);

    const add = await admin.request('POST', '/api/v1/trunks', { ...SIP, name: 'second', dids: ['380441230000'] });
    expect(add.statusCode).to.equal(409);
    expect(stored('second')).to.equal(null);

    const del = await admin.request('DELETE', `/api/v1/trunks/${before.id}`);
    expect(del.statusCode).to.equal(409);
    expect(stored('goip')).to.deep.equal(before);
    expect((await admin.request('GET', '/api/v1/trunks/asterisk')).json().last).to.include({ status: 'refused' });
    expect(audited('trunk.add')).to.not.include('second');
    expect(audited('trunk.update')).to.deep.equal([]);

    verdict = { status: 'applied', detail: 'again' };
    const now = await admin.request('POST', '/api/v1/trunks/apply', {});
    expect(now.statusCode, now.body).to.equal(200);
    expect(now.json()).to.include({ status: 'applied', detail: 'again' });
  });

  it('queues: listed, changed within Asterisk’s ranges naming a bad field, added and removed (not while a number still rings it); a refused apply is undone', async () => {
    const list = (await admin.request('GET', '/api/v1/queues')).json().items;
    expect(list).to.deep.equal([{ name: 'support', strategy: 'ringall', ringTimeoutSec: 15, retrySec: 2, wrapupSec: 0, maxWaitSec: 300, everyOperator: true, memberIds: [] }]);
    const bad = await admin.request('PUT', '/api/v1/queues/support', { strategy: 'rrmemory', ringTimeoutSec: 2 });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error).to.include({ code: 'VALIDATION_FAILED', field: 'body.ringTimeoutSec' });
    const ok = await admin.request('PUT', '/api/v1/queues/support', { strategy: 'rrmemory', ringTimeoutSec: 20, everyOperator: false });
    expect(ok.statusCode, ok.body).to.equal(200);
    expect(ok.json().queue).to.include({ strategy: 'rrmemory', ringTimeoutSec: 20, retrySec: 2, everyOperator: false });
    expect(ok.json().asterisk.status).to.equal('applied');
    const added = await admin.request('POST', '/api/v1/queues', { name: 'sales', strategy: 'leastrecent', everyOperator: true });
    expect(added.statusCode, added.body).to.equal(201);
    expect(added.json().queue).to.include({ name: 'sales', strategy: 'leastrecent', maxWaitSec: 300, everyOperator: true });
    expect((await admin.request('POST', '/api/v1/queues', { name: 'sales' })).json().error.code).to.equal('QUEUE_EXISTS');
    expect((await admin.request('POST', '/api/v1/queues', { name: 'Bad Name' })).json().error.field).to.equal('body.name');
    // Every trunk's DIDs go to queue:support by default.
    const inUse = await admin.request('DELETE', '/api/v1/queues/support');
    expect(inUse.statusCode).to.equal(409);
    expect(inUse.json().error.code).to.equal('QUEUE_IN_USE');
    expect(inUse.json().error.message).to.include('380441234567');
    expect((await admin.request('PUT', '/api/v1/queues/nope', { strategy: 'linear' })).statusCode).to.equal(404);

    verdict = { status: 'refused', detail: 'app_queue did not reload' };
    const refused = await admin.request('PUT', '/api/v1/queues/sales', { strategy: 'linear' });
    expect(refused.json().error.code).to.equal('TRUNK_ASTERISK_REFUSED');
    expect((await admin.request('GET', '/api/v1/queues')).json().items.find((q: { name: string }) => q.name === 'sales').strategy).to.equal('leastrecent');
    verdict = { status: 'applied', detail: 'ok' };
    expect((await admin.request('DELETE', '/api/v1/queues/sales')).statusCode).to.equal(200);
    expect((await admin.request('GET', '/api/v1/queues')).json().items.map((q: { name: string }) => q.name)).to.deep.equal(['support']);
    expect(t.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'queue.%' ORDER BY id").all().map((r) => (r as { action: string }).action)).to.deep.equal(['queue.update', 'queue.create', 'queue.delete']);
  });

  it('queues: people as members, each with a phone; provisioning makes them static members of that queue', async () => {
    const withPhones = await buildTestApp({ capabilities: [trunksCapability, softphoneCapability], overrides: { trunks: { applier: { live: true, apply: async () => verdict } } } });
    try {
      const boss = await withPhones.userClient('admin');
      const op = await withPhones.userClient('supervisor');
      expect((await boss.request('POST', `/api/v1/phones/${op.userId}`, {})).statusCode).to.equal(200);
      expect((await boss.request('POST', '/api/v1/queues', { name: 'vip', everyOperator: false })).statusCode).to.equal(201);
      const set = await boss.request('PUT', '/api/v1/queues/vip', { memberIds: [op.userId] });
      expect(set.statusCode, set.body).to.equal(200);
      expect(set.json().queue).to.include({ everyOperator: false }).and.deep.include({ memberIds: [op.userId] });
      const model = loadProvisioningModel(withPhones.db, { telephony: { mode: 'local' } });
      expect(model.operators.find((o) => o.endpoint === `cb-op-${op.userId}`)!.queues).to.include('vip');

      const noPhone = await boss.request('PUT', '/api/v1/queues/vip', { memberIds: [op.userId, boss.userId] }, { 'accept-language': 'fr' });
      expect(noPhone.statusCode).to.equal(400);
      expect(noPhone.json().error).to.include({ code: 'QUEUE_MEMBER_NO_PHONE', field: 'body.memberIds.1' });
      expect(noPhone.json().error.message).to.match(/téléphone/);
      expect((await boss.request('PUT', '/api/v1/queues/vip', { memberIds: [op.userId, op.userId] })).statusCode).to.equal(400);
      expect((await boss.request('GET', '/api/v1/queues')).json().items.find((q: { name: string }) => q.name === 'vip').memberIds).to.deep.equal([op.userId]);
    } finally {
      await withPhones.close();
    }
  });

  it('the live applier reports refused and leaves the Asterisk folder as it was when Asterisk cannot be reached', async () => {
    const etc = mkdtempSync(join(tmpdir(), 'contactbox-etc-'));
    try {
      writeFileSync(join(etc, 'pjsip.conf'), '; the administrator\'s own\n');
      const port = await freePort();
      const applier = liveAsteriskApplier({
        db: t.db,
        config: { telephony: { mode: 'local', ami: { host: '127.0.0.1', port, username: 'contactbox', secret: 'not-used-here' } } },
        clock: t.clock,
        etcDir: etc,
      });
      const r = await applier.apply();
      expect(r.status).to.equal('refused');
      expect(r.detail).to.match(/cannot reach Asterisk's manager interface/).and.match(/previous Asterisk files were restored/);
      expect(readFileSync(join(etc, 'pjsip.conf'), 'utf8')).to.equal("; the administrator's own\n");
      expect(existsSync(join(etc, 'pjsip_contactbox.conf'))).to.equal(false);
      expect(applier.live).to.equal(true);
    } finally {
      rmSync(etc, { recursive: true, force: true });
    }
  });
});
