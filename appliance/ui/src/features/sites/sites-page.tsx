import { useEffect, useState } from 'preact/hooks';
import { Copy, KeyRound, Pencil, Plus, Trash2 } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame, Field, Outcome, useOutcome } from '../admin/layout.js';
import { useDirectory } from '../admin/directory.js';
import { api, del, errorField } from '../admin/util.js';
import { LANGUAGES, type Language } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof WEEKDAYS)[number];
type Rule = 'off' | 'optional' | 'required';
const FORM_FIELDS = ['name', 'email', 'phone', 'consent'] as const;
const TEXT_FIELDS = ['title', 'greeting', 'away', 'offline', 'consent'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const TEXT_LABEL: Record<TextField, MessageKey> = { title: 'sites.text.title', greeting: 'sites.text.greeting', away: 'sites.text.away', offline: 'sites.text.offline', consent: 'sites.text.consent' };
const FIELD_LABEL: Record<(typeof FORM_FIELDS)[number], MessageKey> = { name: 'sites.field.name', email: 'sites.field.email', phone: 'sites.field.phone', consent: 'sites.field.consent' };

interface Settings {
  languages: Language[];
  defaultLanguage: Language;
  timezone: string;
  hours: Partial<Record<Weekday, { from: string; to: string }[]>> | null;
  holidays: string[];
  texts: Partial<Record<Language, Partial<Record<TextField, string>>>>;
  form: Record<(typeof FORM_FIELDS)[number], Rule>;
  uploads: { enabled: boolean; maxBytes: number; types: string[] };
  mailboxId: number | null;
}
interface Site {
  id: number;
  name: string;
  origins: { origin: string; registrableDomain: string }[];
  registrableDomains: string[];
  teamId: number | null;
  adminIds: number[];
  settings: Settings;
  snippet: string;
  secret?: string;
}
interface SitesList {
  items: Site[];
  usage: { domains: string[]; limit: number | null };
}

/** What a new site starts with (the server fills the rest with its defaults). */
const blank = (): Draft => ({
  name: '',
  origins: '',
  teamId: null,
  adminIds: [],
  languages: [...LANGUAGES],
  defaultLanguage: 'en',
  timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  alwaysOpen: true,
  hours: Object.fromEntries(WEEKDAYS.map((d) => [d, d === 'sat' || d === 'sun' ? '' : '09:00-18:00'])) as Record<Weekday, string>,
  holidays: '',
  texts: {},
  form: { name: 'optional', email: 'optional', phone: 'off', consent: 'off' },
  uploadsEnabled: true,
  maxMb: 10,
  types: 'image/*, application/pdf, text/plain',
  mailboxId: null,
});

interface Draft {
  name: string;
  origins: string;
  teamId: number | null;
  adminIds: number[];
  languages: Language[];
  defaultLanguage: Language;
  timezone: string;
  alwaysOpen: boolean;
  hours: Record<Weekday, string>;
  holidays: string;
  texts: Partial<Record<Language, Partial<Record<TextField, string>>>>;
  form: Settings['form'];
  uploadsEnabled: boolean;
  maxMb: number;
  types: string;
  mailboxId: number | null;
}

function draftOf(site: Site): Draft {
  const s = site.settings;
  return {
    name: site.name,
    origins: site.origins.map((o) => o.origin).join('\n'),
    teamId: site.teamId,
    adminIds: site.adminIds,
    languages: s.languages,
    defaultLanguage: s.defaultLanguage,
    timezone: s.timezone,
    alwaysOpen: s.hours === null,
    hours: Object.fromEntries(WEEKDAYS.map((d) => [d, (s.hours?.[d] ?? []).map((x) => `${x.from}-${x.to}`).join(', ')])) as Record<Weekday, string>,
    holidays: s.holidays.join('\n'),
    texts: s.texts,
    form: s.form,
    uploadsEnabled: s.uploads.enabled,
    maxMb: Math.round((s.uploads.maxBytes / 1024 / 1024) * 10) / 10,
    types: s.uploads.types.join(', '),
    mailboxId: s.mailboxId,
  };
}

const lines = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Weekday names in the UI language (2026-11-30 was a Monday). */
const dayName = (d: Weekday) => new Intl.DateTimeFormat(session().language.value, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 10, 30 + WEEKDAYS.indexOf(d))));
const languageName = (l: Language) => new Intl.DisplayNames([session().language.value], { type: 'language' }).of(l) ?? l;

