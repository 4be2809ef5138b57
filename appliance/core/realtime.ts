import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { SessionUser } from './auth/sessions.js';
import { holdWrites } from './write-batch.js';

/**
 * Live events to browsers over one WebSocket per tab (`/api/v1/events`). Publishers give a
 * `render(viewer)` function instead of a payload, so masking is applied per recipient; a render
 * returning `undefined` means "not for this viewer". Sockets of a revoked session close at once.
 */
export interface LiveEvent {
  type: string;
  render: (viewer: SessionUser) => unknown;
  /** Only these users receive it; default everyone connected. */
  userIds?: readonly number[];
}

interface Connection {
  socket: WebSocket;
  /** The connection under the WebSocket: frames sent while one event is handled leave in one write. */
  stream?: Writable;
  user: SessionUser;
  sessionHash: string;
}

export class RealtimeHub {
  private readonly connections = new Set<Connection>();

  add(connection: Connection): void {
    this.connections.add(connection);
    connection.socket.on('close', () => this.connections.delete(connection));
  }

  /**
   * Renders the event for each connection; a render returning the very same object for several
   * viewers (nothing masked in it) is serialized once for all of them.
   */
  publish(event: LiveEvent): void {
    const at = new Date().toISOString();
    let last: unknown;
    let frame = '';
    for (const c of this.connections) {
      if (event.userIds && !event.userIds.includes(c.user.id)) continue;
      if (c.socket.readyState !== c.socket.OPEN) continue;
      const data = event.render(c.user);
      if (data === undefined) continue;
      if (data !== last || !frame) {
        last = data;
        frame = JSON.stringify({ type: event.type, at, data });
      }
      holdWrites(c.stream);
      c.socket.send(frame);
    }
  }

  closeSessions(sessionHashes: readonly string[]): void {
    for (const c of this.connections) {
      if (sessionHashes.includes(c.sessionHash)) c.socket.close(4401, 'session ended');
    }
  }

  /** The users with the workspace open right now (one entry per user). */
  connectedUsers(): SessionUser[] {
    const users = new Map<number, SessionUser>();
    for (const c of this.connections) users.set(c.user.id, c.user);
    return [...users.values()];
  }

  get size(): number {
    return this.connections.size;
  }

  closeAll(): void {
    for (const c of this.connections) c.socket.close(1001, 'server shutting down');
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: RealtimeHub;
  }
}

export const realtimePlugin = fp(
  async function realtime(app: FastifyInstance) {
    const hub = new RealtimeHub();
    app.decorate('realtime', hub);
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    app.sessions.onRevoked((hashes) => hub.closeSessions(hashes));
    app.addHook('onClose', async () => hub.closeAll());

    app.get('/api/v1/events', { websocket: true, config: { access: 'user' } }, (socket, request) => {
      hub.add({ socket, stream: request.raw.socket, user: request.user!, sessionHash: request.session!.idHash });
      socket.send(JSON.stringify({ type: 'hello', at: new Date().toISOString(), data: { userId: request.user!.id } }));
      // The browser only listens; anything it sends is ignored except a ping.
      socket.on('message', (raw) => {
        if (String(raw) === 'ping') socket.send(JSON.stringify({ type: 'pong', at: new Date().toISOString(), data: null }));
      });
    });
  },
  { name: 'realtime', dependencies: ['auth'] },
);
