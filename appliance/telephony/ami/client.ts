import { createConnection, type Socket } from 'node:net';
import { AmiParser, formatAction, type AmiMessage } from './parser.js';
import { TelephonyError } from '../port.js';
import { AMI_EVENT_CLASSES } from './events.js';

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Event names to keep (see SUBSCRIBED_EVENTS). */
  events: readonly string[];
  /** Event classes asked for at login; the server filters the rest. */
  eventClasses?: string;
  backoff?: { initialMs: number; maxMs: number };
  actionTimeoutMs?: number;
  now?: () => Date;
}

type LinkListener = (state: { up: true; uptimeSec: number | null; at: Date } | { up: false; reason: string; at: Date }) => void;

interface Pending {
  resolve: (m: AmiMessage[]) => void;
  reject: (e: Error) => void;
  list: boolean;
  items: AmiMessage[];
  timer: NodeJS.Timeout;
}

/**
 * One AMI session kept alive: connect, read the banner, log in, then stream events and answer
 * actions by ActionID. When the socket drops or Asterisk restarts it reconnects with an
 * exponential backoff (reset after a successful login); a refused login is retried slowly
 * because Asterisk closes the socket right after saying so.
 */
export class AmiClient {
  private socket: Socket | null = null;
  private parser: AmiParser;
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(m: AmiMessage, at: Date) => void>();
  private readonly linkListeners = new Set<LinkListener>();
  private nextId = 0;
  private delay: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private loggedIn = false;
  private lastReason = 'not connected yet';
  private readonly now: () => Date;

  constructor(private readonly options: AmiClientOptions) {
    this.parser = new AmiParser({ events: new Set(options.events) });
    this.delay = options.backoff?.initialMs ?? 500;
    this.now = options.now ?? (() => new Date());
  }

  /** 'connected' or why not. */
  status(): string {
    return this.loggedIn ? 'connected' : this.lastReason;
  }

  get connected(): boolean {
    return this.loggedIn;
  }

  onEvent(listener: (m: AmiMessage, at: Date) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onLink(listener: LinkListener): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    if (socket && this.loggedIn) {
      try {
        socket.write(formatAction({ Action: 'Logoff', ActionID: `cb-logoff-${++this.nextId}` }));
      } catch {
        /* the socket is going away anyway */
      }
    }
    socket?.destroy();
    this.socket = null;
    this.loggedIn = false;
    this.lastReason = 'stopped';
  }

  /** Sends an action and resolves with its response (rejects on `Response: Error`). */
  async action(fields: Record<string, string | number | boolean | readonly string[] | undefined>): Promise<AmiMessage> {
    const [response] = await this.send(fields, false);
    return response!;
  }

  /** Sends a list action (CoreShowChannels…) and resolves with the list's items (events named `itemEvents`). */
  async list(fields: Record<string, string | number | boolean | readonly string[] | undefined>, itemEvents: readonly string[]): Promise<AmiMessage[]> {
    this.parser.alsoKeep(itemEvents);
    return (await this.send(fields, true)).slice(1);
  }

