import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to an IMAP server that cuts the first `drops` connections after `afterBytes`
 * bytes from the server: an IMAP server dropping mid-fetch.
 */
export interface FlakyProxy {
  port: number;
  connections: number;
  dropped: number;
  stop(): Promise<void>;
}

export async function startFlakyProxy(target: number, options: { drops: number; afterBytes: number }): Promise<FlakyProxy> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, dropped: 0 };
  const server: Server = createServer((client) => {
    const index = state.connections++;
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let bytes = 0;
    const cut = index < options.drops;
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (cut && bytes > options.afterBytes) {
        state.dropped++;
        client.write(chunk.subarray(0, Math.max(0, chunk.length - (bytes - options.afterBytes))));
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    get connections() {
      return state.connections;
    },
    get dropped() {
      return state.dropped;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
