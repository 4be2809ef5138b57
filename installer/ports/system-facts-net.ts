import { randomInt } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect, type Socket } from 'node:net';

/** Network readings for `SystemFacts`: sockets from /proc/net, a TCP-handshake latency probe, an iperf3 client. */

export interface RawSocket {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  inode: string;
  uid: number;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
  // IPv6: four 32-bit words, each in host (little-endian) byte order.
  const bytes: string[] = [];
  for (let w = 0; w < 32; w += 8) for (const i of [6, 4, 2, 0]) bytes.push(hex.slice(w + i, w + i + 2));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(Number.parseInt(bytes[i]! + bytes[i + 1]!, 16).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

/** Listening TCP sockets (state 0A) and every UDP socket, which holds its port whatever its state. */
export function parseProcNetSockets(text: string, proto: 'tcp' | 'udp'): RawSocket[] {
  const out: RawSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addrHex, portHex] = f[1]!.split(':');
    if (proto === 'tcp' && f[3] !== '0A') continue;
    out.push({ proto, address: decodeAddress(addrHex!), port: Number.parseInt(portHex!, 16), uid: Number(f[7]), inode: f[9]! });
  }
  return out;
}

type Lookup = (host: string) => Promise<string>;
/** IPv4 first: many servers have an IPv6 address but no IPv6 route, which would read as "unreachable". */
const systemLookup: Lookup = async (host) => {
  const all = await dnsLookup(host, { all: true });
  return (all.find((a) => a.family === 4) ?? all[0]!).address;
};

/** Rejects with `message` when `ms` pass first; the timer never keeps the process alive. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms));
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function openSocket(address: string, port: number, ms: number): Promise<Socket> {
  return new Promise((resolveSocket, reject) => {
    const socket = connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${address}:${port} within ${ms} ms`));
    }, Math.max(1, ms));
    socket.once('connect', () => {
      clearTimeout(timer);
      resolveSocket(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(err.code === 'ECONNREFUSED' ? `connection refused on ${address}:${port}` : `${err.code ?? err.message} on ${address}:${port}`));
    });
  });
}

export type LatencyReading =
  | { host: string; reachable: true; address: string; port: number; ms: number; samplesMs: number[]; intercepted: { address: string; ms: number } | null }
  | { host: string; reachable: false; reason: string };

/** RFC 5737 TEST-NET-3: never routed on the internet, so nothing genuine can answer there. */
export const INTERCEPTION_SENTINEL = '203.0.113.1';

/**
 * Round trip measured as the time a TCP handshake takes (one RTT), the lowest of up to three
 * handshakes. ICMP needs raw sockets; a handshake needs nothing and crosses the same routers.
 * Everything (name lookup included) fits in `timeoutMs`; on expiry the reason says what hung.
 * A transparent proxy would answer handshakes itself and make any path look fast, so the same
 * port is tried at an address that cannot exist (`sentinel`): if it answers, that is reported.
 */
