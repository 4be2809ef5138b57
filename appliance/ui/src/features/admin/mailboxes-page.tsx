import { useEffect, useState } from 'preact/hooks';
import { Pause, Play, PlugZap, RefreshCw } from 'lucide-preact';
import { useT } from '../../app/session.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import type { MessageKey } from '../../i18n.js';
import { AdminFrame, Field, Outcome, useOutcome } from './layout.js';
import { useDirectory } from './directory.js';
import { api, dateTime, errorField, num } from './util.js';

interface Mailbox {
  id: number;
  address: string;
  enabled: boolean;
  state: string;
  lastSyncAt: string | null;
  messageCount: number;
  error: string | null;
  teamId: number | null;
  ownerId: number | null;
  folders: string[];
  progress: { done: number; total: number };
  quarantined: number;
}
type Security = 'none' | 'starttls' | 'tls';
interface Server {
  host: string;
  port: number;
  security: Security;
  username: string;
  password: string;
}

const STATE_LABEL: Record<string, MessageKey> = {
  new: 'admin.mail.state.new',
  connecting: 'admin.mail.state.connecting',
  syncing: 'admin.mail.state.syncing',
  idle: 'admin.mail.state.idle',
  polling: 'admin.mail.state.polling',
  error: 'admin.mail.state.error',
  stopped: 'admin.mail.state.stopped',
  paused: 'admin.mail.state.paused',
};
/** The sync stores a failure's code; the admin reads what it means and what to check. */
const SYNC_ERROR: Record<string, MessageKey> = {
  MAIL_DNS_FAILED: 'admin.mail.error.dns',
  MAIL_CONNECTION_REFUSED: 'admin.mail.error.refused',
  MAIL_TIMEOUT: 'admin.mail.error.timeout',
  MAIL_TLS_FAILED: 'admin.mail.error.tls',
  MAIL_AUTH_FAILED: 'admin.mail.error.auth',
  MAIL_NO_INBOX: 'admin.mail.error.noInbox',
};
const TONE: Record<string, 'success' | 'info' | 'warning' | 'danger' | 'neutral'> = { idle: 'success', polling: 'success', syncing: 'info', connecting: 'info', error: 'danger', paused: 'warning' };

function ServerFields({ prefix, value, onChange, invalid }: { prefix: 'imap' | 'smtp'; value: Server; onChange: (s: Server) => void; invalid: string | null }) {
  const t = useT();
  const set = (patch: Partial<Server>) => onChange({ ...value, ...patch });
  const bad = (f: string) => invalid === `${prefix}.${f}`;
  return (
    <fieldset>
      <legend>{t(prefix === 'imap' ? 'admin.mail.imap' : 'admin.mail.smtp')}</legend>
      <Field id={`${prefix}-host`} label={t('admin.mail.host')} invalid={bad('host')}>
        <input id={`${prefix}-host`} required value={value.host} onInput={(e) => set({ host: e.currentTarget.value.trim() })} />
      </Field>
      <Field id={`${prefix}-port`} label={t('admin.mail.port')} invalid={bad('port')}>
        <input id={`${prefix}-port`} type="number" min={1} max={65535} required value={value.port} onInput={(e) => set({ port: Number(e.currentTarget.value) })} />
      </Field>
      <Field id={`${prefix}-security`} label={t('admin.mail.security')}>
        <select id={`${prefix}-security`} value={value.security} onChange={(e) => set({ security: e.currentTarget.value as Security })}>
          <option value="tls">{t('admin.mail.security.tls')}</option>
          <option value="starttls">{t('admin.mail.security.starttls')}</option>
          <option value="none">{t('admin.mail.security.none')}</option>
        </select>
      </Field>
      <Field id={`${prefix}-username`} label={t('admin.mail.username')}>
        <input id={`${prefix}-username`} autocomplete="off" value={value.username} onInput={(e) => set({ username: e.currentTarget.value })} />
      </Field>
      <Field id={`${prefix}-password`} label={t('admin.mail.password')}>
        <input id={`${prefix}-password`} type="password" autocomplete="new-password" value={value.password} onInput={(e) => set({ password: e.currentTarget.value })} />
      </Field>
    </fieldset>
  );
}

