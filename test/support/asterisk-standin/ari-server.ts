import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AriFrame } from './scenario.js';

/**
 * The ARI half of the stand-in: HTTP with Basic auth answered like Asterisk 22 (401 with
 * `WWW-Authenticate: Basic realm="Asterisk REST Interface"`, 404 `{"message":…}`), the channel
 * list, stored recordings and the `/ari/events` WebSocket replaying recorded frames. A dropped
 * events socket ends without a close frame, as the real one did at shutdown.
 */
export class AriStandin {
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<WebSocket>();
  private timers: NodeJS.Timeout[] = [];
  port = 0;
  channels: unknown[] = [];
  /** Stored recordings by name (without extension): format and bytes. */
  readonly stored = new Map<string, { format: string; bytes: Buffer }>();
  readonly requests: string[] = [];

  constructor(private readonly credentials = { username: 'crm', password: 'crmari', app: 'crm' }) {}

  async start(): Promise<number> {
    const server = createServer((req, res) => this.handle(req, res));
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const key = url.searchParams.get('api_key');
      if (url.pathname !== '/ari/events' || key !== `${this.credentials.username}:${this.credentials.password}` || url.searchParams.get('app') !== this.credentials.app) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="Asterisk REST Interface"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
      });
    });
    this.server = server;
    this.wss = wss;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  play(frames: readonly AriFrame[], speed = 1): Promise<void> {
    return new Promise((resolve) => {
      for (const f of frames) this.timers.push(setTimeout(() => this.sockets.forEach((s) => s.send(f.text)), (f.t * 1000) / speed));
      this.timers.push(setTimeout(resolve, ((frames.at(-1)?.t ?? 0) * 1000) / speed + 5));
    });
  }

  /** Ends every events socket abruptly (no close frame), like an Asterisk shutting down. */
  dropSockets(): void {
    for (const s of this.sockets) s.terminate();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.dropSockets();
    this.wss?.close();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    res.writeHead(status, {
      Server: 'Asterisk/22.10.1',
      Date: new Date().toUTCString(),
      'Cache-Control': 'no-cache, no-store',
      'Content-type': type,
      'Content-Length': payload.length,
      ...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' } : {}),
    });
    res.end(payload);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push(`${req.method} ${req.url}`);
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    if (auth !== expected) return this.send(res, 401, { message: 'Authentication required' });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/ari/channels') return this.send(res, 200, this.channels);
    if (req.method === 'GET' && path === '/ari/recordings/stored') {
      return this.send(res, 200, [...this.stored].map(([name, r]) => ({ name, format: r.format })));
    }
    const file = /^\/ari\/recordings\/stored\/([^/]+)\/file$/.exec(path);
    if (req.method === 'GET' && file) {
      const rec = this.stored.get(decodeURIComponent(file[1]!));
      if (!rec) return this.send(res, 404, { message: 'Recording not found' });
      return this.send(res, 200, rec.bytes, rec.format === 'wav' ? 'audio/wav' : 'application/octet-stream');
    }
    const stored = /^\/ari\/recordings\/stored\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && stored) {
      // As Asterisk: 204 No Content, or 404 with "Recording not found".
      if (!this.stored.delete(decodeURIComponent(stored[1]!))) return this.send(res, 404, { message: 'Recording not found' });
      res.writeHead(204);
      res.end();
      return;
    }
    return this.send(res, 404, { message: 'Not found' });
  }
}
