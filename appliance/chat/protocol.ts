import type { Message } from './repository.js';

/**
 * The visitor socket's frames, JSON both ways. The widget keeps the last sequence number it has
 * shown and sends it in `hello` after a reconnect; the server replays everything after it. A
 * message the widget sends carries its own id (`cid`) and stays in the widget's outbox until the
 * server's `ack` for that id: a message re-sent after a cut is recognised by its id and stored once.
 */
export type ClientFrame =
  | { t: 'hello'; token?: string; lastSeq?: number; lang?: string; page?: string }
  | { t: 'identify'; id: string; email?: string; name?: string; expires: number; signature: string }
  | { t: 'start'; form?: { name?: string; email?: string; phone?: string; consent?: boolean }; mode?: 'live' | 'message' }
  | { t: 'msg'; cid: string; text: string; file?: string }
  | { t: 'typing'; on: boolean }
  | { t: 'read'; seq: number }
  | { t: 'rate'; score: number; comment?: string }
  | { t: 'transcript'; email: string }
  | { t: 'close' }
  | { t: 'ping' };

export interface MessageFrame {
  t: 'msg';
  seq: number;
  from: 'visitor' | 'operator' | 'system';
  name: string | null;
  text: string;
  at: string;
  cid: string | null;
  file: { id: string; name: string; type: string; bytes: number } | null;
}

export type ServerFrame =
  | {
      t: 'welcome';
      token: string;
      site: { name: string; languages: string[]; language: string; texts: Record<string, string>; form: Record<string, string>; uploads: { enabled: boolean; maxBytes: number; types: string[] } };
      available: boolean;
      unavailableReason: 'module' | 'licence' | null;
      open: boolean;
      closedReason: 'hours' | 'nobody' | null;
      verified: boolean;
      conversationId: number | null;
    }
  | { t: 'state'; conversationId: number; state: string; mode: string; position: number; atLimit: boolean; operator: string | null; readSeq: number }
  | MessageFrame
  | { t: 'ack'; cid: string; seq: number; at: string }
  | { t: 'typing'; on: boolean; name: string | null }
  | { t: 'read'; seq: number }
  | { t: 'identified'; verified: boolean }
  | { t: 'done'; what: string }
  | { t: 'error'; code: string; message: string; cid?: string }
  | { t: 'pong' };

export function visitorMessageFrame(m: Message, operatorName: string | null): MessageFrame {
  return {
    t: 'msg',
    seq: m.seq,
    from: m.author === 'visitor' ? 'visitor' : m.author === 'operator' ? 'operator' : 'system',
    name: m.author === 'operator' ? operatorName : null,
    text: m.text,
    at: m.at,
    cid: m.author === 'visitor' ? m.clientId : null,
    file: m.file ? { id: m.file.sha256, name: m.file.name, type: m.file.type, bytes: m.file.bytes } : null,
  };
}

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const optStr = (v: unknown, max: number) => v === undefined || str(v, max);
const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Checks a frame from a visitor; returns null for anything malformed (answered with an error, never stored). */
export function parseClientFrame(raw: string, maxChars: number): ClientFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const f = v as Record<string, unknown>;
  switch (f.t) {
    case 'hello':
      return optStr(f.token, 200) && (f.lastSeq === undefined || int(f.lastSeq)) && optStr(f.lang, 20) && optStr(f.page, 2000) ? (f as ClientFrame) : null;
    case 'identify':
      return str(f.id, 200) && f.id.length > 0 && optStr(f.email, 254) && optStr(f.name, 200) && int(f.expires) && str(f.signature, 200) ? (f as ClientFrame) : null;
    case 'start': {
      if (f.mode !== undefined && f.mode !== 'live' && f.mode !== 'message') return null;
      const form = f.form ?? {};
      if (typeof form !== 'object' || form === null) return null;
      const g = form as Record<string, unknown>;
      return optStr(g.name, 200) && optStr(g.email, 254) && optStr(g.phone, 40) && (g.consent === undefined || typeof g.consent === 'boolean') ? ({ t: 'start', form: g, mode: f.mode } as ClientFrame) : null;
    }
    case 'msg':
      return str(f.cid, 64) && f.cid.length > 0 && typeof f.text === 'string' && f.text.length <= maxChars * 4 && optStr(f.file, 64) ? (f as ClientFrame) : null;
    case 'typing':
      return typeof f.on === 'boolean' ? (f as ClientFrame) : null;
    case 'read':
      return int(f.seq) ? (f as ClientFrame) : null;
    case 'rate':
      return int(f.score) && f.score >= 1 && f.score <= 5 && optStr(f.comment, 1000) ? (f as ClientFrame) : null;
    case 'transcript':
      return str(f.email, 254) && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email) ? (f as ClientFrame) : null;
    case 'close':
    case 'ping':
      return f as ClientFrame;
    default:
      return null;
  }
}
