import { useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame } from './layout.js';
import { api } from './util.js';

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
};

/** Every component's health, as `/api/v1/health` reports it to admins, with what to do when one is not well. */
export default function SystemPage() {
  const t = useT();
  const health = useAsync(() => api().get<Health>('/api/v1/health'), []);
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
    </AdminFrame>
  );
}
