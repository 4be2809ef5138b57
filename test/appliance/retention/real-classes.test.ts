import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestApp, type TestApp } from '../../support/test-app.js';
import { ManualClock } from '../../../appliance/core/clock.js';
import { generateAudit, DAY } from './fixtures.js';
import { generateRealData } from './real-data.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('retention: recordings, calls, mail and audit over two years of real tables', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('a run as of a date deletes exactly the expired, unheld items of every class (files and rows) and keeps everything else; the dry run said the same', async () => {
    t = await buildTestApp({ clock: new ManualClock(NOW), overrides: { retention: { intervalMs: 0, disk: () => ({ totalBytes: 1e12, freeBytes: 5e11 }) } } });
    const data = generateRealData(t.db, t.dataDir, NOW, { calls: 1500, mails: 1200 });
    const ats = generateAudit(t.db, NOW, 800);
    const svc = t.app.retention.service;
    svc.setPolicy('recordings', 180, { source: 'admin', actorId: null });
    svc.setPolicy('calls', 400, { source: 'admin', actorId: null });
    svc.setPolicy('mail', 365, { source: 'admin', actorId: null });
    svc.setPolicy('audit', 500, { source: 'admin', actorId: null });
    svc.setPolicy('chats', 30, { source: 'admin', actorId: null });
    const heldCall = data.calls.find((c) => c.startedAt < '2025-01-01')!;
    const heldThread = data.mail.find((m) => m.receivedAt < '2025-01-01')!.threadId;
    svc.placeHold('contact', '3', 'dispute', null);
    svc.placeHold('call', String(heldCall.id), 'complaint', null);
    svc.placeHold('mail_thread', String(heldThread), 'lawyer', null);

    const asOf = new Date('2026-05-20T00:00:00Z');
    const cut = (days: number) => new Date(asOf.getTime() - days * DAY).toISOString();
    const callHeld = new Map(data.calls.map((c) => [c.id, c.contactId === 3 || c.id === heldCall.id]));
    const expRecordings = data.recordings.filter((r) => r.createdAt < cut(180) && !callHeld.get(r.callId));
    const expCalls = data.calls.filter((c) => c.startedAt < cut(400) && !callHeld.get(c.id));
    const expMail = data.mail.filter((m) => m.receivedAt < cut(365) && m.contactId !== 3 && m.threadId !== heldThread);
    const expAudit = ats.filter((a) => a < cut(500)).length;
    // Every kind of protection is exercised by the data.
    expect(data.recordings.filter((r) => r.createdAt < cut(180) && callHeld.get(r.callId)).length).to.be.greaterThan(5);
    expect(data.mail.filter((m) => m.receivedAt < cut(365) && m.threadId === heldThread).length).to.be.greaterThan(0);

    const dry = await svc.run({ dryRun: true, asOf });
    const line = (r: typeof dry, name: string) => r.classes.find((c) => c.class === name)!;
    expect(line(dry, 'recordings')).to.deep.include({ items: expRecordings.length, bytes: expRecordings.reduce((a, r) => a + r.bytes, 0), registered: true });
    expect(line(dry, 'calls').items).to.equal(expCalls.length);
    expect(line(dry, 'mail')).to.deep.include({ items: expMail.length, bytes: expMail.reduce((a, m) => a + m.bytes, 0), registered: true });
    expect(line(dry, 'audit').items).to.equal(expAudit);
    expect(line(dry, 'chats')).to.deep.equal({ class: 'chats', policyDays: 30, registered: true, items: 0, bytes: 0 });

    const real = await svc.run({ asOf, batchSize: 128 });
    expect(real.classes.map((c) => [c.class, c.items, c.bytes])).to.deep.equal(dry.classes.map((c) => [c.class, c.items, c.bytes]));

    const ids = (sql: string) => new Set((t.db.prepare(sql).all() as { id: number }[]).map((r) => r.id));
    const recRows = ids('SELECT id FROM recordings');
    const callRows = ids('SELECT id FROM calls');
    const mailRows = ids('SELECT id FROM mail_messages');
    const gone = { recordings: new Set(expRecordings.map((r) => r.id)), calls: new Set(expCalls.map((c) => c.id)), mail: new Set(expMail.map((m) => m.id)) };
    for (const r of data.recordings) {
      const deleted = gone.recordings.has(r.id);
      expect(recRows.has(r.id), `recording row ${r.id}`).to.equal(!deleted);
      expect(existsSync(join(t.dataDir, r.path)), r.path).to.equal(!deleted);
    }
    for (const c of data.calls) expect(callRows.has(c.id), `call ${c.id}`).to.equal(!gone.calls.has(c.id));
    for (const m of data.mail) {
      const deleted = gone.mail.has(m.id);
      expect(mailRows.has(m.id), `message ${m.id}`).to.equal(!deleted);
      for (const f of m.files) expect(existsSync(join(t.dataDir, f)), f).to.equal(!deleted);
    }
    expect(recRows.size).to.equal(data.recordings.length - expRecordings.length);
    expect(callRows.size).to.equal(data.calls.length - expCalls.length);
    expect(mailRows.size).to.equal(data.mail.length - expMail.length);
    expect((t.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'test.event'").get() as { n: number }).n).to.equal(ats.length - expAudit);
    // Deleted mail leaves tombstones so the next sync does not fetch it again.
    expect((t.db.prepare("SELECT count(*) AS n FROM mail_tombstones WHERE reason = 'retention'").get() as { n: number }).n).to.equal(expMail.length);
    const journal = svc.repo.journal(20).filter((j) => j.runId === real.runId);
    expect(Object.fromEntries(journal.map((j) => [j.class, j.items]))).to.deep.equal({ recordings: expRecordings.length, calls: expCalls.length, mail: expMail.length, audit: expAudit, chats: 0 });
    expect((await svc.run({ asOf })).classes.every((c) => c.items === 0)).to.equal(true);
  });

  it('a call record waits for its unexpired recordings (no recording is left without its call, none deleted early)', async () => {
    t = await buildTestApp({ clock: new ManualClock(NOW), overrides: { retention: { intervalMs: 0 } } });
    const data = generateRealData(t.db, t.dataDir, NOW, { calls: 300, mails: 0 });
    const svc = t.app.retention.service;
    svc.setPolicy('recordings', 200, { source: 'admin', actorId: null });
    svc.setPolicy('calls', 200, { source: 'admin', actorId: null });
    // A call started just before the cutoff whose recording was made just after it.
    const cutoff = new Date(NOW.getTime() - 200 * DAY);
    const edge = t.db.prepare("INSERT INTO calls (linked_id, direction, started_at, legs, updated_at) VALUES ('edge', 'inbound', ?, '[]', ?)").run(new Date(cutoff.getTime() - 30_000).toISOString(), NOW.toISOString());
    t.db.prepare("INSERT INTO recordings (call_id, path, format, bytes, duration_sec, source, created_at) VALUES (?, 'recordings/edge.opus', 'opus', 10, 60, 'test', ?)").run(edge.lastInsertRowid, new Date(cutoff.getTime() + 30_000).toISOString());
    const dry = await svc.run({ dryRun: true });
    const real = await svc.run({});
    expect(real.classes.map((c) => c.items)).to.deep.equal(dry.classes.map((c) => c.items));
    expect(t.db.prepare("SELECT count(*) AS n FROM calls WHERE linked_id = 'edge'").get()).to.deep.equal({ n: 1 });
    expect(t.db.prepare('SELECT count(*) AS n FROM recordings r LEFT JOIN calls c ON c.id = r.call_id WHERE c.id IS NULL').get()).to.deep.equal({ n: 0 });
    expect(data.calls.length).to.equal(300);
  });
});
