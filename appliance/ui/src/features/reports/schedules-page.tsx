import { useState } from 'preact/hooks';
import { Pencil, Plus, Send, Trash2 } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { Async, Empty } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { Field, Outcome, useOutcome } from '../admin/layout.js';
import { del, errorField, list } from '../admin/util.js';
import { LANGUAGES, type Language } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n.js';
import { ReportTabs } from './table.js';
import './reports.css';

type Period = 'daily' | 'weekly' | 'monthly';
interface Schedule {
  id: number;
  name: string;
  report: 'queues' | 'agents';
  period: Period;
  format: 'csv' | 'xlsx';
  recipients: string[];
  mailboxId: number;
  language: Language;
  timeZone: string;
  lastSentFor: string | null;
  lastError: string | null;
}
interface Mailbox {
  id: number;
  address: string;
}
interface Draft {
  name: string;
  report: Schedule['report'];
  period: Period;
  format: Schedule['format'];
  recipients: string;
  mailboxId: number | null;
  language: Language;
  timeZone: string;
}

const REPORT_LABEL: Record<Schedule['report'], MessageKey> = { queues: 'reports.queues', agents: 'reports.agents' };
const PERIOD_LABEL: Record<Period, MessageKey> = { daily: 'reports.sched.period.daily', weekly: 'reports.sched.period.weekly', monthly: 'reports.sched.period.monthly' };
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const languageName = (l: Language) => new Intl.DisplayNames([session().language.value], { type: 'language' }).of(l) ?? l;

const blank = (mailboxId: number | null): Draft => ({
  name: '',
  report: 'queues',
  period: 'daily',
  format: 'xlsx',
  recipients: '',
  mailboxId,
  language: session().language.value as Language,
  timeZone: localZone(),
});
const draftOf = (s: Schedule): Draft => ({ ...s, recipients: s.recipients.join(', ') });

/**
 * Reports mailed on a schedule: the list (what, how often, to whom, from which mailbox, the
 * period last sent and the last error), a form to create or edit one, delete, and "send now".
 */
