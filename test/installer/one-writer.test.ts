import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../appliance/app.js';
import { defaultConfig } from '../../appliance/config.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { openDatabase, type Db } from '../../appliance/core/db.js';
import { insertUser } from '../../appliance/core/auth/plugin.js';
import { adminSocketPath } from '../../appliance/core/admin-channel.js';
import { DEV_BUILD, facts, factsFile, license, strangerKey } from '../licensing/helpers.js';
import { REPO_ROOT } from '../support/cli.js';

interface Traced {
  code: number;
  stdout: string;
  stderr: string;
  /** Every open of the database's own files, as the kernel saw it (strace). */
  dbOpens: string[];
  json<T = any>(): T;
}

/**
 * One writer: with the appliance running, each data-changing `contactbox` command runs under
 * strace and must never open the database file for writing — its change reaches the database
 * through the appliance's admin socket. With the appliance stopped, the same command opens the
 * database itself (which also shows the trace can see a writer).
 */
describe('one writer: the CLI changes data through the running appliance', function () {
  this.timeout(600_000);
  let dir: string;
  let prefix: string;
  let dataDir: string;
  let db: Db;
  let app: FastifyInstance;
  const clock = new ManualClock('2026-11-25T12:00:00Z');

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Traced> =>
    new Promise((resolve, reject) => {
      const trace = join(dir, `trace-${Math.random().toString(36).slice(2)}.log`);
      const child = spawn(
        'strace',
        ['-f', '-qq', '-e', 'trace=open,openat', '-o', trace, process.execPath, '--import', 'tsx', `${REPO_ROOT}installer/main.ts`, ...args, '--prefix', prefix, '--json'],
        { cwd: REPO_ROOT, env: { ...process.env, CONTACTBOX_FACTS_FILE: factsFile('server-a'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const dbOpens = readFileSync(trace, 'utf8').split('\n').filter((l) => /contactbox\.sqlite(-wal|-journal)?"/.test(l));
        resolve({ code: code ?? -1, stdout, stderr, dbOpens, json: () => JSON.parse(stdout) });
      });
    });
  // A writer opens the database file itself read-write. (SQLite's read-only connections, which
  // the CLI may use to read, open the file O_RDONLY and never write the WAL they map.)
  const writes = (r: Traced) => r.dbOpens.filter((l) => /contactbox\.sqlite"/.test(l) && /O_RDWR|O_WRONLY|O_CREAT/.test(l) && !/= -1/.test(l));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'contactbox-one-writer-'));
    prefix = join(dir, 'root');
    dataDir = join(prefix, 'var/lib/contactbox');
    mkdirSync(join(prefix, 'etc/contactbox'), { recursive: true });
    const config = defaultConfig(dataDir, { licensing: { file: join(prefix, 'etc/contactbox/license.lic') } } as never);
    writeFileSync(join(prefix, 'etc/contactbox/contactbox.yaml'), stringify({ ...config, server: { ...config.server, port: 8443 } }));
    db = openDatabase(join(dataDir, 'contactbox.sqlite'));
    app = await buildApp({ config, db, clock, uiDir: null, overrides: { licensing: { facts: async () => facts('server-a'), build: DEV_BUILD, env: {}, tickMs: 3_600_000 } } });
    await app.ready();
    await insertUser({ db, clock }, { username: 'boss', password: 'correct horse battery staple', displayName: 'Boss', role: 'admin' });
    await app.deps.adminChannel.listen(adminSocketPath(dataDir));
  });
  after(async () => {
    await app?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trunk add/remove, retention set/run, users unlock and license activate never open the database for writing', async () => {
    const add = await cli(['trunk', 'add', '--kind', 'sip', '--name', 'provider', '--host', 'sip.example.net', '--auth', 'ip', '--dids', '+380441234567']);
    expect(add.code, add.stderr + add.stdout).to.equal(0);
    expect(add.dbOpens.length, 'the trace sees the CLI read the database').to.be.greaterThan(0);
    expect(writes(add)).to.deep.equal([]);
    expect(db.prepare("SELECT name FROM trunks").all()).to.deep.equal([{ name: 'provider' }]);

    const dup = await cli(['trunk', 'add', '--kind', 'sip', '--name', 'provider', '--host', 'sip.example.net', '--auth', 'ip']);
    expect(dup.code).to.equal(2);
    expect(dup.json().error.code).to.equal('TRUNK_DUPLICATE_NAME');

    const set = await cli(['retention', 'set', 'audit', '400', '--yes']);
    expect(set.code, set.stderr + set.stdout).to.equal(0);
    expect(writes(set)).to.deep.equal([]);
    expect(db.prepare("SELECT days FROM retention_policies WHERE class = 'audit'").get()).to.deep.equal({ days: 400 });

    const run = await cli(['retention', 'run']);
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    expect(writes(run)).to.deep.equal([]);
    expect(run.json().classes.map((c: { class: string }) => c.class)).to.include('audit');

    const unlock = await cli(['users', 'unlock', 'boss']);
    expect(unlock.code, unlock.stderr + unlock.stdout).to.equal(0);
    expect(unlock.json()).to.include({ username: 'boss' });
    expect(writes(unlock)).to.deep.equal([]);

    const lic = join(dir, 'good.lic');
    writeFileSync(lic, license({ sessions: 4, licenseId: 'CB-TEST-ONEWRITER' }));
    const activate = await cli(['license', 'activate', lic]);
    expect(activate.code, activate.stderr + activate.stdout).to.equal(0);
    expect(writes(activate)).to.deep.equal([]);
    expect(app.licensing.status()).to.include({ status: 'licensed', id: 'CB-TEST-ONEWRITER', sessions: 4 });

    const remove = await cli(['trunk', 'remove', 'provider']);
    expect(remove.code, remove.stderr + remove.stdout).to.equal(0);
    expect(writes(remove)).to.deep.equal([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM trunks').get()).to.deep.equal({ n: 0 });
  });

  it('the CLI’s licence verdict is the running service’s, even when the CLI’s own view of the machine differs', async () => {
    const file = (name: string, text: string) => {
      const f = join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    const cases = [
      file('stranger.lic', license({ sessions: 9 }, strangerKey())),
      file('other-server.lic', license({ sessions: 9, fingerprint: 'f'.repeat(64) } as never)),
      file('expired.lic', license({ sessions: 9, expiresAt: '2026-01-01T00:00:00.000Z' } as never)),
      file('tampered.lic', license({ sessions: 9 }).replace(/.$/s, (c) => (c === 'A' ? 'B' : 'A'))),
    ];
    for (const f of cases) {
      // The CLI believes it runs on another machine (server B); the service's facts are server A's.
      const r = await cli(['license', 'activate', f], { CONTACTBOX_FACTS_FILE: factsFile('server-b') });
      const verdict = await app.licensing.judge(readFileSync(f, 'utf8'));
      expect(verdict.ok, f).to.equal(false);
      expect(r.code, f).to.equal(1);
      expect(r.json().error.code, f).to.equal((verdict as { code: string }).code);
      expect(r.json().error.message, f).to.contain((verdict as { detail: string }).detail);
      expect(r.json().error.hint, f).to.be.a('string').and.not.equal('');
    }
    const good = file('for-server-a.lic', license({ sessions: 6, licenseId: 'CB-TEST-SERVICE-VERDICT' }));
    expect((await app.licensing.judge(readFileSync(good, 'utf8'))).ok).to.equal(true);
    const r = await cli(['license', 'activate', good], { CONTACTBOX_FACTS_FILE: factsFile('server-b') });
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(app.licensing.status()).to.include({ id: 'CB-TEST-SERVICE-VERDICT', sessions: 6 });
  });

  it('with the appliance stopped, the CLI opens the database itself (and the trace sees that writer)', async () => {
    await app.deps.adminChannel.close();
    const set = await cli(['retention', 'set', 'audit', '500', '--yes']);
    expect(set.code, set.stderr + set.stdout).to.equal(0);
    expect(writes(set).length).to.be.greaterThan(0);
    expect(db.prepare("SELECT days FROM retention_policies WHERE class = 'audit'").get()).to.deep.equal({ days: 500 });
    const unlock = await cli(['users', 'unlock', 'boss']);
    expect(unlock.code).to.equal(1);
    expect(unlock.json().error.code).to.equal('APPLIANCE_NOT_RUNNING');
  });
});
