import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { ServerSettings } from '../types.js';
import { classifyConnectError, MailConnectError, MailFolderMissingError } from '../failures.js';

/** One IMAP connection as the sync sees it; the only place that knows imapflow. */
export interface ImapSession {
  openFolder(path: string): Promise<{ uidvalidity: string; exists: number }>;
  /** UIDs above `lastUid` in the open folder, with sizes, ascending. */
  listAfter(lastUid: number): Promise<{ uid: number; size: number }[]>;
  /** Streams the raw source of these UIDs; `onMessage` is called in UID order as they arrive. */
  fetchRaw(uids: readonly number[], onMessage: (m: { uid: number; receivedAt: string; raw: Buffer }) => void): Promise<void>;
  /** Waits (IDLE, or the library's polling when the server has no IDLE) for new mail in the open folder. */
  waitForNewMail(timeoutMs: number, signal: AbortSignal): Promise<'new' | 'timeout' | 'closed' | 'aborted'>;
  /** Every selectable folder of the account (paths as the server names them). */
  listFolders(): Promise<string[]>;
  readonly supportsIdle: boolean;
  readonly closed: boolean;
  close(): Promise<void>;
}

export interface ImapOptions {
  /** Milliseconds before a connect or a silent socket counts as failed. */
  timeoutMs?: number;
  /** Accept self-signed certificates (test servers only). */
  allowUnauthorized?: boolean;
}

export async function openImapSession(settings: ServerSettings, options: ImapOptions = {}): Promise<ImapSession> {
  const timeout = options.timeoutMs ?? 30_000;
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    doSTARTTLS: settings.security === 'starttls' ? true : settings.security === 'none' ? false : undefined,
    auth: { user: settings.username, pass: settings.password },
    logger: false,
    autoIdleDelay: 500,
    maxIdleTime: 5 * 60_000,
    missingIdleCommand: 'NOOP',
    connectionTimeout: timeout,
    greetingTimeout: Math.min(timeout, 16_000),
    socketTimeout: Math.max(timeout * 10, 5 * 60_000),
    tls: { rejectUnauthorized: !options.allowUnauthorized },
  });
  let newMail: (() => void) | null = null;
  let closedFlag = false;
  let closedWaiter: (() => void) | null = null;
  // Without a listener an 'error' event would crash the process; failures surface through the commands.
  client.on('error', () => {});
  client.on('close', () => {
    closedFlag = true;
    closedWaiter?.();
  });
  // New mail announced while nobody waits (between a pass listing the folder and the next wait)
  // is remembered, so the wait ends at once instead of at the next poll.
  let announced = false;
  client.on('exists', () => (newMail ? newMail() : (announced = true)));
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw classifyConnectError(err, settings, 'IMAP');
  }

  return {
    get supportsIdle() {
      return client.capabilities.has('IDLE');
    },
    get closed() {
      return closedFlag || !client.usable;
    },
    async openFolder(path) {
      try {
        const box = await client.mailboxOpen(path);
        return { uidvalidity: String(box.uidValidity), exists: box.exists };
      } catch (err) {
        // The admin's folder list names a folder the account does not have: say which one.
        if ((err as { mailboxMissing?: boolean }).mailboxMissing) throw new MailFolderMissingError(path, err);
        throw err;
      }
    },
    async listFolders() {
      const list = await client.list();
      return list.filter((f) => !f.flags?.has('\\Noselect') && !f.flags?.has('\\NonExistent')).map((f) => f.path).sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a.localeCompare(b)));
    },
    async listAfter(lastUid) {
      announced = false; // this listing sees whatever was announced before it
      const out: { uid: number; size: number }[] = [];
      for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
        // `n:*` also returns the highest message when n is above it.
        if (m.uid > lastUid) out.push({ uid: m.uid, size: m.size ?? 0 });
      }
      return out.sort((a, b) => a.uid - b.uid);
    },
    async fetchRaw(uids, onMessage) {
      if (uids.length === 0) return;
      for await (const m of client.fetch(uids.join(','), { uid: true, source: true, internalDate: true }, { uid: true }) as AsyncIterable<FetchMessageObject>) {
        if (!m.source) continue;
        const at = m.internalDate ? new Date(m.internalDate) : new Date();
        onMessage({ uid: m.uid, receivedAt: Number.isNaN(at.getTime()) ? new Date().toISOString() : at.toISOString(), raw: m.source });
      }
    },
    waitForNewMail(timeoutMs, signal) {
      if (closedFlag) return Promise.resolve('closed');
      if (announced) {
        announced = false;
        return Promise.resolve('new');
      }
      return new Promise((resolve) => {
        const done = (why: 'new' | 'timeout' | 'closed' | 'aborted') => {
          clearTimeout(timer);
          newMail = null;
          closedWaiter = null;
          signal.removeEventListener('abort', onAbort);
          resolve(why);
        };
        const onAbort = () => done('aborted');
        const timer = setTimeout(() => done('timeout'), timeoutMs);
        newMail = () => done('new');
        closedWaiter = () => done('closed');
        signal.addEventListener('abort', onAbort);
        if (signal.aborted) done('aborted');
        // imapflow starts IDLE by itself after `autoIdleDelay` of silence (or polls with NOOP).
      });
    },
    async close() {
      // LOGOUT racing imapflow's own IDLE start can go unanswered: a stop must not hang on it.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 3000)));
      try {
        if ((await Promise.race([client.logout(), late])) === 'late') client.close();
      } catch {
        client.close();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Connection test for the admin: connect, log in, find INBOX and every folder asked for,
 * log out. Answers the account's folders so the admin can choose which to sync.
 */
export async function testImap(
  settings: ServerSettings,
  options: ImapOptions = {},
  open: (settings: ServerSettings, options: ImapOptions) => Promise<ImapSession> = openImapSession,
  wanted: readonly string[] = [],
): Promise<{ folders: string[] }> {
  const session = await open(settings, options);
  try {
    try {
      await session.openFolder('INBOX');
    } catch (err) {
      throw new MailConnectError({ code: 'MAIL_NO_INBOX', params: { username: settings.username, host: settings.host } }, err);
    }
    const folders = await session.listFolders();
    const missing = wanted.find((f) => f !== 'INBOX' && !folders.includes(f));
    if (missing !== undefined) throw new MailConnectError({ code: 'MAIL_NO_FOLDER', params: { folder: missing, username: settings.username, host: settings.host } }, null);
    return { folders };
  } finally {
    await session.close();
  }
}
