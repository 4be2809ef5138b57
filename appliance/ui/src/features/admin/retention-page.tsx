import { useMemo, useState } from 'preact/hooks';
import { useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame, Field, Outcome, useOutcome } from './layout.js';
import { TimeChart } from './chart.js';
import { api, bytes, date, dateTime, del, num } from './util.js';

interface Policy {
  class: string;
  days: number | null;
  registered: boolean;
}
interface PreviewLine {
  class: string;
  policyDays: number | null;
  currentPolicyDays: number | null;
  items: number;
  bytes: number;
}
interface Forecast {
  asOf: string;
  disk: { totalBytes: number; freeBytes: number; usedBytes: number; usedPercent: number };
  classes: { class: string; bytes: number; dailyGrowthBytes: number }[];
  neededBytes: number;
  projectedUsedPercent: number;
  fillsOn: string | null;
  level: string;
}
interface Hold {
  id: number;
  scope: string;
  targetId: string;
  reason: string;
  createdAt: string;
}
interface JournalEntry {
  id: number;
  class: string;
  policyDays: number;
  asOf: string;
  trigger: string;
  actor: string;
  status: string;
  items: number;
  bytes: number;
  finishedAt: string | null;
}

const CLASS_LABEL: Record<string, MessageKey> = {
  recordings: 'admin.ret.class.recordings',
  calls: 'admin.ret.class.calls',
  mail: 'admin.ret.class.mail',
  chats: 'admin.ret.class.chats',
  audit: 'admin.ret.class.audit',
};
const SCOPE_LABEL: Record<string, MessageKey> = {
  contact: 'admin.ret.scope.contact',
  call: 'admin.ret.scope.call',
  mail_thread: 'admin.ret.scope.mailThread',
  chat: 'admin.ret.scope.chat',
};

function PolicyRow({ p, onSaved }: { p: Policy; onSaved: () => void }) {
  const t = useT();
  const outcome = useOutcome();
  const [days, setDays] = useState(p.days === null ? '' : String(p.days));
  const [preview, setPreview] = useState<PreviewLine | null>(null);
  const value = days.trim() === '' ? null : Number(days);
  const put = (dryRun: boolean) => api().put<{ saved: boolean; preview: PreviewLine }>(`/api/v1/retention/policies/${p.class}${dryRun ? '?dryRun=true' : ''}`, { days: value });
  const label = CLASS_LABEL[p.class];
  return (
    <tr data-testid="policy-row" data-class={p.class}>
      <td>{label ? t(label) : p.class}</td>
      <td>{p.days === null ? t('admin.ret.forever') : t('admin.ret.days', { count: p.days })}</td>
      <td>
        <input aria-label={t('admin.ret.newDays', { name: label ? t(label) : p.class })} inputMode="numeric" placeholder={t('admin.ret.forever')} value={days} onInput={(e) => { setDays(e.currentTarget.value); setPreview(null); }} />
      </td>
      <td>
        <button type="button" onClick={async () => { try { setPreview((await put(true)).preview); outcome.clear(); } catch (err) { outcome.fail(err); } }}>
          {t('admin.ret.preview')}
        </button>
        {preview && (
          <>
            <p class="notice" data-testid="policy-preview" data-items={preview.items}>
              {preview.items === 0 ? t('admin.ret.previewNothing') : t('admin.ret.previewDeletes', { count: preview.items, size: bytes(preview.bytes) })}
            </p>
            <button type="button" class="primary" onClick={async () => { try { await put(false); outcome.ok(t('admin.ret.saved')); setPreview(null); onSaved(); } catch (err) { outcome.fail(err); } }}>
              {t('admin.ret.confirm')}
            </button>
          </>
        )}
        <Outcome state={outcome.state} />
      </td>
    </tr>
  );
}

function ForecastChart({ f }: { f: Forecast }) {
  const t = useT();
  const daily = f.classes.reduce((s, c) => s + c.dailyGrowthBytes, 0);
  const { x, series } = useMemo(() => {
    const start = new Date(f.asOf).getTime() / 1000;
    const xs = Array.from({ length: 53 }, (_, i) => start + i * 7 * 86400);
    const total = f.disk.totalBytes;
    return {
      x: xs,
      series: [
        { label: t('admin.ret.chart.used'), values: xs.map((_, i) => Math.min(total, f.disk.usedBytes + daily * 7 * i)), color: '#2563eb' },
        { label: '80 %', values: xs.map(() => total * 0.8), color: '#d97706', dash: [6, 4] },
        { label: '90 %', values: xs.map(() => total * 0.9), color: '#dc2626', dash: [6, 4] },
      ],
    };
  }, [f, t]);
  return <TimeChart testid="forecast-chart" x={x} series={series} yLabel={t('admin.ret.chart.axis')} format={bytes} />;
}

