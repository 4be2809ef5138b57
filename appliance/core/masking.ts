import type { SessionUser } from './auth/sessions.js';

/**
 * The one place that decides what a viewer may see of a customer's phone number or e-mail
 * address. API responses, exports, search results and live events all pass values through
 * a `Masker` made for the viewer; nothing else decides.
 */
export interface MaskingPolicy {
  /** Roles that see masked values. */
  maskedRoles: readonly string[];
  /** Digits kept visible at the end of a phone number. */
  phoneVisibleTail: number;
}

export const defaultMaskingPolicy: MaskingPolicy = { maskedRoles: ['intern'], phoneVisibleTail: 2 };

export interface Masker {
  readonly masked: boolean;
  phone(value: string | null | undefined): string | null;
  email(value: string | null | undefined): string | null;
}

import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** The region a number written without its country code is read in (as contacts read them). */
export const MASKING_REGION: CountryCode = 'UA';

const isDecimalDigit = (ch: string) => /^\p{Nd}$/u.test(ch);

/** The ASCII digit of any Unicode decimal digit (Unicode keeps each script's 0–9 contiguous). */
function asciiDigit(ch: string): string {
  const cp = ch.codePointAt(0)!;
  let k = 0;
  while (k < 10 && isDecimalDigit(String.fromCodePoint(cp - k - 1))) k++;
  return String(k % 10);
}

/**
 * What a string says once look-alikes are folded: NFKC (full-width `０６７`, `＠`, `﹫`, circled
 * and mathematical digits), every script's decimal digits as ASCII, invisible format characters
 * (zero-width spaces, soft hyphens) dropped. `from[i]`/`to[i]` give the span of the original
 * string that produced the i-th character, so a match can be replaced in the original text.
 */
export function foldedView(text: string): { text: string; from: number[]; to: number[] } {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) {
    const idx = [...Array(text.length).keys()];
    return { text, from: idx, to: idx.map((i) => i + 1) };
  }
  let out = '';
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  for (const ch of text) {
    const end = at + ch.length;
    if (!/^\p{Cf}$/u.test(ch)) {
      for (const c of ch.normalize('NFKC')) {
        const folded = c > '\x7f' && isDecimalDigit(c) ? asciiDigit(c) : c;
        out += folded;
        for (let i = 0; i < folded.length; i++) {
          from.push(at);
          to.push(end);
        }
      }
    }
    at = end;
  }
  return { text: out, from, to };
}

/** The folded text itself (digits ASCII, look-alikes folded). */
export function foldLookAlikes(text: string): string {
  return foldedView(text).text;
}

/** The E.164 form of however a number was written (national, international, 00…), or null. */
function e164Of(value: string): string | null {
  const folded = foldLookAlikes(value);
  const digits = folded.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 17) return null;
  const plus = /^\s*\+/.test(folded);
  const tries = plus ? [`+${digits}`] : [digits, `+${digits}`];
  for (const t of tries) {
    const parsed = parsePhoneNumberFromString(t, MASKING_REGION);
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}

/**
 * `+380671234545`, `0671234545`, `067/123/45/45`, `０６７１２３４５４５` → `+380 67 *** ** 45`: one
 * mask for every way the number can be written (country and operator code kept, the subscriber
 * hidden). What cannot be read as a number shows only its last digits.
 */
export function maskPhone(value: string, visibleTail = 2): string {
  const e164 = e164Of(value);
  const digits = e164 ? e164.slice(1) : foldLookAlikes(value).replace(/\D/g, '');
  const tail = digits.slice(-visibleTail);
  const stars = (n: number) => (n > 3 ? `***${' **'.repeat(Math.ceil((n - 3) / 2)).slice(0, n - 3 + Math.ceil((n - 3) / 2))}` : '*'.repeat(n));
  if (digits.length <= visibleTail + 3) return `${'*'.repeat(Math.max(digits.length - visibleTail, 1))}${tail}`;
  if (!e164) return `${stars(digits.length - visibleTail)} ${tail}`;
  if (digits.startsWith('380') && digits.length === 12) {
    return `+380 ${digits.slice(3, 5)} ${stars(12 - 5 - visibleTail)} ${tail}`;
  }
  const head = digits.slice(0, Math.min(4, digits.length - visibleTail - 3));
  return `+${head} ${stars(digits.length - head.length - visibleTail)} ${tail}`;
}

/** `ivan.petrenko@example.com` (or `ＩＶＡＮ＠example.com`) → `i***@example.com`. */
export function maskEmail(value: string): string {
  const folded = foldLookAlikes(value).toLowerCase().replace(/\s*[[({<]\s*at\s*[\])}>]\s*/g, '@');
  const at = folded.lastIndexOf('@');
  if (at <= 0) return '***';
  const domain = folded.slice(at + 1).replace(/\s*[[({<]\s*dot\s*[\])}>]\s*/g, '.');
  return `${folded[0]}***@${domain}`;
}