export async function measureTcpLatency(
  host: string,
  opts: { ports: number[]; timeoutMs: number; samples?: number; lookup?: Lookup; now?: () => number; sentinel?: string },
): Promise<LatencyReading> {
  const now = opts.now ?? (() => performance.now());
  const deadline = now() + opts.timeoutMs;
  const left = () => deadline - now();
  let address: string;
  try {
    address = await within((opts.lookup ?? systemLookup)(host), left(), `name lookup of ${host} did not finish within ${opts.timeoutMs} ms`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { host, reachable: false, reason: e.code ? `cannot resolve ${host} (${e.code})` : e.message };
  }
  const failures: string[] = [];
  for (const [index, port] of opts.ports.entries()) {
    const samples: number[] = [];
    // Each port gets its share of what is left, so a filtered 443 still leaves time to try 80.
    const portDeadline = now() + left() / (opts.ports.length - index);
    // Started once the host has answered, alongside the remaining samples: unreachable hosts cost nothing extra.
    let sentinel: Promise<{ address: string; ms: number } | null> = Promise.resolve(null);
    try {
      for (let i = 0; i < (opts.samples ?? 3) && portDeadline - now() > 0; i++) {
        const started = now();
        const socket = await openSocket(address, port, portDeadline - now());
        samples.push(now() - started);
        socket.destroy();
        if (i === 0) sentinel = interceptionProbe(opts.sentinel ?? INTERCEPTION_SENTINEL, port, Math.min(1000, left()), now);
      }
    } catch (err) {
      if (samples.length === 0) {
        failures.push((err as Error).message);
        if (left() <= 0) break;
        continue;
      }
    }
    if (samples.length > 0) {
      const ms = Math.round(Math.min(...samples) * 10) / 10;
      return { host, reachable: true, address, port, ms, samplesMs: samples.map((s) => Math.round(s * 10) / 10), intercepted: await sentinel };
    }
  }
  if (left() <= 0 && failures.length < opts.ports.length) failures.push(`gave up after ${opts.timeoutMs} ms`);
  return { host, reachable: false, reason: failures.join('; ') };
}

/** Resolves to the handshake time when `address:port` answers, null when it does not (the normal case). */
async function interceptionProbe(address: string, port: number, ms: number, now: () => number): Promise<{ address: string; ms: number } | null> {
  if (ms <= 0) return null;
  const started = now();
  try {
    const socket = await openSocket(address, port, ms);
    socket.destroy();
    return { address, ms: Math.round((now() - started) * 10) / 10 };
  } catch {
    return null;
  }
}

/** Reads a TCP stream as exact byte counts, for the iperf3 control channel. */
class StreamReader {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private closed: Error | null = null;
  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    const end = (err?: Error) => {
      this.closed ??= err ?? new Error('the server closed the control connection');
      this.waiting?.();
    };
    socket.on('end', () => end());
    socket.on('error', (err) => end(err));
  }
  async read(n: number): Promise<Buffer> {
    while (this.buffer.length < n) {
      if (this.closed) throw this.closed;
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = null;
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }
}

/** iperf3's control states (iperf_api.h). */
const State = { TEST_START: 1, TEST_RUNNING: 2, TEST_END: 4, PARAM_EXCHANGE: 9, CREATE_STREAMS: 10, SERVER_TERMINATE: 11, EXCHANGE_RESULTS: 13, DISPLAY_RESULTS: 14, IPERF_DONE: 16, ACCESS_DENIED: -1, SERVER_ERROR: -2 } as const;

const cookie = () => {
  const chars = 'abcdefghijklmnopqrstuvwxyz234567';
  return Buffer.from(`${Array.from({ length: 36 }, () => chars[randomInt(chars.length)]).join('')}\0`, 'ascii');
};
const framedJson = (value: unknown) => {
  const body = Buffer.from(JSON.stringify(value));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
};

export type Iperf3Reading =
  | { measured: true; bitsPerSecond: number; bytes: number; seconds: number; source: 'server' | 'client' }
  | { measured: false; reason: string };

/**
 * A minimal iperf3 client (protocol of iperf 3.x, one TCP stream). `upload` sends to the server,
 * `download` asks it to send (iperf3 -R). Either way the client stops after `seconds` or
 * `maxBytes`, whichever comes first, and the rate is taken from the receiving side's count.
 * Bounded so that `check` never runs long: the whole exchange must fit in `timeoutMs`.
 */
export async function measureIperf3(
  server: { host: string; port: number },
  opts: { direction: 'upload' | 'download'; timeoutMs: number; seconds?: number; maxBytes?: number },
): Promise<Iperf3Reading> {
  const seconds = opts.seconds ?? 3;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const reverse = opts.direction === 'download';
  const sockets: Socket[] = [];
  const exchange = async (): Promise<Iperf3Reading> => {
    const started = performance.now();
    const control = await openSocket(server.host, server.port, opts.timeoutMs);
    sockets.push(control);
    const reader = new StreamReader(control);
    const id = cookie();
    control.write(id);
    const nextState = async (): Promise<number> => {
      const state = (await reader.read(1)).readInt8(0);
      if (state === State.ACCESS_DENIED) throw new Error('the iperf3 server is busy with another test (access denied)');
      if (state === State.SERVER_ERROR) throw new Error('the iperf3 server reported an error');
      if (state === State.SERVER_TERMINATE) throw new Error('the iperf3 server terminated the test');
      return state;
    };
    const expect = async (wanted: number) => {
      const state = await nextState();
      if (state !== wanted) throw new Error(`unexpected iperf3 state ${state} (expected ${wanted})`);
    };
    await expect(State.PARAM_EXCHANGE);
    control.write(framedJson({ tcp: true, omit: 0, time: seconds, parallel: 1, len: 128 * 1024, ...(reverse ? { reverse: true } : {}), client_version: '3.12' }));
    await expect(State.CREATE_STREAMS);
    const data = await openSocket(server.host, server.port, Math.max(1, opts.timeoutMs - (performance.now() - started)));
    sockets.push(data);
    data.on('error', () => {});
    data.write(id);
    let received = 0;
    data.on('data', (chunk: Buffer) => (received += chunk.length));
    await expect(State.TEST_START);
    await expect(State.TEST_RUNNING);
    const windowStart = performance.now();
    const elapsed = () => performance.now() - windowStart;
    let sent = 0;
    if (reverse) {
      while (received < maxBytes && elapsed() < seconds * 1000) await new Promise((r) => setTimeout(r, 20));
    } else {
      const block = Buffer.alloc(128 * 1024, 0x5a);
      while (sent < maxBytes && elapsed() < seconds * 1000) {
        sent += block.length;
        if (!data.write(block)) await new Promise((r) => data.once('drain', r));
      }
    }
    const windowSeconds = elapsed() / 1000;
    const clientBytes = reverse ? received : sent;
    control.write(Buffer.from([State.TEST_END]));
    await expect(State.EXCHANGE_RESULTS);
    control.write(
      framedJson({
        cpu_util_total: 0, cpu_util_user: 0, cpu_util_system: 0, sender_has_retransmits: reverse ? -1 : 0,
        streams: [{ id: 1, bytes: clientBytes, retransmits: reverse ? -1 : 0, jitter: 0, errors: 0, packets: 0, start_time: 0, end_time: windowSeconds }],
      }),
    );
    const length = (await reader.read(4)).readUInt32BE(0);
    const results = JSON.parse((await reader.read(length)).toString('utf8')) as { streams?: { bytes?: number; start_time?: number; end_time?: number }[] };
    await expect(State.DISPLAY_RESULTS);
    control.write(Buffer.from([State.IPERF_DONE]));
    const stream = results.streams?.[0];
    const serverSeconds = stream && typeof stream.end_time === 'number' ? stream.end_time - (stream.start_time ?? 0) : 0;
    // Upload: the server received; its count excludes bytes still in flight when the test ended.
    if (!reverse && stream?.bytes && serverSeconds > 0) {
      return { measured: true, bitsPerSecond: Math.round((stream.bytes * 8) / serverSeconds), bytes: stream.bytes, seconds: serverSeconds, source: 'server' };
    }
    if (clientBytes === 0 || windowSeconds <= 0) throw new Error('no data crossed the test stream');
    return { measured: true, bitsPerSecond: Math.round((clientBytes * 8) / windowSeconds), bytes: clientBytes, seconds: windowSeconds, source: 'client' };
  };
  try {
    return await within(exchange(), opts.timeoutMs, `the iperf3 ${opts.direction} test did not finish within ${opts.timeoutMs} ms`);
  } catch (err) {
    return { measured: false, reason: (err as Error).message };
  } finally {
    for (const s of sockets) s.destroy();
  }
}
