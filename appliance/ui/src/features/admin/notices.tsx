import { useEffect } from 'preact/hooks';
import { signal } from '@preact/signals';
import { AlertTriangle, HardDrive } from 'lucide-preact';
import { session, useT } from '../../app/session.js';

interface Notices {
  licence: { status: string; evaluationEndsAt: string | null; daysLeft: number | null } | null;
  storage: { level: 'ok' | 'warning' | 'critical' | 'full' | 'unknown' };
}

/** Read when the shell opens, every few minutes, and after a licence is activated. */
const notices = signal<Notices | null>(null);
export function refreshNotices(): void {
  session()
    .api.get<Notices>('/api/v1/notices')
    .then((n) => (notices.value = n))
    .catch(() => {});
}

const EVERY_MS = 5 * 60_000;

/**
 * What every signed-in user sees above every page: the evaluation licence's days left and end
 * date (ended or invalid: new calls and chats are refused), and a filling or full data disk.
 * Admins get the link to the page that fixes it.
 */
export function SystemNotices() {
  const t = useT();
  useEffect(() => {
    refreshNotices();
    const timer = setInterval(refreshNotices, EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  const n = notices.value;
  if (!n) return null;
  const admin = session().me.value?.role === 'admin';
  const go = (path: string) => (e: Event) => {
    e.preventDefault();
    session().navigate(path);
  };
  const l = n.licence;
  const fix = (path: string, key: 'admin.banner.activate' | 'admin.notice.openRetention') =>
    admin && (
      <>
        {' '}
        <a href={path} onClick={go(path)}>
          {t(key)}
        </a>
      </>
    );
  return (
    <>
      {l && l.status === 'evaluation' && l.evaluationEndsAt && (
        <p class="notice admin-banner" role="status" data-testid="evaluation-banner">
          <AlertTriangle size={16} aria-hidden="true" /> {t('admin.banner.evaluation', { days: l.daysLeft ?? 0, date: new Date(l.evaluationEndsAt).toLocaleDateString(session().language.value) })}
          {fix('/admin/licence', 'admin.banner.activate')}
        </p>
      )}
      {l && (l.status === 'evaluation-ended' || l.status === 'invalid') && (
        <p class="error admin-banner" role="alert" data-testid="evaluation-banner">
          <AlertTriangle size={16} aria-hidden="true" /> {t(l.status === 'invalid' ? 'admin.banner.invalid' : 'admin.banner.ended')}
          {fix('/admin/licence', 'admin.banner.activate')}
        </p>
      )}
      {(n.storage.level === 'warning' || n.storage.level === 'critical' || n.storage.level === 'full') && (
        <p class={n.storage.level === 'warning' ? 'notice admin-banner' : 'error admin-banner'} role={n.storage.level === 'warning' ? 'status' : 'alert'} data-testid="storage-notice" data-level={n.storage.level}>
          <HardDrive size={16} aria-hidden="true" />{' '}
          {t(n.storage.level === 'full' ? 'admin.notice.storage.full' : n.storage.level === 'critical' ? 'admin.notice.storage.critical' : 'admin.notice.storage.warning')}
          {fix('/admin/retention', 'admin.notice.openRetention')}
        </p>
      )}
    </>
  );
}
