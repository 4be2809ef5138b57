import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { signal } from '@preact/signals';
import { AlertTriangle } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { describeError } from '../../ui/errors.js';
import { api, daysUntil } from './util.js';
import './admin.css';

/** The admin console's pages, in the order of its tab bar. */
export const ADMIN_PAGES: ReadonlyArray<{ path: string; label: MessageKey }> = [
  { path: '/admin/users', label: 'admin.users' },
  { path: '/admin/teams', label: 'admin.teams' },
  { path: '/admin/mailboxes', label: 'admin.nav.mailboxes' },
  { path: '/admin/routing', label: 'admin.nav.routing' },
  { path: '/admin/sites', label: 'sites.nav' },
  { path: '/admin/telephony', label: 'admin.nav.telephony' },
  { path: '/admin/retention', label: 'admin.nav.retention' },
  { path: '/admin/licence', label: 'admin.nav.licence' },
  { path: '/admin/system', label: 'admin.nav.system' },
  { path: '/admin/settings', label: 'admin.settings' },
  { path: '/admin/audit', label: 'admin.audit' },
];

interface LicenceBrief {
  status: string;
  evaluationEndsAt: string | null;
  expires: string | null;
}

/** Read once per page load: every admin page shows the evaluation's days left. */
const licence = signal<LicenceBrief | null>(null);
export function refreshLicenceBanner(): void {
  api()
    .get<{ license?: LicenceBrief }>('/api/v1/license')
    .then((r) => (licence.value = r.license ?? null))
    .catch(() => {});
}

function LicenceBanner() {
  const t = useT();
  useEffect(() => {
    if (licence.value === null) refreshLicenceBanner();
  }, []);
  const l = licence.value;
  if (!l) return null;
  const go = (e: Event) => {
    e.preventDefault();
    session().navigate('/admin/licence');
  };
  if (l.status === 'evaluation' && l.evaluationEndsAt) {
    return (
      <p class="notice admin-banner" role="status" data-testid="evaluation-banner">
        <AlertTriangle size={16} aria-hidden="true" /> {t('admin.banner.evaluation', { days: Math.max(0, daysUntil(l.evaluationEndsAt)), date: new Date(l.evaluationEndsAt).toLocaleDateString(session().language.value) })}{' '}
        <a href="/admin/licence" onClick={go}>{t('admin.banner.activate')}</a>
      </p>
    );
  }
  if (l.status === 'evaluation-ended' || l.status === 'invalid') {
    return (
      <p class="error admin-banner" role="alert" data-testid="evaluation-banner">
        <AlertTriangle size={16} aria-hidden="true" /> {t(l.status === 'invalid' ? 'admin.banner.invalid' : 'admin.banner.ended')}{' '}
        <a href="/admin/licence" onClick={go}>{t('admin.banner.activate')}</a>
      </p>
    );
  }
  return null;
}

/** Frame of every admin page: the licence banner, the console's tabs, then the page. */
export function AdminFrame({ testid, children }: { testid: string; children: ComponentChildren }) {
  const t = useT();
  const here = session().path;
  return (
    <section class="admin" data-testid={testid}>
      <LicenceBanner />
      <nav class="admin-tabs" aria-label={t('admin.title')}>
        {ADMIN_PAGES.map((p) => (
          <a
            href={p.path}
            aria-current={here === p.path ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              session().navigate(p.path);
            }}
          >
            {t(p.label)}
          </a>
        ))}
      </nav>
      {children}
    </section>
  );
}

/** An action's outcome under a form: the server's message, or "saved". */
export function useOutcome() {
  const t = useT();
  const [state, setState] = useState<{ tone: 'ok' | 'error'; text: string; field: string | null } | null>(null);
  return {
    state,
    ok: (text: string) => setState({ tone: 'ok', text, field: null }),
    fail: (err: unknown, field: string | null = null) => setState({ tone: 'error', text: describeError(err, t), field }),
    clear: () => setState(null),
  };
}

export function Outcome({ state }: { state: { tone: 'ok' | 'error'; text: string; field: string | null } | null }) {
  if (!state) return null;
  return (
    <p class={state.tone === 'error' ? 'error' : 'notice'} role={state.tone === 'error' ? 'alert' : 'status'} data-testid="outcome" data-field={state.field ?? undefined}>
      {state.text}
    </p>
  );
}

export function Field({ id, label, children, invalid }: { id: string; label: string; children: ComponentChildren; invalid?: boolean }) {
  return (
    <div class={invalid ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}
