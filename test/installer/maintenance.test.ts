import { expect } from 'chai';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli } from '../support/cli.js';

describe('installer: backup, restore and upgrade of a running installation', function () {
  this.timeout(900_000);
  let prefix: string;
  let dbFile: string;
  const count = () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'test.marker'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const mark = () => {
    const db = new Database(dbFile);
    try {
      db.prepare("INSERT INTO audit_log (at, actor_id, action) VALUES (?, NULL, 'test.marker')").run(new Date().toISOString());
    } finally {
      db.close();
    }
  };

  before(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'contactbox-maint-'));
    dbFile = join(prefix, 'var/lib/contactbox/contactbox.sqlite');
    const answers = join(prefix, 'answers.json');
    writeFileSync(answers, JSON.stringify({ profile: 'evaluation', admin: { username: 'boss', password: 'maintenance-Pa55word' } }));
    const r = await runCli(['install', '--prefix', prefix, '--answers', answers, '--yes', '--port', String(await freePort()), '--json']);
    if (r.code !== 0) throw new Error(`install failed: ${r.stdout}${r.stderr}`);
  });
  after(async () => {
    await runCli(['uninstall', '--prefix', prefix, '--purge', '--yes']);
    rmSync(prefix, { recursive: true, force: true });
  });

  it('backs up online, and restore brings back exactly the backed-up state', async () => {
    mark();
    const b = await runCli(['backup', '--prefix', prefix, '--json']);
    expect(b.code, b.stderr).to.equal(0);
    const backup = b.json<{ dir: string; database: { integrity: string; bytes: number }; folders: { name: string }[] }>();
    expect(backup.database.integrity).to.equal('ok');
    expect(backup.folders.map((f) => f.name)).to.include('recordings');
    expect(existsSync(join(backup.dir, 'config/contactbox.yaml'))).to.equal(true);
    mark();
    mark();
    expect(count()).to.equal(3);

    const refused = await runCli(['restore', backup.dir, '--prefix', prefix, '--json']);
    expect(refused.code).to.equal(2);
    expect(count()).to.equal(3);

    const r = await runCli(['restore', backup.dir, '--prefix', prefix, '--yes', '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json<{ restarted: boolean }>().restarted).to.equal(true);
    expect(count()).to.equal(1);
    const status = await runCli(['status', '--prefix', prefix, '--json']);
    expect(status.json<{ service: { state: string } }>().service.state).to.equal('running');
  });

  it('refuses a folder that is not a backup', async () => {
    const r = await runCli(['restore', prefix, '--prefix', prefix, '--yes', '--json']);
    expect(r.code).to.equal(2);
    expect(r.json<{ error: { message: string } }>().error.message).to.match(/not a contactbox backup/);
  });

  it('upgrade backs up, migrates, restarts healthy; rollback needs another release', async () => {
    const r = await runCli(['upgrade', '--prefix', prefix, '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const up = r.json<{ status: string; backup: string }>();
    expect(up.status).to.equal('upgraded');
    expect(existsSync(join(up.backup, 'manifest.json'))).to.equal(true);
    const rollback = await runCli(['upgrade', '--rollback', '--prefix', prefix, '--json']);
    expect(rollback.code).to.equal(1);
    expect(rollback.json<{ error: { message: string } }>().error.message).to.match(/no other release/);
    expect(readFileSync(join(prefix, 'etc/contactbox/contactbox.yaml'), 'utf8')).to.match(/port:/);
  });
});