  private send(fields: Record<string, string | number | boolean | readonly string[] | undefined>, list: boolean): Promise<AmiMessage[]> {
    if (!this.socket || !this.loggedIn) return Promise.reject(new TelephonyError(`Asterisk is not connected: ${this.lastReason}`, 'unavailable'));
    const actionId = `cb-${++this.nextId}`;
    const text = formatAction({ ...fields, ActionID: actionId });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(actionId);
        reject(new TelephonyError(`Asterisk did not answer ${String(fields.Action)} in time`, 'timeout'));
      }, this.options.actionTimeoutMs ?? 10_000);
      this.pending.set(actionId, { resolve, reject, list, items: [], timer });
      this.socket!.write(text);
    });
  }

  private connect(): void {
    if (this.stopped) return;
    this.parser.reset();
    const socket = createConnection({ host: this.options.host, port: this.options.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    let loginSent = false;
    socket.on('data', (chunk) => {
      const at = this.now();
      const messages = this.parser.push(chunk);
      if (!loginSent && this.parser.banner !== null) {
        loginSent = true;
        if (!this.parser.banner.startsWith('Asterisk Call Manager/')) {
          this.lastReason = `not an Asterisk manager port (banner "${this.parser.banner.slice(0, 40)}")`;
          socket.destroy();
          return;
        }
        socket.write(
          formatAction({
            Action: 'Login',
            ActionID: 'cb-login',
            Username: this.options.username,
            Secret: this.options.secret,
            Events: this.options.eventClasses ?? AMI_EVENT_CLASSES,
          }),
        );
      }
      for (const m of messages) this.dispatch(m, at);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!this.loggedIn) this.lastReason = `cannot reach Asterisk AMI at ${this.options.host}:${this.options.port} (${err.code ?? err.message})`;
    });
    socket.on('close', () => this.onClose(socket));
  }

  private dispatch(m: AmiMessage, at: Date): void {
    const actionId = m.ActionID;
    if (!this.loggedIn && actionId === 'cb-login') {
      if (m.Response === 'Success') {
        this.loggedIn = true;
        this.delay = this.options.backoff?.initialMs ?? 500;
        this.lastReason = 'connected';
        // FullyBooted follows the login response; its Uptime tells whether Asterisk restarted.
        // Should it not come, the link is declared up a moment later all the same.
        this.pendingUp = true;
        const socket = this.socket;
        setTimeout(() => {
          if (this.pendingUp && this.socket === socket && this.loggedIn) {
            this.pendingUp = false;
            this.emitLink({ up: true, uptimeSec: null, at: this.now() });
          }
        }, 1000).unref();
      } else {
        this.lastReason = `Asterisk refused the AMI login for user ${this.options.username}: ${m.Message ?? 'error'}`;
        this.socket?.destroy();
      }
      return;
    }
    if (this.pendingUp && m.Event === 'FullyBooted') {
      this.pendingUp = false;
      this.emitLink({ up: true, uptimeSec: m.Uptime === undefined ? null : Number(m.Uptime), at });
      return;
    }
    if (actionId && this.pending.has(actionId) && m.Event !== 'OriginateResponse') {
      const p = this.pending.get(actionId)!;
      if (!p.list || p.items.length === 0) {
        if (m.Response === 'Error') {
          this.finish(actionId);
          p.reject(new TelephonyError(m.Message ?? 'Asterisk refused the action', 'rejected'));
          return;
        }
        p.items.push(m);
        if (!p.list) {
          this.finish(actionId);
          p.resolve(p.items);
        }
        return;
      }
      if (m.EventList === 'Complete') {
        this.finish(actionId);
        p.resolve(p.items);
      } else p.items.push(m);
      return;
    }
    if (m.Event) {
      if (this.pendingUp) {
        // Some servers send no FullyBooted to a late login; the link is up all the same.
        this.pendingUp = false;
        this.emitLink({ up: true, uptimeSec: null, at });
      }
      for (const l of this.eventListeners) l(m, at);
    }
  }

  private pendingUp = false;

  private finish(actionId: string): void {
    const p = this.pending.get(actionId);
    if (p) clearTimeout(p.timer);
    this.pending.delete(actionId);
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    const wasUp = this.loggedIn;
    this.loggedIn = false;
    this.pendingUp = false;
    this.socket = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new TelephonyError('the AMI connection closed', 'unavailable'));
      this.pending.delete(id);
    }
    if (wasUp) {
      this.lastReason = 'the AMI connection dropped; reconnecting';
      this.emitLink({ up: false, reason: this.lastReason, at: this.now() });
    }
    if (this.stopped) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.backoff?.maxMs ?? 30_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, wait);
  }

  private emitLink(state: Parameters<LinkListener>[0]): void {
    for (const l of this.linkListeners) l(state);
  }
}
