import { makeMessage } from '../mail/support/corpus.js';
import type { Dovecot } from './dovecot.js';
import { https, type Target } from './system-root.js';

/**
 * Mail on an installed appliance, seen only through its HTTPS API: a real Dovecot account added
 * as a mailbox, mail delivered into it, and waiting for the appliance to have synced it.
 */

let delivered = 0;

/** Adds the Dovecot account (reached at `imapHost`) as a mailbox (INBOX) through the admin API; returns its id. */
export async function addMailbox(target: Target, ca: string, session: Record<string, string>, dovecot: Dovecot, address: string, imapHost = dovecot.host): Promise<number> {
  const r = await https(target, ca, 'POST', '/api/v1/mailboxes', {
    address,
    imap: { host: imapHost, port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
    smtp: { host: imapHost, port: 2525, security: 'none', username: '', password: '' },
  }, session);
  if (r.status !== 201) throw new Error(`adding the mailbox: HTTP ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { id: number }).id;
}

/** Delivers one message with this subject into the account's INBOX. */
export async function deliver(dovecot: Dovecot, subject: string): Promise<void> {
  await dovecot.append('INBOX', [Buffer.from(makeMessage(90_000 + process.pid + ++delivered, 2, { subject, messageId: `<${subject.replace(/\W+/g, '-')}-${process.pid}@client.test>` }))]);
}

/** Waits (a condition, not a time limit) until the appliance lists a message with this subject. */
export async function waitForSubject(target: Target, ca: string, session: Record<string, string>, mailboxId: number, subject: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await https(target, ca, 'GET', `/api/v1/messages?mailboxId=${mailboxId}&limit=200`, undefined, session);
      if (r.status === 200 && (JSON.parse(r.body) as { items: { subject: string }[] }).items.some((m) => m.subject === subject)) return;
      const box = await https(target, ca, 'GET', `/api/v1/mailboxes/${mailboxId}`, undefined, session);
      last = `messages HTTP ${r.status}; mailbox ${box.body.slice(0, 300)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`"${subject}" was not synced from mailbox ${mailboxId} (last: ${last})`);
}
