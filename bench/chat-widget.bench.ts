import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import type { BenchFigure } from './run.js';
import { ensureWidgetBuilt } from '../test/chat/widget-support.js';

/**
 * Website chat under load: VISITORS visitor sockets, each sending a message every 6 s, with
 * OPERATORS operators' live-event sockets connected. Delivery = from a visitor's send to the
 * first operator socket receiving that message's event (the appliance stores it, acks it and
 * fans it out, masked per viewer, to everyone who may answer the site). Nothing may be lost:
 * every message is acked and every operator receives every message's event exactly once.
 * Baselines, same run, same clients: a bare `ws` relay in its own process doing only the fan-out,
 * and, as an experiment, the appliance with SQLite's WAL checkpoints in a worker thread instead
 * of inside commits on the event loop (each fsyncing the WAL and the database: milliseconds to
 * tens of milliseconds every thousand pages written, on a busy disk).
 * The appliance's RSS (peak) and CPU are read from /proc for its own process.
 */
const VISITORS = Number(process.env.CHAT_BENCH_VISITORS ?? 1000);
const OPERATORS = 20;
const PERIOD_MS = 6000;
const ROUNDS = Number(process.env.CHAT_BENCH_ROUNDS ?? 6);

interface Server {
  child: ChildProcess;
  info: { url: string; key: string; origin: string; cookies: string[] };
}

