#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { buildApp } from './app.js';
import { databaseFile, loadConfigFile, type Config } from './config.js';
import { openDatabase } from './core/db.js';
import { startCheckpointer } from './core/checkpointer.js';
import { liveApplyIn } from '../installer/provisioning/live.js';
import { adminSocketPath } from './core/admin-channel.js';
import { applianceLogger } from './core/logging.js';

/**
 * The appliance process: reads the config named by CONTACTBOX_CONFIG (or the first argument),
 * opens the database, serves HTTPS (and a plain-HTTP redirect) and shuts down gracefully on
 * SIGTERM/SIGINT. It never changes its own user: the supervisor starts it as the service user
 * with only the capability to bind ports below 1024 (systemd: User= and AmbientCapabilities=;
 * pm2: setpriv), because some runtimes (Debian 13's Node.js) refuse every set*id call.
 */
async function main(): Promise<void> {
  const configFile = process.argv[2] ?? process.env.CONTACTBOX_CONFIG ?? '/etc/contactbox/contactbox.yaml';
  let config: Config;
  try {
    config = loadConfigFile(configFile);
  } catch (err) {
    process.stderr.write(`contactbox: ${(err as Error).message}\n`);
    process.exit(78); // EX_CONFIG: a supervisor should not restart-loop on this.
  }
  // Everything the app creates (database, keys, recordings) must belong to the service user.
  if (config.server.runAs && process.getuid?.() === 0) {
    process.stderr.write(
      `contactbox: started as root, but this installation runs as ${config.server.runAs}; ` +
        "start it through its supervisor (contactbox status shows which), or run 'contactbox install' to repair the service\n",
    );
    process.exit(78);
  }
  const https = config.server.tls
    ? { key: readFileSync(config.server.tls.key), cert: readFileSync(config.server.tls.cert) }
    : null;
  const db = openDatabase(databaseFile(config));
  // WAL checkpoints (and their fsyncs) in a worker thread, never inside a commit on the event loop.
  const checkpointer = startCheckpointer(db, 200);
  // Console changes to trunks reach Asterisk directly when the configuration names a folder we may write.
  const telephony = (config as { telephony?: { mode?: string; asteriskEtcDir?: string; asteriskFilesDir?: string } }).telephony;
  const overrides =
    telephony?.mode === 'local' && telephony.asteriskEtcDir
      ? { trunks: { liveApply: liveApplyIn(telephony.asteriskEtcDir, telephony.asteriskFilesDir ? { ownDir: telephony.asteriskFilesDir } : {}) } }
      : {};
  const app = await buildApp({
    config,
    db,
    https,
    overrides,
    loggerInstance: applianceLogger({ dir: config.paths.logs, level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'] }),
  });
  await app.listen({ host: config.server.host, port: config.server.port });
  // Root's channel for the CLI (made while still root: only root can open it).
  await app.deps.adminChannel.listen(adminSocketPath(config.paths.data));

  let redirect: Server | null = null;
  if (config.server.httpRedirectPort) {
    const httpsPort = config.server.port;
    redirect = createServer((req, res) => {
      // Only to a name this server is configured under: a client's Host header is not trusted to say where.
      const asked = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
      const names = config.server.publicNames.map((n) => n.toLowerCase());
      const name = names.includes(asked) ? asked : (names[0] ?? 'localhost');
      const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
      const target = `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${req.url ?? '/'}`;
      res.writeHead(308, { location: target, 'content-type': 'text/plain' });
      res.end(`Moved to ${target}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      redirect!.once('error', reject);
      redirect!.listen(config.server.httpRedirectPort!, config.server.host, resolve);
    });
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
      await app.deps.adminChannel.close();
      await app.close();
    } finally {
      await checkpointer?.stop();
      db.close();
      clearTimeout(force);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  // Exit, so the supervisor sees the failure and restarts (an open handle would keep a dead
  // process "online").
  process.stderr.write(`contactbox: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
