import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, installedHttps as https, runCli } from '../support/cli.js';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('installer: install, status, re-install, uninstall into a prefix', function () {
  this.timeout(900_000);
  let prefix: string;
  let port: number;
  let answers: string;
  const password = 'install-test-Pa55word!';

  before(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'contactbox-install-'));
    port = await freePort();
    answers = join(prefix, '..', `${prefix.split('/').pop()}-answers.yaml`);
    writeFileSync(answers, ['profile: evaluation', 'language: uk', 'admin:', '  username: boss', `  password: "${password}"`, 'retention:', '  recordings: 365', ''].join('\n'));
  });

  after(async () => {
    await runCli(['uninstall', '--prefix', prefix, '--purge', '--yes', '--json']);
    rmSync(prefix, { recursive: true, force: true });
    rmSync(answers, { force: true });
  });

  it('installs, starts the appliance over HTTPS and lets the administrator log in', async () => {
    const r = await runCli(['install', '--prefix', prefix, '--answers', answers, '--yes', '--port', String(port), '--json']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const out = r.json<{ status: string; url: string; admin: { username: string; password?: string }; supervisor: string; steps: { step: string; status: string }[] }>();
    expect(out.status).to.equal('installed');
    expect(out.supervisor).to.equal('pm2');
    expect(out.admin).to.deep.equal({ username: 'boss' });
    expect(out.url).to.equal(`https://127.0.0.1:${port}`);

    for (const p of ['opt/contactbox/current/dist/appliance/server.js', 'etc/contactbox/contactbox.yaml', 'var/lib/contactbox/contactbox.sqlite', 'var/lib/contactbox/recordings', 'var/lib/contactbox/mail', 'var/lib/contactbox/backups', 'etc/contactbox/tls/ca.crt']) {
      expect(existsSync(join(prefix, p)), p).to.equal(true);
    }
    expect(statSync(join(prefix, 'etc/contactbox/contactbox.yaml')).mode & 0o777).to.equal(0o640);
    expect(statSync(join(prefix, 'etc/contactbox/tls/ca.key')).mode & 0o777).to.equal(0o600);

    const ca = readFileSync(join(prefix, 'etc/contactbox/tls/ca.crt'), 'utf8');
    const health = await https(port, ca, 'GET', '/healthz');
    expect(health.status).to.equal(200);
    // Anonymous: up and which version, nothing about its parts.
    expect(Object.keys(JSON.parse(health.body)).sort()).to.deep.equal(['status', 'version']);
    expect(JSON.parse(health.body)).to.include({ status: 'ok' });

    const login = await https(port, ca, 'POST', '/api/v1/auth/login', { username: 'boss', password });
    expect(login.status, login.body).to.equal(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).to.match(/HttpOnly/i).and.to.match(/Secure/i).and.to.match(/SameSite=Strict/i);
    const me = await https(port, ca, 'GET', '/api/v1/me', undefined, { cookie: cookie.split(';')[0]! });
    expect(JSON.parse(me.body)).to.include({ username: 'boss', role: 'admin' });

    const wrong = await https(port, ca, 'POST', '/api/v1/auth/login', { username: 'boss', password: 'wrong password' }, { 'accept-language': 'en' });
    expect(wrong.status).to.equal(401);
    expect(JSON.parse(wrong.body).error.code).to.equal('INVALID_CREDENTIALS');

    const caPage = await https(port, ca, 'GET', '/ca.crt');
    expect(caPage.status).to.equal(200);
    expect(caPage.body).to.equal(ca);
  });

  it('reports status as JSON', async () => {
    const r = await runCli(['status', '--prefix', prefix, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const s = r.json<{ installed: boolean; service: { state: string; pid: number }; url: string; versions: { running: string }; database: { bytes: number }; disk: { freeBytes: number } }>();
    expect(s.installed).to.equal(true);
    expect(s.service.state).to.equal('running');
    expect(s.service.pid).to.be.a('number');
    expect(s.url).to.equal(`https://127.0.0.1:${port}`);
    expect(s.versions.running).to.match(/^\d+\.\d+\.\d+/);
    expect(s.database.bytes).to.be.greaterThan(0);
    expect(s.disk.freeBytes).to.be.greaterThan(0);
  });

  it('pm2 brings the appliance back after kill -9, and status follows what actually answers', async () => {
    const ca = readFileSync(join(prefix, 'etc/contactbox/tls/ca.crt'), 'utf8');
    const status = async () => {
      const r = await runCli(['status', '--prefix', prefix, '--json']);
      return { code: r.code, out: r.json<{ answering: boolean; service: { state: string; pid: number | null } }>() };
    };
    const first = await status();
    expect(first.code).to.equal(0);
    const pid = first.out.service.pid!;

    // Stopped, not dead: pm2 still says "online", but nothing answers, and status says so.
    process.kill(pid, 'SIGSTOP');
    try {
      const frozen = await status();
      expect(frozen.out.service.state).to.equal('running');
      expect(frozen.out.answering).to.equal(false);
      expect(frozen.code).to.equal(1);
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    process.kill(pid, 'SIGKILL');
    // A generous wait for a condition, never a time limit: pm2 restarts after its restart delay.
    const deadline = Date.now() + 90_000;
    let back: Awaited<ReturnType<typeof status>> | null = null;
    while (Date.now() < deadline) {
      const s = await status();
      if (s.code === 0 && s.out.service.pid !== pid) {
        back = s;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(back, 'the appliance was not serving again after kill -9').to.not.equal(null);
    expect((await https(port, ca, 'GET', '/healthz')).status).to.equal(200);
  });

  it('a second install changes nothing that is right and never duplicates the administrator', async () => {
    const before = (await runCli(['status', '--prefix', prefix, '--json'])).json<{ service: { pid: number } }>();
    const r = await runCli(['install', '--prefix', prefix, '--answers', answers, '--yes', '--port', String(port), '--json']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const steps = r.json<{ steps: { step: string; status: string }[] }>().steps;
    const changed = steps.filter((s) => s.status === 'changed').map((s) => s.step);
    expect(changed).to.deep.equal(['health']);
    const after = (await runCli(['status', '--prefix', prefix, '--json'])).json<{ service: { pid: number } }>();
    expect(after.service.pid).to.equal(before.service.pid);
    const admins = execFileSync(process.execPath, ['-e', `const D=require('better-sqlite3');const db=new D(${JSON.stringify(join(prefix, 'var/lib/contactbox/contactbox.sqlite'))},{readonly:true});console.log(db.prepare("select count(*) n from users where role='admin'").get().n)`], { cwd: process.cwd() }).toString().trim();
    expect(admins).to.equal('1');
  });

  it('refuses unknown flags and malformed answers files with exit 2 and a precise message', async () => {
    const unknown = await runCli(['install', '--prefix', prefix, '--bogus-flag', '--json']);
    expect(unknown.code).to.equal(2);
    expect(unknown.json<{ error: { message: string } }>().error.message).to.match(/unknown option '--bogus-flag'/);

    const bad = join(prefix, 'bad-answers.yaml');
    writeFileSync(bad, 'port: eighty\n');
    const r = await runCli(['install', '--prefix', prefix, '--answers', bad, '--yes', '--json']);
    expect(r.code).to.equal(2);
    expect(r.json<{ error: { message: string } }>().error.message).to.match(/answers\.port: expected integer, got "eighty"/);

    writeFileSync(bad, 'admin: [unclosed\n');
    const yaml = await runCli(['install', '--prefix', prefix, '--answers', bad, '--yes', '--json']);
    expect(yaml.code).to.equal(2);
    expect(yaml.json<{ error: { message: string } }>().error.message).to.match(/not valid YAML/);

    const missing = await runCli(['install', '--prefix', prefix, '--answers', join(prefix, 'nope.yaml'), '--yes', '--json']);
    expect(missing.code).to.equal(2);
    expect(missing.json<{ error: { message: string } }>().error.message).to.match(/cannot read the answers file .*ENOENT/);
  });

  it('refuses a --node-runtime that is missing or older than Node 20', async () => {
    const runtime = join(prefix, 'old-node');
    mkdirSync(join(runtime, 'bin'), { recursive: true });
    writeFileSync(join(runtime, 'bin/node'), '#!/bin/sh\necho v16.20.2\n', { mode: 0o755 });
    const old = await runCli(['install', '--prefix', prefix, '--answers', answers, '--yes', '--node-runtime', runtime, '--json']);
    expect(old.code).to.equal(2);
    expect(old.json<{ error: { message: string } }>().error.message).to.match(/is v16\.20\.2; contactbox needs Node\.js 20 or newer/);
    const missing = await runCli(['install', '--prefix', prefix, '--answers', answers, '--yes', '--node-runtime', join(prefix, 'nowhere'), '--json']);
    expect(missing.code).to.equal(2);
    expect(missing.json<{ error: { message: string } }>().error.message).to.match(/--node-runtime: cannot run/);
  });

  it('refuses a port that another program holds, saying which port', async () => {
    const other = mkdtempSync(join(tmpdir(), 'contactbox-busy-'));
    const busyPort = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(busyPort, '0.0.0.0', resolve));
    try {
      const r = await runCli(['install', '--prefix', other, '--answers', answers, '--yes', '--port', String(busyPort), '--json']);
      expect(r.code).to.equal(1);
      const message = r.json<{ error: { message: string } }>().error.message;
      expect(message).to.include(String(busyPort));
      expect(message).to.match(/ports/);
    } finally {
      server.close();
      await runCli(['uninstall', '--prefix', other, '--purge', '--yes']);
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('says clearly when the prefix is read-only', async () => {
    const ro = mkdtempSync(join(tmpdir(), 'contactbox-ro-'));
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // Without mount rights, a prefix whose parent is a file fails the same way for the user.
      writeFileSync(join(ro, 'file'), '');
    }
    try {
      const target = mounted ? ro : join(ro, 'file', 'prefix');
      const r = await runCli(['install', '--prefix', target, '--answers', answers, '--yes', '--port', String(await freePort()), '--json']);
      expect(r.code).to.equal(1);
      const message = r.json<{ error: { message: string } }>().error.message;
      expect(message).to.match(mounted ? /read-only file system/ : /is a file, not a directory/);
      expect(message).to.match(/install stopped at/);
    } finally {
      if (mounted) execFileSync('umount', [ro]);
      rmSync(ro, { recursive: true, force: true });
    }
  });

  it('uninstall stops the service and removes the code but keeps data; --purge removes everything', async () => {
    const r = await runCli(['uninstall', '--prefix', prefix, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(await portOpen(port)).to.equal(false);
    expect(existsSync(join(prefix, 'opt/contactbox'))).to.equal(false);
    expect(existsSync(join(prefix, 'var/lib/contactbox/contactbox.sqlite'))).to.equal(true);
    expect(existsSync(join(prefix, 'etc/contactbox/contactbox.yaml'))).to.equal(true);

    const noYes = await runCli(['uninstall', '--prefix', prefix, '--purge', '--json']);
    expect(noYes.code).to.equal(2);
    expect(existsSync(join(prefix, 'var/lib/contactbox/contactbox.sqlite'))).to.equal(true);

    // The data directory on its own disk: here a bind mount of itself, which cannot be removed
    // while mounted (EBUSY) — purge empties it and leaves the mount alone.
    const data = join(prefix, 'var/lib/contactbox');
    execFileSync('mount', ['--bind', data, data]);
    try {
      const purge = await runCli(['uninstall', '--prefix', prefix, '--purge', '--yes', '--json']);
      expect(purge.code, purge.stderr + purge.stdout).to.equal(0);
      expect(purge.json<{ removed: string[] }>().removed.join('\n')).to.include(`${data}/* (a mount point: emptied, left mounted)`);
      expect(readdirSync(data)).to.deep.equal([]);
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).to.include(` ${data} `);
      expect(existsSync(join(prefix, 'etc/contactbox'))).to.equal(false);
    } finally {
      execFileSync('umount', [data]);
    }
    mkdirSync(prefix, { recursive: true });
  });
});
