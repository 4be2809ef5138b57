import type { BandwidthFacts, LatencyFacts, SocketFacts } from '../ports/system-facts.js';
import { mbit, unreadable } from './format.js';
import { network as req, ports as portReq } from './requirements.js';
import type { CheckInput, Outcome, Rule } from './types.js';

export function evaluateLatency(facts: LatencyFacts): Outcome {
  const required = { maxMs: req.maxLatencyMs, host: facts.host, method: 'TCP handshake on 443, then 80; lowest of 3' };
  const display = { required: `≤ ${req.maxLatencyMs} ms to ${facts.host}` };
  if (!facts.reachable) {
    return {
      status: 'warn', measured: { host: facts.host, reachable: false, reason: facts.reason }, required, display: { ...display, measured: 'unreachable' },
      message: `Could not measure latency to ${facts.host}: ${facts.reason}. The requirement is ≤ ${req.maxLatencyMs} ms to UA-IX; run check again with internet access, or --probe-host HOST for another UA-IX-peered host.`,
    };
  }
  const measured = { host: facts.host, address: facts.address, port: facts.port, ms: facts.ms, samplesMs: facts.samplesMs, intercepted: facts.intercepted };
  if (facts.intercepted) {
    return {
      status: 'warn', measured, required, display: { ...display, measured: `${facts.ms} ms (proxied?)` },
      message: `TCP handshake to ${facts.host} (${facts.address}:${facts.port}) took ${facts.ms} ms, but ${facts.intercepted.address} — a documentation address that cannot exist on the internet — also answered on port ${facts.port} (${facts.intercepted.ms} ms): ` +
        `a transparent proxy or firewall on this network answers connections itself, so the time measures it, not the path to UA-IX. Measure from outside that proxy, or with 'ping' to a UA-IX host.`,
    };
  }
  const ok = facts.ms <= req.maxLatencyMs;
  return {
    status: ok ? 'pass' : 'fail',
    measured,
    required, display: { ...display, measured: `${facts.ms} ms` },
    message: `TCP handshake to ${facts.host} (${facts.address}:${facts.port}): ${facts.ms} ms (lowest of ${facts.samplesMs.join(', ')} ms). ` +
      (ok ? `Within ${req.maxLatencyMs} ms.` : `Above ${req.maxLatencyMs} ms: calls will suffer; use a provider peered at UA-IX.`),
  };
}

export const bandwidthNeed = (sessions: number) => Math.max(req.minBitsPerSecond, sessions * req.perCallBitsPerSecond);

export function evaluateBandwidth(facts: BandwidthFacts | null, input: CheckInput): Outcome {
  const needed = bandwidthNeed(input.sessions);
  const arithmetic = `${input.sessions} sessions × 87.2 kbit/s (G.711 with RTP/UDP/IP/Ethernet headers, per direction) = ${mbit(input.sessions * req.perCallBitsPerSecond)}; at least ${mbit(req.minBitsPerSecond)}, symmetric`;
  const required = { bitsPerSecond: needed, perCallBitsPerSecond: req.perCallBitsPerSecond, sessions: input.sessions, minBitsPerSecond: req.minBitsPerSecond };
  const display = { required: `≥ ${mbit(needed)} each way` };
  if (!facts) {
    return { status: 'warn', measured: null, required, display: { ...display, measured: 'not measured' },
      message: `Not measured: needs ≥ ${mbit(needed)} each way (${arithmetic}). Pass --bandwidth-server HOST[:PORT] (a machine running 'iperf3 -s') to measure.` };
  }
  const read = (what: string, r: BandwidthFacts['upload']) =>
    r.measured ? `${what} ${mbit(r.bitsPerSecond)} (${r.bytes} bytes in ${r.seconds.toFixed(2)} s, counted by the ${r.source === 'server' ? 'iperf3 server' : 'receiving client'})` : `${what} not measured (${r.reason})`;
  const measured = { server: facts.server, upload: facts.upload, download: facts.download };
  const short = [facts.upload, facts.download].some((r) => r.measured && r.bitsPerSecond < needed);
  const missing = [facts.upload, facts.download].some((r) => !r.measured);
  const shown = (r: BandwidthFacts['upload']) => (r.measured ? mbit(r.bitsPerSecond) : '?');
  const status = short ? 'fail' : missing ? 'warn' : 'pass';
  return {
    status, measured, required, display: { ...display, measured: `${shown(facts.upload)} up, ${shown(facts.download)} down` },
    message: `Against iperf3 server ${facts.server}: ${read('upload', facts.upload)}; ${read('download', facts.download)}. Needs ${arithmetic}. ` +
      (status === 'pass' ? 'Enough both ways.' : short ? 'Not enough for the sessions asked.' : 'Run check again when the iperf3 server is free, or measure with iperf3 yourself.'),
  };
}