export default function SchedulesPage() {
  const t = useT();
  const api = session().api;
  const outcome = useOutcome();
  const data = useAsync(async () => {
    const [schedules, mailboxes] = await Promise.all([
      api.get<{ items: Schedule[] }>('/api/v1/reports/schedules'),
      api.get<{ items: Mailbox[] }>('/api/v1/mailboxes'),
    ]);
    return { schedules: schedules.items, mailboxes: mailboxes.items };
  }, []);
  // null: no form open; 0: a new schedule; else the schedule being edited.
  const [editing, setEditing] = useState<number | null>(null);
  const [draft, setDraft] = useState<Draft>(blank(null));
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const bad = (field: string) => outcome.state?.field === field;

  const open = (id: number, d: Draft) => {
    outcome.clear();
    setEditing(id);
    setDraft(d);
  };
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    outcome.clear();
    try {
      outcome.ok(await action());
    } catch (err) {
      outcome.fail(err, errorField(err));
    } finally {
      setBusy(false);
      // The list shows what happened either way (a failed sending is the schedule's last error).
      data.reload();
    }
  };
  const save = () =>
    run(async () => {
      const body = {
        name: draft.name.trim(),
        report: draft.report,
        period: draft.period,
        format: draft.format,
        recipients: list(draft.recipients),
        mailboxId: draft.mailboxId ?? 0,
        language: draft.language,
        timeZone: draft.timeZone.trim(),
      };
      if (editing) await api.put(`/api/v1/reports/schedules/${editing}`, body);
      else await api.post('/api/v1/reports/schedules', body);
      setEditing(null);
      return t('reports.sched.saved');
    });

  return (
    <div data-testid="schedules">
      <ReportTabs />
      <Async state={data} onRetry={data.reload}>
        {({ schedules, mailboxes }) => {
          const mailboxName = (id: number) => mailboxes.find((m) => m.id === id)?.address ?? `#${id}`;
          return (
            <>
              <section class="panel" aria-labelledby="rep-s">
                <h2 id="rep-s">
                  {t('reports.tab.schedules')}{' '}
                  <button type="button" class="primary" disabled={editing === 0} onClick={() => open(0, blank(mailboxes[0]?.id ?? null))} data-testid="schedule-new">
                    <Plus size={16} aria-hidden="true" /> {t('reports.sched.new')}
                  </button>
                </h2>
                {editing === null && <Outcome state={outcome.state} />}
                {schedules.length === 0 ? (
                  <Empty title={t('reports.sched.empty')} hint={t('reports.sched.emptyHint')} />
                ) : (
                  <div class="rep-table-wrap">
                    <table class="rep-table rep-sched" data-testid="schedules-table">
                      <thead>
                        <tr>
                          <th scope="col">{t('reports.sched.name')}</th>
                          <th scope="col">{t('reports.sched.report')}</th>
                          <th scope="col">{t('reports.sched.period')}</th>
                          <th scope="col">{t('reports.sched.recipients')}</th>
                          <th scope="col">{t('reports.sched.mailbox')}</th>
                          <th scope="col">{t('reports.sched.lastSent')}</th>
                          <th scope="col">{t('reports.sched.lastError')}</th>
                          <th scope="col">{t('reports.sched.actions')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {schedules.map((s) => (
                          <tr key={s.id} data-testid={`schedule-${s.id}`}>
                            <td data-field="name">{s.name}</td>
                            <td data-field="report">
                              {t(REPORT_LABEL[s.report])} · {s.format === 'xlsx' ? t('reports.exportXlsx') : t('reports.exportCsv')}
                            </td>
                            <td data-field="period">{t(PERIOD_LABEL[s.period])}</td>
                            <td data-field="recipients">{s.recipients.join(', ')}</td>
                            <td data-field="mailbox">{mailboxName(s.mailboxId)}</td>
                            <td data-field="lastSent">{s.lastSentFor ?? t('reports.sched.never')}</td>
                            <td data-field="lastError" class={s.lastError ? 'error' : undefined}>
                              {s.lastError ?? '—'}
                            </td>
                            <td class="rep-actions">
                              <button type="button" class="ghost" disabled={busy} onClick={() => open(s.id, draftOf(s))} aria-label={t('reports.sched.editName', { name: s.name })} data-testid="schedule-edit">
                                <Pencil size={16} aria-hidden="true" />
                              </button>
                              <button
                                type="button"
                                class="ghost"
                                disabled={busy}
                                aria-label={t('reports.sched.sendNow')}
                                title={t('reports.sched.sendNow')}
                                data-testid="schedule-send"
                                onClick={() =>
                                  run(async () => {
                                    const r = await api.post<{ sentFor: string }>(`/api/v1/reports/schedules/${s.id}/send`);
                                    return t('reports.sched.sent', { period: r.sentFor });
                                  })
                                }
                              >
                                <Send size={16} aria-hidden="true" />
                              </button>
                              <button
                                type="button"
                                class="ghost"
                                disabled={busy}
                                aria-label={t('reports.sched.delete')}
                                title={t('reports.sched.delete')}
                                data-testid="schedule-delete"
                                onClick={() => {
                                  if (!window.confirm(t('reports.sched.confirmDelete', { name: s.name }))) return;
                                  void run(async () => {
                                    await del(`/api/v1/reports/schedules/${s.id}`);
                                    if (editing === s.id) setEditing(null);
                                    return t('reports.sched.deleted');
                                  });
                                }}
                              >
                                <Trash2 size={16} aria-hidden="true" />
                              </button>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
              {editing !== null && (
                <form
                  class="panel rep-sched-form"
                  data-testid="schedule-form"
                  aria-labelledby="rep-sf"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void save();
                  }}
                >
                  <h2 id="rep-sf">{editing ? t('reports.sched.editName', { name: schedules.find((s) => s.id === editing)?.name ?? '' }) : t('reports.sched.new')}</h2>
                  <Field id="sched-name" label={t('reports.sched.name')} invalid={bad('name')}>
                    <input id="sched-name" required maxLength={100} value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
                  </Field>
                  <Field id="sched-report" label={t('reports.sched.report')} invalid={bad('report')}>
                    <select id="sched-report" value={draft.report} onChange={(e) => set({ report: e.currentTarget.value as Schedule['report'] })}>
                      {(['queues', 'agents'] as const).map((r) => (
                        <option key={r} value={r}>
                          {t(REPORT_LABEL[r])}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field id="sched-period" label={t('reports.sched.period')} invalid={bad('period')}>
                    <select id="sched-period" value={draft.period} onChange={(e) => set({ period: e.currentTarget.value as Period })}>
                      {(['daily', 'weekly', 'monthly'] as const).map((p) => (
                        <option key={p} value={p}>
                          {t(PERIOD_LABEL[p])}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field id="sched-format" label={t('reports.sched.format')} invalid={bad('format')}>
                    <select id="sched-format" value={draft.format} onChange={(e) => set({ format: e.currentTarget.value as Schedule['format'] })}>
                      <option value="xlsx">{t('reports.exportXlsx')}</option>
                      <option value="csv">{t('reports.exportCsv')}</option>
                    </select>
                  </Field>
                  <Field id="sched-recipients" label={t('reports.sched.recipients')} invalid={bad('recipients') || !!outcome.state?.field?.startsWith('recipients')}>
                    <textarea id="sched-recipients" required rows={2} value={draft.recipients} aria-describedby="sched-recipients-hint" onInput={(e) => set({ recipients: e.currentTarget.value })} />
                  </Field>
                  <p class="muted" id="sched-recipients-hint">
                    {t('reports.sched.recipientsHint')}
                  </p>
                  <Field id="sched-mailbox" label={t('reports.sched.mailbox')} invalid={bad('mailboxId')}>
                    {mailboxes.length === 0 ? (
                      <p class="error" id="sched-mailbox">
                        {t('reports.sched.noMailbox')}
                      </p>
                    ) : (
                      <select id="sched-mailbox" value={draft.mailboxId ?? ''} onChange={(e) => set({ mailboxId: Number(e.currentTarget.value) })}>
                        {mailboxes.map((m) => (
                          <option key={m.id} value={m.id}>
                            {m.address}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field id="sched-language" label={t('reports.sched.language')} invalid={bad('language')}>
                    <select id="sched-language" value={draft.language} onChange={(e) => set({ language: e.currentTarget.value as Language })}>
                      {LANGUAGES.map((l) => (
                        <option key={l} value={l}>
                          {languageName(l)}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field id="sched-tz" label={t('reports.sched.timeZone')} invalid={bad('timeZone')}>
                    <input id="sched-tz" required maxLength={64} value={draft.timeZone} onInput={(e) => set({ timeZone: e.currentTarget.value })} />
                  </Field>
                  <Outcome state={outcome.state} />
                  <div class="toolbar">
                    <button type="submit" class="primary" disabled={busy || mailboxes.length === 0} data-testid="schedule-save">
                      {editing ? t('reports.sched.save') : t('reports.sched.create')}
                    </button>
                    <button type="button" class="ghost" onClick={() => setEditing(null)}>
                      {t('reports.sched.cancel')}
                    </button>
                  </div>
                </form>
              )}
            </>
          );
        }}
      </Async>
    </div>
  );
}
