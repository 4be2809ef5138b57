import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { startChatAppliance } from '../../test/chat/support.js';
import { startCheckpointer } from '../../appliance/core/checkpointer.js';

/**
 * The server side of the chat bench, in its own process so that its RSS and CPU are its own:
 * `appliance [inline]` — the appliance with chat, one site and OPERATORS logged-in operators, WAL
 * checkpoints in a worker thread as its server runs them (`inline`: inside commits instead);
 * `relay` — the baseline: a bare `ws` server sending the appliance's frames (the message and its
 * ack to the visitor, one event to every operator socket), with no storage, no checks and no masking.
 * Prints one JSON line with what the client needs, then runs until SIGTERM.
 */
const OPERATORS = Number(process.env.OPERATORS ?? 20);
const ORIGIN = 'http://bench.example.com';

async function appliance(): Promise<() => Promise<void>> {
  const big = { perMinute: 1_000_000, burst: 100_000 };
  const a = await startChatAppliance({ sessions: 5000, sites: 5, chatConfig: { limits: { ipStarts: big, ipMessages: big, ipConnects: big, siteStarts: big, siteMessages: big } } });
  const admin = await a.client('admin');
  const site = (await admin.request('POST', '/api/v1/sites', { name: 'Bench', origins: [ORIGIN] })).json() as { publicKey: string };
  const cookies: string[] = [];
  for (let i = 0; i < OPERATORS; i++) cookies.push((await a.client('operator')).cookie);
  // WAL checkpoints in a worker thread, as the appliance's server starts them (`inline`: SQLite's
  // automatic checkpoint inside commits on the event loop instead, for comparison).
  const checkpointer = process.argv[3] === 'inline' ? null : startCheckpointer(a.db, 200);
  process.stdout.write(`${JSON.stringify({ url: a.url, key: site.publicKey, origin: ORIGIN, cookies })}\n`);
  return async () => {
    await checkpointer?.stop();
    await a.close();
  };
}

async function relay(): Promise<() => Promise<void>> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const operators = new Set<WebSocket>();
  let conversations = 0;
  wss.on('connection', (socket, request) => {
    if (request.url?.startsWith('/api/v1/events')) {
      operators.add(socket);
      socket.on('close', () => operators.delete(socket));
      return;
    }
    // The same frames as the appliance sends, of the same shapes: an ack and the message itself to
    // the visitor, one event to every operator; only storage, checks and masking are left out.
    const conversation = { id: 0, seq: 0 };
    socket.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { t: string; cid?: string; text?: string };
      if (f.t === 'hello') return socket.send(JSON.stringify({ t: 'welcome', token: 'x', conversationId: null }));
      if (f.t === 'start') {
        conversation.id = ++conversations;
        return socket.send(JSON.stringify({ t: 'state', conversationId: conversation.id, state: 'waiting', mode: 'live', position: conversation.id, atLimit: false, operator: null, readSeq: 0 }));
      }
      if (f.t !== 'msg') return;
      const seq = ++conversation.seq;
      const at = new Date().toISOString();
      socket.send(JSON.stringify({ t: 'msg', seq, from: 'visitor', name: null, text: f.text, at, cid: f.cid, file: null }));
      socket.send(JSON.stringify({ t: 'ack', cid: f.cid, seq, at }));
      const event = JSON.stringify({ type: 'chat.message', at, data: { conversationId: conversation.id, seq } });
      for (const o of operators) o.send(event);
    });
  });
  const { port } = wss.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, key: 'relay-key-0', origin: ORIGIN, cookies: Array(OPERATORS).fill('') })}\n`);
  return async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  };
}

const stop = await (process.argv[2] === 'relay' ? relay() : appliance());
// Where the time goes, for the report: event-loop delay and garbage-collection pauses in this process.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const gc = { count: 0, totalMs: 0, maxMs: 0 };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
});
observer.observe({ entryTypes: ['gc'] });
process.on('SIGTERM', () => {
  loop.disable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  process.stderr.write(
    `  [${process.argv.slice(2).join(' ')}] event-loop delay p50 ${ms(loop.percentile(50))} ms, p99 ${ms(loop.percentile(99))} ms, max ${ms(loop.max)} ms; GC ${gc.count} pauses, ${Math.round(gc.totalMs)} ms in all, longest ${Math.round(gc.maxMs)} ms\n`,
  );
  void stop().finally(() => process.exit(0));
});
