import { useRef, useState } from 'preact/hooks';
import { Phone } from 'lucide-preact';
import { session, useT, type T } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { useAsync } from '../../ui/async.js';
import { Async } from '../../ui/states.js';
import { describeError } from '../../ui/errors.js';
import type { Contact, TimelineItem, UserName } from './contact.js';
import { EditContact } from './contact-forms.js';
import { MergeContact } from './merge.js';

const STATUS_LABEL: Record<string, MessageKey> = { lead: 'contact.status.lead', client: 'contact.status.client' };
const TYPE_LABEL: Record<string, MessageKey> = { email: 'timeline.email', mail: 'timeline.email', chat: 'timeline.chat', note: 'timeline.note' };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** A party as sources give it: a string, or `{name, address}` (mail). */
const party = (v: unknown): string | null => {
  if (typeof v === 'string') return str(v);
  if (v && typeof v === 'object') {
    const o = v as { name?: unknown; address?: unknown };
    return str(o.name) ?? str(o.address);
  }
  return null;
};

/** The audio URL of a call's recording: only our own API serves recordings. */
function recordingSrc(item: TimelineItem): string | null {
  const rec = item.recording as { id?: unknown } | null | undefined;
  if (rec && typeof rec === 'object' && typeof rec.id === 'number') return `/api/v1/recordings/${rec.id}/audio`;
  const url = str(item.recordingUrl);
  return url && url.startsWith('/api/') ? url : null;
}

/** One line per timeline entry; every value is rendered as text, whatever it contains. */
function TimelineEntry({ item, t }: { item: TimelineItem; t: T }) {
  const s = session();
  const title = item.type === 'call' ? t('timeline.call', { direction: str(item.direction) ?? 'other' }) : t(TYPE_LABEL[item.type] ?? 'timeline.other');
  const details: string[] = [];
  const counterpart = item.type === 'call' ? party(str(item.direction) === 'outbound' ? item.to : item.from) : null;
  const who = counterpart ?? party(item.authorName) ?? party(item.operatorName) ?? party(item.from);
  if (who) details.push(who);
  const talk = num(item.talkSec);
  if (talk !== null) details.push(t('timeline.duration', { minutes: Math.floor(talk / 60) }));
  const subject = str(item.subject);
  const body = str(item.body) ?? str(item.text) ?? str(item.snippet);
  const recording = recordingSrc(item);
  return (
    <li data-type={item.type}>
      <div class="when">
        {s.i18n.dateTime(item.at)} · <strong>{title}</strong>
        {details.length ? ` · ${details.join(' · ')}` : ''}
      </div>
      {subject && <div class="subject">{subject}</div>}
      {body && <div class="body">{body}</div>}
      {recording && <audio controls preload="none" src={recording} aria-label={t('timeline.recording')} />}
    </li>
  );
}

type Page = { items: TimelineItem[]; nextBefore: string | null };
const pageUrl = (id: number, before: string | null) => `/api/v1/contacts/${id}/timeline?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`;
const keyOf = (item: TimelineItem) => `${item.type}:${String(item.id ?? '')}:${item.at}`;
const newestFirst = (items: TimelineItem[]) => [...items].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

interface CardData {
  contact: Contact;
  first: Page;
  owner: string | null;
  users: UserName[];
}

/**
 * The contact card with its timeline, loaded by id: used by search results and by the
 * incoming-call card (which opens it before the call is answered). Editing and merging reload it.
 */
export function ContactCard({ id, onCall }: { id: number; onCall?: (contact: Contact) => void }) {
  const s = session();
  const [version, setVersion] = useState(0);
  const state = useAsync<CardData>(async () => {
    const [contact, first, users] = await Promise.all([
      s.api.get<Contact>(`/api/v1/contacts/${id}`),
      s.api.get<Page>(pageUrl(id, null)),
      s.api.get<{ items: UserName[] }>('/api/v1/users').catch(() => ({ items: [] as UserName[] })),
    ]);
    const owner = contact.ownerId ? (users.items.find((u) => u.id === contact.ownerId)?.displayName ?? (await s.api.get<{ displayName: string }>(`/api/v1/users/${contact.ownerId}`).then((u) => u.displayName, () => null))) : null;
    return { contact, first, owner, users: users.items };
  }, [id, version]);
  return <Async state={state} onRetry={state.reload}>{(data) => <Card key={`${id}:${version}`} data={data} onCall={onCall} reload={() => setVersion((v) => v + 1)} />}</Async>;
}

