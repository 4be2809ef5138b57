import { useEffect, useMemo, useState } from 'preact/hooks';
import { PhoneIncoming, PhoneMissed, PhoneOutgoing, PhoneCall, Play, RefreshCw } from 'lucide-preact';
import type { PageProps } from '../../app/routes.js';
import { session, useT } from '../../app/session.js';
import { useAsync } from '../../ui/async.js';
import { Async, Empty } from '../../ui/states.js';
import { Badge, type Tone } from '../../ui/badge.js';
import { toast } from '../../ui/toast.js';
import { describeError } from '../../ui/errors.js';
import { listKeys } from '../../ui/list.js';
import type { MessageKey } from '../../i18n.js';
import { SpyButtons } from './spy.js';
import { callBack, ContactNames, duration, isMissed, partyOf, type CallItem } from './api.js';

type Filter = 'all' | 'missed' | 'inbound' | 'outbound';
const FILTERS: Array<{ id: Filter; label: MessageKey }> = [
  { id: 'all', label: 'calls.filter.all' },
  { id: 'missed', label: 'calls.filter.missed' },
  { id: 'inbound', label: 'calls.filter.inbound' },
  { id: 'outbound', label: 'calls.filter.outbound' },
];
const DIRECTION: Record<CallItem['direction'], MessageKey> = {
  inbound: 'calls.direction.inbound',
  outbound: 'calls.direction.outbound',
  internal: 'calls.direction.internal',
};
const OUTCOME: Record<string, { label: MessageKey; tone: Tone }> = {
  answered: { label: 'calls.outcome.answered', tone: 'success' },
  missed: { label: 'calls.outcome.missed', tone: 'danger' },
  abandoned: { label: 'calls.outcome.abandoned', tone: 'danger' },
  busy: { label: 'calls.outcome.busy', tone: 'warning' },
  failed: { label: 'calls.outcome.failed', tone: 'warning' },
  no_channel: { label: 'calls.outcome.noChannel', tone: 'warning' },
};

/**
 * Call history: recent and missed calls (an operator sees their own, supervisors everyone's),
 * the outcome, the recording, and call-back. Refreshes itself when a call changes.
 */
export default function CallsPage({ query }: PageProps) {
  const s = session();
  const t = useT();
  const initial = (query.get('filter') as Filter | null) ?? 'all';
  const [filter, setFilter] = useState<Filter>(FILTERS.some((f) => f.id === initial) ? initial : 'all');
  const [tick, setTick] = useState(0);
  const calls = useAsync(() => s.api.get<{ items: CallItem[] }>('/api/v1/calls?limit=200').then((r) => r.items), [tick]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = s.live.on('*', (m) => {
      if (!m.type.startsWith('call.') || timer) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((n) => n + 1);
      }, 1500);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, []);

  return (
    <section class="page calls-page" data-testid="calls-page">
      <div class="toolbar">
        <div role="group" aria-label={t('calls.filter')} class="segmented">
          {FILTERS.map((f) => (
            <button key={f.id} type="button" aria-pressed={filter === f.id} data-testid={`calls-filter-${f.id}`} onClick={() => setFilter(f.id)}>
              {f.id === 'missed' && <PhoneMissed size={16} aria-hidden="true" />}
              <span>{t(f.label)}</span>
            </button>
          ))}
        </div>
        <span class="spacer" />
        <button type="button" onClick={() => setTick((n) => n + 1)}>
          <RefreshCw size={16} aria-hidden="true" />
          <span>{t('calls.refresh')}</span>
        </button>
      </div>
      <Async state={calls} onRetry={calls.reload}>
        {(items) => <CallList items={items} filter={filter} />}
      </Async>
    </section>
  );
}

