import { useEffect, useState } from 'preact/hooks';
import { session, useT } from '../../app/session.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { describeError } from '../../ui/errors.js';
import { toast } from '../../ui/toast.js';
import { PresenceDot } from '../../ui/badge.js';

export const STATE_KEY = {
  offline: 'reports.state.offline',
  available: 'reports.state.available',
  paused: 'reports.state.paused',
  wrapup: 'reports.state.wrapup',
} as const;

interface AgentView {
  userId: number;
  state: 'offline' | 'available' | 'paused' | 'wrapup';
  reason: string | null;
  queues: string[];
  wrapupUntil: string | null;
  dialog: { callId: number } | null;
}

/** The operator's own queue log-in and state: available, pause with a reason, wrap-up. */
export default function AgentPage() {
  const t = useT();
  const api = session().api;
  const setup = useAsync(
    async () => {
      const [queues, reasons, me] = await Promise.all([
        api.get<{ items: Array<{ queue: string }> }>('/api/v1/agents/queues'),
        api.get<{ items: Array<{ id: number; name: string }> }>('/api/v1/agents/pause-reasons'),
        api.get<AgentView>('/api/v1/agents/me'),
      ]);
      return { queues: queues.items.map((q) => q.queue), reasons: reasons.items, me };
    },
    [],
  );
  const [me, setMe] = useState<AgentView | null>(null);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (setup.data) setMe(setup.data.me);
  }, [setup.data]);
  useEffect(
    () =>
      session().live.on('agent.state', (m) => {
        const v = m.data as AgentView;
        if (v.userId === session().me.value?.id) setMe(v);
      }),
    [],
  );
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    try {
      setMe(await api.post<AgentView>(path, body));
    } catch (err) {
      toast(describeError(err, t), 'danger');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Async state={setup}>
      {(data) => {
        const view = me ?? data.me;
        const selected = chosen ?? (view.queues.length ? view.queues : data.queues);
        const presence = view.state === 'offline' ? 'offline' : view.state === 'wrapup' ? 'wrapup' : view.state === 'paused' ? 'paused' : 'available';
        return (
          <section class="panel" aria-labelledby="agent-h">
            <h2 id="agent-h">{t('reports.myQueues')}</h2>
            <p data-testid="agent-state">
              <PresenceDot state={presence} /> {t('reports.stateNow', { state: t(STATE_KEY[view.state]) })}
              {view.reason ? ` — ${view.reason}` : ''}
            </p>
            {data.queues.length === 0 ? (
              <p>{t('reports.noQueues')}</p>
            ) : (
              <fieldset disabled={busy}>
                <legend>{t('reports.queues')}</legend>
                {data.queues.map((q) => (
                  <label key={q} style="margin-right:1em">
                    <input
                      type="checkbox"
                      checked={selected.includes(q)}
                      onChange={(e) => setChosen((e.target as HTMLInputElement).checked ? [...selected, q] : selected.filter((x) => x !== q))}
                    />{' '}
                    {q}
                  </label>
                ))}
                <div class="toolbar">
                  <button class="primary" onClick={() => act('/api/v1/agents/me/login', { queues: selected })} disabled={selected.length === 0}>
                    {t('reports.login')}
                  </button>
                  {view.state !== 'offline' && <button onClick={() => act('/api/v1/agents/me/logout')}>{t('reports.logout')}</button>}
                </div>
              </fieldset>
            )}
            {view.state !== 'offline' && (
              <div class="toolbar" role="group" aria-label={t('reports.stateNow', { state: '' })}>
                <button disabled={busy || view.state === 'available'} onClick={() => act('/api/v1/agents/me/state', { state: 'available' })}>
                  {t('reports.beAvailable')}
                </button>
                {data.reasons.map((r) => (
                  <button key={r.id} disabled={busy || (view.state === 'paused' && view.reason === r.name)} onClick={() => act('/api/v1/agents/me/state', { state: 'paused', reason: r.name })}>
                    {t('reports.pauseFor', { reason: r.name })}
                  </button>
                ))}
              </div>
            )}
          </section>
        );
      }}
    </Async>
  );
}
