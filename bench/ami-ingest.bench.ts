import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { BenchFigure } from './run.js';
import { openDatabase, runMigrations } from '../appliance/core/db.js';
import { coreMigrations } from '../appliance/core/migrations.js';
import { callsMigrations } from '../appliance/calls/migrations.js';
import { CallsRepository } from '../appliance/calls/repository.js';
import { CallTracker } from '../appliance/calls/tracker.js';
import { AmiTelephony } from '../appliance/telephony/ami/adapter.js';
import { AmiParser } from '../appliance/telephony/ami/parser.js';
import { AMI_EVENT_CLASSES, SUBSCRIBED_EVENTS } from '../appliance/telephony/ami/events.js';
import { amiTraceFiles, loadAmiScenario, withRecordingUserEvents } from '../test/support/asterisk-standin/index.js';
import { AMI_READ } from '../installer/provisioning/render-services.js';

/**
 * AMI ingest: the recorded AMI streams of every trace scenario, cut to what the AMI user the
 * installer provisions actually receives (its `read` classes ∩ the classes the appliance asks for
 * at login; so no VarSet, Newexten or RTCP floods) with the recording UserEvents our dialplan
 * sends, repeated with fresh Linkedids and sent over loopback TCP. Measured: events per second
 * parsed, folded into calls and stored in SQLite, against the same bytes parsed by
 * asterisk-manager (the AMI client library) in the same run.
 */
const REPEAT = Number(process.env.AMI_BENCH_REPEAT ?? 100);

/** The classes of a comma list, without `all` (which only marks "also for read=all users"). */
const classesOf = (list: string) => new Set(list.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'all'));

function buildStream(): { bytes: Buffer; events: number } {
  const provisioned = classesOf(AMI_READ);
  const readable = new Set([...classesOf(AMI_EVENT_CLASSES)].filter((c) => provisioned.has(c)));
  const parts: string[] = [];
  for (const file of amiTraceFiles()) {
    const scenario = withRecordingUserEvents(loadAmiScenario(file));
    // Responses to the recording client's actions are left out; events a provisioned login reads stay.
    for (const m of scenario.messages) {
      const f = m.fields;
      if (!f.Event || f.ActionID !== undefined || f.Event === 'Shutdown') continue;
      const privilege = f.Privilege === undefined ? null : classesOf(f.Privilege);
      if (privilege && ![...privilege].some((c) => readable.has(c))) continue;
      parts.push(m.text);
    }
  }
  const one = parts.join('');
  const reps: string[] = [];
  for (let r = 0; r < REPEAT; r++) reps.push(one.replace(/\b(\d{10}\.\d+|crm-call-0001|agent-leg-1)\b/g, `r${r}-$1`));
  const text = reps.join('');
  return { bytes: Buffer.from(text, 'latin1'), events: text.split('\r\n\r\n').length - 1 };
}