/** The request body for a draft; throws the day whose hours cannot be read. */
function bodyOf(d: Draft): Record<string, unknown> {
  let hours: Settings['hours'] = null;
  if (!d.alwaysOpen) {
    hours = {};
    for (const day of WEEKDAYS) {
      const spans = lines(d.hours[day]).map((span) => {
        const m = /^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/.exec(span);
        if (!m) throw new HoursError(day);
        const pad = (h: string) => h.padStart(2, '0');
        return { from: `${pad(m[1]!)}:${m[2]}`, to: `${pad(m[3]!)}:${m[4]}` };
      });
      if (spans.length) hours[day] = spans;
    }
  }
  const texts = Object.fromEntries(
    Object.entries(d.texts)
      .filter(([l]) => d.languages.includes(l as Language))
      .map(([l, t]) => [l, Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => v && v.trim()))]),
  );
  return {
    name: d.name.trim(),
    origins: lines(d.origins),
    teamId: d.teamId,
    adminIds: d.adminIds,
    settings: {
      languages: d.languages,
      defaultLanguage: d.languages.includes(d.defaultLanguage) ? d.defaultLanguage : d.languages[0],
      timezone: d.timezone.trim(),
      hours,
      holidays: lines(d.holidays),
      texts,
      form: d.form,
      uploads: { enabled: d.uploadsEnabled, maxBytes: Math.max(1, Math.round(d.maxMb * 1024 * 1024)), types: lines(d.types) },
      mailboxId: d.mailboxId,
    },
  };
}

class HoursError extends Error {
  constructor(readonly day: Weekday) {
    super(day);
  }
}

/** The snippet and, right after creating or rotating, the secret: shown once, with copy buttons. */
function Handover({ site, secret }: { site: Site; secret: string | null }) {
  const t = useT();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (what: string, text: string) => {
    void navigator.clipboard?.writeText(text).then(() => setCopied(what), () => {});
  };
  return (
    <div class="panel" data-testid="site-handover">
      <Field id={`snippet-${site.id}`} label={t('sites.snippet')}>
        <textarea id={`snippet-${site.id}`} readOnly rows={2} value={site.snippet} data-testid="site-snippet" />
      </Field>
      <button type="button" class="ghost" onClick={() => copy('snippet', site.snippet)}>
        <Copy size={16} aria-hidden="true" /> {t('sites.copy')}
      </button>
      {secret && (
        <>
          <Field id={`secret-${site.id}`} label={t('sites.secret')}>
            <input id={`secret-${site.id}`} readOnly value={secret} data-testid="site-secret" />
          </Field>
          <p class="muted">{t('sites.secretHint')}</p>
          <button type="button" class="ghost" onClick={() => copy('secret', secret)}>
            <Copy size={16} aria-hidden="true" /> {t('sites.copy')}
          </button>
        </>
      )}
      {copied && (
        <p class="notice" role="status">
          {t('sites.copied')}
        </p>
      )}
    </div>
  );
}

