import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { SessionUser } from './auth/sessions.js';

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
  user: SessionUser;
  sessionHash: string;
}

export class RealtimeHub {
  private readonly connections = new Set<Connection>();

  add(connection: Connection): void {
    this.connections.add(connection);
    connection.socket.on('close', () => this.connections.delete(connection));
  }

  publish(event: LiveEvent): void {
    const at = new Date().toISOString();
    for (const c of this.connections) {
      if (event.userIds && !event.userIds.includes(c.user.id)) continue;
      const data = event.render(c.user);
      if (data === undefined) continue;
      if (c.socket.readyState === c.socket.OPEN) c.socket.send(JSON.stringify({ type: event.type, at, data }));
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
      hub.add({ socket, user: request.user!, sessionHash: request.session!.idHash });
      socket.send(JSON.stringify({ type: 'hello', at: new Date().toISOString(), data: { userId: request.user!.id } }));
      // The browser only listens; anything it sends is ignored except a ping.
      socket.on('message', (raw) => {
        if (String(raw) === 'ping') socket.send(JSON.stringify({ type: 'pong', at: new Date().toISOString(), data: null }));
      });
    });
  },
  { name: 'realtime', dependencies: ['auth'] },
);
