import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { AppError } from './errors.js';

/**
 * The local admin channel: the appliance is the database's one writer, so `contactbox` commands
 * that change data (trunks, retention, licence, unlocking a user) ask the running appliance to
 * do it through a Unix socket only root can open (directory 0700, socket 0600, made before the
 * appliance drops root). Capabilities register operations by name; the CLI opens the database
 * itself only when nothing answers here (the appliance is stopped).
 *
 * Protocol: one JSON line `{op, args}` in, one JSON line out — `{ok: true, result}` or
 * `{ok: false, error: {code, message, status, params}}` — then the connection closes.
 */
export type AdminOperation = (args: Record<string, unknown>) => unknown;

export interface AdminFailure {
  code: string;
  message: string;
  status: number;
  params: Record<string, unknown>;
}

export type AdminReply = { ok: true; result: unknown } | { ok: false; error: AdminFailure };

/** Where the socket of the installation whose data directory is `dataDir` lives. */
export function adminSocketPath(dataDir: string): string {
  return join(dataDir, 'admin', 'admin.sock');
}

/** An error an operation throws to give the CLI a code and parameters (e.g. a field) besides the text. */
export class AdminOperationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly params: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AdminOperationError';
  }
}

export class AdminChannel {
  private readonly ops = new Map<string, AdminOperation>();
  private server: Server | null = null;

  register(name: string, op: AdminOperation): void {
    if (this.ops.has(name)) throw new TypeError(`admin operation ${name} is registered twice`);
    this.ops.set(name, op);
  }

  operations(): string[] {
    return [...this.ops.keys()].sort();
  }

  /** Runs one operation and returns its reply envelope; never throws. */
  async call(op: string, args: Record<string, unknown> = {}): Promise<AdminReply> {
    const handler = this.ops.get(op);
    if (!handler) return { ok: false, error: { code: 'ADMIN_OPERATION_UNKNOWN', message: `the appliance has no operation ${op} (is it an older version?)`, status: 404, params: {} } };
    try {
      return { ok: true, result: (await handler(args)) ?? null };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message, status: err.status, params: err.params } };
      if (err instanceof AdminOperationError) return { ok: false, error: { code: err.code, message: err.message, status: err.status, params: err.params } };
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'INTERNAL';
      return { ok: false, error: { code, message: (err as Error).message, status: 500, params: {} } };
    }
  }

  /** Listens on `path` (a stale socket from a crash is replaced); call as root before dropping privileges. */
  async listen(path: string): Promise<void> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    chmodSync(dirname(path), 0o700);
    rmSync(path, { force: true });
    const server = createServer((socket) => {
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.length > 8 * 1024 * 1024) return socket.destroy();
        const end = buffer.indexOf('\n');
        if (end < 0) return;
        socket.pause();
        let request: { op?: unknown; args?: unknown };
        try {
          request = JSON.parse(buffer.slice(0, end)) as typeof request;
        } catch {
          socket.end(`${JSON.stringify({ ok: false, error: { code: 'ADMIN_BAD_REQUEST', message: 'not JSON', status: 400, params: {} } })}\n`);
          return;
        }
        const args = request.args && typeof request.args === 'object' ? (request.args as Record<string, unknown>) : {};
        void this.call(String(request.op), args).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(path, 0o600);
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The CLI's side: sends one operation to the appliance listening at `path`. Resolves to null
 * when nothing listens there (no socket, or a stale one: the appliance is stopped).
 */
export function callAdmin(path: string, op: string, args: Record<string, unknown> = {}): Promise<AdminReply | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let answer = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ op, args })}\n`);
    });
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')) resolve(null);
      else reject(err);
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(answer.trim()) as AdminReply);
      } catch {
        reject(new Error(`the appliance's admin channel gave an unreadable answer to ${op}`));
      }
    });
  });
}
