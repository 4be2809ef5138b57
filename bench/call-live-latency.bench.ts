import WebSocket from 'ws';
import type { BenchFigure } from './run.js';
import { buildTestApp } from '../test/support/test-app.js';
import { AmiStandin } from '../test/support/asterisk-standin/index.js';
import { telephonyCapability } from '../appliance/telephony/index.js';
import { callsCapability } from '../appliance/calls/index.js';

/**
 * Live call events: from the moment the stand-in Asterisk writes an AMI event to the moment a
 * supervisor's browser WebSocket receives the call's update (AMI TCP, parse, fold, store,
 * mask, publish). The budget is 300 ms.
 */
const ROUNDS = 200;

function event(kind: 'new' | 'up' | 'hangup', i: number): string {
  const id = `9${String(i).padStart(9, '0')}.1`;
  const head = `Channel: PJSIP/gsm-gw-${String(i).padStart(8, '0')}\r\nChannelState: ${kind === 'new' ? 4 : 6}\r\nChannelStateDesc: ${kind === 'new' ? 'Ring' : 'Up'}\r\nCallerIDNum: 380671234567\r\nCallerIDName: x\r\nConnectedLineNum: <unknown>\r\nConnectedLineName: <unknown>\r\nLanguage: en\r\nAccountCode: \r\nContext: from-gsm\r\nExten: 380441234567\r\nPriority: 1\r\nUniqueid: ${id}\r\nLinkedid: ${id}\r\n`;
  if (kind === 'new') return `Event: Newchannel\r\nPrivilege: call,all\r\n${head}\r\n`;
  if (kind === 'up') return `Event: Newstate\r\nPrivilege: call,all\r\n${head}\r\n`;
  return `Event: Hangup\r\nPrivilege: call,all\r\n${head}Cause: 16\r\nCause-txt: Normal Clearing\r\n\r\n`;
}

export default async function bench(): Promise<BenchFigure[]> {
  const standin = new AmiStandin();
  const port = await standin.start();
  const t = await buildTestApp({
    capabilities: [telephonyCapability, callsCapability],
    config: { telephony: { mode: 'local', ami: { host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret' } } },
  });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const supervisor = await t.userClient('supervisor');
  while (t.app.telephony.port!.status() !== 'connected') await new Promise((r) => setTimeout(r, 10));
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: supervisor.cookie } });
  let waiting: ((at: bigint) => void) | null = null;
  let updates = 0;
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as { type: string };
    if (m.type === 'call.updated') updates++;
    if (m.type === 'call.updated' && waiting) {
      const w = waiting;
      waiting = null;
      w(process.hrtime.bigint());
    }
  });
  await new Promise((r) => ws.once('open', r));
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const kind of ['new', 'up', 'hangup'] as const) {
      const arrived = new Promise<bigint>((resolve) => (waiting = resolve));
      const sent = process.hrtime.bigint();
      standin.emitEvent(event(kind, i));
      samples.push(Number((await arrived) - sent) / 1e6);
    }
  }
  ws.close();
  // One update per event, each awaited before the next is sent: the samples are not stale.
  if (updates !== ROUNDS * 3) throw new Error(`expected ${ROUNDS * 3} live updates, got ${updates}`);
  await t.close();
  await standin.stop();
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((samples.length * p) / 100))]!;
  return [
    { name: 'live call event AMI → browser WebSocket, median', value: pct(50), unit: 'ms' },
    { name: 'live call event AMI → browser WebSocket, 99th percentile', value: pct(99), unit: 'ms', target: { max: 300 } },
    { name: 'live call event AMI → browser WebSocket, worst of 600', value: samples.at(-1)!, unit: 'ms', target: { max: 300 } },
  ];
}
