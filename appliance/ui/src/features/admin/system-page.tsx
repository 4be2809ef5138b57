import { useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { useState } from 'preact/hooks';
import { DatabaseBackup } from 'lucide-preact';
import { AdminFrame, Outcome, useOutcome } from './layout.js';
import { api, bytes, date, dateTime } from './util.js';

interface Health {
  status: string;
  version: string;
  components: Record<string, string>;
}

const COMPONENT: Record<string, MessageKey> = {
  db: 'admin.sys.component.db',
  telephony: 'admin.sys.component.telephony',
  mail: 'admin.sys.component.mail',
  storage: 'admin.sys.component.storage',
  license: 'admin.sys.component.licence',
  licence: 'admin.sys.component.licence',
  chat: 'admin.sys.component.chat',
  tls: 'admin.sys.component.tls',
};
const GOOD = new Set(['ok', 'connected', 'idle', 'polling', 'licensed', 'running']);
const ADVICE: Record<string, MessageKey> = {
  db: 'admin.sys.advice.db',
  telephony: 'admin.sys.advice.telephony',
  mail: 'admin.sys.advice.mail',
  storage: 'admin.sys.advice.storage',
  tls: 'admin.sys.tlsSoon',
};

interface Backup {
  name: string;
  createdAt: string;
  version: string;
  integrity: string;
  files: number;
  bytes: number;
}
interface SystemInfo {
  version: string;
  tls: { subject: string; notAfter: string; daysLeft: number } | null;
  backups: { dir: string; items: Backup[] };
  releases: { current: string; installed: string[]; rollbackTo: string | null; history: { version: string; installedAt: string | null }[] };
}

function Certificate({ tls }: { tls: SystemInfo['tls'] }) {
  const t = useT();
  if (!tls) return <p class="muted" data-testid="tls-state" data-state="none">{t('admin.sys.noTls')}</p>;
  const state = tls.daysLeft < 0 ? 'expired' : tls.daysLeft < 30 ? 'soon' : 'ok';
  return (
    <p data-testid="tls-state" data-state={state}>
      <Badge tone={state === 'ok' ? 'success' : state === 'soon' ? 'warning' : 'danger'}>{t('admin.sys.tls')}</Badge>{' '}
      {state === 'expired' ? t('admin.sys.tlsExpired', { date: date(tls.notAfter) }) : t('admin.sys.tlsValid', { date: date(tls.notAfter), days: tls.daysLeft })}
      {state === 'soon' && <> {t('admin.sys.tlsSoon')}</>} <span class="muted">{tls.subject}</span>
    </p>
  );
}

/** `outcome` and `busy` belong to the page: the list reloads after a backup and this panel with it. */
function Backups({ info, onMade, outcome, busy, setBusy }: { info: SystemInfo; onMade: () => void; outcome: ReturnType<typeof useOutcome>; busy: boolean; setBusy: (b: boolean) => void }) {
  const t = useT();
  const now = async () => {
    setBusy(true);
    outcome.clear();
    try {
      const made = await api().post<Backup>('/api/v1/system/backups', {});
      outcome.ok(t('admin.sys.backupMade', { name: made.name }));
      onMade();
    } catch (err) {
      outcome.fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" data-testid="backups">
      <h3>{t('admin.sys.backups')}</h3>
      <p class="muted">{t('admin.sys.backupWhere', { dir: info.backups.dir })}</p>
      <button type="button" class="primary" onClick={now} disabled={busy} data-testid="backup-now">
        <DatabaseBackup size={16} aria-hidden="true" /> {t(busy ? 'admin.sys.backingUp' : 'admin.sys.backupNow')}
      </button>
      <Outcome state={outcome.state} />
      {info.backups.items.length === 0 ? (
        <p class="muted">{t('admin.sys.noBackups')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('admin.sys.backupName')}</th>
              <th scope="col">{t('admin.sys.backupWhen')}</th>
              <th scope="col">{t('admin.sys.backupSize')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {info.backups.items.map((b) => (
              <tr data-testid="backup-row" data-name={b.name}>
                <td>{b.name}</td>
                <td>{dateTime(b.createdAt)}</td>
                <td>{bytes(b.bytes)} · {t('admin.sys.backupFiles', { count: b.files })}</td>
                <td>{b.integrity === 'ok' && <Badge tone="success">{t('admin.sys.backupChecked')}</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Every component's health, as `/api/v1/health` reports it to admins, with what to do when one is not well. */
export default function SystemPage() {
  const t = useT();
  const health = useAsync(() => api().get<Health>('/api/v1/health'), []);
  const info = useAsync(() => api().get<SystemInfo>('/api/v1/system'), []);
  const backupOutcome = useOutcome();
  const [busy, setBusy] = useState(false);
  return (
    <AdminFrame testid="admin-system">
      <h2>{t('admin.nav.system')}</h2>
      <Async state={health} onRetry={health.reload}>
        {(h) => (
          <>
            <p data-testid="system-version">{t('admin.sys.version', { version: h.version })}</p>
            <table data-testid="components">
              <thead>
                <tr>
                  <th scope="col">{t('admin.sys.component')}</th>
                  <th scope="col">{t('admin.sys.state')}</th>
                  <th scope="col">{t('admin.sys.todo')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(h.components).map(([name, value]) => {
                  const word = value.split(/[\s:]/)[0]!;
                  const good = GOOD.has(word) || value === 'disabled';
                  return (
                    <tr data-testid="component-row" data-component={name}>
                      <td>{COMPONENT[name] ? t(COMPONENT[name]!) : name}</td>
                      <td>
                        <Badge tone={good ? (value === 'disabled' ? 'neutral' : 'success') : 'danger'}>{t(value === 'disabled' ? 'admin.sys.disabled' : good ? 'admin.sys.ok' : 'admin.sys.problem')}</Badge>{' '}
                        {!good && (
                          <details>
                            <summary>{t('admin.sys.details')}</summary>
                            <code translate={false}>{value}</code>
                          </details>
                        )}
                      </td>
                      <td>{!good && t(ADVICE[name] ?? 'admin.sys.advice.other')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </Async>
      <Async state={info} onRetry={info.reload}>
        {(i) => (
          <>
            <Certificate tls={i.tls} />
            <Backups info={i} onMade={info.reload} outcome={backupOutcome} busy={busy} setBusy={setBusy} />
            <section class="panel" data-testid="upgrade">
              <h3>{t('admin.sys.upgrade')}</h3>
              <p>{t('admin.sys.version', { version: i.releases.current })}</p>
              {i.releases.history.length > 1 && (
                <>
                  <p data-testid="last-upgrade">{t('admin.sys.lastUpgrade', { date: dateTime(i.releases.history.find((r) => r.version === i.releases.current)?.installedAt) })}</p>
                  <table data-testid="releases">
                    <thead>
                      <tr>
                        <th scope="col">{t('admin.sys.release')}</th>
                        <th scope="col">{t('admin.sys.releaseWhen')}</th>
                        <th scope="col" />
                      </tr>
                    </thead>
                    <tbody>
                      {i.releases.history.map((r) => (
                        <tr data-testid="release-row" data-version={r.version}>
                          <td>{r.version}</td>
                          <td>{dateTime(r.installedAt)}</td>
                          <td>
                            {r.version === i.releases.current && <Badge tone="success">{t('admin.sys.releaseRunning')}</Badge>}
                            {r.version === i.releases.rollbackTo && <Badge tone="neutral">{t('admin.sys.releaseRollback')}</Badge>}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
              {i.releases.history.length <= 1 && i.releases.installed.length > 1 && <p>{t('admin.sys.installed', { list: i.releases.installed.join(', ') })}</p>}
              {i.releases.rollbackTo && <p>{t('admin.sys.rollback', { version: i.releases.rollbackTo })}</p>}
              <p class="muted">{t('admin.sys.upgradeBackups')}</p>
              <p class="muted">{t('admin.sys.upgradeHow')}</p>
            </section>
          </>
        )}
      </Async>
    </AdminFrame>
  );
}
