import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchFigure } from './run.js';
import { buildApp } from '../appliance/app.js';
import { defaultConfig } from '../appliance/config.js';
import { openDatabase } from '../appliance/core/db.js';
import { insertUser } from '../appliance/core/auth/plugin.js';
import { systemClock } from '../appliance/core/clock.js';

/**
 * A backlog of RETENTION_BENCH_ITEMS (default 1,000,000) expired recordings — rows and small
 * files, two years of them as a customer has when first shortening "forever" to 7 days — swept by the appliance's retention engine while a separate thread keeps requesting
 * GET /healthz and an authenticated GET from the same running app on 127.0.0.1. Measured: the
 * sweep's duration and the UI's p99 latency during it, with the idle p99 of the same run as
 * baseline. Targets (issue 7): under 5 minutes, p99 under 100 ms.
 */
const ITEMS = Number(process.env.RETENTION_BENCH_ITEMS ?? 1_000_000);
const DAY = 86_400_000;

const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, cookie } = workerData;
let stop = false;
const samples = [];
parentPort.on('message', (m) => { if (m === 'stop') stop = true; });
(async () => {
  let i = 0;
  while (!stop) {
    const url = i++ % 2 === 0 ? base + '/healthz' : base + '/api/v1/retention/policies';
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(url + ' answered ' + res.status);
    samples.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  parentPort.postMessage(samples);
})().catch((err) => parentPort.postMessage({ error: String(err) }));
`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measureLoad(base: string, cookie: string, during: () => Promise<void>): Promise<number[]> {
  const worker = new Worker(LOAD, { eval: true, workerData: { base, cookie } });
  const result = new Promise<number[]>((resolve, reject) => {
    worker.once('message', (m: number[] | { error: string }) => (Array.isArray(m) ? resolve(m) : reject(new Error(m.error))));
    worker.once('error', reject);
  });
  await during();
  worker.postMessage('stop');
  const samples = await result;
  await worker.terminate();
  return samples;
}

function generateBacklog(dataDir: string, db: ReturnType<typeof openDatabase>, now: number): void {
  const insertCall = db.prepare("INSERT INTO calls (linked_id, direction, started_at, legs, updated_at) VALUES (?, 'inbound', ?, '[]', ?)");
  const insertRecording = db.prepare("INSERT INTO recordings (call_id, path, format, bytes, duration_sec, source, created_at) VALUES (?, ?, 'opus', 32, 60, 'bench', ?)");
  const body = Buffer.alloc(32, 1);
  const chunk = 50_000;
  for (let start = 0; start < ITEMS; start += chunk) {
    const files: string[] = [];
    db.transaction(() => {
      for (let i = start; i < Math.min(ITEMS, start + chunk); i++) {
        // Two years of calls, oldest first as the appliance stores them, from 730 to 8 days
        // ago: all older than the 7-day policy.
        const at = new Date(now - 730 * DAY + Math.floor((i * 722 * DAY) / ITEMS)).toISOString();
        const callId = Number(insertCall.run(`bench-${i}`, at, at).lastInsertRowid);
        const path = `recordings/${at.slice(0, 10).replace(/-/g, '/')}/${i}.opus`;
        insertRecording.run(callId, path, at);
        files.push(path);
      }
    })();
    const made = new Set<string>();
    for (const path of files) {
      const dir = join(dataDir, path.slice(0, path.lastIndexOf('/')));
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(join(dataDir, path), body);
    }
  }
}

export default async function bench(): Promise<BenchFigure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'contactbox-retention-bench-'));
  const db = openDatabase(join(dataDir, 'contactbox.sqlite'));
  try {
    const config = defaultConfig(dataDir);
    const app = await buildApp({ config, db, uiDir: null, overrides: { retention: { intervalMs: 0 } } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    await insertUser({ db, clock: systemClock }, { username: 'benchadmin', password: 'correct horse battery staple', displayName: 'Bench', role: 'admin' });
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'benchadmin', password: 'correct horse battery staple' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

    const t0 = Date.now();
    generateBacklog(dataDir, db, Date.now());
    process.stdout.write(`  (generated ${ITEMS.toLocaleString('en-US')} recordings with files in ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    const service = app.retention.service;
    service.setPolicy('recordings', 7, { source: 'admin', actorId: null });

    const idle = await measureLoad(base, cookie, () => new Promise((r) => setTimeout(r, 3000)));
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let sweepMs = 0;
    let deleted = 0;
    loop.enable();
    const busy = await measureLoad(base, cookie, async () => {
      const start = performance.now();
      const report = await service.run({ trigger: 'test', batchSize: 500 });
      sweepMs = performance.now() - start;
      deleted = report.classes.find((c) => c.class === 'recordings')!.items;
    });
    loop.disable();
    const left = (db.prepare('SELECT count(*) AS n FROM recordings').get() as { n: number }).n;
    await app.close();
    if (deleted !== ITEMS || left !== 0) throw new Error(`the sweep deleted ${deleted} of ${ITEMS} (${left} left)`);
    const idleP99 = percentile(idle, 99);
    return [
      { name: `sweep of ${ITEMS.toLocaleString('en-US')} expired recordings (rows + files)`, value: sweepMs / 1000, unit: 's', target: { max: 300 } },
      { name: 'sweep rate', value: ITEMS / (sweepMs / 1000), unit: 'items/s' },
      { name: `UI p99 latency during the sweep (${busy.length} requests)`, value: percentile(busy, 99), unit: 'ms', baseline: { name: 'idle p99', value: idleP99 }, target: { max: 100 } },
      { name: 'UI p50 latency during the sweep', value: percentile(busy, 50), unit: 'ms' },
      { name: 'UI max latency during the sweep', value: Math.max(...busy), unit: 'ms' },
      { name: 'event loop delay p99 during the sweep', value: loop.percentile(99) / 1e6, unit: 'ms' },
      { name: 'event loop delay max during the sweep', value: loop.max / 1e6, unit: 'ms' },
    ];
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