async function startServer(mode: 'appliance' | 'appliance-background' | 'relay'): Promise<Server> {
  const file = fileURLToPath(new URL('./support/chat-server.ts', import.meta.url));
  // CHAT_BENCH_PROFILE=DIR: a V8 CPU profile of each server process into DIR, to see where its time goes.
  const profile = process.env.CHAT_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CHAT_BENCH_PROFILE}`] : [];
  const args = mode === 'appliance-background' ? ['appliance', 'background'] : [mode];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OPERATORS: String(OPERATORS) } });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`chat bench server (${mode}) exited with ${code}`)));
  });
  return { child, info: JSON.parse(line) as Server['info'] };
}

function procStats(pid: number): { cpuTicks: number; rssKb: number; peakKb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuTicks: Number(fields[11]) + Number(fields[12]), rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
}

const open = (ws: WebSocket) => new Promise<void>((resolve, reject) => {
  ws.once('open', () => resolve());
  ws.once('error', reject);
});

async function run(server: Server): Promise<{ p50: number; p99: number; max: number; sent: number; lost: number; cpuPercent: number; rssMb: number; peakMb: number }> {
  const { url, key, origin, cookies } = server.info;
  const ws = url.replace(/^http/, 'ws');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const perOperator = new Array<number>(OPERATORS).fill(0);
  const seen = new Set<string>();
  const operators: WebSocket[] = [];
  for (let i = 0; i < OPERATORS; i++) {
    const o = new WebSocket(`${ws}/api/v1/events`, { headers: { cookie: cookies[i]!, origin: url } });
    o.on('message', (raw) => {
      const e = JSON.parse(String(raw)) as { type: string; data: { conversationId?: number; seq: number; cid?: string } };
      if (e.type !== 'chat.message') return;
      perOperator[i]!++;
      const id = e.data.cid ?? `${e.data.conversationId}:${e.data.seq}`;
      if (seen.has(id)) return;
      seen.add(id);
      const t0 = sentAt.get(id);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
    });
    await open(o);
    operators.push(o);
  }
  // Visitors connect and start their chats a few at a time, as real traffic would arrive.
  const visitors: { ws: WebSocket; conversationId: number; seq: number; acked: number }[] = [];
  let acks = 0;
  for (let i = 0; i < VISITORS; i++) {
    const v = new WebSocket(`${ws}/chat/ws/${key}`, { headers: { origin } });
    const state = { ws: v, conversationId: 0, seq: 0, acked: 0 };
    const started = new Promise<void>((resolve) => {
      v.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as { t: string; conversationId?: number; seq?: number; cid?: string };
        if (f.t === 'welcome') v.send(JSON.stringify({ t: 'start', form: { name: `Visitor ${i}` } }));
        else if (f.t === 'state' && !state.conversationId) {
          state.conversationId = f.conversationId!;
          resolve();
        } else if (f.t === 'ack') {
          state.acked++;
          acks++;
        }
      });
    });
    await open(v);
    v.send(JSON.stringify({ t: 'hello', lang: 'en' }));
    await started;
    visitors.push(state);
  }
  // Events carry (conversation, seq) for the appliance, the visitor's cid for the relay.
  const before = procStats(server.child.pid!);
  const t0 = performance.now();
  let sent = 0;
  const timers: NodeJS.Timeout[] = [];
  await new Promise<void>((resolve) => {
    let finished = 0;
    visitors.forEach((v, i) => {
      let round = 0;
      const fire = () => {
        const seq = ++v.seq;
        const cid = `v${i}-${seq}`;
        const id = server.info.key === 'relay-key-0' ? cid : `${v.conversationId}:${seq}`;
        sentAt.set(id, performance.now());
        v.ws.send(JSON.stringify({ t: 'msg', cid, text: `message ${seq} from visitor ${i}` }));
        sent++;
        if (++round === ROUNDS) {
          if (++finished === visitors.length) resolve();
          return;
        }
        timers.push(setTimeout(fire, PERIOD_MS));
      };
      timers.push(setTimeout(fire, Math.random() * PERIOD_MS));
    });
  });
  // Let the last messages arrive.
  const deadline = performance.now() + 15_000;
  while ((acks < sent || perOperator.some((n) => n < sent)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  const after = procStats(server.child.pid!);
  for (const t of timers) clearTimeout(t);
  for (const v of visitors) v.ws.terminate();
  for (const o of operators) o.terminate();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const lost = sent - acks + perOperator.reduce((s, n) => s + Math.max(0, sent - n), 0) + Math.max(0, sent - latencies.length);
  return {
    p50: q(0.5),
    p99: q(0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    sent,
    lost,
    cpuPercent: ((after.cpuTicks - before.cpuTicks) / 100 / seconds) * 100,
    rssMb: after.rssKb / 1024,
    peakMb: after.peakKb / 1024,
  };
}

async function stopServer(s: Server): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

export default async function bench(): Promise<BenchFigure[]> {
  const dir = ensureWidgetBuilt();
  const launcher = gzipSync(readFileSync(`${dir}/launcher.js`), { level: 9 }).length;
  const panel = gzipSync(readFileSync(`${dir}/panel.js`), { level: 9 }).length;

  const relay = await startServer('relay');
  const base = await run(relay).finally(() => stopServer(relay));
  const app = await startServer('appliance');
  const ours = await run(app).finally(() => stopServer(app));
  // An experiment beside it: the same appliance with WAL checkpoints in a worker thread.
  const bgApp = await startServer('appliance-background');
  const background = await run(bgApp).finally(() => stopServer(bgApp));
  process.stdout.write(`  (${VISITORS} visitors, ${OPERATORS} operators, ${ROUNDS} messages each, every ${PERIOD_MS / 1000} s: ${ours.sent} messages)\n`);
  return [
    { name: `chat delivery p99, visitor → operator (${VISITORS} visitors, ${OPERATORS} operators)`, value: ours.p99, unit: 'ms', baseline: { name: 'bare ws relay p99', value: base.p99 }, target: { max: 100 } },
    { name: 'experiment: chat delivery p99 with WAL checkpoints in a worker thread (vs inside commits, as the appliance runs)', value: background.p99, unit: 'ms', baseline: { name: 'checkpoints inside commits p99', value: ours.p99 } },
    { name: 'experiment: chat delivery max with checkpoints in a worker thread', value: background.max, unit: 'ms', baseline: { name: 'checkpoints inside commits max', value: ours.max } },
    { name: 'chat delivery p50', value: ours.p50, unit: 'ms', baseline: { name: 'bare ws relay p50', value: base.p50 } },
    { name: 'chat delivery max', value: ours.max, unit: 'ms', baseline: { name: 'bare ws relay max', value: base.max } },
    { name: `chat messages lost or not delivered to every operator (of ${ours.sent}; bare relay: ${base.lost} of ${base.sent})`, value: ours.lost, unit: 'messages', target: { max: 0 } },
    { name: 'appliance CPU during the load', value: ours.cpuPercent, unit: '% of one core', baseline: { name: 'bare ws relay', value: base.cpuPercent } },
    { name: 'appliance RSS at the end (peak in the next line)', value: ours.rssMb, unit: 'MB', baseline: { name: 'bare ws relay', value: base.rssMb } },
    { name: 'appliance peak RSS', value: ours.peakMb, unit: 'MB', baseline: { name: 'bare ws relay peak', value: base.peakMb } },
    { name: 'widget launcher, gzipped', value: launcher, unit: 'bytes', target: { max: 25 * 1024 } },
    { name: 'widget panel (loaded on first open), gzipped', value: panel, unit: 'bytes' },
  ];
}
