#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { buildApp } from './app.js';
import { databaseFile, loadConfigFile, type Config } from './config.js';
import { openDatabase } from './core/db.js';

/**
 * The appliance process: reads the config named by CONTACTBOX_CONFIG (or the first argument),
 * opens the database, serves HTTPS (and a plain-HTTP redirect), drops root privileges once the
 * ports are bound, and shuts down gracefully on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const configFile = process.argv[2] ?? process.env.CONTACTBOX_CONFIG ?? '/etc/contactbox/contactbox.yaml';
  let config: Config;
  try {
    config = loadConfigFile(configFile);
  } catch (err) {
    process.stderr.write(`contactbox: ${(err as Error).message}\n`);
    process.exitCode = 78; // EX_CONFIG: a supervisor should not restart-loop on this.
    return;
  }
  // Everything the app creates (database, keys, recordings) belongs to the service user: act as
  // that user from the start and regain root only to bind privileged ports, then drop it for good.
  const runAs = config.server.runAs && process.getuid?.() === 0 ? config.server.runAs : null;
  if (runAs) {
    process.setegid!(runAs);
    process.seteuid!(runAs);
  }
  const https = config.server.tls
    ? { key: readFileSync(config.server.tls.key), cert: readFileSync(config.server.tls.cert) }
    : null;
  const db = openDatabase(databaseFile(config));
  const app = await buildApp({
    config,
    db,
    https,
    logger: { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'] },
  });
  if (runAs) process.seteuid!(0);
  await app.listen({ host: config.server.host, port: config.server.port });

  let redirect: Server | null = null;
  if (config.server.httpRedirectPort) {
    const httpsPort = config.server.port;
    redirect = createServer((req, res) => {
      const host = (req.headers.host ?? config.server.publicNames[0] ?? 'localhost').replace(/:\d+$/, '');
      const target = `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${req.url ?? '/'}`;
      res.writeHead(308, { location: target, 'content-type': 'text/plain' });
      res.end(`Moved to ${target}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      redirect!.once('error', reject);
      redirect!.listen(config.server.httpRedirectPort!, config.server.host, resolve);
    });
  }

  if (runAs) {
    process.setgroups!([runAs]);
    process.setgid!(runAs);
    process.setuid!(runAs);
    app.log.info({ user: runAs }, 'dropped root privileges');
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    redirect?.close();
    try {
      await app.close();
    } finally {
      db.close();
      clearTimeout(force);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`contactbox: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
