import { useMemo, useState } from 'preact/hooks';
import { Copy, Upload } from 'lucide-preact';
import { useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame, Outcome, refreshLicenceBanner, useOutcome } from './layout.js';
import { TimeChart } from './chart.js';
import { api, date, daysUntil } from './util.js';

interface Status {
  status: 'licensed' | 'evaluation' | 'evaluation-ended' | 'invalid';
  id: string | null;
  customer: string | null;
  sessions: number;
  modules: string[];
  sites: number;
  expires: string | null;
  updatesUntil: string | null;
  evaluationEndsAt: string | null;
  fingerprintMatch: boolean | null;
  inUse: number;
  peak: number;
}
interface Usage {
  items: { hour: string; peak: number; sessionLimit: number; refused: number }[];
}

const STATUS: Record<Status['status'], MessageKey> = {
  licensed: 'admin.lic.status.licensed',
  evaluation: 'admin.lic.status.evaluation',
  'evaluation-ended': 'admin.lic.status.ended',
  invalid: 'admin.lic.status.invalid',
};
const MODULE: Record<string, MessageKey> = {
  telephony: 'admin.lic.module.telephony',
  mail: 'admin.lic.module.mail',
  chat: 'admin.lic.module.chat',
  reports: 'admin.lic.module.reports',
};

function UsageChart() {
  const t = useT();
  const usage = useAsync(() => api().get<Usage>('/api/v1/license/usage'), []);
  const data = useMemo(() => {
    const items = usage.data?.items ?? [];
    return {
      x: items.map((i) => new Date(i.hour).getTime() / 1000),
      series: [
        { label: t('admin.lic.chart.peak'), values: items.map((i) => i.peak), color: '#2563eb', bars: true },
        { label: t('admin.lic.chart.limit'), values: items.map((i) => i.sessionLimit), color: '#dc2626', dash: [6, 4] },
      ],
    };
  }, [usage.data, t]);
  if (usage.status !== 'ready') return <Async state={usage} onRetry={usage.reload}>{() => null}</Async>;
  if (data.x.length === 0) return <p class="muted">{t('admin.lic.chart.empty')}</p>;
  return <TimeChart testid="usage-chart" x={data.x} series={data.series} yLabel={t('admin.lic.chart.axis')} />;
}

export default function LicencePage() {
  const t = useT();
  const outcome = useOutcome();
  const state = useAsync(() => api().get<{ license?: Status; requestCode?: string }>('/api/v1/license'), []);
  const [text, setText] = useState('');
  const upload = async (e: Event) => {
    e.preventDefault();
    try {
      await api().post('/api/v1/license', text.trim());
      outcome.ok(t('admin.lic.activated'));
      setText('');
      state.reload();
      refreshLicenceBanner();
    } catch (err) {
      outcome.fail(err);
    }
  };
  return (
    <AdminFrame testid="admin-licence">
      <h2>{t('admin.nav.licence')}</h2>
      <Async state={state} onRetry={state.reload}>
        {({ license: l, requestCode }) =>
          l && (
            <>
              <dl class="contact-fields" data-testid="licence-status" data-status={l.status}>
                <dt>{t('admin.lic.status')}</dt>
                <dd>
                  <Badge tone={l.status === 'licensed' ? 'success' : l.status === 'evaluation' ? 'warning' : 'danger'}>{t(STATUS[l.status])}</Badge>
                  {l.status === 'evaluation' && l.evaluationEndsAt && ` ${t('admin.lic.daysLeft', { count: Math.max(0, daysUntil(l.evaluationEndsAt)) })}`}
                </dd>
                {l.customer && (
                  <>
                    <dt>{t('admin.lic.customer')}</dt>
                    <dd data-testid="licence-customer">{l.customer} ({l.id})</dd>
                  </>
                )}
                <dt>{t('admin.lic.sessions')}</dt>
                <dd data-testid="licence-sessions">{t('admin.lic.sessionsValue', { inUse: l.inUse, limit: l.sessions, peak: l.peak })}</dd>
                <dt>{t('admin.lic.modules')}</dt>
                <dd>{l.modules.map((m) => (MODULE[m] ? t(MODULE[m]!) : m)).join(', ')}</dd>
                <dt>{t('admin.lic.sites')}</dt>
                <dd>{l.sites}</dd>
                <dt>{t('admin.lic.expires')}</dt>
                <dd>{l.expires ? date(l.expires) : l.evaluationEndsAt ? date(l.evaluationEndsAt) : t('admin.lic.never')}</dd>
                <dt>{t('admin.lic.updatesUntil')}</dt>
                <dd>{l.updatesUntil ? date(l.updatesUntil) : '—'}</dd>
              </dl>
              <section class="panel">
                <h3>{t('admin.lic.usage')}</h3>
                <UsageChart />
              </section>
              <section class="panel">
                <h3>{t('admin.lic.request')}</h3>
                <p class="muted">{t('admin.lic.requestHint')}</p>
                <p>
                  <code data-testid="request-code">{requestCode}</code>{' '}
                  <button type="button" class="ghost" onClick={() => navigator.clipboard?.writeText(requestCode ?? '').then(() => outcome.ok(t('admin.lic.copied')), () => outcome.ok(t('admin.lic.copyManually')))}>
                    <Copy size={16} aria-hidden="true" /> {t('admin.lic.copy')}
                  </button>
                </p>
              </section>
              <form class="panel" data-testid="licence-upload" onSubmit={upload}>
                <h3>{t('admin.lic.upload')}</h3>
                <label for="licence-file">{t('admin.lic.file')}</label>
                <input
                  id="licence-file"
                  type="file"
                  accept=".lic,.txt,.json"
                  onChange={async (e) => {
                    const file = e.currentTarget.files?.[0];
                    if (file) setText(await file.text());
                  }}
                />
                <label for="licence-text">{t('admin.lic.paste')}</label>
                <textarea id="licence-text" rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} />
                <button type="submit" class="primary" disabled={!text.trim()}>
                  <Upload size={16} aria-hidden="true" /> {t('admin.lic.activate')}
                </button>
              </form>
            </>
          )
        }
      </Async>
      <Outcome state={outcome.state} />
    </AdminFrame>
  );
}
