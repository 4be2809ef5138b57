import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseOsRelease } from '../../installer/ports/system-facts.js';

const root = join(import.meta.dirname, '../..');

/** Runs the real CLI the way `npx tsx installer/main.ts` does, without npx's start-up cost. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'installer/main.ts', ...args], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Waits until something accepts connections on 127.0.0.1:port (a freshly spawned server), at most 10 s. */
async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s`);
}

interface Report {
  verdict: 'pass' | 'warn' | 'fail';
  profile: string;
  checks: { id: string; status: string; measured: Record<string, unknown> | null; required: unknown; message: string }[];
}

describe('contactbox check (real CLI on this machine)', function () {
  this.timeout(30_000);

  it('--json --profile evaluation reports the real RAM, cores, OS and free disk; exit code follows the verdict', async () => {
    // 127.0.0.1 has nothing on 443/80 here: the latency probe is refused at once instead of waiting on the internet.
    const r = await cli(['check', '--json', '--profile', 'evaluation', '--probe-host', '127.0.0.1']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.profile).to.equal('evaluation');
    expect(r.code).to.equal(report.verdict === 'fail' ? 1 : 0);
    const get = (id: string) => report.checks.find((c) => c.id === id)!;
    expect(report.checks.map((c) => c.id)).to.have.members(['ram', 'cpu', 'disk', 'os', 'node', 'latency', 'bandwidth', 'ports', 'asterisk']);

    const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
    const ram = get('ram').measured!.totalBytes as number;
    expect(Math.abs(ram - memTotal) / memTotal).to.be.below(0.01);

    expect(get('cpu').measured).to.include({ cores: cpus().length });
    expect(get('cpu').measured!.model).to.be.a('string').and.not.empty;

    const osRelease = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
    expect(get('os').measured).to.include({ id: osRelease.ID, version: osRelease.VERSION_ID ?? null });

    const disk = get('disk').measured!;
    expect(disk.freeBytes).to.be.a('number').and.greaterThan(0);
    expect(disk.path).to.equal('/var/lib/contactbox');

    expect(get('latency').status).to.equal('warn');
    expect(get('latency').message).to.contain('connection refused on 127.0.0.1:443');
    for (const c of report.checks) expect(['pass', 'warn', 'fail']).to.include(c.status);
  });

  it('--bandwidth-server measures both directions against a real iperf3 server', async () => {
    const port = await new Promise<number>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const server = spawn('iperf3', ['-s', '-B', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    try {
      await untilListening(port);
      const r = await cli(['check', '--json', '--profile', 'evaluation', '--probe-host', '127.0.0.1', '--bandwidth-server', `127.0.0.1:${port}`]);
      const bw = (JSON.parse(r.stdout) as Report).checks.find((c) => c.id === 'bandwidth')!;
      expect(bw.status, bw.message).to.equal('pass');
      expect(bw.measured).to.deep.include({ server: `127.0.0.1:${port}` });
      expect((bw.measured!.upload as { measured: boolean }).measured).to.equal(true);
      expect((bw.measured!.download as { measured: boolean }).measured).to.equal(true);
    } finally {
      server.kill();
    }
  });

  it('prints the Check · Status · Measured · Required · Advice table without --json', async () => {
    const r = await cli(['check', '--profile', 'evaluation', '--probe-host', '127.0.0.1', '--sessions', '200']);
    expect(r.stdout).to.match(/^Check\s+Status\s+Measured\s+Required\s+Advice$/m);
    expect(r.stdout).to.match(/^bandwidth\s+WARN\s+not measured\s+≥ 17\.4 Mbit\/s each way/m);
    expect(r.stdout).to.match(/^Verdict: (PASS|WARN|FAIL) \(evaluation profile/m);
  });

  it('a bad number is exit 2 naming the flag; so is an unknown flag', async () => {
    const bad = await cli(['check', '--json', '--retention-days', 'forever']);
    expect(bad.code).to.equal(2);
    expect(JSON.parse(bad.stdout).error).to.deep.include({ code: 'BAD_INPUT', message: "--retention-days must be a whole number ≥ 0, got 'forever'." });

    const negative = await cli(['check', '--sessions', '-3']);
    expect(negative.code).to.equal(2);
    expect(negative.stderr).to.contain("--sessions must be a whole number ≥ 1, got '-3'");

    const port = await cli(['check', '--port', '70000', '--json']);
    expect(port.code).to.equal(2);
    expect(JSON.parse(port.stdout).error.message).to.equal('--port must be between 1 and 65535, got 70000.');

    const unknown = await cli(['check', '--json', '--bogus']);
    expect(unknown.code).to.equal(2);
    expect(JSON.parse(unknown.stdout).error.message).to.contain("unknown option '--bogus'");
  });
});
