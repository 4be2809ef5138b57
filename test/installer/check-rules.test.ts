import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../../installer/checks/index.js';
import { asteriskMajor } from '../../installer/checks/platform.js';
import type { CheckId, CheckInput, CheckStatus } from '../../installer/checks/types.js';
import { recordedFacts, type RecordedFacts } from '../../installer/ports/system-facts.js';

const dir = join(import.meta.dirname, '../fixtures/facts');
const fixture = (name: string): RecordedFacts => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as RecordedFacts;

const defaults: CheckInput = {
  profile: 'production',
  dataDir: '/var/lib/contactbox',
  recordedMinutesPerDay: 1000,
  retentionDays: 365,
  sessions: 10,
  probeHost: 'ix.net.ua',
  bandwidthServer: null,
  httpsPort: 443,
};

async function check(name: string | RecordedFacts, input: Partial<CheckInput> = {}) {
  const report = await runChecks(recordedFacts(typeof name === 'string' ? fixture(name) : name), { ...defaults, ...input });
  const byId = Object.fromEntries(report.checks.map((c) => [c.id, c])) as Record<CheckId, (typeof report.checks)[number]>;
  const statuses = Object.fromEntries(report.checks.map((c) => [c.id, c.status])) as Record<CheckId, CheckStatus>;
  return { report, byId, statuses };
}