function Holds() {
  const t = useT();
  const outcome = useOutcome();
  const holds = useAsync(() => api().get<{ holds: Hold[] }>('/api/v1/legal-holds'), []);
  const [form, setForm] = useState({ scope: 'contact', targetId: '', reason: '' });
  return (
    <section class="panel" data-testid="holds">
      <h3>{t('admin.ret.holds')}</h3>
      <Async state={holds} onRetry={holds.reload}>
        {(data) =>
          data.holds.length === 0 ? (
            <p class="muted">{t('admin.ret.holdsNone')}</p>
          ) : (
            <table>
              <tbody>
                {data.holds.map((h) => (
                  <tr>
                    <td>{t(SCOPE_LABEL[h.scope] ?? 'admin.ret.scope.contact')} {h.targetId}</td>
                    <td>{h.reason}</td>
                    <td>{dateTime(h.createdAt)}</td>
                    <td>
                      <button type="button" class="ghost" onClick={async () => { try { await del(`/api/v1/legal-holds/${h.id}`); holds.reload(); } catch (err) { outcome.fail(err); } }}>
                        {t('admin.ret.release')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api().post('/api/v1/legal-holds', form);
            outcome.ok(t('admin.ret.holdPlaced'));
            holds.reload();
          } catch (err) {
            outcome.fail(err);
          }
        }}
      >
        <Field id="hold-scope" label={t('admin.ret.holdScope')}>
          <select id="hold-scope" value={form.scope} onChange={(e) => setForm({ ...form, scope: e.currentTarget.value })}>
            {Object.entries(SCOPE_LABEL).map(([k, v]) => <option value={k}>{t(v)}</option>)}
          </select>
        </Field>
        <Field id="hold-target" label={t('admin.ret.holdTarget')}>
          <input id="hold-target" required value={form.targetId} onInput={(e) => setForm({ ...form, targetId: e.currentTarget.value.trim() })} />
        </Field>
        <Field id="hold-reason" label={t('admin.ret.holdReason')}>
          <input id="hold-reason" required value={form.reason} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
        </Field>
        <button type="submit" class="primary">{t('admin.ret.placeHold')}</button>
      </form>
      <Outcome state={outcome.state} />
    </section>
  );
}

export default function RetentionPage() {
  const t = useT();
  const policies = useAsync(() => api().get<{ policies: Policy[] }>('/api/v1/retention/policies'), []);
  const forecast = useAsync(() => api().get<Forecast>('/api/v1/retention/forecast'), []);
  const journal = useAsync(() => api().get<{ entries: JournalEntry[] }>('/api/v1/retention/journal?limit=50'), []);
  return (
    <AdminFrame testid="admin-retention">
      <h2>{t('admin.nav.retention')}</h2>
      <p class="muted">{t('admin.ret.intro')}</p>
      <Async state={policies} onRetry={policies.reload}>
        {(data) => (
          <table data-testid="policies">
            <thead>
              <tr>
                <th scope="col">{t('admin.ret.class')}</th>
                <th scope="col">{t('admin.ret.current')}</th>
                <th scope="col">{t('admin.ret.new')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>{data.policies.map((p) => <PolicyRow key={`${p.class}:${p.days}`} p={p} onSaved={() => { policies.reload(); journal.reload(); forecast.reload(); }} />)}</tbody>
          </table>
        )}
      </Async>
      <section class="panel" data-testid="forecast">
        <h3>{t('admin.ret.forecast')}</h3>
        <Async state={forecast} onRetry={forecast.reload}>
          {(f) => (
            <>
              <p>
                <Badge tone={f.level === 'critical' ? 'danger' : f.level === 'warning' ? 'warning' : 'success'}>{t(f.level === 'critical' ? 'admin.ret.level.critical' : f.level === 'warning' ? 'admin.ret.level.warning' : 'admin.ret.level.ok')}</Badge>{' '}
                {t('admin.ret.disk', { used: bytes(f.disk.usedBytes), total: bytes(f.disk.totalBytes), percent: num(Math.round(f.disk.usedPercent)) })}{' '}
                {t('admin.ret.growth', { size: bytes(f.classes.reduce((s, c) => s + c.dailyGrowthBytes, 0)) })}{' '}
                {f.fillsOn ? t('admin.ret.fillsOn', { date: date(f.fillsOn) }) : t('admin.ret.fillsNever', { percent: num(Math.round(f.projectedUsedPercent)) })}
              </p>
              {f.disk.usedPercent >= 80 && <p class="error" role="alert">{t(f.disk.usedPercent >= 90 ? 'admin.ret.warn90' : 'admin.ret.warn80')}</p>}
              <ForecastChart f={f} />
            </>
          )}
        </Async>
      </section>
      <Holds />
      <section class="panel" data-testid="journal">
        <h3>{t('admin.ret.journal')}</h3>
        <Async state={journal} onRetry={journal.reload}>
          {(data) =>
            data.entries.length === 0 ? (
              <p class="muted">{t('admin.ret.journalNone')}</p>
            ) : (
              <table>
                <tbody>
                  {data.entries.map((j) => (
                    <tr>
                      <td>{dateTime(j.finishedAt ?? j.asOf)}</td>
                      <td>{CLASS_LABEL[j.class] ? t(CLASS_LABEL[j.class]!) : j.class}</td>
                      <td>{t('admin.ret.journalLine', { count: j.items, size: bytes(j.bytes), days: j.policyDays })}</td>
                      <td>{j.actor}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </section>
    </AdminFrame>
  );
}
