import { randomBytes } from 'node:crypto';

/**
 * The little SIP the proxy needs to read: the request method, whether it starts a dialog, and
 * the user in From. Only the header section is touched; bodies (SDP) pass unchanged.
 */
export interface SipStart {
  method: string | null;
  fromUser: string | null;
  toTag: boolean;
}

const HEADER_END = /\r?\n\r?\n/;

export function splitMessage(text: string): { head: string; body: string; sep: string } {
  const m = HEADER_END.exec(text);
  if (!m) return { head: text, body: '', sep: '' };
  return { head: text.slice(0, m.index), body: text.slice(m.index + m[0].length), sep: m[0] };
}

function header(head: string, names: readonly string[]): string | null {
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (names.includes(line.slice(0, colon).trim().toLowerCase())) return line.slice(colon + 1).trim();
  }
  return null;
}

export function readStart(text: string): SipStart {
  const { head } = splitMessage(text);
  const first = head.split(/\r?\n/, 1)[0] ?? '';
  const method = first.startsWith('SIP/2.0') ? null : (first.split(' ', 1)[0] ?? null);
  const from = header(head, ['from', 'f']);
  const to = header(head, ['to', 't']);
  const user = from ? /sips?:([^@;>]+)@/i.exec(from)?.[1] ?? null : null;
  return { method, fromUser: user ? decodeURIComponent(user) : null, toTag: to ? /;\s*tag=/i.test(to) : false };
}

/**
 * A request that would act as someone else's phone: a REGISTER, or any request outside a dialog
 * (INVITE, MESSAGE, SUBSCRIBE, OPTIONS…, i.e. no To tag), whose From is not this user's own SIP
 * user. In-dialog requests and responses are not judged here (their From is the dialog's, which
 * for a call Asterisk placed names Asterisk's side); Asterisk authenticates every request anyway,
 * this only stops a logged-in user borrowing another's line.
 */
export function impersonates(text: string, ownUser: string): boolean {
  const start = readStart(text);
  if (start.method === null) return false;
  if (start.method !== 'REGISTER' && start.toTag) return false;
  return start.fromUser !== ownUser;
}

// Headers that name the other party; their address part may hold a customer's number.
const PARTY_HEADERS = new Set(['from', 'f', 'to', 't', 'p-asserted-identity', 'remote-party-id', 'diversion', 'history-info', 'referred-by', 'b', 'contact', 'm']);
const NUMBER = /\+?\d{7,}/g;

/**
 * Caller-ID masking for masked roles (interns): numbers in the party headers of messages going
 * to the browser become opaque tokens, and the tokens are turned back into the numbers on the way
 * to Asterisk, so dialogs still match while the browser never holds the raw number.
 */
export class SipNumberMask {
  private readonly toToken = new Map<string, string>();
  private readonly toNumber = new Map<string, string>();

  constructor(private readonly random: (bytes: number) => Buffer = randomBytes) {}

  /** Asterisk → browser. */
  hide(text: string): string {
    return this.rewriteHead(text, (addressPart) => addressPart.replace(NUMBER, (n) => this.tokenFor(n)));
  }

  /** Browser → Asterisk. */
  restore(text: string): string {
    if (this.toNumber.size === 0) return text;
    return this.rewriteHead(text, (addressPart) => addressPart.replace(/masked[0-9a-f]{12}/g, (tok) => this.toNumber.get(tok) ?? tok));
  }

  private tokenFor(number: string): string {
    let token = this.toToken.get(number);
    if (!token) {
      token = `masked${this.random(6).toString('hex')}`;
      this.toToken.set(number, token);
      this.toNumber.set(token, number);
    }
    return token;
  }

  private rewriteHead(text: string, rewrite: (addressPart: string) => string): string {
    const { head, body, sep } = splitMessage(text);
    const lines = head.split(/\r?\n/);
    const eol = head.includes('\r\n') ? '\r\n' : '\n';
    const out = lines.map((line, i) => {
      if (i === 0) return line;
      const colon = line.indexOf(':');
      if (colon < 0 || !PARTY_HEADERS.has(line.slice(0, colon).trim().toLowerCase())) return line;
      const value = line.slice(colon + 1);
      // Only the name-addr (display name and URI), not tags or other parameters.
      const close = value.indexOf('>');
      const cut = close >= 0 ? close + 1 : value.indexOf(';') >= 0 ? value.indexOf(';') : value.length;
      return `${line.slice(0, colon + 1)}${rewrite(value.slice(0, cut))}${value.slice(cut)}`;
    });
    return `${out.join(eol)}${sep}${body}`;
  }
}

/** What the proxy follows of a message to keep track of a link's calls and of which phone it is. */
export interface SipFacts {
  /** The request method, or null for a response. */
  method: string | null;
  /** The response status, or null for a request. */
  status: number | null;
  cseqMethod: string | null;
  callId: string | null;
  /** The phone's `+sip.instance` (JsSIP: one per page load, kept across its reconnects). */
  instance: string | null;
}

export function sipFacts(text: string): SipFacts {
  const { head } = splitMessage(text);
  const first = head.split(/\r?\n/, 1)[0] ?? '';
  const response = /^SIP\/2\.0\s+(\d{3})/.exec(first);
  const cseq = header(head, ['cseq']);
  const contact = header(head, ['contact', 'm']);
  return {
    method: response ? null : (first.split(' ', 1)[0] ?? null),
    status: response ? Number(response[1]) : null,
    cseqMethod: cseq ? (cseq.split(/\s+/)[1] ?? null) : null,
    callId: header(head, ['call-id', 'i']),
    instance: contact ? (/\+sip\.instance="?<?([^">;]+)/i.exec(contact)?.[1] ?? null) : null,
  };
}