describe('check rules on recorded facts', () => {
  it('lists the nine checks of DESIGN §5 in order, each with measured, required and a message', async () => {
    const { report } = await check('debian12-nginx');
    expect(report.checks.map((c) => c.id)).to.deep.equal(['ram', 'cpu', 'disk', 'os', 'node', 'latency', 'bandwidth', 'ports', 'asterisk']);
    for (const c of report.checks) {
      expect(c.message, c.id).to.be.a('string').and.not.empty;
      expect(c.required, c.id).to.be.an('object');
    }
  });

  it('Debian 8: the appliance cannot run there (os fails, naming hybrid as the supported way); apt\'s Asterisk 11 cannot be used', async () => {
    const { statuses, byId, report } = await check('debian8');
    expect(statuses).to.deep.include({ ram: 'pass', cpu: 'pass', disk: 'pass', os: 'fail', node: 'pass', latency: 'pass', ports: 'pass', asterisk: 'warn' });
    expect(byId.os.message).to.contain('glibc 2.19').and.contain('cannot host the contactbox appliance').and.contain('hybrid').and.contain('Debian 11, 12 or 13');
    expect(byId.asterisk.message).to.contain('1:11.13.1').and.contain('PJSIP').and.contain('--asterisk-debs DIR');
    expect(report.verdict).to.equal('fail');
  });

  it('Debian 9: os fails with the hybrid way; apt Asterisk 13 is usable but past end of life (for a hybrid pair)', async () => {
    const { statuses, byId } = await check('debian9');
    expect(statuses.os).to.equal('fail');
    expect(byId.os.message).to.contain('glibc 2.24').and.contain('hybrid').and.contain('upgrade this server to Debian 12');
    expect(statuses.asterisk).to.equal('warn');
    expect(byId.asterisk.message).to.contain("'apt' offers Asterisk 1:13.14.1").and.contain('end of life');
    expect(byId.cpu.measured).to.include({ ghz: 3.6, ghzSource: 'model name', cores: 8 });
  });

  it('Debian 10: os fails in both profiles (glibc 2.28 is older than the release needs), naming hybrid', async () => {
    for (const profile of ['production', 'evaluation'] as const) {
      const { statuses, byId, report } = await check('debian10', { profile });
      expect(statuses).to.deep.include({ os: 'fail', cpu: 'pass', asterisk: 'warn' });
      expect(byId.os.message).to.contain('Debian 10').and.contain('glibc ≥ 2.29').and.contain('hybrid');
      expect(byId.asterisk.message).to.contain('The configured apt sources offer no Asterisk package').and.contain('--asterisk-debs DIR').and.contain('remote Asterisk');
      expect(report.verdict).to.equal('fail');
    }
  });

  it('Debian 11: a "7.6 GiB" 8 GB machine passes ram; sockets held by asterisk and contactbox count as ours; installed Asterisk 18 passes', async () => {
    const { statuses, byId } = await check('debian11');
    expect(statuses).to.deep.include({ ram: 'pass', ports: 'pass', asterisk: 'pass', os: 'pass' });
    expect(byId.ram.measured).to.include({ totalGiB: 7.61 });
    expect(byId.ram.message).to.contain('7.5 GiB');
    const ours = (byId.ports.measured as { ours: { port: number }[] }).ours.map((o) => o.port).sort((a, b) => a - b);
    expect(ours).to.deep.equal([443, 5038, 5060, 8088, 14012]);
    expect(byId.asterisk.message).to.contain('Asterisk 18.20.2');
  });

  it('Debian 12 with nginx on 80 and 443: ports fail naming the owner, in both profiles', async () => {
    for (const profile of ['production', 'evaluation'] as const) {
      const { statuses, byId, report } = await check('debian12-nginx', { profile });
      expect(statuses.ports, profile).to.equal('fail');
      expect(byId.ports.message).to.contain('tcp/80').and.contain('tcp/443').and.contain('nginx (pid 1021, user root)').and.contain('--port');
      expect(byId.ports.message).not.to.contain('123');
      expect(report.verdict).to.equal('fail');
    }
    const moved = await check('debian12-nginx', { httpsPort: 8443 });
    expect((moved.byId.ports.measured as { busy: { port: number }[] }).busy.map((b) => b.port)).to.deep.equal([80]);
  });

  it('Debian 13 on a Core Ultra 7: passes, clock from cpufreq base_frequency', async () => {
    const { statuses, byId, report } = await check('debian13');
    expect(statuses).to.deep.include({ os: 'pass', cpu: 'pass', node: 'pass', ram: 'pass' });
    expect(byId.cpu.measured).to.include({ ghz: 3.9, ghzSource: 'cpufreq base_frequency', class: 'core' });
    expect(report.verdict).to.equal('warn'); // bandwidth not measured, Asterisk not in apt
  });

  it('Ubuntu: os fails with a clear message, also in evaluation; Node 18 fails', async () => {
    for (const profile of ['production', 'evaluation'] as const) {
      const { statuses, byId, report } = await check('ubuntu2404', { profile });
      expect(statuses.os).to.equal('fail');
      expect(statuses.node).to.equal('fail');
      expect(byId.os.message).to.contain('Ubuntu 24.04.1 LTS is not supported').and.contain('Debian 11 or newer').and.contain('Install Debian 12');
      expect(byId.node.message).to.contain('older than 20.19');
      expect(report.verdict).to.equal('fail');
    }
    expect((await check('ubuntu2404')).statuses.cpu).to.equal('pass'); // i5-12400 at 2.5 GHz base
  });

  it('a 4 GB VM fails ram, cpu, disk and latency in production; evaluation turns them into warnings', async () => {
    const prod = await check('vm-4gb');
    expect(prod.statuses).to.deep.include({ ram: 'fail', cpu: 'fail', disk: 'fail', latency: 'fail', os: 'pass', ports: 'pass' });
    expect(prod.byId.cpu.message).to.contain('virtual CPU').and.contain('only 2 of the 4 threads').and.contain('2.20 GHz is below 2.4 GHz');
    expect(prod.byId.latency.message).to.contain('52.3 ms').and.contain('Above 40 ms');
    expect(prod.report.verdict).to.equal('fail');
    const evaluation = await check('vm-4gb', { profile: 'evaluation' });
    expect(evaluation.statuses).to.deep.include({ ram: 'warn', cpu: 'warn', disk: 'warn', latency: 'warn' });
    expect(evaluation.byId.ram.message).to.contain('Evaluation profile');
    expect(evaluation.report.verdict).to.equal('warn');
  });

  it('an i3 fails cpu whatever its clock', async () => {
    const { statuses, byId } = await check('i3');
    expect(statuses.cpu).to.equal('fail');
    expect(byId.cpu.message).to.contain('i3/Celeron/Pentium/Atom');
    expect(byId.cpu.measured).to.include({ model: 'Intel(R) Core(TM) i3-10100 CPU @ 3.60GHz', cores: 8, ghz: 3.6 });
  });

  it('a Ryzen 7 passes on 16 threads at its 3.8 GHz base, not the idle cpu MHz', async () => {
    const { statuses, byId } = await check('ryzen7');
    expect(statuses.cpu).to.equal('pass');
    expect(byId.cpu.measured).to.include({ ghz: 3.8, cores: 16, class: 'server' });
    expect(byId.cpu.message).to.contain('≥ 4 threads and ≥ 2.4 GHz');
    const noClock = fixture('ryzen7');
    noClock.cpu.siSpeedGHz = null;
    const unknown = await check(noClock);
    expect(unknown.statuses.cpu).to.equal('warn');
    expect(unknown.byId.cpu.message).to.contain('could not be read');
  });

  it('a Xeon passes at 2.4 GHz with many threads, and fails below 2.4 GHz', async () => {
    expect((await check('xeon')).statuses.cpu).to.equal('pass');
    const slow = fixture('xeon');
    slow.cpu.modelName = 'Intel(R) Xeon(R) CPU E5-2650L v2 @ 1.70GHz';
    const r = await check(slow);
    expect(r.statuses.cpu).to.equal('fail');
    expect(r.byId.cpu.message).to.contain('1.70 GHz is below 2.4 GHz');
  });

  it('a virtual CPU with no reported clock warns; this development VM (2 vCPUs) fails cpu in production', async () => {
    const kvm = await check('vm-kvm-unknown-speed');
    expect(kvm.statuses.cpu).to.equal('warn');
    expect(kvm.byId.cpu.measured).to.include({ virtual: true, cores: 4, ghz: null });
    const here = await check('recorded-debian12-kvm');
    expect(here.statuses.cpu).to.equal('fail');
    expect(here.byId.cpu.measured).to.include({ model: 'Intel(R) Xeon(R) Processor', ghz: 2.6, ghzSource: 'cpu MHz reported by the hypervisor' });
    expect(here.statuses.latency).to.equal('warn');
    expect(here.byId.latency.message).to.contain('cannot resolve ix.net.ua');
  });

  it('a full disk fails with the arithmetic shown', async () => {
    const { statuses, byId } = await check('full-disk');
    expect(statuses.disk).to.equal('fail');
    expect(byId.disk.message).to.contain('1000 min/day × 365 days × 120 KB = 43.8 GB of recordings')
      .and.contain('+ 20% (8.76 GB) + 5.00 GB').and.contain('= 57.6 GB').and.contain('Free on /var (the volume that will hold /var/lib/contactbox): 2.10 GB');
    expect(byId.disk.required).to.include({ bytes: 57_560_000_000 });
  });
});

