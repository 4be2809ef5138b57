import './errors.js';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError } from '../core/errors.js';

/**
 * Normalising and checking what people type into a contact. Full ("max") metadata is used so a
 * number is checked against its country's real numbering plan, not only its length.
 */
export const DEFAULT_REGION: CountryCode = 'UA';

/** `067 123 45 67` → `+380671234567`; null when it is not a valid number. */
export function toE164(raw: string, region: CountryCode = DEFAULT_REGION): string | null {
  if (raw.length > 40) return null;
  const parsed = parsePhoneNumberFromString(raw.trim(), region);
  return parsed && parsed.isValid() ? parsed.number : null;
}

// Deliberately simple: one @, a dot in the domain, no spaces. Mail servers decide the rest.
const EMAIL = /^[^\s@<>(),;:"\\[\]]{1,64}@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]{2,}$/;

// Control characters (NUL, escapes, C1) and invisible format characters have no place in an address.
// eslint-disable-next-line no-control-regex
const NOT_IN_ADDRESS = /[\u0000-\u001f\u007f-\u009f\p{Cf}]/u;

export function normaliseEmail(raw: string): string | null {
  const address = raw.trim().toLowerCase();
  return address.length <= 254 && EMAIL.test(address) && !NOT_IN_ADDRESS.test(address) ? address : null;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const MAX_NAME = 200;
export const MAX_VALUES = { phones: 20, emails: 20, tags: 50 } as const;

export function checkName(raw: string): string {
  const name = raw.trim();
  if (name.length > MAX_NAME) throw new AppError('NAME_TOO_LONG', { max: MAX_NAME });
  if (!name || CONTROL.test(name) || /[\r\n]/.test(name)) throw new AppError('NAME_INVALID');
  return name;
}

export function fold(text: string): string {
  return text.toLocaleLowerCase('und');
}

/** Phones in the order given, normalised and de-duplicated; the first bad one is reported by position (1-based). */
export function normalisePhones(raws: readonly string[], region: CountryCode = DEFAULT_REGION): string[] {
  if (raws.length > MAX_VALUES.phones) throw new AppError('TOO_MANY_VALUES', { field: 'phones', max: MAX_VALUES.phones });
  const out: string[] = [];
  raws.forEach((raw, i) => {
    const e164 = toE164(raw, region);
    // The error names the position, never the value: error texts end up in logs and screenshots.
    if (!e164) throw new AppError('PHONE_INVALID', { position: i + 1 });
    if (!out.includes(e164)) out.push(e164);
  });
  return out;
}

export function normaliseEmails(raws: readonly string[]): string[] {
  if (raws.length > MAX_VALUES.emails) throw new AppError('TOO_MANY_VALUES', { field: 'emails', max: MAX_VALUES.emails });
  const out: string[] = [];
  raws.forEach((raw, i) => {
    const address = normaliseEmail(raw);
    if (!address) throw new AppError('EMAIL_INVALID', { position: i + 1 });
    if (!out.includes(address)) out.push(address);
  });
  return out;
}

export function normaliseTags(raws: readonly string[]): string[] {
  if (raws.length > MAX_VALUES.tags) throw new AppError('TOO_MANY_VALUES', { field: 'tags', max: MAX_VALUES.tags });
  const out: string[] = [];
  const seen = new Set<string>();
  raws.forEach((raw, i) => {
    const tag = raw.trim();
    if (!tag || tag.length > 50 || CONTROL.test(tag) || /[\r\n]/.test(tag)) throw new AppError('TAG_INVALID', { position: i + 1 });
    if (!seen.has(fold(tag))) {
      seen.add(fold(tag));
      out.push(tag);
    }
  });
  return out;
}

/** Digits only, for number-fragment search. */
export function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}
