import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { adminSocketPath, callAdmin } from '../../appliance/core/admin-channel.js';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { createCa, createServerCert } from '../../installer/install/tls.js';
import { freePort, REPO_ROOT } from '../support/cli.js';

const SERVER = join(REPO_ROOT, 'dist/appliance/server.js');

function start(configFile: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [SERVER, configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

describe('appliance server process: config errors, HTTPS, redirect and graceful stop', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    if (!existsSync(SERVER)) throw new Error("the appliance is not built: run 'npm run build' first");
    dir = mkdtempSync(join(tmpdir(), 'contactbox-server-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start on a bad config, naming the field, with exit code 78', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, stringify({ server: { host: '127.0.0.1', port: 'https', httpRedirectPort: null, tls: null, runAs: null, publicNames: [] }, paths: { data: dir, config: dir, logs: dir }, language: 'en', profile: 'evaluation', session: { idleMinutes: 30, absoluteHours: 12 } }));
    const server = start(file);
    expect(await server.exited).to.equal(78);
    expect(server.output()).to.match(/server\.port/);
  });

  it('serves HTTPS, redirects plain HTTP there, and stops cleanly on SIGTERM', async () => {
    const ca = createCa('Test', new Date());
    const cert = createServerCert(ca, ['localhost', '127.0.0.1'], new Date());
    writeFileSync(join(dir, 'server.crt'), cert.cert);
    writeFileSync(join(dir, 'server.key'), cert.key);
    const port = await freePort();
    const redirectPort = await freePort();
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      stringify({
        server: { host: '127.0.0.1', port, httpRedirectPort: redirectPort, tls: { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: null }, runAs: null, publicNames: ['localhost'] },
        paths: { data: join(dir, 'data'), config: dir, logs: dir },
        language: 'en',
        profile: 'evaluation',
        session: { idleMinutes: 30, absoluteHours: 12 },
      }),
    );
    const server = start(file);
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, path, ca: ca.cert, servername: 'localhost' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      await waitFor(async () => (await get('/healthz')) === 200, 20_000);
      const redirectFor = (host: string) =>
        new Promise<string | undefined>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port: redirectPort, path: '/login?x=1', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode === 308 ? res.headers.location : `status ${res.statusCode}`);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await redirectFor('localhost')).to.equal(`https://localhost:${port}/login?x=1`);
      // A Host header naming somewhere else does not choose where the browser is sent.
      expect(await redirectFor('evil.example')).to.equal(`https://localhost:${port}/login?x=1`);
      // Root's admin channel is up beside HTTPS, owner-only.
      const socket = adminSocketPath(join(dir, 'data'));
      expect(statSync(socket).mode & 0o777).to.equal(0o600);
      expect(statSync(dirname(socket)).mode & 0o777).to.equal(0o700);
      const health = await callAdmin(socket, 'health');
      expect(health?.ok && (health.result as { db: string }).db).to.equal('ok');
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited, server.output()).to.equal(0);
    // A clean close checkpoints the WAL into the database file and removes it.
    expect(existsSync(join(dir, 'data/contactbox.sqlite-wal'))).to.equal(false);
  });

  const configWith = (name: string, server: Record<string, unknown>) => {
    const file = join(dir, name);
    writeFileSync(
      file,
      stringify({
        server: { host: '127.0.0.1', httpRedirectPort: null, tls: null, runAs: null, publicNames: ['localhost'], ...server },
        paths: { data: join(dir, `${name}-data`), config: dir, logs: dir },
        language: 'en',
        profile: 'evaluation',
        session: { idleMinutes: 30, absoluteHours: 12 },
      }),
    );
    return file;
  };

  it('a fatal start-up error (its port is taken) ends the process with exit 1, so a supervisor restarts it', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const server = start(configWith('busy.yaml', { port }));
      // Exits by itself (the test's own timeout is the only limit): open handles must not keep it "online".
      expect(await server.exited, server.output()).to.equal(1);
      expect(server.output()).to.match(/failed to start: .*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('never changes its own user: started as root for an installation that runs as a service user, it refuses (78)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const server = start(configWith('root.yaml', { port: await freePort(), runAs: 'nobody' }));
    expect(await server.exited, server.output()).to.equal(78);
    expect(server.output()).to.match(/started as root, but this installation runs as nobody; start it through its supervisor/);
  });
});
