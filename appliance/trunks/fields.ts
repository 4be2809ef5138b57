import { isIP } from 'node:net';
import { TrunkFieldError, type InboundTarget, type SipTransport } from './model.js';

/**
 * Field checks shared by every trunk kind. Each takes the raw value and the field's path and
 * either returns the normalised value or throws a `TrunkFieldError` that says what is wrong
 * with that field and what a good value looks like.
 */
type Raw = unknown;

export const SECRET_MIN_LENGTH = 12;
export const KNOWN_CODECS = ['alaw', 'ulaw', 'g722', 'g729', 'gsm', 'opus', 'ilbc', 'slin'] as const;

export function str(value: Raw, field: string, required = true): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw new TrunkFieldError(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw new TrunkFieldError(field, 'must be a string');
  return String(value).trim();
}

export function trunkName(value: Raw, field = 'name'): string {
  const name = str(value, field)!;
  if (!/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(name)) {
    throw new TrunkFieldError(field, `"${name}" is not a valid trunk name: use 2–32 lower-case letters, digits and "-", starting with a letter`);
  }
  return name;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** A provider or gateway address: an IPv4/IPv6 address or a DNS name. */
export function host(value: Raw, field = 'host'): string {
  const h = str(value, field)!;
  if (isIP(h)) return h;
  const looksNumeric = /^[0-9.]+$/.test(h);
  const ok = !looksNumeric && h.length <= 253 && h.split('.').every((l) => LABEL.test(l)) && /[a-z]/i.test(h.split('.').pop()!);
  if (!ok) throw new TrunkFieldError(field, `"${h}" is not a host name or IP address (e.g. sip.provider.example or 192.0.2.10)`);
  return h.toLowerCase();
}

export function int(value: Raw, field: string, min: number, max: number, fallback?: number): number {
  if (value === undefined || value === null || value === '') {
    if (fallback !== undefined) return fallback;
    throw new TrunkFieldError(field, 'is required');
  }
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value).trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw new TrunkFieldError(field, `"${String(value)}" is not a whole number`);
  if (n < min || n > max) throw new TrunkFieldError(field, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function port(value: Raw, field = 'port', fallback = 5060): number {
  return int(value, field, 1, 65535, fallback);
}

export function oneOf<T extends string>(value: Raw, field: string, allowed: readonly T[], fallback?: T): T {
  const v = str(value, field, fallback === undefined);
  if (v === undefined) return fallback!;
  if (!(allowed as readonly string[]).includes(v)) throw new TrunkFieldError(field, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

export function transport(value: Raw, field = 'transport'): SipTransport {
  return oneOf(value, field, ['udp', 'tcp'] as const, 'udp');
}

/** Secrets are checked for strength because gateways and providers are reachable from the LAN or the internet. */
export function secret(value: Raw, field = 'secret', required = true): string | undefined {
  const s = str(value, field, required);
  if (s === undefined) return undefined;
  if (/[\s;"]/.test(s)) throw new TrunkFieldError(field, 'must not contain spaces, ";" or quotes (Asterisk config syntax)');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(s)).length;
  if (s.length < SECRET_MIN_LENGTH || classes < 3) {
    throw new TrunkFieldError(
      field,
      `is too weak: use at least ${SECRET_MIN_LENGTH} characters with at least three of lower case, upper case, digits and symbols`,
    );
  }
  return s;
}

export function username(value: Raw, field = 'username', required = true): string | undefined {
  const u = str(value, field, required);
  if (u === undefined) return undefined;
  if (!/^[A-Za-z0-9._+-]{1,64}$/.test(u)) throw new TrunkFieldError(field, `"${u}" is not a valid SIP user name (letters, digits, . _ + -)`);
  return u;
}

/** A DID: an E.164-like number with or without "+", a national number (0800…, 0900…) or a short number (3+ digits). */
export function did(value: Raw, field: string): string {
  const d = str(value, field)!.replace(/[\s()-]/g, '');
  if (!/^\+?[0-9]{3,15}$/.test(d)) throw new TrunkFieldError(field, `"${d}" is not a phone number: use 3–15 digits, optionally starting with +`);
  return d;
}

/** An outbound dial prefix: digits, optionally starting with "+"; empty means "any number". */
export function prefix(value: Raw, field: string): string {
  const p = value === undefined || value === null ? '' : String(value).trim();
  if (!/^\+?[0-9*#]{0,15}$/.test(p)) throw new TrunkFieldError(field, `"${p}" is not a dial prefix: use digits (and * #), optionally starting with +`);
  return p;
}

export function codecs(value: Raw, field: string, fallback: readonly string[]): string[] {
  if (value === undefined || value === null || value === '') return [...fallback];
  const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const out = list.map((c) => c.trim().toLowerCase()).filter(Boolean);
  if (!out.length) throw new TrunkFieldError(field, 'needs at least one codec');
  out.forEach((c, i) => {
    if (!(KNOWN_CODECS as readonly string[]).includes(c)) throw new TrunkFieldError(`${field}.${i}`, `unknown codec "${c}"; known: ${KNOWN_CODECS.join(', ')}`);
  });
  return [...new Set(out)];
}

export function extension(value: Raw, field: string): string {
  const e = str(value, field)!;
  if (!/^[0-9]{2,6}$/.test(e)) throw new TrunkFieldError(field, `"${e}" is not an internal extension (2–6 digits)`);
  return e;
}

/** `queue:support`, `team:sales` or `operator:101` (or the object form). */
export function target(value: Raw, field: string): InboundTarget {
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return target(`${String(o.type)}:${String(o.name ?? o.extension)}`, field);
  }
  const t = str(value, field)!;
  const m = /^(queue|team|operator):(.+)$/.exec(t);
  if (!m) throw new TrunkFieldError(field, `"${t}" is not a target: use queue:NAME, team:NAME or operator:EXTENSION`);
  if (m[1] === 'operator') return { type: 'operator', extension: extension(m[2], field) };
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(m[2]!)) throw new TrunkFieldError(field, `"${m[2]}" is not a queue or team name (lower-case letters, digits, _ and -)`);
  return { type: m[1] as 'queue' | 'team', name: m[2]! };
}

export function targetText(t: InboundTarget): string {
  return t.type === 'operator' ? `operator:${t.extension}` : `${t.type}:${t.name}`;
}

/** A list given as an array or a comma-separated string (CLI flags). */
export function list(value: Raw): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/** A per-line list where position matters (`,301` = nothing for line 1, 301 for line 2). */
export function slots(value: Raw): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map((v) => (v === '' ? undefined : v));
  return String(value).split(',').map((s) => s.trim() || undefined);
}
