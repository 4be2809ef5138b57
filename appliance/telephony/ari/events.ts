import WebSocket from 'ws';
import type { AriOptions } from './client.js';

/** ARI's events for our Stasis application, typed (only what a Stasis app acts on). */
export type AriEvent =
  | { type: 'stasis.start'; at: string; channelId: string; channelName: string; state: string; callerNum: string | null; args: string[] }
  | { type: 'stasis.end'; at: string; channelId: string }
  | { type: 'channel.state'; at: string; channelId: string; state: string }
  | { type: 'channel.dtmf'; at: string; channelId: string; digit: string; durationMs: number }
  | { type: 'channel.destroyed'; at: string; channelId: string; cause: number; causeText: string }
  | { type: 'recording.finished'; at: string; name: string; format: string; durationSec: number | null };

interface Raw {
  type?: string;
  timestamp?: string;
  channel?: { id: string; name: string; state: string; caller?: { number?: string } };
  args?: string[];
  digit?: string;
  duration_ms?: number;
  cause?: number;
  cause_txt?: string;
  recording?: { name: string; format: string; duration?: number };
}

/** One ARI frame → a typed event, or null for the many this app does not act on. */
export function toAriEvent(text: string): AriEvent | null {
  let raw: Raw;
  try {
    raw = JSON.parse(text) as Raw;
  } catch {
    return null;
  }
  const at = raw.timestamp ?? new Date().toISOString();
  const ch = raw.channel;
  switch (raw.type) {
    case 'StasisStart':
      return ch ? { type: 'stasis.start', at, channelId: ch.id, channelName: ch.name, state: ch.state, callerNum: ch.caller?.number || null, args: raw.args ?? [] } : null;
    case 'StasisEnd':
      return ch ? { type: 'stasis.end', at, channelId: ch.id } : null;
    case 'ChannelStateChange':
      return ch ? { type: 'channel.state', at, channelId: ch.id, state: ch.state } : null;
    case 'ChannelDtmfReceived':
      return ch && raw.digit ? { type: 'channel.dtmf', at, channelId: ch.id, digit: raw.digit, durationMs: raw.duration_ms ?? 0 } : null;
    case 'ChannelDestroyed':
      return ch ? { type: 'channel.destroyed', at, channelId: ch.id, cause: raw.cause ?? 0, causeText: raw.cause_txt ?? '' } : null;
    case 'RecordingFinished':
      return raw.recording
        ? { type: 'recording.finished', at, name: raw.recording.name, format: raw.recording.format, durationSec: raw.recording.duration ?? null }
        : null;
    default:
      return null;
  }
}

/**
 * The `/ari/events` WebSocket of our Stasis application, kept open with backoff. When Asterisk
 * stops, the socket just ends (no close frame, as the traces show); that is a drop like any other.
 * Calls are followed over AMI (which also sees Stasis channels, with their Linkedid); this stream
 * is for what only a Stasis application sees (DTMF, its own recordings).
 */
export class AriEventStream {
  private socket: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delay: number;
  private stopped = true;
  private reason = 'not connected yet';
  private readonly listeners = new Set<(e: AriEvent) => void>();

  constructor(private readonly options: AriOptions & { backoff?: { initialMs: number; maxMs: number } }) {
    this.delay = options.backoff?.initialMs ?? 500;
  }

  status(): string {
    return this.socket?.readyState === WebSocket.OPEN ? 'connected' : this.reason;
  }

  on(listener: (e: AriEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.terminate();
    this.socket = null;
  }

  private connect(): void {
    const o = this.options;
    const url = new URL(`${o.url.replace(/^http/, 'ws').replace(/\/$/, '')}/ari/events`);
    url.searchParams.set('app', o.app);
    url.searchParams.set('api_key', `${o.username}:${o.password}`);
    const ws = new WebSocket(url);
    this.socket = ws;
    ws.on('open', () => {
      this.delay = o.backoff?.initialMs ?? 500;
      this.reason = 'connected';
    });
    ws.on('unexpected-response', (_req, res) => {
      this.reason = res.statusCode === 401 ? 'ARI refused the username or password' : `ARI answered ${res.statusCode}`;
      ws.terminate();
    });
    ws.on('message', (data) => {
      const event = toAriEvent(String(data));
      if (event) for (const l of this.listeners) l(event);
    });
    ws.on('error', (err) => {
      if (this.reason === 'connected' || this.reason === 'not connected yet') this.reason = `cannot reach ARI at ${o.url}: ${err.message}`;
    });
    ws.on('close', () => {
      if (this.socket !== ws) return;
      this.socket = null;
      if (this.reason === 'connected') this.reason = 'the ARI events socket dropped; reconnecting';
      if (this.stopped) return;
      const wait = this.delay;
      this.delay = Math.min(this.delay * 2, o.backoff?.maxMs ?? 30_000);
      this.timer = setTimeout(() => this.connect(), wait);
    });
  }
}