function AddMailbox({ onAdded }: { onAdded: () => void }) {
  const t = useT();
  const dir = useDirectory();
  const outcome = useOutcome();
  const [address, setAddress] = useState('');
  const [imap, setImap] = useState<Server>({ host: '', port: 993, security: 'tls', username: '', password: '' });
  const [smtp, setSmtp] = useState<Server>({ host: '', port: 587, security: 'starttls', username: '', password: '' });
  const [ownerId, setOwnerId] = useState<number | null>(null);
  const [teamId, setTeamId] = useState<number | null>(null);
  const [folders, setFolders] = useState<string[] | null>(null);
  const [chosen, setChosen] = useState<string[]>(['INBOX']);
  const [busy, setBusy] = useState(false);

  const test = async () => {
    setBusy(true);
    outcome.clear();
    try {
      const r = await api().post<{ folders: string[] }>('/api/v1/mailboxes/test', { imap, smtp });
      setFolders(r.folders);
      outcome.ok(t('admin.mail.testOk', { count: r.folders.length }));
    } catch (err) {
      setFolders(null);
      outcome.fail(err, errorField(err));
    } finally {
      setBusy(false);
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api().post('/api/v1/mailboxes', { address: address.trim(), imap, smtp, ownerId, teamId, folders: chosen });
      outcome.ok(t('admin.mail.added', { address }));
      onAdded();
    } catch (err) {
      outcome.fail(err, errorField(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" data-testid="mailbox-form" onSubmit={save}>
      <h2>{t('admin.mail.add')}</h2>
      <Field id="mb-address" label={t('admin.mail.address')} invalid={outcome.state?.field === 'address'}>
        <input id="mb-address" type="email" required value={address} onInput={(e) => setAddress(e.currentTarget.value)} />
      </Field>
      <div class="admin-columns">
        <ServerFields prefix="imap" value={imap} onChange={setImap} invalid={outcome.state?.field ?? null} />
        <ServerFields prefix="smtp" value={smtp} onChange={setSmtp} invalid={outcome.state?.field ?? null} />
      </div>
      <div class="admin-columns">
        <Field id="mb-owner" label={t('admin.mail.owner')}>
          <select id="mb-owner" value={ownerId ?? ''} onChange={(e) => setOwnerId(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
            <option value="">{t('admin.common.nobody')}</option>
            {dir.users.filter((u) => u.active).map((u) => <option value={u.id}>{u.displayName}</option>)}
          </select>
        </Field>
        <Field id="mb-team" label={t('admin.mail.team')}>
          <select id="mb-team" value={teamId ?? ''} onChange={(e) => setTeamId(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
            <option value="">{t('admin.common.none')}</option>
            {dir.teams.map((tm) => <option value={tm.id}>{tm.name}</option>)}
          </select>
        </Field>
      </div>
      {folders && (
        <fieldset data-testid="mailbox-folders">
          <legend>{t('admin.mail.folders')}</legend>
          {folders.map((f) => (
            <label class="check">
              <input type="checkbox" value={f} checked={chosen.includes(f)} onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, f] : chosen.filter((x) => x !== f))} /> {f}
            </label>
          ))}
        </fieldset>
      )}
      <div class="toolbar">
        <button type="button" onClick={test} disabled={busy} data-testid="mailbox-test">
          <PlugZap size={16} aria-hidden="true" /> {t('admin.mail.test')}
        </button>
        <button type="submit" class="primary" disabled={busy || chosen.length === 0}>
          {t('admin.mail.save')}
        </button>
      </div>
      <Outcome state={outcome.state} />
    </form>
  );
}

function MailboxRow({ m, userName, teamName, onChange }: { m: Mailbox; userName: (id: number | null) => string; teamName: (id: number | null) => string; onChange: () => void }) {
  const t = useT();
  const outcome = useOutcome();
  const act = async (run: () => Promise<unknown>, done?: string) => {
    try {
      await run();
      if (done) outcome.ok(done);
      onChange();
    } catch (err) {
      outcome.fail(err);
    }
  };
  const pct = m.progress.total > 0 ? Math.round((100 * m.progress.done) / m.progress.total) : m.state === 'idle' || m.state === 'polling' ? 100 : 0;
  return (
    <tr data-testid="mailbox-row" data-address={m.address} data-state={m.state}>
      <td>{m.address}</td>
      <td>
        <Badge tone={TONE[m.state] ?? 'neutral'}>{t(STATE_LABEL[m.state] ?? 'admin.mail.state.new')}</Badge>
        {m.state === 'syncing' && <progress max={100} value={pct} aria-label={t('admin.mail.progress')} />}
        {m.error && <p class="error" data-testid="mailbox-error">{SYNC_ERROR[m.error] ? t(SYNC_ERROR[m.error]!) : t('admin.mail.error.other', { detail: m.error })}</p>}
        <Outcome state={outcome.state} />
      </td>
      <td data-testid="mailbox-count">{num(m.messageCount)}</td>
      <td>{dateTime(m.lastSyncAt)}</td>
      <td>{m.folders.join(', ')}</td>
      <td>
        {userName(m.ownerId)} / {teamName(m.teamId)}
      </td>
      <td class="toolbar">
        <button type="button" class="ghost" onClick={() => act(() => api().post(`/api/v1/mailboxes/${m.id}/test`), t('admin.mail.testPassed'))}>
          <PlugZap size={16} aria-hidden="true" /> {t('admin.mail.test')}
        </button>
        <button type="button" class="ghost" onClick={() => act(() => api().post(`/api/v1/mailboxes/${m.id}/sync`))} disabled={!m.enabled}>
          <RefreshCw size={16} aria-hidden="true" /> {t('admin.mail.syncNow')}
        </button>
        <button type="button" class="ghost" data-testid="mailbox-pause" onClick={() => act(() => api().patch(`/api/v1/mailboxes/${m.id}`, { enabled: !m.enabled }))}>
          {m.enabled ? <Pause size={16} aria-hidden="true" /> : <Play size={16} aria-hidden="true" />} {t(m.enabled ? 'admin.mail.pause' : 'admin.mail.resume')}
        </button>
      </td>
    </tr>
  );
}

export default function MailboxesPage() {
  const t = useT();
  const dir = useDirectory();
  const [n, setN] = useState(0);
  const state = useAsync(() => api().get<{ items: Mailbox[] }>('/api/v1/mailboxes'), []);
  // Sync state and progress change on the server: follow them while the page is open.
  useEffect(() => {
    const timer = setInterval(() => {
      api().get<{ items: Mailbox[] }>('/api/v1/mailboxes').then((r) => state.set(r), () => {});
    }, 2000);
    return () => clearInterval(timer);
  }, [n]);
  const reload = () => {
    state.reload();
    setN((x) => x + 1);
  };
  return (
    <AdminFrame testid="admin-mailboxes">
      <h2>{t('admin.nav.mailboxes')}</h2>
      <Async state={state} onRetry={state.reload}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">{t('admin.mail.none')}</p>
          ) : (
            <table data-testid="mailboxes">
              <thead>
                <tr>
                  <th scope="col">{t('admin.mail.address')}</th>
                  <th scope="col">{t('admin.mail.state')}</th>
                  <th scope="col">{t('admin.mail.messages')}</th>
                  <th scope="col">{t('admin.mail.lastSync')}</th>
                  <th scope="col">{t('admin.mail.folders')}</th>
                  <th scope="col">{t('admin.mail.ownerTeam')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {data.items.map((m) => <MailboxRow m={m} userName={dir.userName} teamName={dir.teamName} onChange={reload} />)}
              </tbody>
            </table>
          )
        }
      </Async>
      <AddMailbox onAdded={reload} />
    </AdminFrame>
  );
}
