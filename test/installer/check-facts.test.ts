import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { network } from '../../installer/checks/requirements.js';
import { measureIperf3, measureTcpLatency, parseProcNetSockets } from '../../installer/ports/system-facts-net.js';
import { createSystemFacts, parseMemTotal, parseOsRelease } from '../../installer/ports/system-facts.js';

const listen = (server: Server) => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
const closedPort = async () => {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
};

describe('system facts: parsers', () => {
  it('reads listening TCP (IPv4 and IPv6) and every UDP socket from /proc/net text', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:13C6 00000000:0000 0A 00000000:00000000 00:00000000 00000000   112        0 31002 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:9C40 0100007F:13C6 01 00000000:00000000 00:00000000 00000000     0        0 31555 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect(parseProcNetSockets(tcp, 'tcp')).to.deep.equal([{ proto: 'tcp', address: '127.0.0.1', port: 5062, uid: 112, inode: '31002' }]);
    const tcp6 = ['header', '   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41002 1 0 100 0 0 10 0'].join('\n');
    expect(parseProcNetSockets(tcp6, 'tcp')[0]).to.include({ address: '::', port: 443 });
    const udp = ['header', '  512: 00000000:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000   112        0 31001 2 0 0'].join('\n');
    expect(parseProcNetSockets(udp, 'udp')).to.deep.equal([{ proto: 'udp', address: '0.0.0.0', port: 5060, uid: 112, inode: '31001' }]);
  });

  it('parses /etc/os-release and MemTotal', () => {
    expect(parseOsRelease('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n# comment\n')).to.deep.equal({ ID: 'debian', VERSION_ID: '12', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' });
    expect(parseMemTotal('MemTotal:        8151420 kB\nMemFree: 1 kB\n')).to.equal(8151420 * 1024);
    expect(() => parseMemTotal('MemFree: 1 kB')).to.throw(/no MemTotal/);
  });
});

describe('system facts: this machine', () => {
  const facts = createSystemFacts();
  let tmp = '';
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'cb-facts-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('measures free space on the nearest existing parent of a data dir that does not exist yet', async () => {
    const d = await facts.disk(join(tmp, 'not/yet/there'));
    expect(d.existingPath).to.equal(tmp);
    expect(d.freeBytes).to.be.greaterThan(0).and.at.most(d.totalBytes);
  });

  it('finds a socket this test process listens on, with this process as its owner', async () => {
    const server = createServer();
    const port = await listen(server);
    try {
      const mine = (await facts.sockets()).find((s) => s.proto === 'tcp' && s.port === port);
      expect(mine, `tcp/${port}`).to.exist;
      expect(mine!.owner?.pid).to.equal(process.pid);
      expect(mine!.address).to.equal('127.0.0.1');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('system facts: latency probe', () => {
  it('measures a TCP handshake to a listening port', async () => {
    const server = createServer((s) => s.destroy());
    const port = await listen(server);
    try {
      const r = await measureTcpLatency('127.0.0.1', { ports: [port], timeoutMs: 2000, sentinel: '127.0.0.2' });
      expect(r.reachable).to.equal(true);
      if (r.reachable) {
        expect(r.port).to.equal(port);
        expect(r.intercepted).to.equal(null); // nothing listens on 127.0.0.2
        expect(r.samplesMs).to.have.length(3);
        expect(r.ms).to.equal(Math.min(...r.samplesMs));
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('notices when an address that cannot exist answers too (a transparent proxy in the way)', async () => {
    const server = createServer((s) => s.destroy());
    const port = await new Promise<number>((r) => server.listen(0, '0.0.0.0', () => r((server.address() as AddressInfo).port)));
    try {
      // Here the "impossible" address is another loopback address the same server answers on.
      const r = await measureTcpLatency('127.0.0.1', { ports: [port], timeoutMs: 2000, sentinel: '127.0.0.2' });
      expect(r.reachable && r.intercepted?.address).to.equal('127.0.0.2');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('reports a refused port as unreachable, with the reason for each port tried', async () => {
    const port = await closedPort();
    const r = await measureTcpLatency('127.0.0.1', { ports: [port, port], timeoutMs: 2000 });
    expect(r).to.deep.include({ reachable: false });
    if (!r.reachable) expect(r.reason).to.contain(`connection refused on 127.0.0.1:${port}`);
  });

  it('gives up when the name lookup hangs, within its time budget', async () => {
    const r = await measureTcpLatency('probe.example', { ports: [443], timeoutMs: 200, lookup: () => new Promise(() => {}) });
    expect(r).to.deep.equal({ host: 'probe.example', reachable: false, reason: 'name lookup of probe.example did not finish within 200 ms' });
  });

  it('the default probe host answers or is reported unreachable within the 5 s bound (this machine has no internet)', async function () {
    this.timeout(network.latencyTimeoutMs + 1500);
    const r = await createSystemFacts().latency(network.defaultProbeHost, network.latencyTimeoutMs);
    expect(r.host).to.equal('ix.net.ua');
    if (!r.reachable) expect(r.reason).to.be.a('string').and.not.empty;
  });
});

describe('system facts: iperf3 bandwidth probe', () => {
  const haveIperf3 = spawnSync('iperf3', ['--version']).status === 0;
  let server: ChildProcess | null = null;
  afterEach(() => {
    server?.kill();
    server = null;
  });

  it('measures upload and download against a real iperf3 server, bounded in bytes', async function () {
    if (!haveIperf3) throw new Error('iperf3 is not installed (scripts/test-packages.txt lists it)');
    const port = await closedPort();
    server = spawn('iperf3', ['-s', '-B', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const measure = (direction: 'upload' | 'download') => measureIperf3({ host: '127.0.0.1', port }, { direction, timeoutMs: 5000, maxBytes: 8 * 1024 * 1024 });
    let up = await measure('upload');
    for (let i = 0; i < 100 && !up.measured && /refused/.test(up.reason); i++) {
      await new Promise((ok) => setTimeout(ok, 100)); // the server may still be starting on a busy machine
      up = await measure('upload');
    }
    expect(up.measured, JSON.stringify(up)).to.equal(true);
    if (up.measured) {
      expect(up.source).to.equal('server');
      // The server counts what arrived before TEST_END; bytes still in flight are not part of the rate.
      expect(up.bytes).to.be.greaterThan(0).and.at.most(8 * 1024 * 1024);
      expect(up.bitsPerSecond).to.be.greaterThan(10e6);
    }
    let down = await measure('download');
    for (let i = 0; i < 20 && !down.measured && /busy|refused/.test(down.reason); i++) {
      await new Promise((ok) => setTimeout(ok, 100)); // iperf3 reopens its socket between tests
      down = await measure('download');
    }
    expect(down.measured, JSON.stringify(down)).to.equal(true);
    if (down.measured) {
      expect(down.source).to.equal('client');
      expect(down.bytes).to.be.at.least(8 * 1024 * 1024);
      expect(down.bitsPerSecond).to.be.greaterThan(10e6);
    }
  });

  it('reports a server that does not speak iperf3 as not measured, within its time budget', async () => {
    const silent = createServer(() => {});
    const port = await listen(silent);
    try {
      const r = await measureIperf3({ host: '127.0.0.1', port }, { direction: 'upload', timeoutMs: 300 });
      expect(r).to.deep.equal({ measured: false, reason: 'the iperf3 upload test did not finish within 300 ms' });
    } finally {
      silent.close();
    }
  });
});