// Between the digits of one number people type spaces, dashes, dots, slashes, underscores,
// brackets, commas and the like — at most three in a row.
const SEP = String.raw`[\s\p{Pd}\p{Ps}\p{Pe}.,/\\_|·•'"*#~:;]`;
const PHONE_IN_TEXT = new RegExp(String.raw`\+?\d(?:${SEP}{0,3}\d)+`, 'gu');
// An address, also written `name [at] example (dot) com`; the domain is letters, digits and hyphens.
const AT = String.raw`(?:@|\s*[[({<]\s*at\s*[\])}>]\s*)`;
const DOT = String.raw`(?:\.|\s*[[({<]\s*dot\s*[\])}>]\s*)`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?`;
const EMAIL_IN_TEXT = new RegExp(String.raw`[^\s@<>(),;:"'[\]{}/\\]+${AT}(?:${LABEL}${DOT})+\p{L}{2,}`, 'giu');
// Several addresses run together (`a@x.com-b@y.com.pdf`, also with an @ spelt `[at]`:
// `a@x.com-b [at] y [dot] com.pdf`): where one domain ends and the next local part starts cannot
// be told, so everything before the last @ is hidden.
const CHAIN_PART = String.raw`[^\s@<>(),;:"'[\]{}/\\]+`;
const CHAINED_ADDRESSES = new RegExp(String.raw`${CHAIN_PART}(?:${AT}${CHAIN_PART}){2,}`, 'giu');

// Dates and times ("25.11.2026", "2026-11-25", "10:30-11:45") have as many digits as a short
// number but are not one; no phone number fits in eight digits written as a date.
const DATE = /^(?:\d{1,2}[-./]\d{1,2}[-./](?:\d{2}|\d{4})|\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}:\d{2}(?:\s*[-–]\s*\d{1,2}:\d{2})?)$/;

function replaceFolded(text: string, pattern: RegExp, replace: (match: string) => string | null): string {
  const view = foldedView(text);
  let out = '';
  let last = 0;
  for (const m of view.text.matchAll(pattern)) {
    const masked = replace(m[0]);
    if (masked === null) continue;
    const start = view.from[m.index!]!;
    const end = view.to[m.index! + m[0].length - 1]!;
    out += text.slice(last, start) + masked;
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Free text written by people (names, tags, notes, subjects, bodies, file names) can hold a
 * number or address in any spelling; for a masked viewer those are masked too, so "interns never
 * see raw values" holds there as well. Look-alikes are folded before matching (see `foldedView`).
 */
export function maskText(text: string, masker: Masker): string {
  if (!masker.masked || !text) return text;
  const unchained = replaceFolded(text, CHAINED_ADDRESSES, (m) => {
    const parts = m.split(new RegExp(AT, 'iu'));
    return `${parts[0]![0]}***@${parts.slice(1, -1).map(() => '***@').join('')}${parts[parts.length - 1]}`;
  });
  const withoutAddresses = replaceFolded(unchained, EMAIL_IN_TEXT, (m) => masker.email(m) ?? '***');
  return replaceFolded(withoutAddresses, PHONE_IN_TEXT, (m) => {
    const digits = m.replace(/\D/g, '');
    if (digits.length < 7 || (digits.length <= 8 && DATE.test(m))) return null;
    return masker.phone(m) ?? '***';
  });
}

export function maskerFor(viewer: Pick<SessionUser, 'role'> | null, policy: MaskingPolicy = defaultMaskingPolicy): Masker {
  const masked = !viewer || policy.maskedRoles.includes(viewer.role);
  return {
    masked,
    phone: (v) => (v == null ? null : masked ? maskPhone(v, policy.phoneVisibleTail) : v),
    email: (v) => (v == null ? null : masked ? maskEmail(v) : v),
  };
}

/**
 * The masking policy as the admin set it (settings key `masking.policy`), read per call so a
 * change applies to the very next response and live event.
 */
export class MaskingService {
  private readonly read;
  private readonly write;
  constructor(db: import('./db.js').Db, private readonly clock: import('./clock.js').Clock) {
    this.read = db.prepare("SELECT value FROM settings WHERE key = 'masking.policy'");
    this.write = db.prepare(
      "INSERT INTO settings (key, value, updated_at) VALUES ('masking.policy', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
  }

  policy(): MaskingPolicy {
    const row = this.read.get() as { value: string } | undefined;
    return row ? { ...defaultMaskingPolicy, ...(JSON.parse(row.value) as Partial<MaskingPolicy>) } : defaultMaskingPolicy;
  }

  setPolicy(policy: MaskingPolicy): void {
    this.write.run(JSON.stringify(policy), this.clock.now().toISOString());
  }

  forViewer(viewer: Pick<SessionUser, 'role'> | null): Masker {
    return maskerFor(viewer, this.policy());
  }
}
