import { useState } from 'preact/hooks';
import { useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame, Outcome, useOutcome } from './layout.js';
import { useDirectory, type UserLite } from './directory.js';
import { api, dateTime, del } from './util.js';

type Registration = 'registered' | 'in-call' | 'unregistered' | 'unknown';
interface PhoneRow {
  userId: number;
  sipUser: string | null;
  extension: string;
  issuedAt: string | null;
  revokedAt: string | null;
  registration: Registration;
}
interface PhoneList {
  items: PhoneRow[];
  liveApply: boolean;
  registrationNote: string | null;
}
interface Credentials {
  userId: number;
  sipUser: string;
  extension: string;
  password: string;
  domain: string;
}

const STATE: Record<Registration, { label: MessageKey; tone: 'success' | 'info' | 'neutral' | 'warning' }> = {
  registered: { label: 'admin.phones.state.registered', tone: 'success' },
  'in-call': { label: 'admin.phones.state.inCall', tone: 'info' },
  unregistered: { label: 'admin.phones.state.unregistered', tone: 'warning' },
  unknown: { label: 'admin.phones.state.unknown', tone: 'neutral' },
};

/** Credentials just issued or reset: shown once, for a desk phone or a SIP app. */
function Shown({ c, name }: { c: Credentials; name: string }) {
  const t = useT();
  return (
    <section class="panel" data-testid="phone-credentials" data-user={c.userId}>
      <h3>{t('admin.phones.credentials', { name })}</h3>
      <dl>
        <dt>{t('admin.phones.sipUser')}</dt>
        <dd><code translate={false}>{c.sipUser}</code></dd>
        <dt>{t('admin.phones.password')}</dt>
        <dd><code translate={false} data-testid="phone-password">{c.password}</code></dd>
        <dt>{t('admin.phones.domain')}</dt>
        <dd><code translate={false}>{c.domain}</code></dd>
        <dt>{t('admin.phones.extension')}</dt>
        <dd>{c.extension}</dd>
      </dl>
    </section>
  );
}

/**
 * Operators' phones: every account's SIP user and internal extension, whether Asterisk has it
 * registered now, and issue / reset / revoke. Active users without a phone are listed too.
 */
export default function PhonesPage() {
  const t = useT();
  const phones = useAsync(() => api().get<PhoneList>('/api/v1/phones'), []);
  const directory = useDirectory();
  const outcome = useOutcome();
  const [shown, setShown] = useState<Credentials | null>(null);
  const [busy, setBusy] = useState(false);
  const name = (id: number) => directory.userName(id);

  const act = async (user: number, action: () => Promise<Credentials | null>, done: MessageKey) => {
    setBusy(true);
    outcome.clear();
    setShown(null);
    try {
      const c = await action();
      setShown(c);
      outcome.ok(t(done, { name: name(user) }));
      phones.reload();
    } catch (err) {
      outcome.fail(err);
    } finally {
      setBusy(false);
    }
  };
  const issue = (u: number) => act(u, () => api().post<Credentials>(`/api/v1/phones/${u}`, {}), 'admin.phones.issuedDone');
  const reset = (u: number) => act(u, () => api().post<Credentials>(`/api/v1/phones/${u}/reset`, {}), 'admin.phones.resetDone');
  const revoke = (u: number) => {
    if (!confirm(t('admin.phones.confirmRevoke', { name: name(u) }))) return;
    void act(u, () => del(`/api/v1/phones/${u}`).then(() => null), 'admin.phones.revokedDone');
  };

  return (
    <AdminFrame testid="admin-phones">
      <h2>{t('admin.phones.title')}</h2>
      <p class="muted">{t('admin.phones.intro')}</p>
      <Outcome state={outcome.state} />
      {shown && <Shown c={shown} name={name(shown.userId)} />}
      <Async state={phones} onRetry={phones.reload}>
        {(list) => {
          const byUser = new Map(list.items.map((p) => [p.userId, p]));
          const people: UserLite[] = directory.users.filter((u) => u.active || byUser.has(u.id));
          return (
            <>
              <p class="muted" data-testid="phones-apply" data-live={String(list.liveApply)}>
                {t(list.liveApply ? 'admin.phones.live' : 'admin.phones.notLive')}
                {list.registrationNote && <> {t('admin.phones.stateUnknown')}</>}
              </p>
              <table data-testid="phones">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.phones.person')}</th>
                    <th scope="col">{t('admin.phones.sipUser')}</th>
                    <th scope="col">{t('admin.phones.extension')}</th>
                    <th scope="col">{t('admin.phones.state')}</th>
                    <th scope="col">{t('admin.phones.issued')}</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {people.map((u) => {
                    const p = byUser.get(u.id);
                    const has = Boolean(p?.sipUser);
                    const state = STATE[p?.registration ?? 'unregistered'];
                    return (
                      <tr data-testid="phone-row" data-user={u.username} data-state={has ? p!.registration : p?.revokedAt ? 'revoked' : 'none'}>
                        <td>{u.displayName} <span class="muted">{u.username}</span></td>
                        <td>{has ? <code translate={false}>{p!.sipUser}</code> : '—'}</td>
                        <td>{has ? p!.extension : '—'}</td>
                        <td>
                          {has ? (
                            <Badge tone={state.tone}>{t(state.label)}</Badge>
                          ) : p?.revokedAt ? (
                            <Badge tone="danger">{t('admin.phones.revokedOn', { date: dateTime(p.revokedAt) })}</Badge>
                          ) : (
                            <span class="muted">{t('admin.phones.noPhone')}</span>
                          )}
                        </td>
                        <td>{has ? dateTime(p!.issuedAt) : '—'}</td>
                        <td class="actions">
                          {has ? (
                            <>
                              <button type="button" disabled={busy} onClick={() => reset(u.id)}>{t('admin.phones.reset')}</button>{' '}
                              <button type="button" class="danger" disabled={busy} onClick={() => revoke(u.id)}>{t('admin.phones.revoke')}</button>
                            </>
                          ) : (
                            u.active && <button type="button" disabled={busy} onClick={() => issue(u.id)}>{t('admin.phones.issue')}</button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          );
        }}
      </Async>
    </AdminFrame>
  );
}
