import { useEffect, useMemo, useState } from 'preact/hooks';
import { MessagesSquare, PhoneIncoming, PhoneOutgoing, Users } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { useAsync } from '../../ui/async.js';
import { Async, Empty } from '../../ui/states.js';
import { Badge, PresenceDot, PRESENCE_LABEL, type Presence } from '../../ui/badge.js';
import { toast } from '../../ui/toast.js';
import { describeError } from '../../ui/errors.js';
import { listKeys } from '../../ui/list.js';
import { SpyButtons } from '../calls/spy.js';
import { elapsed, presenceOf, type AgentView, type PauseReason } from './api.js';
import { useNow } from './now.js';

const FILTERS: Array<Presence | 'all'> = ['all', 'available', 'busy', 'paused', 'wrapup', 'offline'];

/**
 * Supervisors' live view of every agent: state and reason, time in that state, the call and the
 * chats they are in, with listen/whisper/barge on the call and pause, resume or sign-out from
 * the queues. Follows `agent.state` live events; reloads after the live channel reconnects.
 */
export default function LivePage() {
  const s = session();
  const t = useT();
  const [tick, setTick] = useState(0);
  const data = useAsync(
    async () => {
      const [agents, reasons] = await Promise.all([
        s.api.get<{ items: AgentView[] }>('/api/v1/agents'),
        s.api.get<{ items: PauseReason[] }>('/api/v1/agents/pause-reasons'),
      ]);
      return { agents: agents.items, reasons: reasons.items.filter((r) => r.active) };
    },
    [tick],
  );
  const [live, setLive] = useState<Map<number, AgentView>>(new Map());
  useEffect(() => setLive(new Map()), [data.data]);
  useEffect(() => {
    const off = s.live.on('agent.state', (m) => {
      const v = m.data as AgentView;
      setLive((prev) => new Map(prev).set(v.userId, v));
    });
    // Events missed while the channel was down: read the whole list again.
    let wasOnline = s.live.online;
    const offStatus = s.live.onStatus((online) => {
      if (online && !wasOnline) setTick((n) => n + 1);
      wasOnline = online;
    });
    return () => {
      off();
      offStatus();
    };
  }, []);
  return (
    <section class="page live-page" data-testid="live-page">
      <Async state={data} onRetry={data.reload}>
        {(d) => <Board agents={merge(d.agents, live)} reasons={d.reasons} />}
      </Async>
    </section>
  );
}

function merge(base: AgentView[], live: Map<number, AgentView>): AgentView[] {
  const byId = new Map(base.map((a) => [a.userId, a]));
  for (const [id, v] of live) byId.set(id, { ...byId.get(id), ...v, name: v.name ?? byId.get(id)?.name, role: byId.get(id)?.role ?? null });
  return [...byId.values()];
}

function Board({ agents, reasons }: { agents: AgentView[]; reasons: PauseReason[] }) {
  const s = session();
  const t = useT();
  const now = useNow(1000);
  const [filter, setFilter] = useState<Presence | 'all'>('all');
  const [q, setQ] = useState('');
  const collator = useMemo(() => new Intl.Collator(s.language.value, { sensitivity: 'base' }), [s.language.value]);
  const counts = new Map<Presence, number>();
  for (const a of agents) counts.set(presenceOf(a), (counts.get(presenceOf(a)) ?? 0) + 1);
  const needle = q.trim().toLocaleLowerCase(s.language.value);
  const shown = agents
    .filter((a) => filter === 'all' || presenceOf(a) === filter)
    .filter((a) => !needle || (a.name ?? '').toLocaleLowerCase(s.language.value).includes(needle))
    .sort((a, b) => Number(a.state === 'offline') - Number(b.state === 'offline') || collator.compare(a.name ?? '', b.name ?? ''));
  return (
    <>
      <div class="toolbar">
        <div role="group" aria-label={t('agents.live.filter')} class="segmented" data-testid="live-filter">
          {FILTERS.map((f) => (
            <button key={f} type="button" aria-pressed={filter === f} data-testid={`live-filter-${f}`} onClick={() => setFilter(f)}>
              {f === 'all' ? t('agents.live.all', { count: agents.length }) : `${t(PRESENCE_LABEL[f])} ${counts.get(f) ?? 0}`}
            </button>
          ))}
        </div>
        <span class="spacer" />
        <label for="live-search" class="visually-hidden">
          {t('agents.live.search')}
        </label>
        <input id="live-search" type="search" data-page-search value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder={t('agents.live.search')} maxLength={100} autocomplete="off" />
      </div>
      {shown.length === 0 ? (
        <Empty icon={Users} title={t(agents.length ? 'agents.live.noneMatch' : 'agents.live.empty')} />
      ) : (
        <ul class="list panel live-list" data-testid="live-list" aria-label={t('agents.live.list')} onKeyDown={listKeys}>
          {shown.map((a) => (
            <AgentRow key={a.userId} agent={a} reasons={reasons} now={now} />
          ))}
        </ul>
      )}
    </>
  );
}