function CallList({ items, filter }: { items: CallItem[]; filter: Filter }) {
  const s = session();
  const t = useT();
  const names = useMemo(() => new ContactNames(s.api), []);
  const shown = items.filter((c) => (filter === 'missed' ? isMissed(c) : filter === 'all' ? true : c.direction === filter));
  if (shown.length === 0) return <Empty icon={PhoneCall} title={t(filter === 'missed' ? 'calls.emptyMissed' : 'calls.empty')} />;
  return (
    <ul class="list panel call-list" data-testid="call-list" aria-label={t('calls.list')} onKeyDown={listKeys}>
      {shown.map((c) => (
        <CallRow key={c.id} call={c} names={names} />
      ))}
    </ul>
  );
}

function CallRow({ call, names }: { call: CallItem; names: ContactNames }) {
  const s = session();
  const t = useT();
  const [name, setName] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (call.contactId) void names.get(call.contactId).then(setName);
  }, [call.contactId]);
  const missed = isMissed(call);
  const Icon = missed ? PhoneMissed : call.direction === 'outbound' ? PhoneOutgoing : PhoneIncoming;
  const number = partyOf(call);
  const outcome = call.disposition ? OUTCOME[call.disposition] : null;
  const when = new Intl.DateTimeFormat(s.i18n.language, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(call.startedAt));
  const canCallBack = Boolean(call.contactId || (number && /\d{3}/.test(number) && !/[*•]/.test(number)));
  const doCallBack = async () => {
    setBusy(true);
    try {
      await callBack(s.api, { contactId: call.contactId, number });
      toast(t('calls.callingBack', { name: name ?? number ?? '' }), 'success');
    } catch (err) {
      toast(describeError(err, t), 'danger');
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class={`call-row ${missed ? 'missed' : ''}`} data-testid="call-row" data-call-id={call.id} data-missed={missed ? 'true' : 'false'}>
      <Icon size={18} aria-hidden="true" class="call-icon" />
      <span class="call-party">
        {call.contactId ? (
          <a
            href={`/workspace/contacts/${call.contactId}`}
            data-list-item
            onClick={(e) => {
              e.preventDefault();
              s.navigate(`/workspace/contacts/${call.contactId}`);
            }}
          >
            {name ?? number ?? t('calls.unknown')}
          </a>
        ) : (
          <span tabIndex={0} data-list-item>
            {number ?? t('calls.unknown')}
          </span>
        )}
        {name && number && <span class="muted"> · {number}</span>}
      </span>
      <span class="muted call-when">
        <span class="visually-hidden">{t(DIRECTION[call.direction])} · </span>
        {when}
        {call.queue ? ` · ${call.queue}` : ''}
      </span>
      <span class="call-talk muted" title={t('calls.talk')}>
        {call.answeredAt ? duration(call.talkSec) : t('calls.wait', { time: duration(call.waitSec) })}
      </span>
      {outcome ? <Badge tone={outcome.tone}>{t(outcome.label)}</Badge> : <Badge tone="info">{t('calls.outcome.live')}</Badge>}
      <span class="call-actions">
        {call.recording &&
          (playing ? (
            <audio controls autoPlay preload="none" src={`/api/v1/recordings/${call.recording.id}/audio`} aria-label={t('calls.recording')} data-testid="recording-player" />
          ) : (
            <button type="button" class="icon-button" aria-label={t('calls.play')} title={t('calls.play')} data-testid="recording-play" onClick={() => setPlaying(true)}>
              <Play size={16} aria-hidden="true" />
            </button>
          ))}
        {!call.endedAt && call.answeredAt && (s.me.value!.role === 'supervisor' || s.me.value!.role === 'admin') && <SpyButtons callId={call.id} />}
        {canCallBack && call.endedAt && (
          <button type="button" class={missed ? 'primary' : ''} disabled={busy} data-testid="call-back" onClick={() => void doCallBack()}>
            <PhoneOutgoing size={16} aria-hidden="true" />
            <span>{t('calls.callBack')}</span>
          </button>
        )}
      </span>
    </li>
  );
}