/** A minimal AMI server: banner, accepts any login, then streams `bytes`. */
async function serve(bytes: Buffer): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      const m = /ActionID: ([^\r]+)/.exec(buf);
      if (/Action: login/i.test(buf) && buf.includes('\r\n\r\n')) {
        buf = '';
        const id = m ? `ActionID: ${m[1]}\r\n` : '';
        socket.write(`Response: Success\r\n${id}Message: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\nUptime: 100\r\nLastReload: 100\r\nStatus: Fully Booted\r\n\r\n`);
        socket.write(bytes);
      } else if (buf.includes('Action: CoreShowChannels')) {
        const id = m ? `ActionID: ${m[1]}\r\n` : '';
        buf = '';
        socket.write(`Response: Success\r\n${id}EventList: start\r\nMessage: Channels will follow\r\n\r\nEvent: CoreShowChannelsComplete\r\n${id}EventList: Complete\r\nListItems: 0\r\n\r\n`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

async function rawLibraryRate(bytes: Buffer, events: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const Manager = require('asterisk-manager') as (port: number, host: string, user: string, secret: string, events: boolean) => {
    on(e: string, f: (...a: unknown[]) => void): void;
    disconnect(): void;
  };
  const { server, port } = await serve(bytes);
  let seen = 0;
  const start = process.hrtime.bigint();
  const done = new Promise<bigint>((resolve) => {
    const ami = Manager(port, '127.0.0.1', 'crm', 'x', true);
    // Every event counts, plus the FullyBooted that follows the login.
    ami.on('managerevent', () => {
      if (++seen === events + 1) {
        resolve(process.hrtime.bigint());
        ami.disconnect();
      }
    });
  });
  const end = await done;
  server.close();
  return events / (Number(end - start) / 1e9);
}

async function ingestRate(bytes: Buffer, events: number): Promise<{ rate: number; calls: number; kept: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-ami-'));
  const db = openDatabase(join(dir, 'bench.sqlite'));
  runMigrations(db, [...coreMigrations, ...callsMigrations]);
  const repo = new CallsRepository(db);
  const operators = new Map([['PJSIP/op101', null], ['PJSIP/op102', null], ['PJSIP/op201', null]]);
  const tracker = new CallTracker(
    repo,
    { operatorOf: () => null, isOperator: (e) => operators.has(e), dialPrefix: '9' },
    { changed() {}, dialogOpened() {}, dialogClosed() {}, dialogSnapshot() {}, ended() {}, contactOf: () => null },
    () => new Date(),
  );
  const { server, port } = await serve(bytes);
  const start = process.hrtime.bigint();
  const ami = new AmiTelephony({ host: '127.0.0.1', port, username: 'crm', secret: 'x' });
  let received = 0;
  let kept = 0;
  let pollTimer: NodeJS.Timeout | undefined;
  const total = events;
  const done = new Promise<bigint>((resolve) => {
    // The parser counts every message it reads, the skipped VarSet/RTCP ones included.
    const parser = (ami as unknown as { client: { parser: AmiParser } }).client.parser;
    ami.on((e) => {
      kept++;
      tracker.handle(e);
      received = parser.seen - 2; // minus the login response and FullyBooted
      if (received >= total) {
        tracker.flush();
        resolve(process.hrtime.bigint());
      }
    });
    pollTimer = setInterval(() => {
      if (parser.seen - 2 >= total) {
        clearInterval(pollTimer);
        tracker.flush();
        resolve(process.hrtime.bigint());
      }
    }, 1);
  });
  void done.then(() => clearInterval(pollTimer));
  ami.start();
  const end = await done;
  await ami.stop();
  server.close();
  const calls = (db.prepare('SELECT COUNT(*) AS n FROM calls WHERE ended_at IS NOT NULL').get() as { n: number }).n;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { rate: events / (Number(end - start) / 1e9), calls, kept };
}

function parserOnlyRate(bytes: Buffer, events: number): number {
  const parser = new AmiParser({ events: new Set(SUBSCRIBED_EVENTS) });
  const start = process.hrtime.bigint();
  parser.push('Asterisk Call Manager/11.0.0\r\n');
  for (let i = 0; i < bytes.length; i += 65536) parser.push(bytes.subarray(i, i + 65536));
  return events / (Number(process.hrtime.bigint() - start) / 1e9);
}

export default async function bench(): Promise<BenchFigure[]> {
  const { bytes, events } = buildStream();
  // Warm-up of both paths, then the measured runs.
  await rawLibraryRate(bytes, events);
  const raw = await rawLibraryRate(bytes, events);
  const ours = await ingestRate(bytes, events);
  const parseOnly = parserOnlyRate(bytes, events);
  process.stdout.write(
    `  (${events.toLocaleString('en-US')} AMI events, ${(bytes.length / 1e6).toFixed(1)} MB; ${ours.kept.toLocaleString('en-US')} of them subscribed and folded; ${ours.calls} calls stored)\n`,
  );
  return [
    {
      name: 'AMI events ingested (parsed, folded into calls, stored)',
      value: ours.rate,
      unit: 'events/s',
      baseline: { name: 'asterisk-manager raw parse', value: raw },
      target: { min: 20_000, minRatio: 0.8 },
    },
    // The same run counted by the events that reach the state machine (events it has no use for skipped).
    { name: 'subscribed AMI events folded and stored', value: (ours.rate * ours.kept) / events, unit: 'events/s' },
    { name: 'AMI parser alone (ours, in memory)', value: parseOnly, unit: 'events/s', baseline: { name: 'asterisk-manager raw parse', value: raw } },
  ];
}
