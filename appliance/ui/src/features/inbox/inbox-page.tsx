import { useEffect, useState } from 'preact/hooks';
import { Inbox, Mail, PhoneIncoming, PhoneMissed, PhoneOutgoing } from 'lucide-preact';
import type { PageProps } from '../../app/routes.js';
import { session, useT } from '../../app/session.js';
import { useAsync } from '../../ui/async.js';
import { Async, Empty } from '../../ui/states.js';
import { Badge } from '../../ui/badge.js';
import { SlaTimer } from '../../ui/sla.js';
import { listKeys } from '../../ui/list.js';
import type { MessageKey } from '../../i18n.js';
import { loadMessages, partyName, threads, type Thread } from '../mail/api.js';
import { isMissed, partyOf, type CallItem } from '../calls/api.js';

type Tab = 'mine' | 'new' | 'waiting' | 'done';
const TABS: Array<{ id: Tab; label: MessageKey }> = [
  { id: 'mine', label: 'inbox.tab.mine' },
  { id: 'new', label: 'inbox.tab.new' },
  { id: 'waiting', label: 'inbox.tab.waiting' },
  { id: 'done', label: 'inbox.tab.done' },
];

/** One dialog in the inbox, whatever its channel. */
export interface Dialog {
  key: string;
  channel: 'mail' | 'call';
  title: string;
  who: string;
  at: string;
  /** When the customer started waiting for us; null once answered. */
  waitingSince: string | null;
  assigneeId: number | null;
  href: string;
  missed?: boolean;
  outbound?: boolean;
}

function fromThread(th: Thread): Dialog {
  return {
    key: `mail:${th.id}`,
    channel: 'mail',
    title: th.subject,
    who: partyName(th.messages.filter((m) => m.direction === 'in').at(-1)?.from ?? th.last.from),
    at: th.last.receivedAt,
    waitingSince: th.waitingSince,
    assigneeId: th.assigneeId,
    href: `/mail/${th.id}`,
  };
}

/** Calls as dialogs: a missed call stays open until someone calls that contact or number back. */
function fromCalls(calls: CallItem[]): Dialog[] {
  const sorted = [...calls].sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1));
  return sorted.map((c) => {
    const party = partyOf(c);
    const calledBack = isMissed(c) && sorted.some((o) => o.startedAt > c.startedAt && o.direction === 'outbound' && ((c.contactId && o.contactId === c.contactId) || (party && o.to === party)));
    const open = (isMissed(c) && !calledBack) || (!c.endedAt && !c.answeredAt);
    return {
      key: `call:${c.id}`,
      channel: 'call' as const,
      title: party ?? '',
      who: party ?? '',
      at: c.startedAt,
      waitingSince: open ? c.startedAt : null,
      assigneeId: c.operatorId,
      href: c.contactId ? `/workspace/contacts/${c.contactId}` : '/calls?filter=missed',
      missed: isMissed(c),
      outbound: c.direction === 'outbound',
    };
  });
}

export function inTab(d: Dialog, tab: Tab, me: number): boolean {
  if (tab === 'done') return !d.waitingSince;
  if (!d.waitingSince) return false;
  if (tab === 'mine') return d.assigneeId === me;
  if (tab === 'new') return d.assigneeId === null || (d.channel === 'call' && Boolean(d.missed));
  return true;
}

/**
 * One inbox for every channel (calls, mail; chats join when they land): the user's own open
 * dialogs, new ones nobody has taken, everything a customer is waiting on (with how long), and
 * what is done. An operator sees their own and their teams'; supervisors see all.
 */
export default function InboxPage({ query }: PageProps) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const initial = query.get('tab') as Tab | null;
  const [tab, setTab] = useState<Tab>(TABS.some((x) => x.id === initial) ? initial! : 'mine');
  const [tick, setTick] = useState(0);
  const dialogs = useAsync(async () => {
    const [messages, calls] = await Promise.all([loadMessages(s.api), s.api.get<{ items: CallItem[] }>('/api/v1/calls?limit=200').then((r) => r.items)]);
    return [...threads(messages).map(fromThread), ...fromCalls(calls)].sort((a, b) => (a.at < b.at ? 1 : -1));
  }, [tick]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = s.live.on('*', (m) => {
      if (!(m.type.startsWith('call.') || m.type.startsWith('mail.')) || timer) return;
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
    <section class="page inbox-page" data-testid="inbox-page">
      <div class="toolbar">
        <div role="tablist" aria-label={t('inbox.tabs')} class="segmented">
          {TABS.map((x) => {
            const count = dialogs.status === 'ready' ? dialogs.data.filter((d) => inTab(d, x.id, me.id)).length : null;
            return (
              <button key={x.id} type="button" role="tab" aria-selected={tab === x.id} data-testid={`inbox-tab-${x.id}`} onClick={() => setTab(x.id)}>
                <span>{t(x.label)}</span>
                {count !== null && x.id !== 'done' && <Badge tone={count ? 'info' : 'neutral'}>{count}</Badge>}
              </button>
            );
          })}
        </div>
      </div>
      <div class="panel" role="tabpanel" style="padding:0">
        <Async state={dialogs} onRetry={dialogs.reload}>
          {(all) => {
            const shown = all.filter((d) => inTab(d, tab, me.id));
            if (!shown.length) return <Empty icon={Inbox} title={t(tab === 'done' ? 'inbox.emptyDone' : 'inbox.empty')} />;
            return (
              <ul class="list" data-testid="inbox-list" onKeyDown={listKeys}>
                {shown.map((d) => {
                  const Icon = d.channel === 'mail' ? Mail : d.missed ? PhoneMissed : d.outbound ? PhoneOutgoing : PhoneIncoming;
                  return (
                    <li key={d.key}>
                      <a
                        href={d.href}
                        class="list-row inbox-row"
                        data-list-item
                        data-testid="inbox-item"
                        data-channel={d.channel}
                        onClick={(e) => {
                          e.preventDefault();
                          s.navigate(d.href);
                        }}
                      >
                        <Icon size={18} aria-label={t(d.channel === 'mail' ? 'inbox.channel.mail' : 'inbox.channel.call')} />
                        <span class="inbox-title">
                          <strong>{d.channel === 'mail' ? d.title || t('mail.noSubject') : d.missed ? t('inbox.missedCall') : t('inbox.call')}</strong>
                          <span class="muted"> · {d.who || t('calls.unknown')}</span>
                        </span>
                        <span class="inbox-meta">
                          {d.waitingSince ? <SlaTimer since={d.waitingSince} warnMin={d.channel === 'call' ? 15 : 60} breachMin={d.channel === 'call' ? 60 : 240} /> : null}
                          <span class="muted">{new Intl.DateTimeFormat(s.i18n.language, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(d.at))}</span>
                        </span>
                      </a>
                    </li>
                  );
                })}
              </ul>
            );
          }}
        </Async>
      </div>
    </section>
  );
}
