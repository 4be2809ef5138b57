import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Forward, Image, Mail, Paperclip, Reply, ReplyAll, UserCheck } from 'lucide-preact';
import type { PageProps } from '../../app/routes.js';
import { session, useT } from '../../app/session.js';
import { useAsync } from '../../ui/async.js';
import { Async, Empty, ErrorState, Loading } from '../../ui/states.js';
import { Badge } from '../../ui/badge.js';
import { SlaTimer } from '../../ui/sla.js';
import { toast } from '../../ui/toast.js';
import { describeError } from '../../ui/errors.js';
import { listKeys } from '../../ui/list.js';
import type { MessageKey } from '../../i18n.js';
import { bytes, loadMessages, partyName, threads, UserNames, type MessageDetail, type MessageItem, type Thread } from './api.js';
import { MailFrame } from './html-frame.js';
import { Composer, type ComposeMode } from './composer.js';

const STATE_LABEL: Record<Thread['state'], MessageKey> = { new: 'mail.state.new', waiting: 'mail.state.waiting', answered: 'mail.state.answered' };

/** Mail: the threads this user may see (left) and the open thread with its composer (right). */
export default function MailPage({ params }: PageProps) {
  const s = session();
  const t = useT();
  const [tick, setTick] = useState(0);
  const messages = useAsync(() => loadMessages(s.api), [tick]);
  const openId = params.threadId ? Number(params.threadId) : null;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = s.live.on('*', (m) => {
      if (!m.type.startsWith('mail.') || timer) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((n) => n + 1);
      }, 1000);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return (
    <div class="mail-page split" data-testid="mail-page">
      <section class="panel thread-list-pane" aria-label={t('mail.threads')}>
        <Async state={messages} onRetry={messages.reload}>
          {(items) => <ThreadList list={threads(items)} openId={openId} />}
        </Async>
      </section>
      <section class="panel thread-pane" aria-live="polite">
        {openId === null ? (
          <Empty icon={Mail} title={t('mail.pick')} />
        ) : messages.status === 'ready' ? (
          <ThreadView key={openId} thread={threads(messages.data).find((th) => th.id === openId) ?? null} onSent={() => setTick((n) => n + 1)} />
        ) : messages.status === 'error' ? (
          <ErrorState error={messages.error} onRetry={messages.reload} />
        ) : (
          <Loading />
        )}
      </section>
    </div>
  );
}