function SiteForm({ site, onSaved, onCancel }: { site: Site | null; onSaved: (site: Site, message: string) => void; onCancel: () => void }) {
  const t = useT();
  const dir = useDirectory();
  const outcome = useOutcome();
  const [d, setD] = useState<Draft>(() => (site ? draftOf(site) : blank()));
  const [mailboxes, setMailboxes] = useState<{ id: number; address: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [badDay, setBadDay] = useState<Weekday | null>(null);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const prefix = site ? `site-${site.id}` : 'site-new';
  useEffect(() => {
    api()
      .get<{ items: { id: number; address: string }[] }>('/api/v1/mailboxes')
      .then((r) => setMailboxes(r.items), () => setMailboxes([]));
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    outcome.clear();
    setBadDay(null);
    let body: Record<string, unknown>;
    try {
      body = bodyOf(d);
    } catch (err) {
      if (!(err instanceof HoursError)) throw err;
      setBadDay(err.day);
      return;
    }
    setBusy(true);
    try {
      const saved = site ? await api().patch<Site>(`/api/v1/sites/${site.id}`, body) : await api().post<Site>('/api/v1/sites', body);
      onSaved(saved, site ? t('sites.saved') : t('sites.created', { name: saved.name }));
    } catch (err) {
      outcome.fail(err, errorField(err));
    } finally {
      setBusy(false);
    }
  };
  const bad = (f: string) => (badDay !== null && f === `hours.${badDay}`) || outcome.state?.field === f || Boolean(outcome.state?.field?.startsWith(`${f}.`));
  const textOf = (l: Language, f: TextField) => d.texts[l]?.[f] ?? '';
  const setText = (l: Language, f: TextField, v: string) => set({ texts: { ...d.texts, [l]: { ...(d.texts[l] ?? {}), [f]: v } } });

  return (
    <form class="panel" data-testid="site-form" onSubmit={save} aria-labelledby={`${prefix}-heading`}>
      <h2 id={`${prefix}-heading`}>{site ? t('sites.editing', { name: site.name }) : t('sites.add')}</h2>
      <Field id={`${prefix}-name`} label={t('sites.name')} invalid={bad('name')}>
        <input id={`${prefix}-name`} required maxLength={200} value={d.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      </Field>
      <Field id={`${prefix}-origins`} label={t('sites.origins')} invalid={bad('origins')}>
        <textarea id={`${prefix}-origins`} required rows={3} value={d.origins} placeholder="https://shop.example.com" aria-describedby={`${prefix}-origins-hint`} onInput={(e) => set({ origins: e.currentTarget.value })} />
      </Field>
      <p class="muted" id={`${prefix}-origins-hint`}>
        {t('sites.originsHint')}
      </p>
      <div class="admin-columns">
        <Field id={`${prefix}-team`} label={t('sites.team')}>
          <select id={`${prefix}-team`} value={d.teamId ?? ''} onChange={(e) => set({ teamId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
            <option value="">{t('sites.everyone')}</option>
            {dir.teams.map((tm) => (
              <option value={tm.id}>{tm.name}</option>
            ))}
          </select>
        </Field>
        <Field id={`${prefix}-mailbox`} label={t('sites.mailbox')}>
          <select id={`${prefix}-mailbox`} value={d.mailboxId ?? ''} onChange={(e) => set({ mailboxId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
            <option value="">{t('sites.noMailbox')}</option>
            {mailboxes.map((m) => (
              <option value={m.id}>{m.address}</option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset>
        <legend>{t('sites.admins')}</legend>
        {dir.users
          .filter((u) => u.active && u.role !== 'intern')
          .map((u) => (
            <label class="check">
              <input type="checkbox" checked={d.adminIds.includes(u.id)} onChange={(e) => set({ adminIds: e.currentTarget.checked ? [...d.adminIds, u.id] : d.adminIds.filter((x) => x !== u.id) })} /> {u.displayName}
            </label>
          ))}
      </fieldset>
      <fieldset>
        <legend>{t('sites.languages')}</legend>
        {LANGUAGES.map((l) => (
          <label class="check">
            <input
              type="checkbox"
              data-language={l}
              checked={d.languages.includes(l)}
              onChange={(e) => set({ languages: e.currentTarget.checked ? LANGUAGES.filter((x) => x === l || d.languages.includes(x)) : d.languages.filter((x) => x !== l) })}
            />{' '}
            {languageName(l)}
          </label>
        ))}
        <Field id={`${prefix}-default-language`} label={t('sites.defaultLanguage')} invalid={bad('settings.defaultLanguage')}>
          <select id={`${prefix}-default-language`} value={d.defaultLanguage} onChange={(e) => set({ defaultLanguage: e.currentTarget.value as Language })}>
            {d.languages.map((l) => (
              <option value={l}>{languageName(l)}</option>
            ))}
          </select>
        </Field>
      </fieldset>
      <fieldset>
        <legend>{t('sites.hours')}</legend>
        <Field id={`${prefix}-timezone`} label={t('sites.timezone')} invalid={bad('settings.timezone')}>
          <input id={`${prefix}-timezone`} required value={d.timezone} onInput={(e) => set({ timezone: e.currentTarget.value })} />
        </Field>
        <label class="check">
          <input type="checkbox" checked={d.alwaysOpen} onChange={(e) => set({ alwaysOpen: e.currentTarget.checked })} /> {t('sites.alwaysOpen')}
        </label>
        {!d.alwaysOpen && (
          <>
            <p class="muted" id={`${prefix}-hours-hint`}>
              {t('sites.hoursHint')}
            </p>
            {WEEKDAYS.map((day) => (
              <Field id={`${prefix}-hours-${day}`} label={dayName(day)} invalid={bad(`hours.${day}`)}>
                <input id={`${prefix}-hours-${day}`} data-day={day} value={d.hours[day]} aria-describedby={`${prefix}-hours-hint`} onInput={(e) => set({ hours: { ...d.hours, [day]: e.currentTarget.value } })} />
              </Field>
            ))}
          </>
        )}
        <Field id={`${prefix}-holidays`} label={t('sites.holidays')} invalid={bad('settings.holidays')}>
          <textarea id={`${prefix}-holidays`} rows={2} value={d.holidays} placeholder="2026-12-25" onInput={(e) => set({ holidays: e.currentTarget.value })} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>{t('sites.texts')}</legend>
        <p class="muted">{t('sites.textsHint')}</p>
        {d.languages.map((l) => (
          <fieldset data-texts={l}>
            <legend>{languageName(l)}</legend>
            {TEXT_FIELDS.map((f) => (
              <Field id={`${prefix}-text-${l}-${f}`} label={t(TEXT_LABEL[f])}>
                <input id={`${prefix}-text-${l}-${f}`} maxLength={f === 'title' ? 80 : 500} value={textOf(l, f)} onInput={(e) => setText(l, f, e.currentTarget.value)} />
              </Field>
            ))}
          </fieldset>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('sites.form')}</legend>
        <div class="admin-columns">
          {FORM_FIELDS.map((f) => (
            <Field id={`${prefix}-form-${f}`} label={t(FIELD_LABEL[f])}>
              <select id={`${prefix}-form-${f}`} value={d.form[f]} onChange={(e) => set({ form: { ...d.form, [f]: e.currentTarget.value as Rule } })}>
                <option value="off">{t('sites.rule.off')}</option>
                <option value="optional">{t('sites.rule.optional')}</option>
                <option value="required">{t('sites.rule.required')}</option>
              </select>
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('sites.uploads')}</legend>
        <label class="check">
          <input type="checkbox" checked={d.uploadsEnabled} onChange={(e) => set({ uploadsEnabled: e.currentTarget.checked })} /> {t('sites.uploadsEnabled')}
        </label>
        <div class="admin-columns">
          <Field id={`${prefix}-max-mb`} label={t('sites.maxMb')} invalid={bad('settings.uploads')}>
            <input id={`${prefix}-max-mb`} type="number" min={0.1} max={50} step={0.1} value={d.maxMb} onInput={(e) => set({ maxMb: Number(e.currentTarget.value) })} />
          </Field>
          <Field id={`${prefix}-types`} label={t('sites.types')}>
            <input id={`${prefix}-types`} value={d.types} onInput={(e) => set({ types: e.currentTarget.value })} />
          </Field>
        </div>
      </fieldset>
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy} data-testid="site-save">
          {t('sites.save')}
        </button>
        <button type="button" class="ghost" onClick={onCancel}>
          {t('sites.cancel')}
        </button>
      </div>
      {badDay && (
        <p class="error" role="alert" data-testid="outcome">
          {t('sites.hoursInvalid', { day: dayName(badDay) })}
        </p>
      )}
      <Outcome state={outcome.state} />
    </form>
  );
}

/** `/admin/sites`: website chat sites, what the licence counts, the snippet and the identity secret. */
export default function SitesPage() {
  const t = useT();
  const dir = useDirectory();
  const state = useAsync(() => api().get<SitesList>('/api/v1/sites'), []);
  const outcome = useOutcome();
  const [editing, setEditing] = useState<Site | 'new' | null>(null);
  const [handover, setHandover] = useState<{ site: Site; secret: string | null } | null>(null);

  const saved = (site: Site, message: string) => {
    setEditing(null);
    setHandover({ site, secret: site.secret ?? null });
    outcome.ok(message);
    state.reload();
  };
  const rotate = async (site: Site) => {
    if (!confirm(t('sites.rotateConfirm'))) return;
    try {
      const r = await api().post<Site>(`/api/v1/sites/${site.id}/secret`);
      setHandover({ site: r, secret: r.secret ?? null });
    } catch (err) {
      outcome.fail(err);
    }
  };
  const remove = async (site: Site) => {
    if (!confirm(t('sites.removeConfirm', { name: site.name }))) return;
    try {
      await del(`/api/v1/sites/${site.id}`);
      setHandover(null);
      outcome.ok(t('sites.removed', { name: site.name }));
      state.reload();
    } catch (err) {
      outcome.fail(err);
    }
  };

  return (
    <AdminFrame testid="admin-sites">
      <h2>{t('sites.nav')}</h2>
      <Async state={state} onRetry={state.reload}>
        {(data) => (
          <>
            <p class="muted" data-testid="sites-usage">
              {data.usage.limit === null ? t('sites.usageNoLimit', { count: data.usage.domains.length }) : t('sites.usage', { count: data.usage.domains.length, limit: data.usage.limit })}
              {data.usage.domains.length > 0 && ` (${data.usage.domains.join(', ')})`}
            </p>
            {data.items.length === 0 ? (
              <p class="muted">{t('sites.none')}</p>
            ) : (
              <table data-testid="sites">
                <thead>
                  <tr>
                    <th scope="col">{t('sites.name')}</th>
                    <th scope="col">{t('sites.origins')}</th>
                    <th scope="col">{t('sites.domains')}</th>
                    <th scope="col">{t('sites.team')}</th>
                    <th scope="col">{t('sites.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((s) => (
                    <tr data-testid="site-row" data-site={s.name}>
                      <td>{s.name}</td>
                      <td>{s.origins.map((o) => o.origin).join(' ')}</td>
                      <td>{s.registrableDomains.join(', ')}</td>
                      <td>{s.teamId === null ? t('sites.everyone') : dir.teamName(s.teamId)}</td>
                      <td class="toolbar">
                        <button type="button" class="ghost" onClick={() => { setHandover({ site: s, secret: null }); setEditing(s); }}>
                          <Pencil size={16} aria-hidden="true" /> {t('sites.edit')}
                        </button>
                        <button type="button" class="ghost" onClick={() => void rotate(s)}>
                          <KeyRound size={16} aria-hidden="true" /> {t('sites.rotate')}
                        </button>
                        <button type="button" class="ghost danger" onClick={() => void remove(s)}>
                          <Trash2 size={16} aria-hidden="true" /> {t('sites.remove')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Async>
      <Outcome state={outcome.state} />
      {handover && <Handover site={handover.site} secret={handover.secret} />}
      {editing === null ? (
        <div class="toolbar">
          <button type="button" class="primary" data-testid="site-add" onClick={() => { setHandover(null); outcome.clear(); setEditing('new'); }}>
            <Plus size={16} aria-hidden="true" /> {t('sites.add')}
          </button>
        </div>
      ) : (
        <SiteForm key={editing === 'new' ? 'new' : editing.id} site={editing === 'new' ? null : editing} onSaved={saved} onCancel={() => setEditing(null)} />
      )}
    </AdminFrame>
  );
}
