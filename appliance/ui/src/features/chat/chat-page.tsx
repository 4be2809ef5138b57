import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { BadgeCheck, FileDown, MessagesSquare, Paperclip, Send } from 'lucide-preact';
import type { PageProps } from '../../app/routes.js';
import { session, useT } from '../../app/session.js';
import { Empty, ErrorState, Loading } from '../../ui/states.js';
import { Badge } from '../../ui/badge.js';
import { describeError } from '../../ui/errors.js';
import { listKeys } from '../../ui/list.js';
import { toast } from '../../ui/toast.js';
import * as chats from './api.js';
import type { ChatMessage, ChatSummary } from './api.js';
import './chat.css';

const newId = () => Math.random().toString(36).slice(2) + Date.now().toString(36);

/** Waiting and ongoing website chats beside the open conversation (`/chats/:id`). */
export default function ChatPage({ params }: PageProps) {
  const t = useT();
  const s = session();
  const selected = params.id ? Number(params.id) : null;
  const [lists, setLists] = useState<{ waiting: ChatSummary[]; active: ChatSummary[] } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const [waiting, active] = await Promise.all([chats.listChats('waiting'), chats.listChats('active')]);
      setLists({ waiting, active });
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    void reload();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 150);
    };
    const offs = ['chat.waiting', 'chat.updated', 'chat.message'].map((type) => s.live.on(type, soon));
    // A waiting visitor given to this operator: said, not opened (focus moves only on the user's action).
    offs.push(
      s.live.on('chat.assigned', (e) => {
        soon();
        const id = (e.data as { conversationId: number }).conversationId;
        void chats.getChat(id).then((c) => toast(t('chat.assignedToYou', { name: c.visitor.name ?? t('chat.visitor') }), 'info'), () => {});
      }),
    );
    offs.push(s.live.onStatus((online) => online && soon()));
    return () => {
      clearTimeout(timer);
      for (const off of offs) off();
    };
  }, [reload]);

  const section = (title: string, items: ChatSummary[], testid: string) => (
    <section aria-labelledby={`chat-${testid}`}>
      <h2 id={`chat-${testid}`} class="chat-section-title">
        {title} <Badge tone={testid === 'waiting' && items.length ? 'warning' : 'neutral'}>{items.length}</Badge>
      </h2>
      {items.length === 0 ? (
        <p class="muted chat-none">{t('chat.empty')}</p>
      ) : (
        <ul class="list" role="list" onKeyDown={listKeys} data-testid={`chat-list-${testid}`}>
          {items.map((c) => (
            <li key={c.id}>
              <a
                class="list-row chat-row"
                href={`/chats/${c.id}`}
                data-list-item
                data-chat-id={c.id}
                aria-current={c.id === selected ? 'true' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  s.navigate(`/chats/${c.id}`);
                }}
              >
                <span class="chat-row-name">{c.visitor.name ?? c.visitor.email ?? t('chat.visitor')}</span>
                <span class="muted chat-row-meta">
                  {c.siteName}
                  {c.mode === 'message' ? ` · ${t('chat.leftMessage')}` : c.state === 'waiting' ? ` · ${t('chat.position', { n: c.position })}` : c.operatorName ? ` · ${c.operatorName}` : ''}
                  {c.state === 'waiting' ? ` · ${t('chat.waitedSince', { time: new Date(c.createdAt).toLocaleTimeString(s.i18n.language, { hour: '2-digit', minute: '2-digit' }) })}` : ''}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <div class="chat-layout">
      <nav class="panel chat-lists" aria-label={t('chat.title')}>
        {error ? <ErrorState error={error} onRetry={() => void reload()} /> : !lists ? <Loading /> : [section(t('chat.waiting'), lists.waiting, 'waiting'), section(t('chat.active'), lists.active, 'active')]}
      </nav>
      <div class="chat-main">
        {selected ? <Conversation key={selected} id={selected} onChanged={() => void reload()} /> : <Empty icon={MessagesSquare} title={t('chat.select')} hint={t('chat.emptyHint')} />}
      </div>
    </div>
  );
}

function Conversation({ id, onChanged }: { id: number; onChanged: () => void }) {
  const t = useT();
  const s = session();
  const me = s.me.value!;
  const [chat, setChat] = useState<ChatSummary | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [visitorTyping, setVisitorTyping] = useState(false);
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [online, setOnline] = useState(s.live.online);
  const [canned, setCanned] = useState<{ title: string; text: string }[]>([]);
  const lastSeq = useRef(0);
  const typingOn = useRef(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>();
  const logRef = useRef<HTMLOListElement>(null);

  const merge = (incoming: ChatMessage[]) => {
    if (!incoming.length) return;
    setMessages((prev) => {
      const bySeq = new Map(prev.map((m) => [m.seq, m]));
      for (const m of incoming) bySeq.set(m.seq, m);
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    });
    lastSeq.current = Math.max(lastSeq.current, ...incoming.map((m) => m.seq));
    if (document.visibilityState === 'visible') void chats.markRead(id, lastSeq.current).catch(() => {});
  };
  // Everything after the last message shown: after a cut, nothing is lost and nothing shown twice.
  const catchUp = useCallback(async () => {
    try {
      merge(await chats.messagesAfter(id, lastSeq.current));
      setChat(await chats.getChat(id));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [id]);

  useEffect(() => {
    void catchUp();
    const mine = (e: { data: unknown }) => (e.data as { conversationId?: number }).conversationId === id;
    let typingClear: ReturnType<typeof setTimeout> | undefined;
    const offs = [
      s.live.on('chat.message', (e) => mine(e) && void catchUp()),
      s.live.on('chat.updated', (e) => mine(e) && void chats.getChat(id).then(setChat, setError)),
      s.live.on('chat.read', (e) => {
        if (mine(e)) setChat((c) => (c ? { ...c, visitorReadSeq: (e.data as { visitorReadSeq: number }).visitorReadSeq } : c));
      }),
      s.live.on('chat.typing', (e) => {
        const d = e.data as { conversationId: number; from: unknown; on: boolean };
        if (d.conversationId !== id || d.from !== 'visitor') return;
        setVisitorTyping(d.on);
        clearTimeout(typingClear);
        if (d.on) typingClear = setTimeout(() => setVisitorTyping(false), 8000);
      }),
      s.live.onStatus((up) => {
        setOnline(up);
        if (up) void catchUp();
      }),
    ];
    setOnline(s.live.online); // it may have changed between the render and this effect
    return () => {
      clearTimeout(typingClear);
      for (const off of offs) off();
    };
  }, [id, catchUp]);

  useEffect(() => {
    if (chat) void chats.canned(chat.siteId, chat.language).then(setCanned, () => setCanned([]));
  }, [chat?.siteId, chat?.language]);

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, visitorTyping]);

  const act = async (run: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await run();
      await catchUp();
      onChanged();
    } catch (err) {
      setActionError(describeError(err, t));
    }
  };

  const stopTyping = () => {
    clearTimeout(typingTimer.current);
    if (typingOn.current) void chats.typing(id, false).catch(() => {});
    typingOn.current = false;
  };
  const onInput = (value: string) => {
    setText(value);
    if (note || !chat || chat.state !== 'active') return;
    if (!typingOn.current) {
      typingOn.current = true;
      void chats.typing(id, true).catch(() => {});
    }
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(stopTyping, 3000);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || !chat) return;
    stopTyping();
    if (chat.mode === 'message' && !note) {
      await act(async () => {
        await chats.replyByEmail(id, body);
        setText('');
      });
      return;
    }
    // The same client id on a retry: the server stores the message once.
    const clientId = newId();
    await act(async () => {
      merge([await chats.sendMessage(id, { text: body, clientId, note })]);
      setText('');
    });
  };

  if (error && !chat) return <ErrorState error={error} onRetry={() => void catchUp()} />;
  if (!chat) return <Loading />;
  const mineActive = chat.state === 'active' && chat.operatorId === me.id;
  const answersByMail = chat.mode === 'message' && !note;
  const canWrite = chat.state !== 'closed' && (mineActive || note || (answersByMail && chat.canReplyByEmail));
  const v = chat.visitor;
  return (
    <section class="panel chat-conversation" aria-labelledby="chat-heading" data-testid="chat-conversation" data-state={chat.state}>
      <header class="chat-head">
        <div>
          <h2 id="chat-heading">
            {v.name ?? t('chat.visitor')} {v.verified && <Badge tone="success"><BadgeCheck size={14} aria-hidden="true" /> {t('chat.verified')}</Badge>}
          </h2>
          <p class="muted" data-testid="chat-visitor-details">
            {[v.email, v.phone, chat.siteName].filter(Boolean).join(' · ')}
            {chat.contactId !== null && (
              <>
                {' · '}
                <a href={`/workspace/contacts/${chat.contactId}`} onClick={(e) => { e.preventDefault(); s.navigate(`/workspace/contacts/${chat.contactId}`); }}>
                  {t('chat.contact')}
                </a>
              </>
            )}
          </p>
        </div>
        <div class="toolbar">
          {!online && <Badge tone="warning">{t('chat.offline')}</Badge>}
          {chat.mode === 'message' && <Badge tone="info">{t('chat.leftMessage')}</Badge>}
          {chat.rating !== null && <Badge tone="neutral">{t('chat.rating', { score: chat.rating })}</Badge>}
          {chat.state === 'waiting' && chat.mode === 'live' && (
            <button type="button" class="primary" onClick={() => void act(() => chats.accept(id))}>
              {t('chat.accept')}
            </button>
          )}
          {chat.state === 'active' && (mineActive || me.role === 'admin' || me.role === 'supervisor') && <Transfer id={id} onDone={(name) => { toast(t('chat.transferDone', { name }), 'success'); onChanged(); }} onError={setActionError} />}
          {chat.state !== 'closed' && (
            <button type="button" onClick={() => void act(() => chats.closeChat(id))}>
              {t('chat.close')}
            </button>
          )}
        </div>
      </header>
      {actionError && (
        <p class="chat-error" role="alert">
          {actionError}
        </p>
      )}
      <ol class="chat-log" ref={logRef} role="log" aria-live="polite" aria-label={t('chat.title')}>
        {messages.map((m) => (
          <li key={m.seq} class={`chat-msg chat-${m.author}`} data-testid="chat-message" data-seq={m.seq} data-author={m.author}>
            {m.author === 'note' && <span class="chip">{t('chat.note')}</span>}
            {m.text && <span class="chat-text">{m.text}</span>}
            {m.file && (
              <a class="chat-file" href={chats.fileUrl(id, m.file.id)} download={m.file.name}>
                <FileDown size={16} aria-hidden="true" /> {t('chat.download', { name: m.file.name })}
              </a>
            )}
            <span class="chat-meta muted">
              {m.author === 'visitor' ? (v.name ?? t('chat.visitor')) : m.operatorId === me.id ? t('chat.you') : (m.operatorName ?? '')}
              {' · '}
              <time dateTime={m.at}>{new Date(m.at).toLocaleTimeString(s.i18n.language, { hour: '2-digit', minute: '2-digit' })}</time>
              {m.author === 'operator' && m.seq <= chat.visitorReadSeq && <span class="chat-read"> · {t('chat.read')}</span>}
            </span>
          </li>
        ))}
      </ol>
      <p class="chat-typing muted" aria-live="polite" data-testid="chat-typing">
        {visitorTyping ? t('chat.typing') : ''}
      </p>
      {chat.mode === 'message' && chat.state !== 'closed' && !chat.canReplyByEmail && (
        <p class="muted" data-testid="chat-no-mailbox">
          {t('chat.noMailbox')}
        </p>
      )}
      {chat.state === 'closed' ? (
        <p class="muted">{t('chat.ended')}</p>
      ) : (
        <form class="chat-compose" onSubmit={(e) => void submit(e)}>
          {canned.length > 0 && (
            <select aria-label={t('chat.canned')} onChange={(e) => { const c = canned[Number((e.target as HTMLSelectElement).value)]; if (c) onInput(c.text); (e.target as HTMLSelectElement).value = ''; }}>
              <option value="">{t('chat.canned')}</option>
              {canned.map((c, i) => (
                <option key={i} value={i}>
                  {c.title}
                </option>
              ))}
            </select>
          )}
          <textarea
            aria-label={note ? t('chat.notePlaceholder') : chat.mode === 'message' ? t('chat.replyPlaceholder') : t('chat.placeholder')}
            placeholder={note ? t('chat.notePlaceholder') : chat.mode === 'message' ? t('chat.replyPlaceholder') : t('chat.placeholder')}
            value={text}
            disabled={!canWrite}
            onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                (e.currentTarget.form as HTMLFormElement).requestSubmit();
              }
            }}
          />
          <div class="toolbar">
            <label class="chat-note-toggle">
              <input type="checkbox" checked={note} onChange={(e) => setNote((e.target as HTMLInputElement).checked)} /> {t('chat.noteToggle')}
            </label>
            {mineActive && (
              <label class="icon-button" title={t('chat.attach')}>
                <Paperclip size={16} aria-hidden="true" />
                <span class="visually-hidden">{t('chat.attach')}</span>
                <input
                  type="file"
                  class="visually-hidden"
                  data-testid="chat-file"
                  onChange={(e) => {
                    const input = e.target as HTMLInputElement;
                    const file = input.files?.[0];
                    input.value = '';
                    if (file) void act(() => chats.uploadFile(id, file, newId()));
                  }}
                />
              </label>
            )}
            <button type="submit" class="primary" disabled={!canWrite || !text.trim()}>
              <Send size={16} aria-hidden="true" /> {chat.mode === 'message' && !note ? t('chat.replyByEmail') : t('chat.send')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Hands the chat to a colleague or a team of the site (the server checks both). */
function Transfer({ id, onDone, onError }: { id: number; onDone: (name: string) => void; onError: (message: string | null) => void }) {
  const t = useT();
  const [targets, setTargets] = useState<chats.TransferTargets | null>(null);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void chats.transferTargets(id).then(setTargets, () => setTargets({ operators: [], teams: [] }));
  }, [id]);
  const submit = async () => {
    const [kind, raw] = choice.split(':');
    const target = Number(raw);
    if (!target) return;
    const name = kind === 'team' ? targets?.teams.find((x) => x.id === target)?.name : targets?.operators.find((x) => x.id === target)?.name;
    setBusy(true);
    onError(null);
    try {
      await chats.transfer(id, kind === 'team' ? { teamId: target } : { operatorId: target });
      onDone(name ?? '');
    } catch (err) {
      onError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="chat-transfer">
      <select aria-label={t('chat.transferTo')} value={choice} data-testid="chat-transfer-target" onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}>
        <option value="">{t('chat.transferTo')}</option>
        {targets && targets.operators.length > 0 && (
          <optgroup label={t('chat.transferColleagues')}>
            {targets.operators.map((o) => (
              <option key={o.id} value={`operator:${o.id}`}>
                {o.online ? t('chat.online', { name: o.name }) : o.name}
              </option>
            ))}
          </optgroup>
        )}
        {targets && targets.teams.length > 0 && (
          <optgroup label={t('chat.transferTeams')}>
            {targets.teams.map((x) => (
              <option key={x.id} value={`team:${x.id}`}>
                {x.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <button type="button" disabled={!choice || busy} onClick={() => void submit()}>
        {t('chat.transfer')}
      </button>
    </span>
  );
}
