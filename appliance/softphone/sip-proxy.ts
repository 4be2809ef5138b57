import WebSocket from 'ws';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket as ServerSocket } from 'ws';
import type { Phone } from './phones.js';
import { impersonates, SipNumberMask } from './sip-text.js';

interface Link {
  browser: ServerSocket;
  upstream: WebSocket;
  sessionHash: string;
  userId: number;
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

  constructor(
    private readonly upstreamUrl: string,
    private readonly log: FastifyInstance['log'],
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
    const link: Link = { browser, upstream, sessionHash: request.session!.idHash, userId: phone.userId };
    this.links.add(link);
    const pending: string[] = [];

    browser.on('message', (data, isBinary) => {
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data);
      if (impersonates(text, phone.sipUser)) {
        this.log.warn({ userId: phone.userId }, 'SIP request with another user in From refused');
        this.close(link, SIP_CLOSE.impersonation, 'not your SIP user');
        return;
      }
      const out = mask ? mask.restore(text) : text;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(out);
      else pending.push(out);
    });
    upstream.on('open', () => {
      for (const message of pending.splice(0)) upstream.send(message);
    });
    upstream.on('message', (data) => {
      const text = String(data);
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
    for (const link of this.links) this.close(link, 1001, 'server shutting down');
  }

  private close(link: Link, code: number, reason: string): void {
    if (!this.links.delete(link)) return;
    if (link.browser.readyState === link.browser.OPEN || link.browser.readyState === link.browser.CONNECTING) link.browser.close(code, reason);
    if (link.upstream.readyState === WebSocket.OPEN) link.upstream.close(1000, 'browser side closed');
    else if (link.upstream.readyState === WebSocket.CONNECTING) link.upstream.terminate();
  }
}
