import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

/**
 * A real Dovecot (Debian's dovecot-imapd) for integration tests: its own config, base_dir,
 * state_dir and maildirs under a temp dir, one passwd-file user, listening on 127.0.0.1 on a
 * random free port. Mail is stored as `nobody`, since Dovecot refuses to access mail as uid 0.
 */
export interface Dovecot {
  host: string;
  port: number;
  username: string;
  password: string;
  dir: string;
  /** A logged-in imapflow client (the caller logs out). */
  client(): Promise<ImapFlow>;
  /** APPENDs raw messages to a folder (created if missing); returns the folder's UIDVALIDITY. */
  append(folder: string, raws: readonly Buffer[], flags?: string[]): Promise<bigint>;
  /** Runs `doveadm` against this instance. */
  doveadm(args: readonly string[]): Promise<string>;
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const NOBODY = 65534;

/** `alsoListen`: addresses besides 127.0.0.1 it answers on (a booted test system reaches it there). */
export async function startDovecot(options: { username?: string; password?: string; extraConfig?: string; alsoListen?: string[] } = {}): Promise<Dovecot> {
  const username = options.username ?? 'agent';
  const password = options.password ?? 'dovecot-test-password';
  const dir = mkdtempSync(join(tmpdir(), 'contactbox-dovecot-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, sub), { recursive: true });
  for (const sub of ['mail', 'home']) chownSync(join(dir, sub), NOBODY, NOBODY);
  const port = await freePort();
  const addresses = ['127.0.0.1', ...(options.alsoListen ?? [])].join(', ');
  writeFileSync(join(dir, 'passwd'), `${username}:{PLAIN}${password}:${NOBODY}:${NOBODY}::${join(dir, 'home', username)}::\n`);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `protocols = imap
listen = ${addresses}
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${join(dir, 'dovecot.log')}
instance_name = contactbox-test-${port}
ssl = no
mail_fsync = never
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${join(dir, 'mail')}/%u
first_valid_uid = ${NOBODY}
last_valid_uid = ${NOBODY}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(dir, 'passwd')}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${join(dir, 'passwd')}
}
service imap-login {
  inet_listener imap {
    address = ${addresses}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
${options.extraConfig ?? ''}
`,
  );
  const child: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readLog = () => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  await waitForPort(port, 10_000).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`dovecot did not start: ${err.message}\n${output}\n${readLog()}`);
  });

  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: username, pass: password }, logger: false });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    dir,
    client,
    async append(folder, raws, flags = []) {
      const c = await client();
      try {
        if (folder !== 'INBOX') {
          const list = await c.list();
          if (!list.some((f) => f.path === folder)) await c.mailboxCreate(folder);
        }
        for (const raw of raws) await c.append(folder, raw, flags);
        const status = await c.status(folder, { uidValidity: true });
        return BigInt(status ? status.uidValidity ?? 0n : 0n);
      } finally {
        await c.logout().catch(() => {});
      }
    },
    async doveadm(args) {
      return new Promise((resolve, reject) => {
        const p = spawn('/usr/bin/doveadm', ['-c', conf, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (out += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`doveadm ${args.join(' ')} failed (${code}): ${out}`))));
      });
    },
    log: readLog,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
