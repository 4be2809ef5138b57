import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
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
 * fans it out to everyone who may answer the site). Nothing may be lost: every message is acked
 * and every operator receives every message's event exactly once.
 * Baseline, same run, same clients, same frames: a bare `ws` relay in its own process that sends
 * what the appliance sends (the message and its ack to the visitor, one event to every operator)
 * with no storage, no checks and no masking, each frame its own write as `ws` does (the appliance
 * writes a socket's frames sent while handling one event together). The appliance runs as its server
 * does, WAL checkpoints in a worker thread.
 * Each server's RSS (and peak) and CPU time (every thread) are read from /proc for its own
 * process; CPU per message leaves out what the server spends idle with the same sockets open.
 * Latency depends on what else the machine runs: the load average is printed with the figures.
 * CHAT_BENCH_VISITORS, CHAT_BENCH_ROUNDS and CHAT_BENCH_PERIOD_MS shrink or speed up a run.
 */
const VISITORS = Number(process.env.CHAT_BENCH_VISITORS ?? 1000);
const OPERATORS = 20;
const PERIOD_MS = Number(process.env.CHAT_BENCH_PERIOD_MS ?? 6000);
const ROUNDS = Number(process.env.CHAT_BENCH_ROUNDS ?? 6);
const IDLE_MS = 3000;

interface Server {
  child: ChildProcess;
  info: { url: string; key: string; origin: string; cookies: string[] };
}

export async function startServer(mode: 'appliance' | 'appliance-inline' | 'relay'): Promise<Server> {
  const file = fileURLToPath(new URL('./support/chat-server.ts', import.meta.url));
  // CHAT_BENCH_PROFILE=DIR: a V8 CPU profile of each server process into DIR, to see where its time goes.
  const profile = process.env.CHAT_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CHAT_BENCH_PROFILE}`] : [];
  const args = mode === 'appliance-inline' ? ['appliance', 'inline'] : [mode];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OPERATORS: String(OPERATORS) } });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`chat bench server (${mode}) exited with ${code}`)));
  });
  return { child, info: JSON.parse(line) as Server['info'] };
}

/** CPU time of every thread of the process (ns, from each thread's schedstat), its RSS and peak RSS. */
function procStats(pid: number): { cpuNs: number; rssKb: number; peakKb: number } {
  let cpuNs = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      cpuNs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuNs, rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
}

const open = (ws: WebSocket) => new Promise<void>((resolve, reject) => {
  ws.once('open', () => resolve());
  ws.once('error', reject);
});

interface Result {
  p50: number;
  p99: number;
  max: number;
  sent: number;
  lost: number;
  cpuPercent: number;
  /**
   * CPU time of the server process (every thread) per message sent, in µs, less what it spends
   * idle with the same sockets open: unlike latency, hardly moved by other load on the machine.
   */
  cpuPerMessageUs: number;
  /** The server's CPU with every socket open and no message sent, % of one core. */
  idlePercent: number;
  rssMb: number;
  peakMb: number;
  /** The machine's 1-minute load average at the end of the run. */
  load: number;
}

export async function run(server: Server): Promise<Result> {
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
      const e = JSON.parse(String(raw)) as { type: string; data: { conversationId: number; seq: number } };
      if (e.type !== 'chat.message') return;
      perOperator[i]!++;
      const id = `${e.data.conversationId}:${e.data.seq}`;
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
  // What the server spends with every socket connected and nothing said, to tell it from what messages cost.
  const idleStart = procStats(server.child.pid!).cpuNs;
  const idleT0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleNsPerMs = (procStats(server.child.pid!).cpuNs - idleStart) / (performance.now() - idleT0);
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
        sentAt.set(`${v.conversationId}:${seq}`, performance.now());
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
    cpuPercent: ((after.cpuNs - before.cpuNs) / 1e9 / seconds) * 100,
    cpuPerMessageUs: Math.max(0, after.cpuNs - before.cpuNs - idleNsPerMs * seconds * 1000) / 1000 / Math.max(1, sent),
    idlePercent: idleNsPerMs / 1e4,
    rssMb: after.rssKb / 1024,
    peakMb: after.peakKb / 1024,
    load: loadavg()[0]!,
  };
}

export async function stopServer(s: Server): Promise<void> {
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
  const load = (r: Result) => r.load.toFixed(1);
  process.stdout.write(`  (${VISITORS} visitors, ${OPERATORS} operators, ${ROUNDS} messages each, every ${PERIOD_MS / 1000} s: ${ours.sent} messages; load average at the end: relay run ${load(base)}, appliance run ${load(ours)} on ${availableParallelism()} cores)\n`);
  return [
    { name: `chat delivery p99, visitor → operator (${VISITORS} visitors, ${OPERATORS} operators)`, value: ours.p99, unit: 'ms', baseline: { name: 'bare ws relay p99', value: base.p99 }, target: { max: 100 } },
    { name: 'chat delivery p50', value: ours.p50, unit: 'ms', baseline: { name: 'bare ws relay p50', value: base.p50 } },
    { name: 'chat delivery max', value: ours.max, unit: 'ms', baseline: { name: 'bare ws relay max', value: base.max } },
    { name: `chat messages lost or not delivered to every operator (of ${ours.sent}; bare relay: ${base.lost} of ${base.sent})`, value: ours.lost, unit: 'messages', target: { max: 0 } },
    { name: 'appliance CPU per message (stored, acked, sent to the visitor and every operator)', value: ours.cpuPerMessageUs, unit: 'µs', baseline: { name: 'bare ws relay', value: base.cpuPerMessageUs } },
    { name: 'appliance CPU during the load', value: ours.cpuPercent, unit: '% of one core', baseline: { name: 'bare ws relay', value: base.cpuPercent } },
    { name: 'appliance RSS at the end (peak in the next line)', value: ours.rssMb, unit: 'MB', baseline: { name: 'bare ws relay', value: base.rssMb } },
    { name: 'appliance peak RSS', value: ours.peakMb, unit: 'MB', baseline: { name: 'bare ws relay peak', value: base.peakMb } },
    { name: 'widget launcher, gzipped', value: launcher, unit: 'bytes', target: { max: 25 * 1024 } },
    { name: 'widget panel (loaded on first open), gzipped', value: panel, unit: 'bytes' },
  ];
}
