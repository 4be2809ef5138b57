import WebSocket from 'ws';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchFigure } from './run.js';
import { buildTestApp } from '../test/support/test-app.js';
import { ManualClock } from '../appliance/core/clock.js';
import { METRICS } from '../appliance/reports/counting.js';
import { COLUMN } from '../appliance/reports/repository.js';
import { AmiFeedPort, CallScript } from '../test/support/ami-feed.js';

/**
 * Reports at scale. A year of 15-minute aggregates standing for 10 million calls (10 queues,
 * 20 agents) is seeded straight into `report_buckets` (and summed into the daily rollup), plus 1 million raw counted-call rows
 * (`report_calls`) for the baseline: the same per-queue figures computed by scanning raw rows,
 * as a report without aggregates would.
 *   1. the per-queue report over the year through the API (target < 1 s);
 *   2. p99 of another route (`GET /api/v1/agents/me`) while reports run back to back, against its
 *      p99 on an idle app (target < 100 ms);
 *   3. wallboard push latency: a caller joining a queue (AMI event in) → the supervisor's
 *      WebSocket receives the new wallboard.
 */
const QUEUES = 10;
const AGENTS = 20;
const CALLS = 10_000_000;
const RAW_ROWS = 1_000_000;
const YEAR_START = Date.UTC(2025, 0, 1) / 1000;
const BUCKETS = (365 * 86400) / 900;

