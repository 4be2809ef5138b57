import { createHash } from 'node:crypto';

/**
 * Message-ID rules shared by sync, threading and replies. `<abc@x>`, `abc@x`, ` < abc@x > `
 * are one id: angle brackets and whitespace (including folded header whitespace) are not part
 * of the id. A message without one gets a stable synthetic id derived from its content hash,
 * so the same message fetched again (or from another mailbox) gets the same id.
 */
export function normaliseMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const id = value.replace(/\s+/g, '').replace(/^<+/, '').replace(/>+$/, '');
  return id.length > 0 && id.length <= 998 ? id : null;
}

/** All ids of a References / In-Reply-To header, in order, without duplicates. */
export function messageIdList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const found = text.match(/<[^<>]+>/g) ?? text.split(/[\s,]+/);
  const out: string[] = [];
  for (const part of found) {
    const id = normaliseMessageId(part);
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

export function syntheticMessageId(contentHash: string): string {
  return `synthetic-${contentHash.slice(0, 40)}@contactbox.invalid`;
}

/** For the outgoing header: always with brackets. */
export function bracketed(id: string): string {
  return `<${id}>`;
}

/**
 * The hash that tells "the same message" from "another message that reuses its Message-ID".
 * It covers what the sender wrote — From, To, Cc, Date, Subject and the body — and not the
 * headers each receiving server adds (Received, Delivered-To, Return-Path), so one message
 * delivered to two mailboxes hashes the same.
 */
export function contentHash(raw: Buffer): string {
  const split = headerEnd(raw);
  const head = raw.subarray(0, split.headerEnd).toString('latin1');
  const body = raw.subarray(split.bodyStart);
  const hash = createHash('sha256');
  for (const name of ['from', 'to', 'cc', 'date', 'subject', 'content-type']) {
    hash.update(`${name}:${headerValue(head, name)}\n`);
  }
  hash.update(normaliseBody(body));
  return hash.digest('hex');
}

function headerEnd(raw: Buffer): { headerEnd: number; bodyStart: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headerEnd: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headerEnd: lf, bodyStart: lf + 2 };
  return { headerEnd: raw.length, bodyStart: raw.length };
}

function headerValue(head: string, name: string): string {
  const lines = head.split(/\r?\n/);
  const values: string[] = [];
  let current: string | null = null;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && current !== null) {
      current += ` ${line.trim()}`;
      continue;
    }
    if (current !== null) values.push(current);
    current = null;
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) current = line.slice(colon + 1).trim();
  }
  if (current !== null) values.push(current);
  return values.join('\u0000').replace(/\s+/g, ' ');
}

/** Line endings differ between servers (CRLF on the wire, LF on some disks); trailing blanks too. */
function normaliseBody(body: Buffer): Buffer {
  return Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n').replace(/\s+$/, ''), 'latin1');
}
