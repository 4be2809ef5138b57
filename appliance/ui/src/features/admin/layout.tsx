import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { describeError } from '../../ui/errors.js';
import { TabNav } from '../../ui/tab-nav.js';
import { refreshNotices } from './notices.js';
import './admin.css';

/** The admin console's pages, in the order of its tab bar. */
export const ADMIN_PAGES: ReadonlyArray<{ path: string; label: MessageKey }> = [
  { path: '/admin/users', label: 'admin.users' },
  { path: '/admin/teams', label: 'admin.teams' },
  { path: '/admin/mailboxes', label: 'admin.nav.mailboxes' },
  { path: '/admin/routing', label: 'admin.nav.routing' },
  { path: '/admin/sites', label: 'sites.nav' },
  { path: '/admin/telephony', label: 'admin.nav.telephony' },
  { path: '/admin/phones', label: 'admin.nav.phones' },
  { path: '/admin/retention', label: 'admin.nav.retention' },
  { path: '/admin/licence', label: 'admin.nav.licence' },
  { path: '/admin/system', label: 'admin.nav.system' },
  { path: '/admin/settings', label: 'admin.settings' },
  { path: '/admin/audit', label: 'admin.audit' },
];

/** After a licence is activated the notices above every page are read again. */
export const refreshLicenceBanner = refreshNotices;

/** Frame of every admin page: the console's tabs, then the page (the licence and disk notices are the shell's, on every page). */
export function AdminFrame({ testid, children }: { testid: string; children: ComponentChildren }) {
  const t = useT();
  return (
    <section class="admin" data-testid={testid}>
      <TabNav className="admin-tabs" label={t('admin.title')} pages={ADMIN_PAGES} />
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
