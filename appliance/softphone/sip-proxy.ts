import WebSocket from 'ws';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket as ServerSocket } from 'ws';
import type { Phone } from './phones.js';
import { impersonates, sipFacts, SipNumberMask } from './sip-text.js';

interface Link {
  browser: ServerSocket;
  upstream: WebSocket;
  sessionHash: string;
  userId: number;
  sipUser: string;
  /** The phone on this link (`+sip.instance` of its REGISTER): a reloaded page is a new phone. */
  instance: string | null;
  /** Call-IDs of the calls answered over this link and not yet ended. */
  calls: Set<string>;
}

/**
 * Calls left behind by a page that went away. A browser's call lives in the page: once it is
 * reloaded or closed, nobody can speak or hang up on that call again, and Asterisk would keep the
 * customer in silence. When a link that carried calls closes, the phone's calls are hung up as
 * soon as the user's browser registers as another phone (a reload), or after `graceMs` if no
 * browser of the user comes back; the same phone reconnecting (JsSIP's recovery after a network
 * blip, its media never left) keeps them.
 */
export interface StrandedCalls {
  graceMs: number;
  hangUp(userId: number, sipUser: string): Promise<void>;
}

interface Departed {
  instance: string | null;
  calls: Set<string>;
  sipUser: string;
  timer: ReturnType<typeof setTimeout>;
}

/** Close codes the browser sees (4xxx: application-defined, documented in README). */
export const SIP_CLOSE = { noPhone: 4403, impersonation: 4400, sessionEnded: 4401, upstreamDown: 1011, noSubprotocol: 1002 } as const;

/**
 * Same-origin SIP over WebSocket: the logged-in browser's socket is paired with a fresh socket
 * to Asterisk's local `ws` transport, messages copied both ways. Only users with an issued
 * phone get through, only as their own SIP user, and a masked viewer's messages pass through
 * the caller-ID mask. Links close when the session ends.
 */
export class SipProxy {
  private readonly links = new Set<Link>();
  private readonly departed = new Map<number, Departed>();

  constructor(
    private readonly upstreamUrl: string,
    private readonly log: FastifyInstance['log'],
    private readonly stranded: StrandedCalls | null = null,
  ) {}

  get size(): number {
    return this.links.size;
  }

  open(browser: ServerSocket, request: FastifyRequest, phone: Phone | null, masked: boolean): void {
    const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes('sip')) {
      browser.close(SIP_CLOSE.noSubprotocol, 'subprotocol sip required');
      return;
    }
    if (!phone) {
      browser.close(SIP_CLOSE.noPhone, 'no phone for this user');
      return;
    }
    const mask = masked ? new SipNumberMask() : null;
    const upstream = new WebSocket(this.upstreamUrl, 'sip', { handshakeTimeout: 5000 });
    const link: Link = { browser, upstream, sessionHash: request.session!.idHash, userId: phone.userId, sipUser: phone.sipUser, instance: null, calls: new Set() };
    this.links.add(link);
    const pending: string[] = [];

    browser.on('message', (data, isBinary) => {
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data);
      if (impersonates(text, phone.sipUser)) {
        this.log.warn({ userId: phone.userId }, 'SIP request with another user in From refused');
        this.close(link, SIP_CLOSE.impersonation, 'not your SIP user');
        return;
      }
      this.follow(link, text, true);
      const out = mask ? mask.restore(text) : text;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(out);
      else pending.push(out);
    });
    upstream.on('open', () => {
      for (const message of pending.splice(0)) upstream.send(message);
    });
    upstream.on('message', (data) => {
      const text = String(data);
      this.follow(link, text, false);
      if (browser.readyState === browser.OPEN) browser.send(mask ? mask.hide(text) : text);
    });
    upstream.on('error', (err) => {
      this.log.warn({ err: err.message, url: this.upstreamUrl }, 'Asterisk SIP WebSocket failed');
      this.close(link, SIP_CLOSE.upstreamDown, 'telephony unavailable');
    });
    upstream.on('close', () => this.close(link, SIP_CLOSE.upstreamDown, 'telephony closed the connection'));
    browser.on('close', () => this.close(link, 1000, 'browser left'));
    browser.on('error', () => this.close(link, 1000, 'browser socket error'));
  }

  closeSessions(hashes: readonly string[]): void {
    for (const link of this.links) if (hashes.includes(link.sessionHash)) this.close(link, SIP_CLOSE.sessionEnded, 'session ended');
  }

  closeUser(userId: number): void {
    for (const link of this.links) if (link.userId === userId) this.close(link, SIP_CLOSE.sessionEnded, 'phone detached');
  }

  closeAll(): void {
    for (const d of this.departed.values()) clearTimeout(d.timer);
    this.departed.clear();
    for (const link of this.links) this.close(link, 1001, 'server shutting down');
  }

  /** Keeps a link's answered calls and its phone's identity current from the SIP passing through. */
  private follow(link: Link, text: string, fromBrowser: boolean): void {
    if (!this.stranded) return;
    const f = sipFacts(text);
    if (f.callId && f.status !== null && f.status >= 200 && f.status < 300 && f.cseqMethod === 'INVITE') link.calls.add(f.callId);
    else if (f.callId && f.method === 'BYE') link.calls.delete(f.callId);
    if (fromBrowser && f.method === 'REGISTER' && f.instance && link.instance !== f.instance) {
      link.instance = f.instance;
      this.returned(link);
    }
  }

  /** A browser of a user whose calls were left behind registered: the same phone keeps them, another ends them. */
  private returned(link: Link): void {
    const d = this.departed.get(link.userId);
    if (!d) return;
    clearTimeout(d.timer);
    this.departed.delete(link.userId);
    if (d.instance !== null && d.instance === link.instance) {
      for (const callId of d.calls) link.calls.add(callId);
      return;
    }
    this.hangUpStranded(link.userId, d.sipUser, 'the page was reloaded');
  }

  private left(link: Link): void {
    if (!this.stranded || link.calls.size === 0) return;
    const previous = this.departed.get(link.userId);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      this.departed.delete(link.userId);
      this.hangUpStranded(link.userId, link.sipUser, 'the browser did not come back');
    }, this.stranded.graceMs);
    timer.unref?.();
    this.departed.set(link.userId, { instance: link.instance, calls: link.calls, sipUser: link.sipUser, timer });
  }

  private hangUpStranded(userId: number, sipUser: string, why: string): void {
    this.log.info({ userId, why }, "hanging up the calls a browser's phone left behind");
    this.stranded!.hangUp(userId, sipUser).catch((err) => this.log.warn({ err, userId }, 'could not hang up the calls a browser left behind'));
  }

  private close(link: Link, code: number, reason: string): void {
    if (!this.links.delete(link)) return;
    if (code !== 1001) this.left(link);
    if (link.browser.readyState === link.browser.OPEN || link.browser.readyState === link.browser.CONNECTING) link.browser.close(code, reason);
    if (link.upstream.readyState === WebSocket.OPEN) link.upstream.close(1000, 'browser side closed');
    else if (link.upstream.readyState === WebSocket.CONNECTING) link.upstream.terminate();
  }
}
