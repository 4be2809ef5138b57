import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '../../appliance/licensing/fingerprint.js';
import { facts, factsFile, license } from '../licensing/helpers.js';
import { freePort, REPO_ROOT } from '../support/cli.js';
import { healthy, https, must, OverlayRoot as Root } from '../support/system-root.js';

/**
 * The release matrix: `npm run release` builds the .deb and the tarball, and the .deb is installed
 * with nothing but local files into fresh Debian 11 and 13 roots (debootstrap, minbase: no
 * compiler, no Node.js) and into this Debian 12. Each root is an overlay over a pristine root
 * (this machine's own / for Debian 12), so nothing is left behind; apt runs without a network
 * (its own network namespace). In each: /healthz 200 and an admin login, kill -9 → pm2 brings it
 * back, `upgrade` to a newer package (backup first) and `upgrade --rollback` keep the data,
 * `apt remove` keeps the data and `apt purge` removes it.
 */

const CACHE = process.env.CONTACTBOX_CACHE_DIR ?? join(REPO_ROOT, '.cache');
const ROOTS = join(CACHE, 'roots');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NEXT_VERSION = VERSION.replace(/(\d+)$/, (n) => String(Number(n) + 1));
const DEB = join(REPO_ROOT, `release/contactbox_${VERSION}_amd64.deb`);
const TARBALL = join(REPO_ROOT, `release/contactbox-${VERSION}-linux-x64.tar.gz`);
const PASSWORD = 'matrix-test-Pa55word!';
/** The pid of the appliance inside a root (its server.js process). */
function appliancePid(root: Root): number | null {
  for (const pid of root.pids()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/appliance/server.js')) return pid;
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** The same package at the next version: what an admin would get as the next release. */
async function nextReleaseDeb(work: string): Promise<string> {
  const tree = join(work, 'next');
  rmSync(tree, { recursive: true, force: true });
  await must('dpkg-deb', ['-R', DEB, tree]);
  for (const file of ['usr/lib/contactbox/package.json', 'usr/lib/contactbox/release.json']) {
    const text = readFileSync(join(tree, file), 'utf8');
    writeFileSync(join(tree, file), text.replace(`"version": "${VERSION}"`, `"version": "${NEXT_VERSION}"`));
  }
  const control = join(tree, 'DEBIAN/control');
  writeFileSync(control, readFileSync(control, 'utf8').replace(/^Version: .*$/m, `Version: ${NEXT_VERSION}-1`));
  const out = join(work, `contactbox_${NEXT_VERSION}_amd64.deb`);
  await must('dpkg-deb', ['--root-owner-group', '-Znone', '--build', tree, out]);
  rmSync(tree, { recursive: true, force: true });
  return out;
}

describe('release matrix: the .deb installs offline on Debian 11, 12 and 13 and keeps itself running', function () {
  this.timeout(3_600_000);
  let work: string;
  let nextDeb: string;
  const measured: string[] = [];

  before(async function () {
    if (process.getuid?.() !== 0) throw new Error('the release matrix needs root (debootstrap, chroot, mounts)');
    work = mkdtempSync(join(tmpdir(), 'contactbox-matrix-work-'));
    // dist/ is the build the suite runs on (scripts/test.sh builds it first).
    let started = Date.now();
    await must('bash', [join(REPO_ROOT, 'scripts/release.sh'), '--no-build'], { timeoutMs: 2_400_000, env: { ...process.env, CONTACTBOX_RELEASE_GZIP_LEVEL: '1' } });
    measured.push(`release build ${Math.round((Date.now() - started) / 1000)} s`);
    expect(existsSync(DEB), DEB).to.equal(true);
    started = Date.now();
    for (const suite of ['bullseye', 'trixie']) {
      await must('bash', [join(REPO_ROOT, 'scripts/debian-root.sh'), suite, join(ROOTS, suite)], { timeoutMs: 1_800_000 });
    }
    measured.push(`Debian roots ready ${Math.round((Date.now() - started) / 1000)} s`);
    nextDeb = await nextReleaseDeb(work);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    // Figures for the report (not assertions: timings belong in npm run bench).
    if (measured.length) console.log(`      measured: ${measured.join('; ')}`);
  });

  it('the release build carries its runtime and trusts no development key', async () => {
    const list = await must('dpkg-deb', ['-c', DEB]);
    for (const path of ['./usr/lib/contactbox/runtime/bin/node', './usr/lib/contactbox/node_modules/better-sqlite3/build/Release/better_sqlite3.node', './usr/bin/contactbox', './usr/share/doc/contactbox/copyright']) {
      expect(list, path).to.include(path);
    }
    expect(list).to.not.match(/dev-keys|\.pem\b|better-sqlite3\/(src|deps)\//);
    const info = await must('dpkg-deb', ['-f', DEB, 'Depends', 'Version']);
    expect(info).to.not.match(/nodejs|npm|g\+\+/);
    expect(info).to.include(`Version: ${VERSION}-1`);
    const tar = await must('tar', ['-tzf', TARBALL]);
    expect(tar).to.include(`contactbox-${VERSION}/runtime/bin/node`).and.to.include(`contactbox-${VERSION}/contactbox`);
  });

  // Each root shows install, /healthz, login, remove and purge; the slower parts (kill -9 under pm2
  // with the licence refusal, upgrade and rollback) run once each, to keep the suite's time down.
  const targets = [
    { name: 'Debian 11 (bullseye root)', lower: () => join(ROOTS, 'bullseye'), killTest: false, upgradeTest: true },
    { name: 'Debian 13 (trixie root)', lower: () => join(ROOTS, 'trixie'), killTest: true, upgradeTest: false },
    { name: 'Debian 12 (this machine, through an overlay)', lower: () => '/', killTest: false, upgradeTest: false },
  ];
  for (const target of targets) {
    const shows = [
      'apt installs it offline',
      'HTTPS /healthz and admin login',
      ...(target.killTest ? ['refuses a development-signed licence', 'back after kill -9'] : []),
      ...(target.upgradeTest ? ['upgrade and rollback keep data'] : []),
      'remove keeps data, purge removes it',
    ];
    it(`${target.name}: ${shows.join('; ')}`, async () => {
      const root = await Root.over(target.lower());
      const times: string[] = [];
      const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
        const t = Date.now();
        const r = await fn();
        times.push(`${what} ${((Date.now() - t) / 1000).toFixed(1)} s`);
        return r;
      };
      try {
        mkdirSync(root.path('tmp/pkg'), { recursive: true });
        writeFileSync(root.path(`tmp/pkg/contactbox_${VERSION}_amd64.deb`), readFileSync(DEB));
        writeFileSync(root.path(`tmp/pkg/contactbox_${NEXT_VERSION}_amd64.deb`), readFileSync(nextDeb));
        if (target.lower() !== '/') {
          expect((await root.run(['sh', '-c', 'command -v node nodejs gcc g++ cc make || true'])).stdout.trim(), 'a fresh root has no Node.js and no compiler').to.equal('');
        }

        const apt = await timed('apt install (offline)', () => root.run(['apt-get', 'install', '-y', '--no-install-recommends', `/tmp/pkg/contactbox_${VERSION}_amd64.deb`], { offline: true }));
        expect(apt.code, apt.stdout + apt.stderr).to.equal(0);
        expect(apt.stdout).to.include('Run: contactbox install');

        const port = await freePort();
        writeFileSync(
          root.path('tmp/answers.yaml'),
          ['profile: evaluation', 'listen: 127.0.0.1', `port: ${port}`, 'httpRedirectPort: null', 'supervisor: pm2', 'admin:', '  username: boss', `  password: "${PASSWORD}"`, ''].join('\n'),
        );
        const install = await timed('contactbox install', () => root.run(['contactbox', 'install', '--answers', '/tmp/answers.yaml', '--yes', '--json']));
        expect(install.code, install.stdout + install.stderr).to.equal(0);
        expect(JSON.parse(install.stdout)).to.include({ status: 'installed', url: `https://127.0.0.1:${port}`, supervisor: 'pm2' });
        const ca = readFileSync(root.path('etc/contactbox/tls/ca.crt'), 'utf8');
        await healthy(port, ca, VERSION);

        // It runs as the service user, on the runtime it carries, holding only the port capability.
        const pid = appliancePid(root)!;
        expect(pid, 'no appliance process').to.be.a('number');
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const uid = Number(/^Uid:\s+(\d+)/m.exec(status)![1]);
        expect(uid).to.not.equal(0);
        expect(readFileSync(root.path('etc/passwd'), 'utf8')).to.match(new RegExp(`^contactbox:x:${uid}:`, 'm'));
        expect(/^CapAmb:\s+(\w+)/m.exec(status)![1]).to.equal('0000000000000400');
        expect(readlinkSync(`/proc/${pid}/exe`)).to.equal(`${root.merged}/opt/contactbox/releases/${VERSION}/runtime/bin/node`);

        const login = await https(port, ca, 'POST', '/api/v1/auth/login', { username: 'boss', password: PASSWORD });
        expect(login.status, login.body).to.equal(200);
        const cookie = String(login.headers['set-cookie']).split(';')[0]!;
        const me = async () => https(port, ca, 'GET', '/api/v1/me', undefined, { cookie });
        expect(JSON.parse((await me()).body)).to.include({ username: 'boss', role: 'admin' });
        expect((await root.run(['contactbox', 'status'])).code).to.equal(0);

        if (target.killTest) {
          // A release build refuses a development-signed licence even when told to trust that key
          // and handed recorded machine facts to match.
          writeFileSync(root.path('tmp/dev-signed.lic'), license({ fingerprint: fingerprintOf(facts('server-b')), sessions: 10 }));
          writeFileSync(root.path('tmp/facts.json'), readFileSync(factsFile('server-b')));
          const activate = await root.run(['contactbox', 'license', 'activate', '/tmp/dev-signed.lic', '--json'], {
            env: { CONTACTBOX_DEV_LICENSE_KEYS: '1', CONTACTBOX_FACTS_FILE: '/tmp/facts.json' },
          });
          expect(activate.code, activate.stdout + activate.stderr).to.equal(1);
          expect((JSON.parse(activate.stdout) as { error: { code: string } }).error.code).to.equal('LICENSE_BAD_SIGNATURE');
          expect(existsSync(root.path('etc/contactbox/license.lic'))).to.equal(false);

          const t = Date.now();
          process.kill(pid, 'SIGKILL');
          const deadline = Date.now() + 120_000;
          while (Date.now() < deadline && (appliancePid(root) === pid || appliancePid(root) === null)) await new Promise((r) => setTimeout(r, 200));
          await healthy(port, ca, VERSION);
          times.push(`serving again ${((Date.now() - t) / 1000).toFixed(1)} s after kill -9`);
          expect(appliancePid(root)).to.not.equal(pid);
          expect((await me()).status, 'the session (in the database) survives').to.equal(200);
        }

        if (target.upgradeTest) {
          // The next release: apt unpacks it, the running installation is unchanged until `upgrade`.
          const aptNext = await root.run(['apt-get', 'install', '-y', '--no-install-recommends', `/tmp/pkg/contactbox_${NEXT_VERSION}_amd64.deb`], { offline: true });
          expect(aptNext.code, aptNext.stdout + aptNext.stderr).to.equal(0);
          expect(aptNext.stdout).to.include('Run: contactbox upgrade');
          const upgrade = await timed('upgrade', () => root.run(['contactbox', 'upgrade', '--json']));
          expect(upgrade.code, upgrade.stdout + upgrade.stderr).to.equal(0);
          const upgraded = JSON.parse(upgrade.stdout) as { status: string; version: string; backup: string };
          expect(upgraded).to.include({ status: 'upgraded', version: NEXT_VERSION });
          expect(existsSync(join(root.merged, upgraded.backup, 'contactbox.sqlite')), 'the backup taken before upgrading').to.equal(true);
          await healthy(port, ca, NEXT_VERSION);
          expect((await me()).status, 'data kept across the upgrade').to.equal(200);

          const rollback = await timed('rollback', () => root.run(['contactbox', 'upgrade', '--rollback', '--json']));
          expect(rollback.code, rollback.stdout + rollback.stderr).to.equal(0);
          await healthy(port, ca, VERSION);
          expect((await me()).status, 'data kept across the rollback').to.equal(200);
        }

        // apt remove: the service and code go, the data stays; apt purge: everything goes.
        const remove = await timed('apt remove', () => root.run(['apt-get', 'remove', '-y', 'contactbox'], { offline: true }));
        expect(remove.code, remove.stdout + remove.stderr).to.equal(0);
        expect(appliancePid(root), 'the appliance still runs after apt remove').to.equal(null);
        expect(existsSync(root.path('var/lib/contactbox/contactbox.sqlite'))).to.equal(true);
        expect(existsSync(root.path('etc/contactbox/contactbox.yaml'))).to.equal(true);
        expect(existsSync(root.path('opt/contactbox'))).to.equal(false);
        const purge = await root.run(['apt-get', 'purge', '-y', 'contactbox'], { offline: true });
        expect(purge.code, purge.stdout + purge.stderr).to.equal(0);
        for (const p of ['var/lib/contactbox', 'etc/contactbox', 'var/log/contactbox', 'usr/lib/contactbox']) expect(existsSync(root.path(p)), p).to.equal(false);
        expect(readFileSync(root.path('etc/passwd'), 'utf8')).to.not.match(/^contactbox:/m);
      } finally {
        measured.push(`${target.name}: ${times.join(', ')}`);
        await root.destroy();
      }
    });
  }

  it('the tarball runs on its own runtime in a Debian 11 root: its SQLite driver loads there', async () => {
    const root = await Root.over(join(ROOTS, 'bullseye'));
    try {
      await must('tar', ['-xzf', TARBALL, '-C', root.path('tmp')]);
      const dir = `/tmp/contactbox-${VERSION}`;
      const r = await root.run([`${dir}/runtime/bin/node`, '-e', `const D = require('${dir}/node_modules/better-sqlite3'); console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)`], { offline: true });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.match(/^3\.\d+\.\d+$/);
      const check = await root.run([`${dir}/contactbox`, 'check', '--profile', 'evaluation', '--json'], { offline: true });
      const os = (JSON.parse(check.stdout) as { checks: { id: string; status: string }[] }).checks.find((c) => c.id === 'os');
      expect(os?.status).to.equal('pass');
    } finally {
      await root.destroy();
    }
  });
});
