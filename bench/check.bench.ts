import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import type { BenchFigure } from './run.js';
import { runChecks } from '../installer/checks/index.js';
import { measureIperf3 } from '../installer/ports/system-facts-net.js';
import { createSystemFacts } from '../installer/ports/system-facts.js';

/**
 * `check` figures on this machine: how long a whole check takes (latency probe refused at once
 * on 127.0.0.1, so this is the time of reading facts), and how the built-in iperf3 client's
 * loopback upload compares with iperf3's own client against the same server in the same run —
 * a measuring tool that reads far below the reference would understate a customer's line.
 */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => r(port));
    });
  });

export default async function bench(): Promise<BenchFigure[]> {
  const facts = createSystemFacts();
  const input = { profile: 'evaluation' as const, dataDir: '/var/lib/contactbox', recordedMinutesPerDay: 1000, retentionDays: 365, sessions: 10, probeHost: '127.0.0.1', bandwidthServer: null, httpsPort: 443 };
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await runChecks(facts, input);
    runs.push(performance.now() - t);
  }
  const figures: BenchFigure[] = [{ name: 'whole check, facts of this machine (median of 5)', value: median(runs), unit: 'ms', target: { max: 5000 } }];

  if (spawnSync('iperf3', ['--version']).status !== 0) return figures;
  const port = await freePort();
  const server = spawn('iperf3', ['-s', '-B', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const bytes = 256 * 1024 * 1024;
    const ours: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await measureIperf3({ host: '127.0.0.1', port }, { direction: 'upload', timeoutMs: 10_000, seconds: 5, maxBytes: bytes });
      if (r.measured) ours.push(r.bitsPerSecond / 1e6);
      await new Promise((ok) => setTimeout(ok, 300));
      const ref = spawnSync('iperf3', ['-c', '127.0.0.1', '-p', String(port), '-n', String(bytes), '-J'], { encoding: 'utf8', timeout: 20_000 });
      const json = JSON.parse(ref.stdout || '{}') as { end?: { sum_received?: { bits_per_second?: number } } };
      if (json.end?.sum_received?.bits_per_second) reference.push(json.end.sum_received.bits_per_second / 1e6);
      await new Promise((ok) => setTimeout(ok, 300));
    }
    if (ours.length && reference.length) {
      figures.push({
        name: 'built-in iperf3 client, loopback upload of 256 MiB (median of 3)',
        value: median(ours),
        unit: 'Mbit/s',
        baseline: { name: 'iperf3 -c, same server, same bytes', value: median(reference) },
        target: { minRatio: 0.5 },
      });
    }
  } finally {
    server.kill();
  }
  return figures;
}
