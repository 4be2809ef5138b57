import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../appliance/core/db.js';
import { releasesBeside } from '../../appliance/system/plugin.js';
import { createCa, createServerCert } from '../../installer/install/tls.js';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';

/**
 * The System page's data and the notices every user sees: the HTTPS certificate's end, backups
 * made from the console (SQLite's online backup of the live database, checked; recordings
 * hard-linked beside it; the manifest `contactbox restore` reads), installed releases, and the
 * evaluation licence and full-disk notices for every role.
 */
describe('system: certificate, backups from the console, notices for every role', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: TestClient;
  let operator: TestClient;
  let certDir: string;

  before(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'contactbox-cert-'));
    const now = new Date();
    const ca = createCa('Test', now);
    const cert = createServerCert(ca, ['localhost'], now);
    const certFile = join(certDir, 'server.pem');
    writeFileSync(certFile, cert.cert);
    t = await buildTestApp({ config: { server: { host: '127.0.0.1', port: 0, tls: { cert: certFile, key: certFile, ca: certFile }, httpRedirectPort: null, runAs: null, publicNames: ['localhost'] } } as never });
    admin = await t.userClient('admin');
    operator = await t.userClient('operator');
  });
  after(async () => {
    await t?.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('shows the certificate’s end, no backup yet, and the running release; admins only', async () => {
    const res = await admin.request('GET', '/api/v1/system');
    expect(res.statusCode, res.body).to.equal(200);
    const body = res.json();
    expect(body.tls.daysLeft).to.be.greaterThan(30);
    expect(new Date(body.tls.notAfter).getTime()).to.be.greaterThan(Date.now());
    expect(body.backups).to.deep.equal({ dir: join(t.dataDir, 'backups'), items: [] });
    expect(body.releases.current).to.be.a('string');
    expect(body.releases.history).to.be.an('array');
    expect((await operator.request('GET', '/api/v1/system')).statusCode).to.equal(403);
    expect((await operator.request('POST', '/api/v1/system/backups', {})).statusCode).to.equal(403);
    const health = (await admin.request('GET', '/api/v1/health')).json();
    expect(health.components.tls).to.equal('ok');
  });

  it('lists the releases beside the running one with when each was put there, newest first, and the rollback target', () => {
    const opt = mkdtempSync(join(tmpdir(), 'contactbox-releases-'));
    try {
      for (const [version, day] of [['0.9.2', 1], ['0.10.0', 5], ['0.9.10', 3]] as const) {
        mkdirSync(join(opt, 'releases', version), { recursive: true });
        const at = new Date(Date.UTC(2026, 10, day));
        utimesSync(join(opt, 'releases', version), at, at);
      }
      const r = releasesBeside(join(opt, 'releases', '0.10.0', 'dist/appliance/system/plugin.js'));
      expect(r).to.deep.include({ current: '0.10.0', rollbackTo: '0.9.10', installed: ['0.10.0', '0.9.10', '0.9.2'] });
      expect(r.history).to.deep.equal([
        { version: '0.10.0', installedAt: '2026-11-05T00:00:00.000Z' },
        { version: '0.9.10', installedAt: '2026-11-03T00:00:00.000Z' },
        { version: '0.9.2', installedAt: '2026-11-01T00:00:00.000Z' },
      ]);
      // Run from a source tree (no releases folder): only this version, no history.
      expect(releasesBeside('/src/appliance/system/plugin.ts')).to.deep.include({ installed: [], history: [], rollbackTo: null });
    } finally {
      rmSync(opt, { recursive: true, force: true });
    }
  });

  it('backs up now: a checked copy of the live database, recordings linked beside it, a manifest, listed and audited; one at a time', async () => {
    mkdirSync(join(t.dataDir, 'recordings', '2026'), { recursive: true });
    const recording = join(t.dataDir, 'recordings', '2026', 'in-1.wav');
    writeFileSync(recording, Buffer.alloc(4096, 1));
    const res = await admin.request('POST', '/api/v1/system/backups', {});
    expect(res.statusCode, res.body).to.equal(201);
    const made = res.json();
    expect(made.name).to.match(/^contactbox-\d{8}-\d{6}$/);
    expect(made).to.include({ integrity: 'ok' });
    const dir = join(t.dataDir, 'backups', made.name);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).to.include({ product: 'contactbox' });
    expect(manifest.database).to.include({ file: 'contactbox.sqlite', integrity: 'ok' });
    expect(manifest.folders).to.deep.include({ name: 'recordings', files: 1, bytes: 4096 });
    expect(made.files).to.equal(manifest.folders.reduce((n: number, f: { files: number }) => n + f.files, 0));
    // Same disk: a hard link, not a second copy.
    expect(statSync(join(dir, 'recordings', '2026', 'in-1.wav')).ino).to.equal(statSync(recording).ino);
    const copy = openDatabase(join(dir, 'contactbox.sqlite'), { readonly: true });
    try {
      expect((copy.prepare('SELECT username FROM users WHERE id = ?').get(admin.userId) as { username: string }).username).to.equal(admin.username);
    } finally {
      copy.close();
    }
    expect(existsSync(`${dir}.partial`)).to.equal(false);
    const listed = (await admin.request('GET', '/api/v1/system')).json().backups.items;
    expect(listed.map((b: { name: string }) => b.name)).to.deep.equal([made.name]);
    const audit = t.db.prepare("SELECT target_id FROM audit_log WHERE action = 'system.backup'").all() as { target_id: string }[];
    expect(audit.map((a) => a.target_id)).to.deep.equal([made.name]);

    // Two at once: the second is refused with its own code, nothing half-made is left.
    const [a, b] = await Promise.all([admin.request('POST', '/api/v1/system/backups', {}), admin.request('POST', '/api/v1/system/backups', {})]);
    const codes = [a, b].map((r) => r.statusCode).sort();
    expect(codes).to.include(409);
    const refused = [a, b].find((r) => r.statusCode === 409)!;
    expect(refused.json().error.code).to.equal('SYSTEM_BACKUP_RUNNING');
  });

  it('tells every role the evaluation’s days left and a full disk', async () => {
    const res = await operator.request('GET', '/api/v1/notices');
    expect(res.statusCode, res.body).to.equal(200);
    const n = res.json();
    expect(n.licence.status).to.equal('evaluation');
    expect(n.licence.daysLeft).to.equal(30);
    expect(n.licence.evaluationEndsAt).to.be.a('string');
    expect(n.storage.level).to.be.oneOf(['ok', 'unknown', 'warning', 'critical']);
    t.app.deps.storage.refusedWrite();
    expect((await operator.request('GET', '/api/v1/notices')).json().storage.level).to.equal('full');
    t.app.deps.storage.wroteOk();
  });
});
