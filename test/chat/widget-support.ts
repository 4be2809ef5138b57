import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const widgetSrc = join(repoRoot, 'appliance/chat/widget');
export const widgetBuildDir = join(repoRoot, 'dist/widget');

/** Builds the widget with the project's script when dist/widget is missing or older than its sources. */
export function ensureWidgetBuilt(): string {
  const launcher = join(widgetBuildDir, 'launcher.js');
  const newest = Math.max(...readdirSync(widgetSrc).map((f) => statSync(join(widgetSrc, f)).mtimeMs));
  if (!existsSync(launcher) || statSync(launcher).mtimeMs < newest) {
    execFileSync(process.execPath, [join(repoRoot, 'scripts/build-widget.mjs')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CONTACTBOX_UI_BUILD_QUIET: '1' } });
  }
  return widgetBuildDir;
}

/** A customer's website: one tiny page on its own loopback address and port. */
export async function customerSite(host: string, body: () => string): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createHttpServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP relay in front of the appliance standing for one side's network: `cut()` drops every
 * connection at once, and while `swallow` is set the appliance's bytes never reach the client
 * (an acknowledgement lost on the way).
 */
export class NetworkCut {
  swallow = false;
  private readonly pairs = new Set<[Socket, Socket]>();
  private server = createTcpServer((client) => {
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (!this.swallow) client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  get open(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