interface Wanted { proto: 'tcp' | 'udp'; from: number; to: number; purpose: string }

export function wantedPorts(httpsPort: number): Wanted[] {
  const one = (proto: 'tcp' | 'udp', port: number, purpose: string): Wanted => ({ proto, from: port, to: port, purpose });
  const list = [one('tcp', httpsPort, 'HTTPS (appliance)')];
  if (httpsPort !== portReq.redirectPort) list.push(one('tcp', portReq.redirectPort, 'HTTP → HTTPS redirect'));
  list.push(...portReq.tcp.map((p) => one('tcp', p.port, p.purpose)), ...portReq.udp.map((p) => one('udp', p.port, p.purpose)));
  list.push({ proto: 'udp', from: portReq.rtp.from, to: portReq.rtp.to, purpose: 'RTP media' });
  return list;
}

const isOurs = (s: SocketFacts) =>
  (s.owner != null && (portReq.ourCommands.test(s.owner.command) || portReq.ourCommands.test(s.owner.cmdline))) || (s.user != null && portReq.ourUsers.includes(s.user));

const describe = (s: SocketFacts) =>
  `${s.proto}/${s.port} (${s.address}) held by ${s.owner ? `${s.owner.command} (pid ${s.owner.pid}${s.user ? `, user ${s.user}` : ''})` : `an unknown process${s.user ? ` of user ${s.user}` : ` (uid ${s.uid})`}`}`;

export function evaluatePorts(sockets: SocketFacts[], input: CheckInput): Outcome {
  const wanted = wantedPorts(input.httpsPort);
  const hits = sockets.flatMap((s) => {
    const w = wanted.find((x) => x.proto === s.proto && s.port >= x.from && s.port <= x.to);
    return w ? [{ s, w }] : [];
  });
  const busy = hits.filter((h) => !isOurs(h.s));
  const ours = hits.filter((h) => isOurs(h.s));
  const list = (hs: typeof hits) => hs.map((h) => ({ proto: h.s.proto, port: h.s.port, address: h.s.address, purpose: h.w.purpose, owner: h.s.owner, user: h.s.user }));
  const label = (w: Wanted) => `${w.proto}/${w.from === w.to ? w.from : `${w.from}-${w.to}`}`;
  const required = { free: wanted.map((w) => ({ proto: w.proto, from: w.from, to: w.to, purpose: w.purpose })) };
  const oursText = ours.length ? ` Already ours: ${ours.map((h) => describe(h.s)).join('; ')}.` : '';
  const scope = `Checked ${wanted.map(label).join(', ')} against every listening TCP and bound UDP socket (/proc/net).`;
  if (busy.length === 0) {
    return { status: 'pass', measured: { busy: [], ours: list(ours) }, required, display: { measured: ours.length ? `free or ours (${ours.length} ours)` : 'all free', required: 'free or ours' },
      message: `${scope} None is held by another program.${oursText}` };
  }
  return {
    status: 'fail', measured: { busy: list(busy), ours: list(ours) }, required,
    display: { measured: `${busy.length} busy: ${[...new Set(busy.map((h) => `${h.s.proto}/${h.s.port}`))].slice(0, 4).join(', ')}`, required: 'free or ours' },
    message: `${scope} In use by another program: ${busy.map((h) => `${h.w.purpose} ${describe(h.s)}`).join('; ')}. Stop or reconfigure it${busy.some((h) => h.w.purpose.startsWith('HTTPS')) ? ', or choose another --port' : ''}.${oursText}`,
  };
}

export const latencyRule: Rule = {
  id: 'latency',
  hardware: true,
  evaluate: (f) => (f.latency.ok ? evaluateLatency(f.latency.value) : { ...unreadable('latency', f.latency.error), status: 'warn' }),
};
export const bandwidthRule: Rule = {
  id: 'bandwidth',
  hardware: true,
  evaluate: (f, input) => (f.bandwidth && !f.bandwidth.ok ? { ...unreadable('bandwidth', f.bandwidth.error), status: 'warn' } : evaluateBandwidth(f.bandwidth?.ok ? f.bandwidth.value : null, input)),
};
export const portsRule: Rule = {
  id: 'ports',
  hardware: false,
  evaluate: (f, input) => (f.sockets.ok ? evaluatePorts(f.sockets.value, input) : unreadable('socket', f.sockets.error)),
};
