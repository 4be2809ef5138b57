import { expect } from 'chai';
import { existsSync, mkdirSync, writeFileSync, utimesSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { buildTestApp, type TestApp } from '../../support/test-app.js';
import { ManualClock } from '../../../appliance/core/clock.js';
import type { RetentionOverrides } from '../../../appliance/retention/plugin.js';
import { verifyFiles } from '../../../appliance/retention/verify.js';
import { createTestItems, testItemsClass, generateTestItems, generateAudit, DAY } from './fixtures.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const fixedDisk = (totalBytes: number, freeBytes: number): RetentionOverrides => ({ disk: () => ({ totalBytes, freeBytes }), intervalMs: 0 });

async function appWith(options: { retention?: unknown; disk?: RetentionOverrides } = {}): Promise<TestApp> {
  return buildTestApp({
    clock: new ManualClock(NOW),
    config: options.retention === undefined ? {} : { retention: options.retention } as never,
    overrides: { retention: options.disk ?? fixedDisk(100e9, 60e9) },
  });
}

describe('retention: policies, preview, legal holds, runs and the journal', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('seeds sensible defaults on first start: recordings 365 days, everything else forever; admin only', async () => {
    t = await appWith();
    const admin = await t.userClient('admin');
    const res = await admin.request('GET', '/api/v1/retention/policies');
    expect(res.statusCode).to.equal(200);
    const days = Object.fromEntries(res.json().policies.map((p: { class: string; days: number | null }) => [p.class, p.days]));
    expect(days).to.deep.equal({ recordings: 365, mail: null, chats: null, calls: null, audit: null });
    const chats = res.json().policies.find((p: { class: string }) => p.class === 'chats');
    expect(chats.registered).to.equal(true); // the chat capability registers its class
    const op = await t.userClient('supervisor');
    expect((await op.request('GET', '/api/v1/retention/policies')).statusCode).to.equal(403);
  });

  it('seeds from the config section written by the installer, and refuses a bad section at start', async () => {
    t = await appWith({ retention: { recordings: 90, audit: 400, mail: 'forever' } });
    const rows = t.db.prepare('SELECT class, days, source FROM retention_policies ORDER BY class').all();
    expect(rows).to.deep.include({ class: 'recordings', days: 90, source: 'config' });
    expect(rows).to.deep.include({ class: 'audit', days: 400, source: 'config' });
    expect(rows).to.deep.include({ class: 'calls', days: null, source: 'default' });
    await t.close();
    // A config that keeps recordings longer than calls is seeded as written (calls then wait for
    // their recordings); it blocks no change to another class, and the pair can be put right.
    t = await appWith({ retention: { recordings: 365, calls: 90 } });
    const svc = t.app.retention.service;
    expect(() => svc.setPolicy('audit', 30, { source: 'admin', actorId: null })).to.not.throw();
    expect(() => svc.setPolicy('calls', 100, { source: 'admin', actorId: null })).to.throw(/cannot be kept longer/);
    expect(() => svc.setPolicy('recordings', 90, { source: 'admin', actorId: null })).to.not.throw();
    let failure: Error | null = null;
    try {
      const bad = await appWith({ retention: { recordings: 'a year' } });
      await bad.close();
    } catch (err) {
      failure = err as Error;
    }
    expect(failure?.message).to.match(/retention\.recordings/);
  });

  it('previews a shorter policy before saving it (dryRun does not save), then saves it audited', async () => {
    t = await appWith();
    const ats = generateAudit(t.db, NOW, 500);
    const admin = await t.userClient('admin');
    const expired = ats.filter((a) => a < new Date(NOW.getTime() - 100 * DAY).toISOString()).length;
    const dry = await admin.request('PUT', '/api/v1/retention/policies/audit?dryRun=true', { days: 100 });
    expect(dry.statusCode).to.equal(200);
    expect(dry.json()).to.deep.include({ saved: false });
    expect(dry.json().preview).to.deep.include({ class: 'audit', policyDays: 100, currentPolicyDays: null, items: expired, registered: true });
    expect(t.db.prepare("SELECT days FROM retention_policies WHERE class='audit'").get()).to.deep.equal({ days: null });
    const preview = await admin.request('POST', '/api/v1/retention/preview', { class: 'audit', days: 100 });
    expect(preview.json().classes[0].items).to.equal(expired);
    const saved = await admin.request('PUT', '/api/v1/retention/policies/audit', { days: 100 });
    // Without a class: what a run would delete now, every class.
    const all = await admin.request('POST', '/api/v1/retention/preview', { asOf: NOW.toISOString().slice(0, 10) });
    expect(all.statusCode).to.equal(200);
    const auditLine = all.json().classes.find((c: { class: string }) => c.class === 'audit');
    expect(auditLine).to.deep.include({ policyDays: 100, registered: true, items: ats.filter((a) => a < new Date(new Date(NOW.toISOString().slice(0, 10)).getTime() - 100 * DAY).toISOString()).length });
    expect(saved.json().saved).to.equal(true);
    expect(t.db.prepare("SELECT days, source, updated_by AS by FROM retention_policies WHERE class='audit'").get()).to.deep.equal({ days: 100, source: 'admin', by: admin.userId });
    const audit = t.db.prepare("SELECT actor_id, target_id, details FROM audit_log WHERE action='retention.policy_set'").get() as { actor_id: number; target_id: string; details: string };
    expect(audit).to.include({ actor_id: admin.userId, target_id: 'audit' });
    expect(JSON.parse(audit.details)).to.deep.include({ from: null, to: 100 });
  });

  it('refuses bad input with specific, translated errors and stores nothing', async () => {
    t = await appWith();
    const admin = await t.userClient('admin');
    const unknown = await admin.request('PUT', '/api/v1/retention/policies/faxes', { days: 10 });
    expect(unknown.statusCode).to.equal(404);
    expect(unknown.json().error.code).to.equal('RETENTION_UNKNOWN_CLASS');
    const zero = await admin.request('PUT', '/api/v1/retention/policies/audit', { days: 0 });
    expect(zero.statusCode).to.equal(400);
    expect(zero.json().error.code).to.equal('VALIDATION_FAILED');
    const text = await admin.request('PUT', '/api/v1/retention/policies/audit', { days: 'forever' });
    expect(text.statusCode).to.equal(400);
    // Call records kept 30 days while recordings are kept 365: refused, in the caller's language.
    const conflict = await admin.request('PUT', '/api/v1/retention/policies/calls', { days: 30 }, { 'accept-language': 'uk' });
    expect(conflict.statusCode).to.equal(409);
    expect(conflict.json().error.code).to.equal('RETENTION_POLICY_CONFLICT');
    const de = await admin.request('POST', '/api/v1/retention/preview', { asOf: '2026-02-30' });
    expect(de.statusCode).to.equal(400);
    expect(de.json().error.code).to.equal('RETENTION_BAD_DATE');
    const half = await admin.request('POST', '/api/v1/retention/preview', { class: 'audit' });
    expect(half.json().error.code).to.equal('RETENTION_PREVIEW_NEEDS_DAYS');
    expect(t.db.prepare("SELECT count(*) AS n FROM retention_policies WHERE source = 'admin'").get()).to.deep.equal({ n: 0 });
  });

  it('after a run as of a date, every expired item of every class is gone (file and row) and every unexpired or held one intact — counted exactly; the dry run said the same', async () => {
    t = await appWith();
    createTestItems(t.db);
    t.app.retention.register(testItemsClass(t.db, t.dataDir));
    const items = generateTestItems(t.db, t.dataDir, NOW, 3000);
    const ats = generateAudit(t.db, NOW, 2000);
    const svc = t.app.retention.service;
    svc.setPolicy('testfiles', 180, { source: 'admin', actorId: null });
    svc.setPolicy('audit', 400, { source: 'admin', actorId: null });
    svc.placeHold('contact', '7', 'litigation', null);
    svc.placeHold('contact', '13', 'litigation', null);
    const asOf = new Date('2026-05-15T00:00:00Z');
    const cut = (days: number) => new Date(asOf.getTime() - days * DAY).toISOString();
    const held = new Set([7, 13]);
    const expiredItems = items.filter((i) => i.madeAt < cut(180) && !held.has(i.contactId));
    const keptItems = items.filter((i) => !(i.madeAt < cut(180) && !held.has(i.contactId)));
    const expiredAudit = ats.filter((a) => a < cut(400)).length;
    expect(expiredItems.length).to.be.greaterThan(1000);
    expect(keptItems.filter((i) => i.madeAt < cut(180)).length).to.be.greaterThan(10);

    const dry = await svc.run({ dryRun: true, asOf });
    const byClass = (r: typeof dry) => Object.fromEntries(r.classes.map((c) => [c.class, c]));
    expect(byClass(dry).testfiles).to.deep.include({ items: expiredItems.length, bytes: expiredItems.reduce((a, i) => a + i.bytes, 0), policyDays: 180, registered: true });
    expect(byClass(dry).audit).to.deep.include({ items: expiredAudit });
    expect(byClass(dry).chats).to.deep.equal({ class: 'chats', policyDays: null, registered: true, items: 0, bytes: 0 });

    const real = await svc.run({ asOf, batchSize: 97, trigger: 'test' });
    expect(real.classes.map((c) => [c.class, c.items, c.bytes])).to.deep.equal(dry.classes.map((c) => [c.class, c.items, c.bytes]));

    const rows = new Set((t.db.prepare('SELECT id FROM test_items').all() as { id: number }[]).map((r) => r.id));
    expect(rows.size).to.equal(keptItems.length);
    for (const i of expiredItems) {
      expect(rows.has(i.id), `row ${i.id}`).to.equal(false);
      expect(existsSync(join(t.dataDir, i.path)), i.path).to.equal(false);
    }
    for (const i of keptItems) {
      expect(rows.has(i.id)).to.equal(true);
      expect(existsSync(join(t.dataDir, i.path))).to.equal(true);
    }
    const auditLeft = t.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'test.event'").get() as { n: number };
    expect(auditLeft.n).to.equal(ats.length - expiredAudit);
    expect((t.db.prepare('SELECT count(*) AS n FROM retention_pending').get() as { n: number }).n).to.equal(0);

    const journal = svc.repo.journal(10);
    const entry = journal.find((j) => j.class === 'testfiles')!;
    expect(entry).to.deep.include({ status: 'finished', items: expiredItems.length, policyDays: 180, asOf: asOf.toISOString(), trigger: 'test' });
    expect(Object.keys(entry)).to.not.include('files');
    // Nothing left to do: a second run deletes nothing.
    const again = await svc.run({ asOf });
    expect(again.classes.reduce((a, c) => a + c.items, 0)).to.equal(0);
  });

  it('places and releases legal holds through the API, audited; held items survive a run and go after release', async () => {
    t = await appWith();
    createTestItems(t.db);
    t.app.retention.register(testItemsClass(t.db, t.dataDir));
    const items = generateTestItems(t.db, t.dataDir, NOW, 400, 3, 5);
    t.app.retention.service.setPolicy('testfiles', 30, { source: 'admin', actorId: null });
    const admin = await t.userClient('admin');
    const addContact = t.db.prepare("INSERT INTO contacts (id, name, name_fold, created_at, updated_at) VALUES (?, 'Held', 'held', ?, ?)");
    addContact.run(2, NOW.toISOString(), NOW.toISOString());
    const missing = await admin.request('POST', '/api/v1/legal-holds', { scope: 'contact', targetId: '999', reason: 'x' });
    expect(missing.statusCode).to.equal(404);
    expect(missing.json().error.code).to.equal('LEGAL_HOLD_TARGET_NOT_FOUND');
    const placed = await admin.request('POST', '/api/v1/legal-holds', { scope: 'contact', targetId: '2', reason: 'court order 15/2026' });
    expect(placed.statusCode).to.equal(201);
    const hold = placed.json();
    expect(hold).to.include({ scope: 'contact', targetId: '2', releasedAt: null, createdBy: admin.userId });
    const dup = await admin.request('POST', '/api/v1/legal-holds', { scope: 'contact', targetId: '2', reason: 'again' });
    expect(dup.statusCode).to.equal(409);
    expect(dup.json().error.code).to.equal('LEGAL_HOLD_EXISTS');
    const badScope = await admin.request('POST', '/api/v1/legal-holds', { scope: 'fax', targetId: '2', reason: 'x' });
    expect(badScope.statusCode).to.equal(400);
    const list = await admin.request('GET', '/api/v1/legal-holds');
    expect(list.json().holds.map((h: { id: number }) => h.id)).to.deep.equal([hold.id]);

    await t.app.retention.service.run({});
    const heldExpired = items.filter((i) => i.contactId === 2 && i.madeAt < new Date(NOW.getTime() - 30 * DAY).toISOString());
    expect(heldExpired.length).to.be.greaterThan(5);
    for (const i of heldExpired) expect(existsSync(join(t.dataDir, i.path))).to.equal(true);

    const released = await admin.request('DELETE', `/api/v1/legal-holds/${hold.id}`);
    expect(released.statusCode).to.equal(200);
    expect(released.json().releasedBy).to.equal(admin.userId);
    expect((await admin.request('DELETE', `/api/v1/legal-holds/${hold.id}`)).json().error.code).to.equal('LEGAL_HOLD_NOT_FOUND');
    const audits = t.db.prepare("SELECT action, actor_id, target_type, target_id FROM audit_log WHERE action LIKE 'retention.hold%' ORDER BY id").all();
    expect(audits).to.deep.equal([
      { action: 'retention.hold_placed', actor_id: admin.userId, target_type: 'legal_hold:contact', target_id: '2' },
      { action: 'retention.hold_released', actor_id: admin.userId, target_type: 'legal_hold:contact', target_id: '2' },
    ]);
    const after = await t.app.retention.service.run({});
    expect(after.classes.find((c) => c.class === 'testfiles')!.items).to.equal(heldExpired.length);
    for (const i of heldExpired) expect(existsSync(join(t.dataDir, i.path))).to.equal(false);
  });

  it('forecasts storage from the last 30 days of growth, with the fill date and 80 %/90 % warnings', async () => {
    // No recordings sizing here (0 minutes a day): this test is about measured growth.
    t = await appWith({ disk: fixedDisk(10_000_000, 1_500_000), retention: { recordedMinutesPerDay: 0 } });
    createTestItems(t.db);
    t.app.retention.register(testItemsClass(t.db, t.dataDir));
    // 300 items of 100 bytes in the last 30 days: 1,000 bytes a day, kept forever.
    const insert = t.db.prepare("INSERT INTO test_items (made_at, contact_id, path, bytes) VALUES (?, 1, 'recordings/x', 100)");
    for (let i = 0; i < 300; i++) insert.run(new Date(NOW.getTime() - 29.99 * DAY + i * (DAY / 10)).toISOString());
    t.app.retention.service.setPolicy('testfiles', null, { source: 'admin', actorId: null });
    const admin = await t.userClient('admin');
    const res = await admin.request('GET', '/api/v1/retention/forecast');
    expect(res.statusCode).to.equal(200);
    const f = res.json();
    const tf = f.classes.find((c: { class: string }) => c.class === 'testfiles');
    expect(tf).to.include({ growthSource: 'history', items: 300, bytes: 30_000 });
    expect(tf.dailyGrowthBytes).to.be.within(990, 1010);
    expect(f.disk.usedPercent).to.equal(85);
    expect(f.level).to.equal('warning');
    // 1,500,000 free bytes at ~1,000 bytes a day (plus the audit log's few bytes): full in under 1,500 days.
    const growth = f.classes.reduce((a: number, c: { dailyGrowthBytes: number }) => a + c.dailyGrowthBytes, 0);
    expect(growth - tf.dailyGrowthBytes).to.be.below(1000);
    const days = (new Date(f.fillsOn).getTime() - NOW.getTime()) / DAY;
    expect(days).to.be.within(1_500_000 / growth - 1, 1_500_000 / growth + 1);
    expect(f.projectedUsedPercent).to.be.within(88, 90);
    expect(f.warnings.join(' ')).to.match(/85\.0 % full/);
    const health = (await t.app.deps.adminChannel.call('health')) as { result: { components: Record<string, string> } };
    expect(health.result.components.storage).to.match(/^warning/);
  });

  it('uses the 120 KB per recorded minute sizing when a class has no history, and says critical at 90 %', async () => {
    t = await appWith({ disk: fixedDisk(1e12, 0.05e12), retention: { recordedMinutesPerDay: 500 } });
    const { forecastStorage, windowStart } = await import('../../../appliance/retention/forecast.js');
    const { tableClass } = await import('../../../appliance/retention/classes/table-class.js');
    createTestItems(t.db);
    const recordings = tableClass({ name: 'recordings', describe: 'test recordings', db: t.db, dataDir: t.dataDir, table: 'test_items', ageColumn: 'made_at', bytesExpr: 't.bytes' });
    const f = forecastStorage({ asOf: NOW, dataDir: t.dataDir, stats: new Map([['recordings', recordings.stats(windowStart(NOW))]]), classNames: ['recordings'], policies: new Map([['recordings', 365]]), recordedMinutesPerDay: 500, disk: () => ({ totalBytes: 1e12, freeBytes: 0.05e12 }) });
    expect(f.classes[0]).to.include({ growthSource: 'sizing', dailyGrowthBytes: 500 * 120 * 1024, neededBytes: 500 * 120 * 1024 * 365 });
    expect(f.level).to.equal('critical');
    expect(f.warnings[0]).to.match(/95\.0 % full\. New recordings are still kept/);
  });

  it('verify reports files with no row and rows with no file, and --repair quarantines the orphans', async () => {
    t = await appWith();
    createTestItems(t.db);
    t.app.retention.register(testItemsClass(t.db, t.dataDir));
    const items = generateTestItems(t.db, t.dataDir, NOW, 20);
    const orphan = join(t.dataDir, 'recordings/2025/01/01/orphan.opus');
    const young = join(t.dataDir, 'recordings/2026/06/01/being-written.opus');
    for (const f of [orphan, young]) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, 'x'.repeat(42));
    }
    const old = (NOW.getTime() - 2 * 3600_000) / 1000;
    utimesSync(orphan, old, old);
    for (const i of items) utimesSync(join(t.dataDir, i.path), old, old);
    const young2 = NOW.getTime() / 1000;
    utimesSync(young, young2, young2);
    const { rmSync } = await import('node:fs');
    rmSync(join(t.dataDir, items[0]!.path));
    const report = await verifyFiles({ service: t.app.retention.service, dataDir: t.dataDir, clock: t.clock, repair: false });
    expect(report.orphanFiles).to.deep.equal({ count: 1, bytes: 42, sample: ['recordings/2025/01/01/orphan.opus'] });
    expect(report.missingFiles).to.deep.equal({ count: 1, sample: [{ class: 'testfiles', path: items[0]!.path }] });
    expect(report.youngFiles).to.equal(1);
    expect(report.rowsChecked).to.equal(20);
    const repaired = await verifyFiles({ service: t.app.retention.service, dataDir: t.dataDir, clock: t.clock, repair: true });
    expect(repaired.quarantined).to.equal(1);
    expect(existsSync(orphan)).to.equal(false);
    expect(existsSync(join(t.dataDir, 'quarantine/2026-06-01/recordings/2025/01/01/orphan.opus'))).to.equal(true);
    expect(readdirSync(join(t.dataDir, 'recordings/2026/06/01'))).to.deep.equal(['being-written.opus']);
  });
});

