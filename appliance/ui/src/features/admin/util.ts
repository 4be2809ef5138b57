import { session } from '../../app/session.js';
import { ApiError } from '../../api.js';

/** The API client; DELETE goes through `request` (the client has no shorthand for it). */
export const api = () => session().api;
export const del = <T = unknown>(path: string) => session().api.request<T>('DELETE', path);

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(session().language.value, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(session().language.value, { dateStyle: 'medium' }).format(new Date(iso));
}

export function num(n: number): string {
  return new Intl.NumberFormat(session().language.value).format(n);
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
export function bytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return new Intl.NumberFormat(session().language.value, { style: 'unit', unit: UNITS[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
}

/** The input field an API error names (`body.channels.2.did` → `channels.2.did`), if any. */
export function errorField(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  const field = (err.body as { error?: { field?: string } } | null)?.error?.field;
  return field ? field.replace(/^(body|query|params|querystring)\./, '') : null;
}

/** Splits "a, b; c" lists typed in one field. */
export function list(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Whole days from now until a time (negative once past). */
export function daysUntil(iso: string): number {
  return Math.ceil((new Date(iso).getTime() - Date.now()) / 86_400_000);
}
