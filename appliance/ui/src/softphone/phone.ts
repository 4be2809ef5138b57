import type { Api } from '../api.js';
import { Ringer } from './ringer.js';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { UA } from 'jssip/lib/UA';

/** What `GET /api/v1/me/phone` answers: credentials the appliance generated for this user. */
export interface PhoneCredentials {
  uri: string;
  authorizationUser: string;
  password: string;
  displayName: string;
  wsPath: string;
  domain: string;
}

export type Registration =
  /** No phone: the server said why (`error`, an ApiError in the user's language) or the network failed. */
  | { kind: 'none'; reason: string; error?: unknown }
  /** The appliance could not reach the telephony server; the next try is at `retryAt` (ms). */
  | { kind: 'unreachable'; retryAt: number }
  | { kind: 'disconnected' }
  | { kind: 'connecting' }
  | { kind: 'registered' }
  | { kind: 'failed'; reason: string };

export interface CallInfo {
  direction: 'incoming' | 'outgoing';
  /** The other party's number, or null when hidden (masked for this user). */
  number: string | null;
  name: string | null;
  status: 'ringing' | 'calling' | 'active' | 'ended';
  held: boolean;
  muted: boolean;
}

const MIC_KEY = 'contactbox.microphone';
// The SIP proxy replaces numbers a masked user may not see with tokens like this.
const HIDDEN = /^masked[0-9a-f]+$/;

const partyNumber = (user: string | undefined | null) => (user && !HIDDEN.test(user) ? user : null);
const partyName = (name: string | undefined | null) => (name && !HIDDEN.test(name) && !/masked[0-9a-f]{12}/.test(name) ? name : null);

/**
 * The WebRTC softphone (JsSIP) behind the phone panel: registers with the appliance-issued
 * credentials over the same-origin SIP WebSocket, places and answers calls, hold, mute,
 * blind transfer, DTMF, ringing, microphone choice, and reconnects on its own (JsSIP's
 * connection recovery). Holds no DOM except the remote audio element it plays into.
 */
export class Softphone {
  registration: Registration = { kind: 'disconnected' };
  call: CallInfo | null = null;
  credentials: PhoneCredentials | null = null;
  /** The browser refused the microphone at the last call attempt. */
  micDenied = false;
  private ua: UA | null = null;
  private session: RTCSession | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly incomingListeners = new Set<(call: CallInfo) => void>();
  private readonly ringer = new Ringer();
  /** Back-off between reconnects when the appliance closes the SIP socket because telephony is down. */
  private retryMs = 5000;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  readonly remoteAudio: HTMLAudioElement;

  constructor(
    private readonly api: Api,
    private readonly storage: Storage,
  ) {
    this.remoteAudio = document.createElement('audio');
    this.remoteAudio.autoplay = true;
  }

  /** True while the ring tone plays (an incoming call not yet answered). */
  get ringing(): boolean {
    return this.ringer.ringing;
  }

  get microphone(): string {
    return this.storage.getItem(MIC_KEY) ?? '';
  }