function AgentRow({ agent: a, reasons, now }: { agent: AgentView; reasons: PauseReason[]; now: number }) {
  const s = session();
  const t = useT();
  const [busy, setBusy] = useState(false);
  const presence = presenceOf(a);
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    try {
      await s.api.post(path, body);
    } catch (err) {
      toast(describeError(err, t), 'danger');
    } finally {
      setBusy(false);
    }
  };
  const stateText = t(`reports.state.${a.state}` as const);
  const DirIcon = a.dialog?.direction === 'outbound' ? PhoneOutgoing : PhoneIncoming;
  return (
    <li class="list-row live-row" tabIndex={0} data-list-item data-testid="live-agent" data-agent-id={a.userId} data-state={a.state} data-presence={presence}>
      <span class="live-who">
        <PresenceDot state={presence} compact />
        <strong data-testid="live-name">{a.name ?? `#${a.userId}`}</strong>
      </span>
      <span class="live-state" data-testid="live-state">
        {stateText}
        {a.reason && a.state === 'paused' ? ` · ${a.reason}` : ''}
        {a.state !== 'offline' && (
          <span class="muted" data-testid="live-since" title={t('agents.live.inState')}>
            {' '}
            <span class="visually-hidden">{t('agents.live.inState')}: </span>
            {elapsed(a.since, now)}
          </span>
        )}
      </span>
      <span class="live-dialog">
        {a.dialog && (
          <span data-testid="live-call" data-call-id={a.dialog.callId}>
            <Badge tone="info">
              <DirIcon size={14} aria-hidden="true" />
              <span>{t(a.dialog.direction === 'outbound' ? 'agents.live.callOut' : 'agents.live.callIn', { queue: a.dialog.queue ?? '—' })}</span>
              <span data-testid="live-call-time">{elapsed(a.dialog.since, now)}</span>
            </Badge>{' '}
            <SpyButtons callId={a.dialog.callId} />
          </span>
        )}
        {a.chats.length > 0 && (
          <a
            href={`/chats/${a.chats[0]!.conversationId}`}
            data-testid="live-chats"
            onClick={(e) => {
              e.preventDefault();
              s.navigate(`/chats/${a.chats[0]!.conversationId}`);
            }}
          >
            <Badge tone="info">
              <MessagesSquare size={14} aria-hidden="true" />
              <span>{t('agents.live.chats', { count: a.chats.length })}</span>
            </Badge>
          </a>
        )}
      </span>
      <span class="live-actions" role="group" aria-label={t('agents.live.actions', { name: a.name ?? '' })}>
        {a.state === 'paused' && (
          <button type="button" disabled={busy} data-testid="live-resume" onClick={() => void act(`/api/v1/agents/${a.userId}/state`, { state: 'available' })}>
            {t('agents.live.resume')}
          </button>
        )}
        {(a.state === 'available' || a.state === 'wrapup') && reasons.length > 0 && (
          <>
            <label for={`pause-${a.userId}`} class="visually-hidden">
              {t('agents.live.pauseAs', { name: a.name ?? '' })}
            </label>
            <select
              id={`pause-${a.userId}`}
              disabled={busy}
              data-testid="live-pause"
              value=""
              onChange={(e) => {
                const reason = e.currentTarget.value;
                e.currentTarget.value = '';
                if (reason) void act(`/api/v1/agents/${a.userId}/state`, { state: 'paused', reason });
              }}
            >
              <option value="">{t('agents.live.pause')}</option>
              {reasons.map((r) => (
                <option key={r.id} value={r.name}>
                  {r.name}
                </option>
              ))}
            </select>
          </>
        )}
        {a.state !== 'offline' && (
          <button type="button" class="ghost" disabled={busy} data-testid="live-logout" onClick={() => void act(`/api/v1/agents/${a.userId}/logout`)}>
            {t('agents.live.logout')}
          </button>
        )}
      </span>
    </li>
  );
}