export default async function bench(): Promise<BenchFigure[]> {
  const clock = new ManualClock('2026-01-02T09:00:00Z');
  const port = new AmiFeedPort(clock);
  const t = await buildTestApp({ clock, config: { session: { idleMinutes: 24 * 60, absoluteHours: 72 } }, overrides: { telephony: { port } } });
  const db = t.db;
  const perBucket = Math.ceil(CALLS / (BUCKETS * QUEUES));
  const cols = METRICS.map((m) => COLUMN[m]);
  const value = (m: string) =>
    ({ offered: `${perBucket}`, answered: `${perBucket - 2}`, abandoned: '2', short_abandoned: '1', answered_in_sl: `${perBucket - 5}`, wait_sum: `${perBucket * 12}`,
      wait_max: '95', answered_wait_sum: `${perBucket * 10}`, talk_sum: `${perBucket * 170}`, ring_attempts: `${perBucket * 2}`, rona: '1', wait0: `${perBucket - 4}` })[m] ?? '0';
  const seedStart = performance.now();
  db.exec(`
    WITH RECURSIVE b(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM b WHERE i < ${BUCKETS - 1}),
    q(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM q WHERE k < ${QUEUES - 1})
    INSERT INTO report_buckets (dim, bucket, key, ${cols.join(', ')})
    SELECT 'queue', ${YEAR_START} + b.i * 900, 'queue' || q.k, ${cols.map(value).join(', ')} FROM b, q;
    WITH RECURSIVE b(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM b WHERE i < ${BUCKETS - 1})
    INSERT INTO report_buckets (dim, bucket, key, ${cols.join(', ')})
    SELECT 'all', ${YEAR_START} + b.i * 900, 'all', ${cols.map((c) => (c === 'offered' ? String(perBucket * QUEUES) : value(c))).join(', ')} FROM b;
    WITH RECURSIVE b(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM b WHERE i < ${BUCKETS - 1}),
    a(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM a WHERE k < ${AGENTS})
    INSERT INTO report_buckets (dim, bucket, key, ${cols.join(', ')})
    SELECT 'agent', ${YEAR_START} + b.i * 900, CAST(a.k AS TEXT), ${cols.map((c) => (c === 'handled' ? String(Math.round((perBucket * QUEUES) / AGENTS)) : value(c))).join(', ')} FROM b, a;
    INSERT INTO report_days (dim, day, key, ${cols.join(', ')})
      SELECT dim, bucket - bucket % 86400, key, ${cols.map((c) => (c === 'wait_max' ? 'MAX(wait_max)' : `SUM(${c})`)).join(', ')}
      FROM report_buckets GROUP BY dim, bucket - bucket % 86400, key;
    WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < ${RAW_ROWS})
    INSERT INTO report_calls (call_id, bucket, started_at, direction, outcome, first_queue, operator_id, wait_sec, talk_sec, stints)
    SELECT i, ${YEAR_START} + (i % ${BUCKETS}) * 900, '2025', 'inbound', CASE WHEN i % 20 = 0 THEN 'abandoned' ELSE 'answered' END,
      'queue' || (i % ${QUEUES}), 1 + i % ${AGENTS}, i % 60, 100 + i % 300, 1 FROM r;
  `);
  const seedMs = performance.now() - seedStart;
  process.stderr.write(`  seeded in ${Math.round(seedMs)} ms\n`);
  const supervisor = await t.userClient('supervisor');
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const get = async (path: string) => {
    const started = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { cookie: supervisor.cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return performance.now() - started;
  };
  const yearRange = 'from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z';
  const check = await (await fetch(`${base}/api/v1/reports/queues?${yearRange}`, { headers: { cookie: supervisor.cookie } })).json() as { total: { offered: number } };
  if (check.total.offered < CALLS) throw new Error(`seeded ${check.total.offered} calls, fewer than ${CALLS}`);

  // 1. The year's per-queue report, and the same figures from raw rows (1 M of them).
  const report: number[] = [];
  for (let i = 0; i < 5; i++) report.push(await get(`/api/v1/reports/queues?${yearRange}`));
  process.stderr.write(`  year reports: ${report.map(Math.round).join(', ')} ms\n`);
  const scanStart = performance.now();
  db.prepare(`SELECT first_queue, COUNT(*), SUM(outcome = 'answered'), SUM(outcome = 'abandoned'), SUM(wait_sec), SUM(talk_sec) FROM report_calls GROUP BY first_queue`).all();
  const scanMs = performance.now() - scanStart;

  // 2. Another route's p99, idle and while reports run back to back.
  const route = async (n: number) => {
    const s: number[] = [];
    for (let i = 0; i < n; i++) s.push(await get('/api/v1/agents/me'));
    return s.sort((a, b) => a - b);
  };
  // The event loop's delay, idle and busy (the bench's HTTP client shares this process and loop,
  // so both include its work; the difference is what the reports add).
  const idleLoop = monitorEventLoopDelay({ resolution: 5 });
  idleLoop.enable();
  const idle = await route(300);
  idleLoop.disable();
  const busyLoop = monitorEventLoopDelay({ resolution: 5 });
  let running = true;
  let reportsRun = 0;
  const loop = async () => {
    while (running) {
      await get(`/api/v1/reports/queues?${yearRange}`);
      reportsRun++;
    }
  };
  const loops = [loop(), loop()];
  busyLoop.enable();
  const busy = await route(300);
  busyLoop.disable();
  running = false;
  await Promise.all(loops);

  process.stderr.write(`  route p99 idle ${Math.round(idle[Math.floor(idle.length * 0.99)]!)} ms, busy ${Math.round(busy[Math.floor(busy.length * 0.99)]!)} ms\n`);
  // 3. Wallboard push latency.
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: supervisor.cookie } });
  let waiting: ((at: number) => void) | null = null;
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as { type: string };
    if (m.type === 'wallboard' && waiting) {
      const w = waiting;
      waiting = null;
      w(performance.now());
    }
  });
  await new Promise((r) => ws.once('open', r));
  const pushes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const arrived = new Promise<number>((resolve) => (waiting = resolve));
    const sent = performance.now();
    const call = new CallScript(port, clock, `wb${i}`, '380671234567').arrive().join('queue1');
    pushes.push((await arrived) - sent);
    const gone = new Promise<number>((resolve) => (waiting = resolve));
    call.abandon('queue1', 1).hangup();
    await gone;
  }
  ws.close();
  await t.close();
  pushes.sort((a, b) => a - b);
  report.sort((a, b) => a - b);
  const p = (s: number[], q: number) => s[Math.min(s.length - 1, Math.floor((s.length * q) / 100))]!;
  return [
    { name: `seeding a year of aggregates for 10 M calls + ${RAW_ROWS / 1e6} M raw rows`, value: seedMs, unit: 'ms' },
    {
      name: `per-queue report over a year (${(check.total.offered / 1e6).toFixed(1)} M calls), median of 5 through the API`,
      value: p(report, 50),
      unit: 'ms',
      baseline: { name: `the same figures scanned from ${RAW_ROWS / 1e6} M raw rows (a tenth of the calls)`, value: scanMs },
      target: { max: 1000 },
    },
    { name: `per-queue report over a year (${(check.total.offered / 1e6).toFixed(1)} M calls), worst of 5`, value: report.at(-1)!, unit: 'ms', target: { max: 1000 } },
    {
      name: `GET /api/v1/agents/me p99 while ${reportsRun} year reports ran, two at a time`,
      value: p(busy, 99),
      unit: 'ms',
      baseline: { name: 'the same route p99 on the idle app', value: p(idle, 99) },
      target: { max: 100 },
    },
    {
      name: 'event loop delay p99 while the year reports ran (client in the same process)',
      value: busyLoop.percentile(99) / 1e6,
      unit: 'ms',
      baseline: { name: 'event loop delay p99 on the idle app (same machine load)', value: idleLoop.percentile(99) / 1e6 },
    },
    { name: 'wallboard push: caller joins a queue → supervisor WebSocket, median', value: p(pushes, 50), unit: 'ms' },
    { name: 'wallboard push: caller joins a queue → supervisor WebSocket, p99', value: p(pushes, 99), unit: 'ms', target: { max: 1000 } },
  ];
}
