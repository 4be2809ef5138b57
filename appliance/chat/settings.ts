import { Type, type Static } from '@sinclair/typebox';
import { LANGUAGES, type Language } from '../config.js';

const LanguageSchema = Type.Union(LANGUAGES.map((l) => Type.Literal(l)));
const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const Span = Type.Object({ from: Clock, to: Clock }, { additionalProperties: false });
const FieldRule = Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')]);
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Texts a site shows, per language; any left out fall back to the widget's own translation. */
export const SiteTexts = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 80 })),
    greeting: Type.Optional(Type.String({ maxLength: 500 })),
    away: Type.Optional(Type.String({ maxLength: 500 })),
    offline: Type.Optional(Type.String({ maxLength: 500 })),
    consent: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/** Everything about a site that is not its name, origins, team or admins. */
export const SiteSettings = Type.Object(
  {
    languages: Type.Array(LanguageSchema, { minItems: 1, uniqueItems: true }),
    defaultLanguage: LanguageSchema,
    timezone: Type.String({ minLength: 1, maxLength: 64 }),
    /** Opening hours per weekday; null = always open. */
    hours: Type.Union([Type.Partial(Type.Record(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), Type.Array(Span, { maxItems: 4 })), { additionalProperties: false }), Type.Null()]),
    holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 366 }),
    texts: Type.Partial(Type.Record(LanguageSchema, SiteTexts), { additionalProperties: false }),
    form: Type.Object({ name: FieldRule, email: FieldRule, phone: FieldRule, consent: FieldRule }, { additionalProperties: false }),
    uploads: Type.Object(
      {
        enabled: Type.Boolean(),
        maxBytes: Type.Integer({ minimum: 1, maximum: 50 * 1024 * 1024 }),
        /** MIME types accepted (`image/*` allowed). */
        types: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }),
      },
      { additionalProperties: false },
    ),
    /** The mailbox used to answer left messages and to send transcripts (mail capability). */
    mailboxId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    canned: Type.Array(
      Type.Object({ language: Type.Union([LanguageSchema, Type.Null()]), title: Type.String({ minLength: 1, maxLength: 80 }), text: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      { maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);
export type SiteSettings = Static<typeof SiteSettings>;
export const SiteSettingsPatch = Type.Partial(SiteSettings, { additionalProperties: false });

export const defaultSiteSettings = (): SiteSettings => ({
  languages: [...LANGUAGES],
  defaultLanguage: 'en',
  timezone: 'UTC',
  hours: null,
  holidays: [],
  texts: {} as SiteSettings['texts'],
  form: { name: 'optional', email: 'optional', phone: 'off', consent: 'off' },
  uploads: { enabled: true, maxBytes: 10 * 1024 * 1024, types: ['image/*', 'application/pdf', 'text/plain'] },
  mailboxId: null,
  canned: [],
});

// Making an Intl.DateTimeFormat costs far more than using one; every visitor's hello asks.
const clocks = new Map<string, Intl.DateTimeFormat>();
function clockIn(timeZone: string): Intl.DateTimeFormat {
  let f = clocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
    if (clocks.size > 500) clocks.clear();
    clocks.set(timeZone, f);
  }
  return f;
}

/** Whether the site is open at `now` (its timezone, weekly hours and holidays). */
export function isOpen(settings: Pick<SiteSettings, 'timezone' | 'hours' | 'holidays'>, now: Date): boolean {
  let parts: Record<string, string>;
  try {
    parts = Object.fromEntries(clockIn(settings.timezone).formatToParts(now).map((p) => [p.type, p.value]));
  } catch {
    parts = {};
  }
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (settings.holidays.includes(date)) return false;
  if (!settings.hours) return true;
  const day = (parts.weekday ?? '').slice(0, 3).toLowerCase() as (typeof WEEKDAYS)[number];
  const minute = `${parts.hour}:${parts.minute}`;
  const spans = (settings.hours as Partial<Record<(typeof WEEKDAYS)[number], { from: string; to: string }[]>>)[day] ?? [];
  return spans.some((s) => s.from <= minute && minute < s.to);
}

export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function pickLanguage(settings: Pick<SiteSettings, 'languages' | 'defaultLanguage'>, wanted: string | undefined): Language {
  const base = (wanted ?? '').toLowerCase().slice(0, 2) as Language;
  return settings.languages.includes(base) ? base : settings.defaultLanguage;
}