  set microphone(deviceId: string) {
    if (deviceId) this.storage.setItem(MIC_KEY, deviceId);
    else this.storage.removeItem(MIC_KEY);
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onIncoming(listener: (call: CallInfo) => void): () => void {
    this.incomingListeners.add(listener);
    return () => this.incomingListeners.delete(listener);
  }

  async start(): Promise<void> {
    try {
      this.credentials = await this.api.get<PhoneCredentials>('/api/v1/me/phone');
    } catch (err) {
      this.registration = { kind: 'none', reason: err instanceof Error ? err.message : String(err), error: err };
      this.changed();
      return;
    }
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped || !this.credentials) return;
    // JsSIP is big; it loads only when a phone is actually used.
    const { default: JsSIP } = await import('jssip');
    if (this.stopped) return;
    const c = this.credentials;
    const socket = new JsSIP.WebSocketInterface(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${c.wsPath}`);
    const ua = new JsSIP.UA({
      sockets: [socket],
      uri: c.uri,
      authorization_user: c.authorizationUser,
      password: c.password,
      display_name: c.displayName,
      register: true,
      register_expires: 300,
      session_timers: false,
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 30,
      user_agent: 'contactbox-softphone',
    });
    this.ua = ua;
    this.registration = { kind: 'connecting' };
    ua.on('connecting', () => this.setRegistration({ kind: 'connecting' }));
    ua.on('disconnected', (e: { code?: number }) => {
      // 1011: the appliance reached no telephony server (Asterisk down or not configured). JsSIP
      // would reconnect every ~2 s because the socket itself opened; back off instead (5 s … 2 min).
      if (e?.code === 1011 && !this.session) return this.backOff(ua);
      this.setRegistration({ kind: 'disconnected' });
    });
    ua.on('registered', () => {
      this.retryMs = 5000;
      this.setRegistration({ kind: 'registered' });
    });
    ua.on('unregistered', () => this.setRegistration({ kind: 'disconnected' }));
    ua.on('registrationFailed', (e: { cause?: string }) => this.setRegistration({ kind: 'failed', reason: String(e.cause ?? 'unknown') }));
    ua.on('newRTCSession', (e: { originator: string; session: RTCSession }) => this.adopt(e.session, e.originator === 'remote'));
    ua.start();
    this.changed();
  }

  dial(target: string): void {
    if (!this.ua || this.session) return;
    const uri = target.includes('@') ? target : `sip:${target.replace(/[^\w+*#.-]/g, '')}@${this.credentials!.domain}`;
    this.ua.call(uri, { mediaConstraints: this.constraints(), pcConfig: { iceServers: [] } });
  }

  answer(): void {
    if (this.session && this.call?.direction === 'incoming' && this.call.status === 'ringing') {
      this.session.answer({ mediaConstraints: this.constraints(), pcConfig: { iceServers: [] } });
    }
  }

  hangup(): void {
    this.session?.terminate();
  }

  /**
   * Hold or resume. The phone shows "held" as soon as it is asked, while the re-INVITE is still
   * on its way, and JsSIP refuses a second renegotiation until the first is answered: a quick
   * second press (resume right after hold) is kept as the wanted state and sent once the first
   * one is done, instead of being dropped.
   */
  toggleHold(): void {
    if (!this.session || !this.call) return;
    this.holdWanted = !(this.holdWanted ?? this.call.held);
    this.driveHold(0);
  }

  private holdWanted: boolean | null = null;
  private holdInFlight = false;

  private driveHold(tries: number): void {
    const session = this.session;
    const want = this.holdWanted;
    if (!session || want === null || this.holdInFlight) return;
    if (session.isOnHold().local === want) {
      this.holdWanted = null;
      return;
    }
    const done = () => {
      this.holdInFlight = false;
      this.driveHold(0);
    };
    this.holdInFlight = true;
    const started = want ? session.hold({}, done) : session.unhold({}, done);
    if (started) return;
    this.holdInFlight = false;
    // Not ready to renegotiate (the other side's re-INVITE is being answered): try again shortly.
    if (tries < 50) setTimeout(() => this.driveHold(tries + 1), 200);
    else this.holdWanted = null;
  }

  toggleMute(): void {
    if (!this.session || !this.call) return;
    if (this.call.muted) this.session.unmute({ audio: true });
    else this.session.mute({ audio: true });
    this.call = { ...this.call, muted: !this.call.muted };
    this.changed();
  }

  /** Blind transfer (SIP REFER) to a number or extension. */
  transfer(target: string): void {
    if (!this.session || this.call?.status !== 'active' || !target.trim()) return;
    this.session.refer(`sip:${target.trim().replace(/[^\w+*#.-]/g, '')}@${this.credentials!.domain}`);
  }

  dtmf(tone: string): void {
    if (!this.session || this.call?.status !== 'active') return;
    // RFC 2833 in the media stream when the browser can, as Asterisk expects from WebRTC.
    this.session.sendDTMF(tone, { transportType: 'RFC2833' as unknown as undefined });
  }

  private backOff(ua: UA): void {
    if (this.ua !== ua) return;
    ua.stop();
    this.ua = null;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 120_000);
    this.setRegistration({ kind: 'unreachable', retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /** Try again now (the operator pressed "Reconnect"). */
  reconnect(): void {
    if (this.registration.kind !== 'unreachable') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryMs = 5000;
    void this.connect();
  }

  /** True when calls can be placed from this browser. */
  get ready(): boolean {
    return this.registration.kind === 'registered';
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ringer.dispose();
    try {
      this.session?.terminate();
    } catch {
      /* already ended */
    }
    this.ua?.stop();
    this.ua = null;
    this.session = null;
    this.call = null;
    this.listeners.clear();
    this.incomingListeners.clear();
  }

  private constraints(): MediaStreamConstraints {
    const mic = this.microphone;
    return { audio: mic ? { deviceId: { exact: mic } } : true, video: false };
  }

  private adopt(session: RTCSession, incoming: boolean): void {
    if (this.session) {
      // One call at a time: a second caller hears busy and goes back to the queue.
      if (incoming) session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    this.session = session;
    this.holdWanted = null;
    this.holdInFlight = false;
    const remote = session.remote_identity;
    this.call = {
      direction: incoming ? 'incoming' : 'outgoing',
      number: partyNumber(remote?.uri?.user),
      name: partyName(remote?.display_name),
      status: incoming ? 'ringing' : 'calling',
      held: false,
      muted: false,
    };
    const attach = (pc: RTCPeerConnection) =>
      pc.addEventListener('track', (event) => {
        this.remoteAudio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      });
    if (session.connection) attach(session.connection);
    session.on('peerconnection', (e: { peerconnection: RTCPeerConnection }) => attach(e.peerconnection));
    const update = (patch: Partial<CallInfo>) => {
      if (this.session !== session || !this.call) return;
      this.call = { ...this.call, ...patch };
      this.changed();
    };
    session.on('accepted', () => {
      this.ringer.stop();
      update({ status: 'active' });
    });
    session.on('confirmed', () => update({ status: 'active' }));
    session.on('hold', () => update({ held: true }));
    session.on('unhold', () => update({ held: false }));
    const end = () => {
      if (this.session !== session) return;
      this.ringer.stop();
      this.session = null;
      this.call = null;
      this.remoteAudio.srcObject = null;
      this.changed();
    };
    session.on('ended', end);
    session.on('failed', (e: { cause?: string }) => {
      this.micDenied = e.cause === 'User Denied Media Access';
      end();
    });
    session.on('accepted', () => {
      this.micDenied = false;
    });
    if (incoming) {
      this.ringer.start();
      for (const listener of this.incomingListeners) listener(this.call);
    }
    this.changed();
  }

  private setRegistration(registration: Registration): void {
    this.registration = registration;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
