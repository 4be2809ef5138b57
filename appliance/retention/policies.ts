import { Type, type Static } from '@sinclair/typebox';
import { checkSchema } from '../core/schema-check.js';
import { POLICY_CLASSES, type PolicyClass } from './types.js';

/**
 * Defaults when neither the installer's answers nor an admin said otherwise: recordings are
 * kept a year (what the hosted service keeps), everything else is kept until the customer
 * decides. Deleting customer data is never the default.
 */
export const DEFAULT_POLICY_DAYS: Readonly<Record<PolicyClass, number | null>> = {
  recordings: 365,
  calls: null,
  mail: null,
  chats: null,
  audit: null,
};

export const MAX_POLICY_DAYS = 36500;
/** Minutes recorded per day assumed by the forecast before there is any history (DESIGN: 120 KB/min). */
export const DEFAULT_RECORDED_MINUTES_PER_DAY = 1000;
export const BYTES_PER_RECORDED_MINUTE = 120 * 1024;

const Days = Type.Union([Type.Integer({ minimum: 1, maximum: MAX_POLICY_DAYS }), Type.Literal('forever')]);

/** The optional `retention:` section of contactbox.yaml, written by the installer from the answers file. */
export const RetentionConfigSchema = Type.Object(
  {
    recordings: Type.Optional(Days),
    calls: Type.Optional(Days),
    mail: Type.Optional(Days),
    chats: Type.Optional(Days),
    audit: Type.Optional(Days),
    /** Expected recorded minutes per day, for the forecast until there are 30 days of history. */
    recordedMinutesPerDay: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    /** Run the daily sweep inside the appliance (default true). */
    schedule: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RetentionConfig = Static<typeof RetentionConfigSchema>;

export function parseRetentionConfig(raw: unknown): RetentionConfig {
  if (raw === undefined || raw === null) return {};
  return checkSchema(RetentionConfigSchema, raw, 'retention');
}

export function isPolicyClass(value: string): value is PolicyClass {
  return (POLICY_CLASSES as readonly string[]).includes(value);
}

/** `365` → 365, `forever` → null; anything else is refused with the reason. */
export function parseDays(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'forever') return null;
  if (!/^\d+$/.test(t)) throw new RangeError(`"${text}" is not a number of days or "forever"`);
  const n = Number(t);
  if (n < 1 || n > MAX_POLICY_DAYS) throw new RangeError(`${n} days is outside 1–${MAX_POLICY_DAYS}`);
  return n;
}

export const formatDays = (days: number | null) => (days === null ? 'forever' : `${days} days`);

/** What the policies are seeded with on first start: the config section over the defaults. */
export function seedEntries(config: RetentionConfig): { class: PolicyClass; days: number | null; source: 'default' | 'config' }[] {
  return POLICY_CLASSES.map((cls) => {
    const v = config[cls];
    if (v === undefined) return { class: cls, days: DEFAULT_POLICY_DAYS[cls], source: 'default' as const };
    return { class: cls, days: v === 'forever' ? null : v, source: 'config' as const };
  });
}

/**
 * A recording belongs to a call record: keeping recordings longer than their calls would leave
 * recordings nobody can find, and deleting them with their calls would delete unexpired data.
 * So the recordings period may not exceed the calls period. Returns the conflict, or null.
 */
export function policyConflict(policies: ReadonlyMap<string, number | null>): { recordings: number | null; calls: number | null } | null {
  const rec = policies.get('recordings');
  const calls = policies.get('calls');
  if (rec === undefined || calls === undefined || calls === null) return null;
  if (rec === null || rec > calls) return { recordings: rec, calls };
  return null;
}

export function cutoffFor(asOf: Date, days: number): string {
  return new Date(asOf.getTime() - days * 86_400_000).toISOString();
}

export const AS_OF_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$';

/** `2026-05-01` (midnight UTC) or a full ISO date-time; refuses impossible dates such as 2026-02-30. */
export function parseAsOf(text: string): Date {
  if (!new RegExp(AS_OF_PATTERN).test(text)) throw new RangeError(`"${text}" is not a date (YYYY-MM-DD or an ISO date-time)`);
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) throw new RangeError(`"${text}" is not a real date`);
  const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) throw new RangeError(`"${text}" is not a real date`);
  return date;
}
