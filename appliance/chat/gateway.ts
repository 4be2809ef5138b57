import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { AppError } from '../core/errors.js';
import { holdWrites } from '../core/write-batch.js';
import { translate } from '../core/i18n.js';
import type { Language } from '../config.js';
import { checkIdentity } from './identity.js';
import { parseClientFrame, type ClientFrame, type ServerFrame } from './protocol.js';
import { RateLimiter, type RateRule } from './rate-limit.js';
import type { Conversation, Visitor } from './repository.js';
import { pickLanguage } from './settings.js';
import type { ChatService } from './service.js';
import type { Site, SitesService } from './sites-service.js';
import { storeFile, typeAllowed } from './files.js';
import type { IdentityLinker } from './identity-linker.js';

export interface GatewayLimits {
  /** Per IP and per site: new conversations. */
  ipStarts: RateRule;
  siteStarts: RateRule;
  /** Per IP and per site: messages (and uploads). */
  ipMessages: RateRule;
  siteMessages: RateRule;
  /** New visitor sockets per IP. */
  ipConnects: RateRule;
  messageChars: number;
  frameBytes: number;
}

export const defaultGatewayLimits: GatewayLimits = {
  ipStarts: { perMinute: 6, burst: 5 },
  siteStarts: { perMinute: 600, burst: 100 },
  ipMessages: { perMinute: 60, burst: 20 },
  siteMessages: { perMinute: 6000, burst: 1000 },
  ipConnects: { perMinute: 60, burst: 30 },
  messageChars: 4000,
  frameBytes: 32 * 1024,
};

interface VisitorConnection {
  socket: WebSocket;
  /** The connection under the WebSocket: frames sent while one event is handled leave in one write. */
  stream: Writable;
  site: Site;
  visitor: Visitor | null;
  conversationId: number | null;
  ip: string;
  origin: string;
  registrableDomain: string;
  language: Language;
}