describe('check rules: edge cases', () => {
  it('disk never asks for less than 30 GB', async () => {
    const { byId } = await check('debian12-nginx', { recordedMinutesPerDay: 10, retentionDays: 30 });
    expect(byId.disk.required).to.include({ bytes: 30e9 });
    expect(byId.disk.message).to.contain('raised to the 30.0 GB minimum');
  });

  it('bandwidth: sessions × 87.2 kbit/s but at least 10 Mbit/s; unmeasured is a warning that states the need', async () => {
    const small = await check('debian13', { sessions: 10 });
    expect(small.statuses.bandwidth).to.equal('warn');
    expect(small.byId.bandwidth.required).to.include({ bitsPerSecond: 10_000_000 });
    expect(small.byId.bandwidth.message).to.contain('≥ 10.0 Mbit/s').and.contain('G.711').and.contain('--bandwidth-server');
    const big = fixture('debian13');
    big.bandwidth = {
      server: 'x',
      upload: { measured: true, bitsPerSecond: 15_000_000, bytes: 5_625_000, seconds: 3, source: 'server' },
      download: { measured: true, bitsPerSecond: 48_000_000, bytes: 18_000_000, seconds: 3, source: 'client' },
    };
    const r = await check(big, { sessions: 200, bandwidthServer: { host: '192.0.2.5', port: 5201 } });
    expect(r.byId.bandwidth.required).to.include({ bitsPerSecond: 17_440_000 });
    expect(r.statuses.bandwidth).to.equal('fail');
    expect(r.byId.bandwidth.message).to.contain('200 sessions × 87.2 kbit/s').and.contain('17.4 Mbit/s');
    const enough = await check(big, { sessions: 100, bandwidthServer: { host: '192.0.2.5', port: 5201 } });
    expect(enough.statuses.bandwidth).to.equal('pass');
    expect(enough.byId.bandwidth.message).to.contain('upload 15.0 Mbit/s').and.contain('download 48.0 Mbit/s');
    big.bandwidth.download = { measured: false, reason: 'the iperf3 server is busy with another test (access denied)' };
    const half = await check(big, { sessions: 100, bandwidthServer: { host: '192.0.2.5', port: 5201 } });
    expect(half.statuses.bandwidth).to.equal('warn');
    expect(half.byId.bandwidth.message).to.contain('download not measured (the iperf3 server is busy');
  });

  it('os: Debian 7 fails, testing (no VERSION_ID) and Debian 14 warn, a derivative and a missing os-release fail', async () => {
    const os = async (osRelease: Record<string, string> | null) => {
      const f = fixture('debian13');
      f.os.osRelease = osRelease;
      return (await check(f)).byId.os;
    };
    expect((await os({ ID: 'debian', VERSION_ID: '7', PRETTY_NAME: 'Debian GNU/Linux 7 (wheezy)' })).status).to.equal('fail');
    expect((await os({ ID: 'debian', PRETTY_NAME: 'Debian GNU/Linux forky/sid' })).status).to.equal('warn');
    expect((await os({ ID: 'debian', VERSION_ID: '14', PRETTY_NAME: 'Debian GNU/Linux 14 (forky)' })).status).to.equal('warn');
    const raspbian = await os({ ID: 'raspbian', ID_LIKE: 'debian', VERSION_ID: '12', PRETTY_NAME: 'Raspbian GNU/Linux 12 (bookworm)' });
    expect(raspbian.status).to.equal('fail');
    expect(raspbian.message).to.contain('derives from Debian');
    expect((await os(null)).status).to.equal('fail');
  });

  it('latency: a transparent proxy answering for an impossible address makes the reading a warning, not a pass', async () => {
    const f = fixture('debian13');
    f.latency = { host: 'ix.net.ua', reachable: true, address: '192.0.2.10', port: 443, ms: 0.4, samplesMs: [0.9, 0.4, 0.5], intercepted: { address: '203.0.113.1', ms: 0.5 } };
    const { byId } = await check(f);
    expect(byId.latency.status).to.equal('warn');
    expect(byId.latency.message).to.contain('203.0.113.1').and.contain('transparent proxy');
  });

  it('reads the Asterisk major version from asterisk -V, dpkg (with epoch) and certified builds', () => {
    expect(asteriskMajor('Asterisk 20.5.2')).to.equal(20);
    expect(asteriskMajor('1:16.28.0~dfsg-0+deb11u3')).to.equal(16);
    expect(asteriskMajor('Asterisk certified/18.9-cert5')).to.equal(18);
    expect(asteriskMajor('Asterisk GIT-master-abc123')).to.equal(null);
  });

  it('node: 20.18 fails, 20.19.0 passes', async () => {
    const f = fixture('debian12-nginx');
    f.node.version = '20.18.3';
    expect((await check(f)).statuses.node).to.equal('fail');
    f.node.version = '20.19.0';
    expect((await check(f)).statuses.node).to.equal('pass');
  });

  it('ports: an RTP port held by another program fails with its owner; an unknown owner is named by uid', async () => {
    const f = fixture('debian13');
    f.sockets = [
      { proto: 'udp', address: '0.0.0.0', port: 12000, uid: 120, inode: '9', user: 'turnserver', owner: { pid: 77, command: 'turnserver', cmdline: '/usr/bin/turnserver' } },
      { proto: 'tcp', address: '0.0.0.0', port: 5038, uid: 1001, inode: '10', user: null, owner: null },
      { proto: 'tcp', address: '0.0.0.0', port: 12000, uid: 0, inode: '11', user: 'root', owner: null },
    ];
    const r = await check(f, { profile: 'evaluation' });
    expect(r.statuses.ports).to.equal('fail');
    expect(r.byId.ports.message).to.contain('RTP media udp/12000 (0.0.0.0) held by turnserver (pid 77, user turnserver)').and.contain('an unknown process (uid 1001)');
    expect((r.byId.ports.measured as { busy: unknown[] }).busy).to.have.length(2); // tcp/12000 is not a port we need
  });

  it('a fact that cannot be read is a failure with the reason, not a crash', async () => {
    const facts = recordedFacts(fixture('debian13'));
    facts.memory = async () => {
      throw new Error('/proc/meminfo has no MemTotal line');
    };
    const report = await runChecks(facts, defaults);
    const ram = report.checks.find((c) => c.id === 'ram')!;
    expect(ram.status).to.equal('fail');
    expect(ram.message).to.contain('/proc/meminfo has no MemTotal line');
  });
});
