import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A minimal SIP-over-WebSocket peer standing in for Asterisk's `ws` transport in browser tests:
 * REGISTER and INVITE are challenged with a 401 digest (as Asterisk does) and then accepted,
 * an INVITE gets 100/180/200 with an SDP answer, ACK and BYE are handled, and the peer can call a
 * registered browser. The SDP is well-formed but no media flows (there is no ICE agent here).
 */
export interface SipMessage {
  startLine: string;
  method: string | null;
  status: number | null;
  headers: Array<[string, string]>;
  body: string;
  raw: string;
}

export function parseSip(raw: string): SipMessage {
  const sep = raw.indexOf('\r\n\r\n');
  const head = sep >= 0 ? raw.slice(0, sep) : raw;
  const body = sep >= 0 ? raw.slice(sep + 4) : '';
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const isResponse = startLine.startsWith('SIP/2.0');
  return {
    startLine,
    method: isResponse ? null : startLine.split(' ')[0]!,
    status: isResponse ? Number(startLine.split(' ')[1]) : null,
    headers,
    body,
    raw,
  };
}

const COMPACT: Record<string, string> = { f: 'from', t: 'to', i: 'call-id', v: 'via', m: 'contact', l: 'content-length', c: 'content-type' };
export function hdr(msg: SipMessage, name: string): string | undefined {
  return msg.headers.find(([n]) => (COMPACT[n] ?? n) === name)?.[1];
}
function all(msg: SipMessage, name: string): string[] {
  return msg.headers.filter(([n]) => (COMPACT[n] ?? n) === name).map(([, v]) => v);
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const token = () => randomBytes(8).toString('hex');

function build(startLine: string, headers: Array<[string, string]>, body = ''): string {
  return `${startLine}\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function fingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** An SDP for one audio m-line; `setup` is actpass in an offer and active in an answer. */
export function fakeSdp(setup: 'actpass' | 'active', mid = '0'): string {
  return [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 101',
    'c=IN IP4 127.0.0.1',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${token().slice(0, 8)}`,
    `a=ice-pwd:${token()}${token().slice(0, 8)}`,
    `a=fingerprint:sha-256 ${fingerprint()}`,
    `a=setup:${setup}`,
    `a=mid:${mid}`,
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host',
    '',
  ].join('\r\n');
}

interface Registration {
  user: string;
  contact: string;
  socket: WebSocket;
}

export interface PeerCall {
  callId: string;
  /** Resolves with the browser's 200 OK once it answers. */
  answered: Promise<SipMessage>;
}