describe('retention: legal holds follow merged contacts', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('a hold on a contact merged into another moves with its dialogs to the kept contact', async () => {
    t = await appWith();
    const add = t.db.prepare("INSERT INTO contacts (id, name, name_fold, created_at, updated_at) VALUES (?, ?, ?, ?, ?)");
    add.run(10, 'Kept', 'kept', NOW.toISOString(), NOW.toISOString());
    add.run(11, 'Held', 'held', NOW.toISOString(), NOW.toISOString());
    const admin = await t.userClient('admin');
    expect((await admin.request('POST', '/api/v1/legal-holds', { scope: 'contact', targetId: '11', reason: 'case 7' })).statusCode).to.equal(201);
    const merged = await admin.request('POST', '/api/v1/contacts/10/merge', { otherId: 11 });
    expect(merged.statusCode, merged.body).to.equal(200);
    const holds = (await admin.request('GET', '/api/v1/legal-holds')).json().holds as { targetId: string; reason: string }[];
    expect(holds.map((h) => h.targetId).sort()).to.deep.equal(['10', '11']);
    expect(holds.find((h) => h.targetId === '10')!.reason).to.match(/^case 7 \(held contact 11 was merged/);
  });
});

describe('retention: the daily job inside the appliance', function () {
  this.timeout(90_000);
  let t: TestApp;
  afterEach(async () => t?.close());

  it('runs on its timer (journal trigger "schedule"), is listed by the journal API, and stops with the app', async () => {
    t = await buildTestApp({
      clock: new ManualClock(NOW),
      config: { retention: { audit: 100 } } as never,
      overrides: { retention: { intervalMs: 60_000, firstRunDelayMs: 1500, disk: () => ({ totalBytes: 100e9, freeBytes: 60e9 }) } as RetentionOverrides },
    });
    const ats = generateAudit(t.db, NOW, 200);
    const expired = ats.filter((a) => a < new Date(NOW.getTime() - 100 * DAY).toISOString()).length;
    const admin = await t.userClient('admin');
    // Waits for the audit class itself: other classes of the same run may finish first.
    for (let i = 0; i < 2400 && !t.db.prepare("SELECT 1 FROM retention_journal WHERE trigger = 'schedule' AND class = 'audit' AND status = 'finished'").get(); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const journal = await admin.request('GET', '/api/v1/retention/journal?limit=5');
    expect(journal.statusCode).to.equal(200);
    const entry = journal.json().entries.find((e: { class: string }) => e.class === 'audit');
    expect(entry).to.deep.include({ trigger: 'schedule', actor: 'schedule', status: 'finished', items: expired, policyDays: 100 });
    expect((t.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'test.event'").get() as { n: number }).n).to.equal(ats.length - expired);
  });
});

describe('retention: failures and concurrency', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('a batch that fails half-way is journaled as failed and the next run finishes it: same final state', async () => {
    t = await appWith();
    createTestItems(t.db);
    const cls = testItemsClass(t.db, t.dataDir);
    const realDelete = cls.deleteItems.bind(cls);
    let calls = 0;
    cls.deleteItems = async (items) => {
      if (++calls === 3) {
        // Half the batch's files are gone, then the disk "fails": rows stay, items stay marked.
        const { unlinkSync } = await import('node:fs');
        for (const i of items.slice(0, items.length / 2)) unlinkSync(join(t.dataDir, i.files[0]!));
        throw new Error('EIO: i/o error');
      }
      return realDelete(items);
    };
    t.app.retention.register(cls);
    const items = generateTestItems(t.db, t.dataDir, NOW, 1000, 17);
    const svc = t.app.retention.service;
    svc.setPolicy('testfiles', 90, { source: 'admin', actorId: null });
    const expired = items.filter((i) => i.madeAt < new Date(NOW.getTime() - 90 * DAY).toISOString());
    let failure: Error | null = null;
    await svc.run({ batchSize: 50 }).catch((err: Error) => (failure = err));
    expect(failure!.message).to.match(/EIO/);
    expect(svc.repo.journal(1)[0]).to.deep.include({ class: 'testfiles', status: 'failed', items: 100 });
    expect((t.db.prepare('SELECT count(*) AS n FROM retention_pending').get() as { n: number }).n).to.equal(50);
    // verify does not call the half-deleted batch's rows broken: they are marked for deletion.
    const v = await verifyFiles({ service: svc, dataDir: t.dataDir, clock: t.clock, repair: false });
    expect(v.missingFiles.count).to.equal(0);
    expect(v.pendingDeletion).to.equal(25);
    cls.deleteItems = realDelete;
    const again = await svc.run({ batchSize: 50 });
    expect(again.resumed.items).to.equal(50);
    expect(again.classes.find((c) => c.class === 'testfiles')!.items).to.equal(expired.length - 150);
    const left = new Set((t.db.prepare('SELECT id FROM test_items').all() as { id: number }[]).map((r) => r.id));
    const gone = new Set(expired.map((i) => i.id));
    for (const i of items) {
      expect(left.has(i.id)).to.equal(!gone.has(i.id));
      expect(existsSync(join(t.dataDir, i.path))).to.equal(!gone.has(i.id));
    }
    // Every deleted item is counted once across the two runs.
    const counted = t.db.prepare("SELECT sum(items) AS n FROM retention_journal WHERE class = 'testfiles'").get() as { n: number };
    expect(counted.n).to.equal(expired.length);
  });

  it('refuses a second run while one is in progress, here or in another live process', async () => {
    t = await appWith();
    createTestItems(t.db);
    t.app.retention.register(testItemsClass(t.db, t.dataDir));
    generateTestItems(t.db, t.dataDir, NOW, 3000, 19);
    const svc = t.app.retention.service;
    svc.setPolicy('testfiles', 30, { source: 'admin', actorId: null });
    const first = svc.run({ batchSize: 20 });
    let second: Error | null = null;
    await svc.run({}).catch((err: Error) => (second = err));
    expect((second as unknown as { code: string }).code).to.equal('RETENTION_RUN_IN_PROGRESS');
    await first;
    // A journal entry left running by another process that is still alive (this test's parent).
    const { hostname } = await import('node:os');
    t.db.prepare(`INSERT INTO retention_journal (run_id, class, policy_days, as_of, cutoff, trigger, actor, status, started_at, heartbeat_at, pid, host)
      VALUES ('other', 'audit', 1, ?, ?, 'cli', 'cli', 'running', ?, ?, ?, ?)`).run(NOW.toISOString(), NOW.toISOString(), NOW.toISOString(), NOW.toISOString(), process.ppid, hostname());
    let third: Error | null = null;
    await svc.run({}).catch((err: Error) => (third = err));
    expect((third as unknown as { code: string }).code).to.equal('RETENTION_RUN_IN_PROGRESS');
    // Once that process is gone (a pid that does not exist), the entry is stale and the run goes ahead.
    t.db.prepare("UPDATE retention_journal SET pid = 2147483646 WHERE run_id = 'other'").run();
    await svc.run({});
    expect(t.db.prepare("SELECT status FROM retention_journal WHERE run_id = 'other'").get()).to.deep.equal({ status: 'interrupted' });
  });
});
