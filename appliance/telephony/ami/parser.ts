/**
 * A streaming parser for the Asterisk Manager Interface wire format: a banner line
 * (`Asterisk Call Manager/11.0.0`) and then messages of `Key: Value` lines ended by an empty
 * line. Events the caller did not subscribe to are skipped after reading only their first line,
 * so a user with `read=all` (VarSet, RTCPSent floods) costs almost nothing.
 */
export type AmiMessage = Record<string, string>;

export interface AmiParserOptions {
  /** Event names to keep; everything else with `Event:` first is dropped. Null keeps all. */
  events: ReadonlySet<string> | null;
}

export class AmiParser {
  private pending = '';
  private bannerSeen = false;
  /** The banner (`Asterisk Call Manager/…`) once it has been read. */
  banner: string | null = null;
  /** Messages read, including skipped events (for throughput figures). */
  seen = 0;

  private readonly keep: Set<string> | null;

  constructor(options: AmiParserOptions) {
    this.keep = options.events ? new Set(options.events) : null;
  }

  /** Also keep these events from now on (the items of a list action such as CoreShowChannels). */
  alsoKeep(names: readonly string[]): void {
    for (const n of names) this.keep?.add(n);
  }

  /** Feeds bytes from the socket; returns the complete messages they finish. */
  push(chunk: string | Buffer): AmiMessage[] {
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const out: AmiMessage[] = [];
    let start = 0;
    if (!this.bannerSeen) {
      const eol = this.pending.indexOf('\r\n');
      if (eol < 0) return out;
      this.banner = this.pending.slice(0, eol);
      this.bannerSeen = true;
      start = eol + 2;
    }
    const text = this.pending;
    for (;;) {
      const end = text.indexOf('\r\n\r\n', start);
      if (end < 0) break;
      if (end > start) {
        this.seen++;
        const message = this.parseBlock(text, start, end);
        if (message) out.push(message);
      }
      start = end + 4;
    }
    this.pending = start === 0 ? text : text.slice(start);
    return out;
  }

  /** Forget a half-read message (after the socket closed). */
  reset(): void {
    this.pending = '';
    this.bannerSeen = false;
    this.banner = null;
  }

  private parseBlock(text: string, start: number, end: number): AmiMessage | null {
    const events = this.keep;
    if (events && text.startsWith('Event: ', start)) {
      const eol = text.indexOf('\r\n', start);
      const name = text.slice(start + 7, eol < 0 || eol > end ? end : eol);
      if (!events.has(name)) return null;
    }
    const message: AmiMessage = {};
    let pos = start;
    while (pos < end) {
      let eol = text.indexOf('\r\n', pos);
      if (eol < 0 || eol > end) eol = end;
      const colon = text.indexOf(':', pos);
      if (colon > pos && colon < eol) {
        const key = text.slice(pos, colon);
        const value = text.charCodeAt(colon + 1) === 32 ? text.slice(colon + 2, eol) : text.slice(colon + 1, eol);
        // Repeated keys (Output:, ChanVariable:) are joined with a newline.
        const prev = message[key];
        message[key] = prev === undefined ? value : `${prev}\n${value}`;
      }
      pos = eol + 2;
    }
    return message;
  }
}

/** Serialises an action; `Variable` may be given several times as an array. */
export function formatAction(fields: Record<string, string | number | boolean | readonly string[] | undefined>): string {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      const s = String(v);
      // A CR or LF inside a value would let a caller inject another action.
      if (/[\r\n]/.test(s) || /[\r\n:]/.test(key)) throw new TypeError(`AMI field ${key} contains a line break`);
      out += `${key}: ${s}\r\n`;
    }
  }
  return `${out}\r\n`;
}