function ThreadList({ list, openId }: { list: Thread[]; openId: number | null }) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  if (list.length === 0) return <Empty icon={Mail} title={t('mail.empty')} hint={t('mail.emptyHint')} />;
  return (
    <ul class="list" data-testid="thread-list" onKeyDown={listKeys}>
      {list.map((th) => (
        <li key={th.id}>
          <a
            href={`/mail/${th.id}`}
            class="list-row thread-row"
            data-list-item
            data-testid="thread-row"
            aria-current={th.id === openId ? 'true' : undefined}
            onClick={(e) => {
              e.preventDefault();
              s.navigate(`/mail/${th.id}`);
            }}
          >
            <span class="thread-main">
              <strong class="thread-subject">{th.subject || t('mail.noSubject')}</strong>
              <span class="muted thread-from">{partyName(th.messages.filter((m) => m.direction === 'in').at(-1)?.from ?? th.last.from)}</span>
            </span>
            <span class="thread-meta">
              {th.attachments > 0 && <Paperclip size={14} aria-label={t('mail.hasAttachments')} />}
              {th.assigneeId === me.id && <Badge tone="info">{t('mail.mine')}</Badge>}
              {th.waitingSince ? <SlaTimer since={th.waitingSince} /> : <Badge tone="success">{t(STATE_LABEL[th.state])}</Badge>}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function ThreadView({ thread, onSent }: { thread: Thread | null; onSent: () => void }) {
  const s = session();
  const t = useT();
  const users = useMemo(() => new UserNames(s.api), []);
  const [compose, setCompose] = useState<{ mode: ComposeMode; message: MessageDetail } | null>(null);
  const composerRef = useRef<HTMLDivElement>(null);
  if (!thread) return <Empty icon={Mail} title={t('mail.notFound')} />;
  return (
    <article class="thread" data-testid="thread" aria-labelledby="thread-subject">
      <header class="thread-head">
        <h2 id="thread-subject">{thread.subject || t('mail.noSubject')}</h2>
        <RoutingNote thread={thread} users={users} />
      </header>
      <ol class="messages">
        {thread.messages.map((m, i) => (
          <MessageView
            key={m.id}
            item={m}
            open={i === thread.messages.length - 1 || m.direction === 'in'}
            onCompose={(mode, message) => {
              setCompose({ mode, message });
              queueMicrotask(() => composerRef.current?.querySelector<HTMLTextAreaElement>('textarea')?.focus());
            }}
          />
        ))}
      </ol>
      <div ref={composerRef}>
        {compose && (
          <Composer
            mode={compose.mode}
            original={compose.message}
            onCancel={() => setCompose(null)}
            onSent={() => {
              setCompose(null);
              toast(t('mail.sent'), 'success');
              onSent();
            }}
          />
        )}
      </div>
    </article>
  );
}

/** "Why it came to me": assignment, delegation ("on behalf of") and the routing rule. */
function RoutingNote({ thread, users }: { thread: Thread; users: UserNames }) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const [assignee, setAssignee] = useState<string | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  useEffect(() => {
    if (thread.assigneeId) void users.get(thread.assigneeId).then(setAssignee);
    if (thread.delegatedFrom) void users.get(thread.delegatedFrom).then(setFrom);
  }, [thread.assigneeId, thread.delegatedFrom]);
  const rule = thread.messages.filter((m) => m.direction === 'in').at(-1)?.routing?.rule ?? null;
  return (
    <p class="routing muted" data-testid="routing-reason">
      <UserCheck size={14} aria-hidden="true" />{' '}
      {thread.delegatedFrom
        ? t('mail.onBehalfOf', { name: from ?? '…' })
        : thread.assigneeId === me.id
          ? t('mail.assignedToMe')
          : thread.assigneeId
            ? t('mail.assignedTo', { name: assignee ?? '…' })
            : t('mail.unassigned')}
      {rule ? ` · ${t('mail.byRule', { rule })}` : ''}
    </p>
  );
}

function MessageView({ item, open, onCompose }: { item: MessageItem; open: boolean; onCompose: (mode: ComposeMode, message: MessageDetail) => void }) {
  const s = session();
  const t = useT();
  const [expanded, setExpanded] = useState(open);
  const detail = useAsync(
    () => (expanded ? Promise.all([s.api.get<MessageDetail>(`/api/v1/messages/${item.id}`), s.api.get<{ html: string | null; masked: boolean }>(`/api/v1/messages/${item.id}/html`)]) : Promise.resolve(null)),
    [expanded, item.id],
  );
  const [remote, setRemote] = useState(false);
  const when = new Intl.DateTimeFormat(s.i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(item.date ?? item.receivedAt));
  const addresses = (list: MessageItem['to']) => list.map((a) => (a.name && a.address ? `${a.name} <${a.address}>` : partyName(a))).join(', ');
  return (
    <li class={`message ${item.direction === 'out' ? 'outgoing' : 'incoming'}`} data-testid="message" data-direction={item.direction}>
      <button type="button" class="message-head ghost" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
        <strong>{partyName(item.from)}</strong>
        <span class="muted">{when}</span>
      </button>
      {expanded && (
        <div class="message-body">
          <dl class="message-addresses muted">
            <dt>{t('mail.to')}</dt>
            <dd>{addresses(item.to)}</dd>
            {item.cc.length > 0 && (
              <>
                <dt>{t('mail.cc')}</dt>
                <dd>{addresses(item.cc)}</dd>
              </>
            )}
          </dl>
          <Async state={detail} onRetry={detail.reload}>
            {(data) =>
              data && (
                <>
                  {data[1].html ? (
                    <>
                      {!remote && (
                        <p class="muted remote-note">
                          <Image size={14} aria-hidden="true" /> {t('mail.remoteOff')}{' '}
                          <button type="button" class="link" data-testid="show-images" onClick={() => setRemote(true)}>
                            {t('mail.remoteShow')}
                          </button>
                        </p>
                      )}
                      <MailFrame html={data[1].html} allowRemote={remote} title={t('mail.bodyTitle', { subject: item.subject })} />
                    </>
                  ) : (
                    <pre class="mail-text" data-testid="mail-text">
                      {data[0].text}
                    </pre>
                  )}
                  {item.attachments.length > 0 && (
                    <ul class="attachments" aria-label={t('mail.attachments')} data-testid="attachments">
                      {item.attachments.map((a, i) => (
                        <li key={i}>
                          <Paperclip size={14} aria-hidden="true" />{' '}
                          {data[1].masked ? (
                            <span>{a.name}</span>
                          ) : (
                            <a href={`/api/v1/messages/${item.id}/attachments/${i}`} download={a.name} data-testid="attachment">
                              {a.name}
                            </a>
                          )}{' '}
                          <span class="muted">{bytes(a.bytes, s.i18n.language)}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                  <div class="toolbar message-actions">
                    <button type="button" data-testid="reply" onClick={() => onCompose('reply', data[0])}>
                      <Reply size={16} aria-hidden="true" />
                      <span>{t('mail.reply')}</span>
                    </button>
                    <button type="button" data-testid="reply-all" onClick={() => onCompose('replyAll', data[0])}>
                      <ReplyAll size={16} aria-hidden="true" />
                      <span>{t('mail.replyAll')}</span>
                    </button>
                    {!data[1].masked && (
                      <button type="button" data-testid="forward" onClick={() => onCompose('forward', data[0])}>
                        <Forward size={16} aria-hidden="true" />
                        <span>{t('mail.forward')}</span>
                      </button>
                    )}
                  </div>
                </>
              )
            }
          </Async>
        </div>
      )}
    </li>
  );
}