/** Where the built widget is: dist/widget (next to compiled code, or from a source checkout). */
export function widgetDir(): string | null {
  for (const rel of ['../../widget/', '../../dist/widget/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'launcher.js'))) return dir;
  }
  return null;
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The widget's public context: the launcher and panel scripts, the visitor socket and file
 * transfer. Every request must come from an origin the site lists (`Origin` header; the widget's
 * script tags are loaded with `crossorigin`, so browsers send it), and is rate-limited per IP
 * and per site. Nothing here needs a session; a visitor is known by the resume token the
 * widget keeps in the page's local storage.
 */
export class VisitorGateway {
  private readonly byConversation = new Map<number, Set<VisitorConnection>>();
  private readonly limiters;

  constructor(
    private readonly d: {
      chat: ChatService;
      sites: SitesService;
      identities: IdentityLinker;
      limits: GatewayLimits;
      dataDir: string;
      clock: { now(): Date };
      log: FastifyInstance['log'];
      moduleAvailable: () => boolean;
    },
  ) {
    const l = d.limits;
    this.limiters = {
      ipStarts: new RateLimiter(l.ipStarts),
      siteStarts: new RateLimiter(l.siteStarts),
      ipMessages: new RateLimiter(l.ipMessages),
      siteMessages: new RateLimiter(l.siteMessages),
      ipConnects: new RateLimiter(l.ipConnects),
    };
  }

  /** The visitor channel the service sends through. */
  send(conversationId: number, frame: ServerFrame): void {
    const conns = this.byConversation.get(conversationId);
    if (!conns) return;
    const data = JSON.stringify(frame);
    for (const c of conns) {
      if (c.socket.readyState !== c.socket.OPEN) continue;
      holdWrites(c.stream);
      c.socket.send(data);
    }
  }

  get connections(): number {
    let n = 0;
    for (const s of this.byConversation.values()) n += s.size;
    return n;
  }

  closeAll(): void {
    for (const set of this.byConversation.values()) for (const c of set) c.socket.close(1001, 'server shutting down');
  }

  siteForKey(key: string): Site | null {
    return this.d.sites.byKey(key);
  }

  /** The site named in the URL, when the request's Origin is one of its origins; otherwise a coded refusal. */
  siteFor(request: FastifyRequest, key: string): { site: Site; origin: string; registrableDomain: string } {
    const site = this.d.sites.byKey(key);
    const origin = request.headers.origin;
    const match = site && typeof origin === 'string' ? site.origins.find((o) => o.origin === origin) : undefined;
    if (!site || !match) throw new AppError('CHAT_ORIGIN_REFUSED');
    return { site, origin: match.origin, registrableDomain: match.registrableDomain };
  }

  limit(limiter: keyof VisitorGateway['limiters'], key: string): void {
    const wait = this.limiters[limiter].take(key);
    if (wait > 0) throw new AppError('CHAT_RATE_LIMITED', { seconds: wait });
  }

  attach(socket: WebSocket, request: FastifyRequest, site: Site, origin: string, registrableDomain: string): void {
    const conn: VisitorConnection = { socket, stream: request.raw.socket, site, visitor: null, conversationId: null, ip: request.ip, origin, registrableDomain, language: site.settings.defaultLanguage };
    let queue = Promise.resolve();
    socket.on('message', (raw, isBinary) => {
      // Frames are handled one after another per socket, so a message is acked in the order it came.
      queue = queue.then(() => this.handle(conn, raw, isBinary)).catch((err) => this.d.log.error({ err }, 'chat: visitor frame failed'));
    });
    socket.on('close', () => this.detach(conn));
    socket.on('error', () => socket.terminate());
  }

  private async handle(conn: VisitorConnection, raw: unknown, isBinary: boolean): Promise<void> {
    const text = isBinary ? '' : String(raw);
    const frame = text.length <= this.d.limits.frameBytes ? parseClientFrame(text, this.d.limits.messageChars) : null;
    if (!frame) return this.reply(conn, { t: 'error', code: 'VALIDATION_FAILED', message: this.tr(conn, 'VALIDATION_FAILED', { detail: 'malformed frame' }) });
    try {
      await this.dispatch(conn, frame);
    } catch (err) {
      if (err instanceof AppError) {
        this.reply(conn, { t: 'error', code: err.code, message: this.tr(conn, err.code, err.params), ...(frame.t === 'msg' ? { cid: frame.cid } : {}) });
      } else {
        this.d.log.error({ err }, 'chat: visitor frame failed');
        this.reply(conn, { t: 'error', code: 'INTERNAL', message: this.tr(conn, 'INTERNAL', { requestId: '-' }) });
      }
    }
  }

  private async dispatch(conn: VisitorConnection, f: ClientFrame): Promise<void> {
    if (f.t === 'ping') return this.reply(conn, { t: 'pong' });
    if (f.t === 'hello') return this.hello(conn, f);
    const visitor = conn.visitor;
    if (!visitor) throw new AppError('CHAT_VISITOR_UNKNOWN');
    const site = this.d.sites.byKey(conn.site.publicKey) ?? conn.site;
    switch (f.t) {
      case 'identify': {
        const reason = checkIdentity(site.secret, f, this.d.clock.now().getTime());
        if (reason) throw new AppError('CHAT_IDENTITY_INVALID', { reason });
        conn.visitor = this.d.identities.link(visitor, conn.registrableDomain, { id: f.id, email: f.email ?? null, name: f.name ?? null });
        return this.reply(conn, { t: 'identified', verified: true });
      }
      case 'start': {
        this.assertAvailable();
        const existing = conn.conversationId === null ? null : this.d.chat.repo.conversation(conn.conversationId);
        if (!existing || existing.state === 'closed') {
          this.limit('ipStarts', conn.ip);
          this.limit('siteStarts', String(site.id));
        }
        const c = this.d.chat.start(site, visitor, { form: f.form ?? {}, language: conn.language }, f.mode ?? 'live');
        this.join(conn, c);
        return this.reply(conn, this.d.chat.visitorState(c));
      }
      case 'msg': {
        // Not read again per message: storing refuses a conversation closed meanwhile.
        const conversationId = conn.conversationId ?? this.current(conn).id;
        this.limit('ipMessages', conn.ip);
        this.limit('siteMessages', String(site.id));
        const { message } = this.d.chat.visitorMessage(site, conversationId, { clientId: f.cid, text: f.text });
        // Sent after the message is stored (and to this socket even when it was a repeat).
        return this.reply(conn, { t: 'ack', cid: f.cid, seq: message.seq, at: message.at });
      }
      case 'typing':
        return this.d.chat.typing(site, this.current(conn), 'visitor', f.on);
      case 'read':
        return this.d.chat.read(site, this.current(conn), 'visitor', f.seq);
      case 'rate':
        this.d.chat.rate(this.current(conn, true), f.score, f.comment ?? null);
        return this.reply(conn, { t: 'done', what: 'rate' });
      case 'transcript':
        await this.d.chat.transcript(this.current(conn, true), f.email);
        return this.reply(conn, { t: 'done', what: 'transcript' });
      case 'close': {
        const c = this.current(conn);
        this.d.chat.close({ visitor: true }, c.id);
        return;
      }
    }
  }

  private hello(conn: VisitorConnection, f: Extract<ClientFrame, { t: 'hello' }>): void {
    const site = this.d.sites.byKey(conn.site.publicKey) ?? conn.site;
    conn.language = pickLanguage(site.settings, f.lang);
    const now = this.d.clock.now().toISOString();
    let visitor = f.token ? this.d.chat.repo.visitorByTokenHash(tokenHash(f.token)) : null;
    let token = f.token ?? '';
    if (!visitor || visitor.siteId !== site.id) {
      this.limit('ipConnects', conn.ip);
      token = randomBytes(24).toString('base64url');
      visitor = this.d.chat.repo.insertVisitor(site.id, tokenHash(token), conn.language, now);
    } else {
      this.d.chat.repo.visitorSeen(visitor.id, now);
    }
    conn.visitor = visitor;
    const conversation = this.d.chat.repo.openConversationOf(visitor.id) ?? this.d.chat.repo.lastConversationOf(visitor.id);
    const available = this.d.moduleAvailable();
    const availability = this.d.chat.availability(site);
    const texts = (site.settings.texts as Partial<Record<Language, Record<string, string>>>)[conn.language] ?? {};
    this.reply(conn, {
      t: 'welcome',
      token,
      site: {
        name: site.name,
        languages: site.settings.languages,
        language: conn.language,
        texts: texts as Record<string, string>,
        form: site.settings.form,
        uploads: site.settings.uploads,
      },
      available,
      unavailableReason: available ? null : 'module',
      open: availability.open,
      closedReason: availability.reason,
      verified: visitor.verified,
      conversationId: conversation?.id ?? null,
    });
    if (conversation) {
      this.join(conn, conversation);
      // Everything after what this tab has shown, in order; then the current state.
      let after = f.lastSeq ?? 0;
      for (;;) {
        const batch = this.d.chat.repo.messagesAfter(conversation.id, after, 500);
        for (const m of batch) if (m.author !== 'note') this.reply(conn, this.d.chat.messageFrame(m));
        if (batch.length < 500) break;
        after = batch[batch.length - 1]!.seq;
      }
      this.reply(conn, this.d.chat.visitorState(conversation));
    }
  }

  /** Stores a file a visitor sends as a message (HTTP, since files are larger than socket frames). */
  async upload(request: FastifyRequest, site: Site, q: { token: string; cid: string; name: string }): Promise<{ seq: number; at: string; file: { id: string; name: string; type: string; bytes: number } }> {
    const visitor = this.d.chat.repo.visitorByTokenHash(tokenHash(q.token));
    if (!visitor || visitor.siteId !== site.id) throw new AppError('CHAT_VISITOR_UNKNOWN');
    const conversation = this.d.chat.repo.openConversationOf(visitor.id);
    if (!conversation) throw new AppError('CHAT_NOT_FOUND', { id: '-' });
    this.limit('ipMessages', request.ip);
    this.limit('siteMessages', String(site.id));
    const rules = site.settings.uploads;
    const type = String(request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
    if (!rules.enabled || !typeAllowed(type, rules.types)) throw new AppError('CHAT_FILE_TYPE_REFUSED', { type });
    const body = request.body as Buffer;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'the file is empty' });
    if (body.length > rules.maxBytes) throw new AppError('CHAT_FILE_TOO_LARGE', { limit: rules.maxBytes });
    const stored = await storeFile(this.d.dataDir, body);
    this.d.chat.repo.insertFile(stored.sha256, stored.path, stored.bytes, this.d.clock.now().toISOString());
    const name = q.name.replace(/[\u0000-\u001f/\\]/g, '_').slice(0, 200) || 'file';
    const { message } = this.d.chat.visitorMessage(site, conversation.id, { clientId: q.cid, text: '', file: { sha256: stored.sha256, name, type, bytes: stored.bytes } });
    return { seq: message.seq, at: message.at, file: { id: stored.sha256, name: message.file!.name, type: message.file!.type, bytes: message.file!.bytes } };
  }

  /** A file of the visitor's own conversation, always as a download. */
  download(reply: FastifyReply, site: Site, token: string, sha: string): FastifyReply {
    const visitor = this.d.chat.repo.visitorByTokenHash(tokenHash(token));
    if (!visitor || visitor.siteId !== site.id) throw new AppError('CHAT_VISITOR_UNKNOWN');
    const conversation = this.d.chat.repo.openConversationOf(visitor.id) ?? this.d.chat.repo.lastConversationOf(visitor.id);
    const file = conversation ? this.d.chat.repo.fileInConversation(conversation.id, sha) : null;
    if (!file) throw new AppError('CHAT_FILE_NOT_FOUND');
    return sendDownload(reply, this.d.dataDir, file);
  }

  private current(conn: VisitorConnection, allowClosed = false): Conversation {
    const id = conn.conversationId ?? (conn.visitor ? this.d.chat.repo.openConversationOf(conn.visitor.id)?.id : undefined);
    const c = id ? this.d.chat.repo.conversation(id) : null;
    if (!c) throw new AppError('VALIDATION_FAILED', { detail: 'start a chat first' });
    if (c.state === 'closed' && !allowClosed) throw new AppError('CHAT_CLOSED', { id: c.id });
    return c;
  }

  private assertAvailable(): void {
    if (!this.d.moduleAvailable()) throw new AppError('LICENSE_MODULE_NOT_LICENSED', { module: 'chat' });
  }

  private join(conn: VisitorConnection, c: Conversation): void {
    if (conn.conversationId === c.id) return;
    if (conn.conversationId !== null) this.byConversation.get(conn.conversationId)?.delete(conn);
    conn.conversationId = c.id;
    let set = this.byConversation.get(c.id);
    if (!set) this.byConversation.set(c.id, (set = new Set()));
    set.add(conn);
  }

  private detach(conn: VisitorConnection): void {
    if (conn.conversationId === null) return;
    const set = this.byConversation.get(conn.conversationId);
    set?.delete(conn);
    if (set && set.size === 0) this.byConversation.delete(conn.conversationId);
  }

  private reply(conn: VisitorConnection, frame: ServerFrame): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    holdWrites(conn.stream);
    conn.socket.send(JSON.stringify(frame));
  }

  private tr(conn: VisitorConnection, code: string, params: Record<string, string | number>): string {
    return translate(conn.language, `errors.${code}`, params);
  }
}

/** Sends a stored chat file as an attachment only: never rendered by the browser, whatever it holds. */
export function sendDownload(reply: FastifyReply, dataDir: string, file: { path: string; name: string; bytes: number }): FastifyReply {
  const ascii = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .header('content-length', String(file.bytes))
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cache-control', 'private, no-store');
  return reply.send(createReadStream(join(dataDir, file.path)));
}

export const KeyParams = Type.Object({ key: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }) }, { additionalProperties: false });

/** The widget's scripts, read once at start. */
export function loadWidgetAssets(dir: string | null): { launcher: Buffer; panel: Buffer } | null {
  if (!dir) return null;
  try {
    return { launcher: readFileSync(join(dir, 'launcher.js')), panel: readFileSync(join(dir, 'panel.js')) };
  } catch {
    return null;
  }
}
