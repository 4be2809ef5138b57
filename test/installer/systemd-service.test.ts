import { expect } from 'chai';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_CLI, REPO_ROOT } from '../support/cli.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { addMailbox, deliver, waitForSubject } from '../support/installed-mail.js';
import { BootedSystemd, healthy, https, login, OverlayRoot } from '../support/system-root.js';

/**
 * `contactbox install --supervisor systemd` on this Debian 12 booted with systemd as its PID 1
 * (systemd-nspawn over an overlay of this machine, with a network of its own), on the default
 * ports 443 and 80, and what the unit promises: after kill -9 systemd starts the appliance again,
 * and mail sync (from a real Dovecot on this machine) resumes by itself.
 */
describe('systemd keeps the appliance running: kill -9 on a booted Debian 12', function () {
  this.timeout(900_000);
  const password = 'systemd-test-Pa55word!';
  let dovecot: Dovecot;
  let machine: BootedSystemd;
  let target: { host: string; port: number };
  let ca: string;
  const measured: string[] = [];

  before(async function () {
    if (process.getuid?.() !== 0) throw new Error('booting systemd (systemd-nspawn, mounts) needs root');
    const started = Date.now();
    const root = await OverlayRoot.over('/', { chroot: false });
    // The checkout (and the dependencies it links to) exactly as built, whatever disk they are on.
    const binds = [...new Set([REPO_ROOT.replace(/\/$/, ''), realpathSync(join(REPO_ROOT, 'node_modules'))])];
    try {
      machine = await BootedSystemd.boot(root, binds);
    } catch (err) {
      await root.destroy();
      throw err;
    }
    measured.push(`boot ${((Date.now() - started) / 1000).toFixed(1)} s`);
    target = { host: machine.address, port: 443 };
    dovecot = await startDovecot({ alsoListen: [machine.hostAddress] });
  });

  after(async () => {
    await machine?.destroy();
    await dovecot?.stop();
    // Figures for the report (not assertions: timings belong in npm run bench).
    if (measured.length) console.log(`      measured: ${measured.join('; ')}`);
  });

  it('installs under systemd: the unit runs it as contactbox holding only the port capability, and it serves', async () => {
    // Not under /tmp: the booted system has a /tmp of its own.
    writeFileSync(machine.root.path('root/answers.yaml'), ['profile: evaluation', 'supervisor: systemd', 'admin:', '  username: boss', `  password: "${password}"`, ''].join('\n'));
    const started = Date.now();
    const install = await machine.run([process.execPath, BUILT_CLI, 'install', '--answers', '/root/answers.yaml', '--yes', '--json']);
    measured.push(`install ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(install.code, install.stdout + install.stderr).to.equal(0);
    expect(JSON.parse(install.stdout)).to.include({ status: 'installed', supervisor: 'systemd' });
    ca = readFileSync(machine.root.path('etc/contactbox/tls/ca.crt'), 'utf8');
    await healthy(target, ca);

    const show = await machine.run(['systemctl', 'show', 'contactbox', '-p', 'ActiveState', '-p', 'UnitFileState', '-p', 'User']);
    expect(show.stdout).to.include('ActiveState=active').and.to.include('UnitFileState=enabled').and.to.include('User=contactbox');
    const pid = (await machine.mainPid('contactbox'))!;
    expect(pid, 'no main process of contactbox.service').to.be.a('number');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(readFileSync(machine.root.path('etc/passwd'), 'utf8')).to.match(new RegExp(`^contactbox:x:${/^Uid:\s+(\d+)/m.exec(status)![1]}:`, 'm'));
    expect(/^CapAmb:\s+(\w+)/m.exec(status)![1]).to.equal('0000000000000400');
    expect((await machine.run([process.execPath, BUILT_CLI, 'status'])).code, 'contactbox status').to.equal(0);
  });

  it('kill -9: systemd starts it again with a new pid, it serves, the session survives, and mail delivered meanwhile is synced without anyone', async () => {
    const session = await login(target, ca, 'boss', password);
    const mailbox = await addMailbox(target, ca, session, dovecot, 'support@corp.test', machine.hostAddress);
    await deliver(dovecot, 'Before the crash');
    await waitForSubject(target, ca, session, mailbox, 'Before the crash');

    const pid = (await machine.mainPid('contactbox'))!;
    const restartsBefore = Number((await machine.run(['systemctl', 'show', 'contactbox', '-p', 'NRestarts', '--value'])).stdout.trim());
    const killed = Date.now();
    process.kill(pid, 'SIGKILL');
    // Mail arrives while nothing runs: only a sync the restarted appliance starts by itself can find it.
    await deliver(dovecot, 'While it was down');
    // A generous wait for a condition, never a time limit: systemd restarts after RestartSec.
    let newPid: number | null = pid;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && (newPid === pid || newPid === null); ) {
      await new Promise((r) => setTimeout(r, 100));
      newPid = await machine.mainPid('contactbox');
    }
    expect(newPid, 'a new main process').to.be.a('number').and.to.not.equal(pid);
    await healthy(target, ca);
    measured.push(`serving again ${((Date.now() - killed) / 1000).toFixed(1)} s after kill -9`);
    const restartsAfter = Number((await machine.run(['systemctl', 'show', 'contactbox', '-p', 'NRestarts', '--value'])).stdout.trim());
    expect(restartsAfter, 'restarted by systemd, not by anyone else').to.equal(restartsBefore + 1);
    expect((await https(target, ca, 'GET', '/api/v1/me', undefined, session)).status, 'the session (in the database) survives').to.equal(200);

    await waitForSubject(target, ca, session, mailbox, 'While it was down');
    measured.push(`mail delivered while down synced ${((Date.now() - killed) / 1000).toFixed(1)} s after kill -9`);
  });
});
