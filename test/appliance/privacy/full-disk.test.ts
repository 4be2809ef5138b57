import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../appliance/core/db.js';
import { buildTestApp, login, type TestApp, type TestClient } from '../../support/test-app.js';

/** Writes zeros to `file` until the file system refuses (ENOSPC); returns the bytes written. */
function fillUp(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        // Byte by byte at the end, so not even a page is left over.
        try {
          for (;;) written += writeSync(fd, chunk.subarray(0, 512));
        } catch {
          return written;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A real full disk: the appliance's data directory on a small tmpfs filled to the last byte.
 * Writes are refused with the coded 507 and its advice, reads go on, nothing acknowledged is
 * lost, and once space is freed the next write is stored. Mounting needs root (CI runs as root).
 */
describe('a full disk (a real tmpfs filled up)', function () {
  this.timeout(120_000);
  let mountPoint = '';
  let mounted = false;
  let t: TestApp | null = null;
  let admin: TestClient;

  before(function () {
    if (process.getuid?.() !== 0) this.skip();
    mountPoint = mkdtempSync(join(tmpdir(), 'contactbox-fulldisk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', mountPoint]);
    mounted = true;
  });

  after(async () => {
    await t?.close().catch(() => {});
    if (mounted) execFileSync('umount', ['-l', mountPoint]);
    if (mountPoint) rmSync(mountPoint, { recursive: true, force: true });
  });

  it('refuses writes with 507 STORAGE_FULL, keeps serving reads, loses nothing stored, and recovers when space is freed', async () => {
    mkdirSync(join(mountPoint, 'data'));
    t = await buildTestApp({ under: join(mountPoint, 'data') });
    admin = await t.userClient('admin', 'boss');
    const contact = (await admin.request('POST', '/api/v1/contacts', { name: 'Олена Коваль', phones: ['+380671112233'] })).json();
    expect(contact.id).to.be.a('number');

    const stored: string[] = [];
    for (let i = 0; i < 20; i++) {
      const body = `before ${i} ${'y'.repeat(8_000)}`;
      expect((await admin.request('POST', `/api/v1/contacts/${contact.id}/notes`, { body })).statusCode).to.equal(201);
      stored.push(body);
    }

    const filler = join(mountPoint, 'filler');
    expect(fillUp(filler)).to.be.greaterThan(1 << 20);

    // Notes until the database cannot grow: every one answered 201 is stored, the first refusal is the coded 507.
    let refused: { statusCode: number; body: string } | null = null;
    for (let i = 0; i < 2_000 && !refused; i++) {
      const body = `note ${i} ${'x'.repeat(8_000)}`;
      const res = await admin.request('POST', `/api/v1/contacts/${contact.id}/notes`, { body });
      if (res.statusCode === 201) stored.push(body);
      else refused = res;
    }
    expect(refused, 'a write was refused once the disk was full').to.not.equal(null);
    expect(refused!.statusCode, refused!.body).to.equal(507);
    const error = JSON.parse(refused!.body).error;
    expect(error.code).to.equal('STORAGE_FULL');
    expect(error.message).to.match(/disk is full/).and.match(/free space/);

    // Other writes are refused the same way, login included; reads keep working.
    const create = await admin.request('POST', '/api/v1/contacts', { name: 'Never stored' });
    expect(create.statusCode).to.equal(507);
    const loginFull = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'boss', password: admin.password } });
    expect(loginFull.statusCode, loginFull.body).to.equal(507);
    expect(loginFull.json().error.code).to.equal('STORAGE_FULL');
    expect((await admin.request('GET', `/api/v1/contacts/${contact.id}`)).statusCode).to.equal(200);
    const list = (await admin.request('GET', '/api/v1/contacts?limit=50')).json();
    expect(list.items.map((c: { name: string }) => c.name)).to.deep.equal(['Олена Коваль']);
    const health = (await admin.request('GET', '/api/v1/health')).json();
    expect(health.status).to.equal('degraded');
    expect(health.diskFull.refusedWrites).to.be.at.least(2);

    // Space again: the next write is stored and the condition ends.
    rmSync(filler);
    const after = await admin.request('POST', `/api/v1/contacts/${contact.id}/notes`, { body: 'space again' });
    expect(after.statusCode, after.body).to.equal(201);
    expect((await admin.request('GET', '/api/v1/health')).json().diskFull).to.equal(null);
    await login(t.app, 'boss', admin.password);

    // Nothing acknowledged was lost: reopened from the files, every stored note is there and the database is whole.
    const dataDir = t.dataDir;
    await t.app.close();
    t.db.close();
    const db = openDatabase(join(dataDir, 'contactbox.sqlite'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
      const bodies = (db.prepare('SELECT body FROM contact_notes WHERE contact_id = ? ORDER BY id').pluck().all(contact.id) as string[]);
      expect(bodies).to.deep.equal([...stored, 'space again']);
      expect(db.prepare("SELECT count(*) FROM contacts WHERE name = 'Never stored'").pluck().get()).to.equal(0);
    } finally {
      db.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
    t = null;
  });
});