function Card({ data, onCall, reload }: { data: CardData; onCall?: (contact: Contact) => void; reload: () => void }) {
  const s = session();
  const t = useT();
  const { contact, owner, users } = data;
  const [shown, setShown] = useState<TimelineItem[]>(() => newestFirst(data.first.items));
  const [nextBefore, setNextBefore] = useState<string | null>(data.first.nextBefore);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const noteId = `note-${contact.id}`;
  const listRef = useRef<HTMLOListElement>(null);

  const showPage = (page: Page, append: boolean) => {
    setShown((before) => {
      const seen = new Set(append ? before.map(keyOf) : []);
      const fresh = newestFirst(page.items).filter((item) => !seen.has(keyOf(item)));
      return append ? [...before, ...fresh] : fresh;
    });
    setNextBefore(page.nextBefore);
  };

  const older = async () => {
    if (!nextBefore) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      showPage(await s.api.get<Page>(pageUrl(contact.id, nextBefore)), true);
    } catch (err) {
      setOlderError(describeError(err, t));
    } finally {
      setLoadingOlder(false);
    }
  };

  const saveNote = async (event: Event) => {
    event.preventDefault();
    if (!note.trim()) return;
    try {
      await s.api.post(`/api/v1/contacts/${contact.id}/notes`, { body: note });
      setNote('');
      setNoteError(null);
      showPage(await s.api.get<Page>(pageUrl(contact.id, null)), false);
    } catch (err) {
      setNoteError(describeError(err, t));
    }
  };

  return (
    <article class="contact-card" data-testid="contact-card" data-contact-id={contact.id}>
      <h2 data-testid="contact-name">{contact.name}</h2>
      <dl class="contact-fields">
        <dt>{t('contact.status')}</dt>
        <dd>{t(STATUS_LABEL[contact.status] ?? 'contact.status.lead')}</dd>
        <dt>{t('contact.phones')}</dt>
        <dd data-testid="contact-phones">{contact.phones.join(', ')}</dd>
        <dt>{t('contact.emails')}</dt>
        <dd data-testid="contact-emails">{contact.emails.join(', ')}</dd>
        {owner && <dt>{t('contact.owner')}</dt>}
        {owner && <dd>{owner}</dd>}
        <dt>{t('contact.tags')}</dt>
        <dd>
          {contact.tags.map((tag) => (
            <span class="tag" key={tag}>
              {tag}
            </span>
          ))}
        </dd>
      </dl>
      {contact.masked && (
        <p class="muted" data-testid="masked-notice">
          {t('contact.masked')}
        </p>
      )}
      {onCall && contact.phones.length > 0 && (
        <button type="button" class="primary" onClick={() => onCall(contact)}>
          <Phone size={16} aria-hidden="true" />
          <span>{t('contact.call')}</span>
        </button>
      )}
      <EditContact contact={contact} users={users} onSaved={reload} />
      <h3>{t('timeline.title')}</h3>
      <form class="note-form" onSubmit={(e) => void saveNote(e)}>
        <label for={noteId}>{t('timeline.note')}</label>
        <textarea id={noteId} rows={2} maxLength={20000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        {noteError && (
          <p class="error" role="alert">
            {noteError}
          </p>
        )}
        <button type="submit">{t('common.save')}</button>
      </form>
      <p class="muted" data-testid="timeline-count" role="status">
        {shown.length ? t('timeline.shown', { count: shown.length }) : ''}
      </p>
      <ol ref={listRef} class="timeline" data-testid="timeline" aria-label={t('timeline.title')} reversed>
        {shown.length ? shown.map((item) => <TimelineEntry key={keyOf(item)} item={item} t={t} />) : <li class="muted">{t('timeline.empty')}</li>}
      </ol>
      {olderError && (
        <p class="error" role="alert">
          {olderError}
        </p>
      )}
      {nextBefore && (
        <button type="button" data-testid="timeline-older" disabled={loadingOlder} onClick={() => void older()}>
          {t(loadingOlder ? 'common.loading' : 'timeline.older')}
        </button>
      )}
      {/* Interns may not merge (the server refuses them too). */}
      {s.me.value?.role !== 'intern' && <MergeContact target={contact} onMerged={reload} />}
    </article>
  );
}