export class SipWsPeer {
  readonly received: SipMessage[] = [];
  readonly registrations = new Map<string, Registration>();
  /** Call-IDs of calls the browser placed that were answered and ACKed. */
  readonly confirmed = new Set<string>();
  readonly byes = new Set<string>();
  private readonly waiters = new Set<{ test: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }>();
  private readonly nonces = new Set<string>();

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
    private readonly users: Record<string, string>,
    readonly realm: string,
  ) {
    server.on('connection', (socket) => {
      socket.on('message', (data) => this.onMessage(socket, parseSip(String(data))));
    });
  }

  static async start(users: Record<string, string>, realm = 'contactbox'): Promise<SipWsPeer> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return new SipWsPeer(server, `ws://127.0.0.1:${port}/ws`, users, realm);
  }

  setUser(user: string, password: string): void {
    this.users[user] = password;
  }

  /** The first message matching `test` among those received from `fromIndex` on, waiting if none yet. */
  waitFor(test: (m: SipMessage) => boolean, timeoutMs = 10_000, fromIndex = 0): Promise<SipMessage> {
    const seen = this.received.slice(fromIndex).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve };
      this.waiters.add(waiter);
      setTimeout(() => {
        if (this.waiters.delete(waiter)) reject(new Error('SIP peer: timed out waiting for a message'));
      }, timeoutMs);
    });
  }

  /** Calls a registered browser as `from` and ACKs its 200 OK. */
  call(user: string, from: { number: string; name?: string }): PeerCall {
    const reg = this.registrations.get(user);
    if (!reg) throw new Error(`SIP peer: ${user} is not registered`);
    const callId = `${token()}@peer`;
    const fromTag = token();
    const fromHeader = `${from.name ? `"${from.name}" ` : ''}<sip:${from.number}@${this.realm}>;tag=${fromTag}`;
    const offer = fakeSdp('actpass');
    // Later re-INVITEs (hold) from the browser are answered with the same transport, now passive.
    this.answers.set(callId, offer.replace('a=setup:actpass', 'a=setup:passive'));
    const invite = build(`INVITE ${reg.contact} SIP/2.0`, [
      ['Via', `SIP/2.0/WS peer.invalid;branch=z9hG4bK${token()}`],
      ['Max-Forwards', '70'],
      ['From', fromHeader],
      ['To', `<sip:${user}@${this.realm}>`],
      ['Call-ID', callId],
      ['CSeq', '1 INVITE'],
      ['Contact', '<sip:peer@peer.invalid;transport=ws>'],
      ['Content-Type', 'application/sdp'],
    ], offer);
    reg.socket.send(invite);
    const answered = this.waitFor((m) => m.status === 200 && hdr(m, 'call-id') === callId && /INVITE/.test(hdr(m, 'cseq') ?? ''), 20_000).then((ok) => {
      const contact = /<([^>]+)>/.exec(hdr(ok, 'contact') ?? '')?.[1] ?? reg.contact;
      reg.socket.send(build(`ACK ${contact} SIP/2.0`, [
        ['Via', `SIP/2.0/WS peer.invalid;branch=z9hG4bK${token()}`],
        ['Max-Forwards', '70'],
        ['From', fromHeader],
        ['To', hdr(ok, 'to')!],
        ['Call-ID', callId],
        ['CSeq', '1 ACK'],
      ]));
      return ok;
    });
    return { callId, answered };
  }

  /** Cuts every connection, as an Asterisk restart would. */
  async dropClients(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    this.registrations.clear();
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onMessage(socket: WebSocket, msg: SipMessage): void {
    this.received.push(msg);
    for (const w of [...this.waiters]) {
      if (w.test(msg)) {
        this.waiters.delete(w);
        w.resolve(msg);
      }
    }
    if (msg.status !== null) return;
    switch (msg.method) {
      case 'REGISTER':
        if (!this.authorized(msg)) return this.challenge(socket, msg);
        {
          const user = /sip:([^@]+)@/.exec(hdr(msg, 'to') ?? '')?.[1] ?? '';
          const contact = /<([^>]+)>/.exec(hdr(msg, 'contact') ?? '')?.[1] ?? '';
          const expires = /expires=(\d+)/.exec(hdr(msg, 'contact') ?? '')?.[1] ?? hdr(msg, 'expires') ?? '600';
          if (expires === '0') this.registrations.delete(user);
          else this.registrations.set(user, { user, contact, socket });
          return this.respond(socket, msg, 200, 'OK', [['Contact', `${hdr(msg, 'contact')}`], ['Expires', expires]]);
        }
      case 'INVITE':
        if (/;tag=/.test(hdr(msg, 'to') ?? '')) return this.reInvite(socket, msg);
        if (!this.authorized(msg)) return this.challenge(socket, msg);
        this.respond(socket, msg, 100, 'Trying');
        this.respond(socket, msg, 180, 'Ringing', [], 'tagged');
        {
          const mid = /a=mid:(\S+)/.exec(msg.body)?.[1] ?? '0';
          const sdp = fakeSdp('active', mid);
          this.answers.set(hdr(msg, 'call-id')!, sdp);
          setTimeout(() => this.respond(socket, msg, 200, 'OK', [['Contact', '<sip:peer@peer.invalid;transport=ws>'], ['Content-Type', 'application/sdp']], 'tagged', sdp), 50);
        }
        return;
      case 'ACK':
        if (msg.body === '' && /;tag=/.test(hdr(msg, 'to') ?? '')) this.confirmed.add(hdr(msg, 'call-id')!);
        return;
      case 'BYE':
        this.byes.add(hdr(msg, 'call-id')!);
        return this.respond(socket, msg, 200, 'OK');
      case 'CANCEL':
        return this.respond(socket, msg, 200, 'OK');
      default:
        return this.respond(socket, msg, 200, 'OK');
    }
  }

  private readonly toTags = new Map<string, string>();
  private readonly answers = new Map<string, string>();
  /** Directions the browser asked for in re-INVITEs (hold is `sendonly`, resume `sendrecv`). */
  readonly reInvites: string[] = [];

  /** Hold and resume: the same transport parameters, the direction mirrored. */
  private reInvite(socket: WebSocket, msg: SipMessage): void {
    const offered = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(msg.body)?.[1] ?? 'sendrecv';
    this.reInvites.push(offered);
    const mirror: Record<string, string> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };
    const base = this.answers.get(hdr(msg, 'call-id') ?? '') ?? fakeSdp('active');
    const sdp = base.replace(/a=(sendrecv|sendonly|recvonly|inactive)/, `a=${mirror[offered]}`).replace(/^o=- (\d+) (\d+)/m, (_m, id: string, v: string) => `o=- ${id} ${Number(v) + this.reInvites.length}`);
    this.respond(socket, msg, 200, 'OK', [['Contact', '<sip:peer@peer.invalid;transport=ws>'], ['Content-Type', 'application/sdp']], 'tagged', sdp);
  }

  private respond(socket: WebSocket, req: SipMessage, status: number, reason: string, extra: Array<[string, string]> = [], tag?: 'tagged', body = ''): void {
    let to = hdr(req, 'to') ?? '';
    if (!/;tag=/.test(to) && (tag || status >= 200)) {
      const callId = hdr(req, 'call-id') ?? '';
      let t = this.toTags.get(callId);
      if (!t) this.toTags.set(callId, (t = token()));
      to = `${to};tag=${t}`;
    }
    const headers: Array<[string, string]> = [
      ...all(req, 'via').map((v): [string, string] => ['Via', v]),
      ['From', hdr(req, 'from') ?? ''],
      ['To', to],
      ['Call-ID', hdr(req, 'call-id') ?? ''],
      ['CSeq', hdr(req, 'cseq') ?? ''],
      ...extra,
    ];
    socket.send(build(`SIP/2.0 ${status} ${reason}`, headers, body));
  }

  private challenge(socket: WebSocket, req: SipMessage): void {
    const nonce = token();
    this.nonces.add(nonce);
    this.respond(socket, req, 401, 'Unauthorized', [['WWW-Authenticate', `Digest realm="${this.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"`]]);
  }

  private authorized(msg: SipMessage): boolean {
    const auth = hdr(msg, 'authorization');
    if (!auth) return false;
    const p = Object.fromEntries([...auth.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1]!.toLowerCase(), m[2] ?? m[3] ?? '']));
    const password = this.users[p.username ?? ''];
    if (password === undefined || !this.nonces.has(p.nonce ?? '')) return false;
    const ha1 = md5(`${p.username}:${this.realm}:${password}`);
    const ha2 = md5(`${msg.method}:${p.uri}`);
    const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
    return expected === p.response;
  }
}
