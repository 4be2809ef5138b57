import { AppError } from '../core/errors.js';
import { BUCKET_SEC } from './counting.js';

export type Group = '15m' | 'hour' | 'day' | 'week' | 'month';
const MAX_PERIODS = 20000;

/** The UTC offset (minutes) of a time zone at an instant. */
function offsetMin(tz: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(ms))
    .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** Local midnight of the local day containing `ms`, as a UTC instant. */
function localDayStart(tz: string, ms: number): { ms: number; y: number; m: number; d: number; dow: number } {
  const local = new Date(ms + offsetMin(tz, ms) * 60000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  return { ms: zoned(tz, y, m, d), y, m, d, dow: (local.getUTCDay() + 6) % 7 };
}

/** The UTC instant of a local wall-clock time (month 0-based; days and minutes may overflow). */
function zoned(tz: string, y: number, m: number, d: number, minutes = 0): number {
  const guess = Date.UTC(y, m, d, 0, minutes);
  const first = guess - offsetMin(tz, guess) * 60000;
  return guess - offsetMin(tz, first) * 60000;
}

/** Opening hours: ISO weekdays (1 = Monday) and a local [start, end) time of day, in a time zone. */
export interface BusinessHours {
  timeZone: string;
  days: number[];
  start: string;
  end: string;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const MAX_BUSINESS_DAYS = 4000;

/**
 * Seconds of [fromMs, toMs) inside business hours (local days of the time zone, so a
 * daylight-saving change moves the window with the wall clock). Null hours: every second counts.
 */
export function businessSeconds(fromMs: number, toMs: number, hours: BusinessHours | null): number {
  if (!(toMs > fromMs)) return 0;
  if (!hours) return Math.round((toMs - fromMs) / 1000);
  const open = minutesOf(hours.start);
  const close = minutesOf(hours.end);
  if (close <= open || hours.days.length === 0) return 0;
  let total = 0;
  let day = localDayStart(hours.timeZone, fromMs);
  for (let i = 0; i < MAX_BUSINESS_DAYS && day.ms < toMs; i++) {
    if (hours.days.includes(day.dow + 1)) {
      const a = Math.max(fromMs, zoned(hours.timeZone, day.y, day.m, day.d, open));
      const b = Math.min(toMs, zoned(hours.timeZone, day.y, day.m, day.d, close));
      if (b > a) total += b - a;
    }
    day = localDayStart(hours.timeZone, zoned(hours.timeZone, day.y, day.m, day.d + 1) + 1);
  }
  return Math.round(total / 1000);
}

export function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new AppError('REPORT_TIMEZONE_UNKNOWN', { tz: tz.slice(0, 64) });
  }
}

/**
 * The periods of a range as [start, end) pairs of bucket times (unix seconds), cut at local
 * hours, days, ISO weeks (Monday) or months of the time zone, so a day is the viewer's day even
 * across a daylight-saving change.
 */
export function periodsOf(from: number, to: number, group: Group, tz: string): Array<[number, number]> {
  checkTimeZone(tz);
  const out: Array<[number, number]> = [];
  const push = (a: number, b: number) => {
    if (out.length >= MAX_PERIODS) throw new AppError('REPORT_TOO_MANY_PERIODS', { max: MAX_PERIODS });
    const start = Math.max(from, Math.floor(a / BUCKET_SEC) * BUCKET_SEC);
    const end = Math.min(to, Math.floor(b / BUCKET_SEC) * BUCKET_SEC);
    if (end > start) out.push([start, end]);
  };
  if (group === '15m' || group === 'hour') {
    const step = group === '15m' ? BUCKET_SEC : 3600;
    // Hours start at local whole hours (zones with half-hour offsets included).
    const shift = group === 'hour' ? ((offsetMin(tz, from * 1000) * 60) % 3600 + 3600) % 3600 : 0;
    let a = Math.floor((from + shift) / step) * step - shift;
    for (; a < to; a += step) push(a, a + step);
    return out;
  }
  let day = localDayStart(tz, from * 1000);
  let start = day;
  if (group === 'week') start = localDayStart(tz, zoned(tz, day.y, day.m, day.d - day.dow));
  if (group === 'month') start = localDayStart(tz, zoned(tz, day.y, day.m, 1));
  let a = start.ms / 1000;
  while (a < to) {
    const s = localDayStart(tz, a * 1000);
    const nextMs = group === 'day' ? zoned(tz, s.y, s.m, s.d + 1) : group === 'week' ? zoned(tz, s.y, s.m, s.d + 7) : zoned(tz, s.y, s.m + 1, 1);
    push(a, nextMs / 1000);
    a = nextMs / 1000;
    day = s;
  }
  return out;
}

/**
 * The last whole day, ISO week (Monday to Sunday) or month before `nowMs`, in the time zone:
 * what a scheduled report sends. `key` names the period (its local start date).
 */
export function lastWholePeriod(period: 'daily' | 'weekly' | 'monthly', nowMs: number, tz: string): { from: Date; to: Date; key: string } {
  checkTimeZone(tz);
  const today = localDayStart(tz, nowMs);
  let start: { y: number; m: number; d: number };
  let end: { y: number; m: number; d: number };
  if (period === 'daily') {
    end = today;
    start = { y: today.y, m: today.m, d: today.d - 1 };
  } else if (period === 'weekly') {
    end = { y: today.y, m: today.m, d: today.d - today.dow };
    start = { y: end.y, m: end.m, d: end.d - 7 };
  } else {
    end = { y: today.y, m: today.m, d: 1 };
    start = { y: today.y, m: today.m - 1, d: 1 };
  }
  const from = zoned(tz, start.y, start.m, start.d);
  const to = zoned(tz, end.y, end.m, end.d);
  const local = localDayStart(tz, from);
  const key = `${local.y}-${String(local.m + 1).padStart(2, '0')}-${String(local.d).padStart(2, '0')}`;
  return { from: new Date(from), to: new Date(to), key };
}
