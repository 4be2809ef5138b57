import { h, replace } from '../dom.js';
import type { Ctx } from '../context.js';
import type { MessageKey } from '../i18n.js';
import { mergeContact } from './merge-contact.js';
import { editContact } from './edit-contact.js';
import { describeError } from '../ui/errors.js';

/** A contact as the API shows it to this viewer (phones and e-mails already masked for interns). */
export interface Contact {
  id: number;
  kind: string;
  name: string;
  status: 'lead' | 'client';
  ownerId: number | null;
  phones: string[];
  emails: string[];
  tags: string[];
  masked: boolean;
}

export interface TimelineItem {
  type: string;
  at: string;
  [field: string]: unknown;
}

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

/** One line per timeline entry; every value goes in as text, whatever it contains. */
function timelineEntry(ctx: Ctx, item: TimelineItem): HTMLElement {
  const { t } = ctx;
  const title =
    item.type === 'call'
      ? t('timeline.call', { direction: str(item.direction) ?? 'other' })
      : t(TYPE_LABEL[item.type] ?? 'timeline.other');
  const details: string[] = [];
  const counterpart = item.type === 'call' ? party(str(item.direction) === 'outbound' ? item.to : item.from) : null;
  const who = counterpart ?? party(item.authorName) ?? party(item.operatorName) ?? party(item.from);
  if (who) details.push(who);
  const talk = num(item.talkSec);
  if (talk !== null) details.push(t('timeline.duration', { minutes: Math.floor(talk / 60) }));
  const subject = str(item.subject);
  const body = str(item.body) ?? str(item.text) ?? str(item.snippet);
  const recording = recordingSrc(item);
  return h(
    'li',
    { 'data-type': item.type },
    h('div', { class: 'when' }, ctx.i18n.dateTime(item.at), ' · ', h('strong', {}, title), details.length ? ` · ${details.join(' · ')}` : ''),
    subject ? h('div', { class: 'subject' }, subject) : null,
    body ? h('div', { class: 'body' }, body) : null,
    recording ? h('audio', { controls: true, preload: 'none', src: recording, 'aria-label': t('timeline.recording') }) : null,
  );
}

/**
 * The contact card with its timeline. Loaded by id; used by search results and by the
 * incoming-call card (which opens it before the call is answered).
 */
export async function contactCard(ctx: Ctx, id: number, actions: { call?: (contact: Contact) => void; reopen?: (id: number) => void } = {}): Promise<HTMLElement> {
  const { t, api } = ctx;
  type Page = { items: TimelineItem[]; nextBefore: string | null };
  const pageUrl = (before: string | null) => `/api/v1/contacts/${id}/timeline?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`;
  const [contact, timeline] = await Promise.all([api.get<Contact>(`/api/v1/contacts/${id}`), api.get<Page>(pageUrl(null))]);
  // Newest first; "show older" follows the API's nextBefore until the whole history is on screen.
  const list = h('ol', { class: 'timeline', 'data-testid': 'timeline', 'aria-label': t('timeline.title'), reversed: true });
  const older = h('button', { type: 'button', 'data-testid': 'timeline-older' }, t('timeline.older'));
  const olderError = h('p', { class: 'error', role: 'alert', hidden: true });
  const count = h('p', { class: 'muted', 'data-testid': 'timeline-count', role: 'status' });
  let shown: TimelineItem[] = [];
  let nextBefore: string | null = null;
  const keyOf = (item: TimelineItem) => `${item.type}:${String(item.id ?? '')}:${item.at}`;
  const renderItems = (page: Page, append: boolean) => {
    const seen = new Set(append ? shown.map(keyOf) : []);
    const fresh = [...page.items].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).filter((item) => !seen.has(keyOf(item)));
    shown = append ? [...shown, ...fresh] : fresh;
    nextBefore = page.nextBefore;
    if (append) list.append(...fresh.map((item) => timelineEntry(ctx, item)));
    else replace(list, ...(shown.length ? shown.map((item) => timelineEntry(ctx, item)) : [h('li', { class: 'muted' }, t('timeline.empty'))]));
    older.hidden = !nextBefore;
    count.textContent = shown.length ? t('timeline.shown', { count: shown.length }) : '';
  };
  renderItems(timeline, false);
  older.addEventListener('click', async () => {
    if (!nextBefore) return;
    older.disabled = true;
    older.textContent = t('common.loading');
    olderError.hidden = true;
    try {
      renderItems(await api.get<Page>(pageUrl(nextBefore)), true);
    } catch (err) {
      olderError.textContent = describeError(err, t);
      olderError.hidden = false;
    } finally {
      older.disabled = false;
      older.textContent = t('timeline.older');
    }
  });
  const owner = contact.ownerId ? await api.get<{ displayName: string }>(`/api/v1/users/${contact.ownerId}`).catch(() => null) : null;

  const note = h('textarea', { id: `note-${id}`, rows: 2, maxlength: 20000 });
  const noteError = h('p', { class: 'error', role: 'alert', hidden: true });
  const noteForm = h(
    'form',
    { class: 'note-form' },
    h('label', { for: note.id }, t('timeline.note')),
    note,
    noteError,
    h('button', { type: 'submit' }, t('common.save')),
  );
  noteForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!note.value.trim()) return;
    try {
      await api.post(`/api/v1/contacts/${id}/notes`, { body: note.value });
      note.value = '';
      noteError.hidden = true;
      renderItems(await api.get<Page>(pageUrl(null)), false);
    } catch (err) {
      noteError.textContent = describeError(err, t);
      noteError.hidden = false;
    }
  });

  const call = actions.call;
  const callButton = call && contact.phones.length ? h('button', { type: 'button', class: 'primary', onclick: () => call(contact) }, t('contact.call')) : null;
  return h(
    'article',
    { class: 'contact-card', 'data-testid': 'contact-card', 'data-contact-id': contact.id },
    h('h2', { 'data-testid': 'contact-name' }, contact.name),
    h(
      'dl',
      { class: 'contact-fields' },
      h('dt', {}, t('contact.status')),
      h('dd', {}, t(STATUS_LABEL[contact.status] ?? 'contact.status.lead')),
      h('dt', {}, t('contact.phones')),
      h('dd', { 'data-testid': 'contact-phones' }, contact.phones.join(', ')),
      h('dt', {}, t('contact.emails')),
      h('dd', { 'data-testid': 'contact-emails' }, contact.emails.join(', ')),
      owner ? h('dt', {}, t('contact.owner')) : null,
      owner ? h('dd', {}, owner.displayName) : null,
      h('dt', {}, t('contact.tags')),
      h('dd', {}, ...contact.tags.map((tag) => h('span', { class: 'tag' }, tag))),
    ),
    contact.masked ? h('p', { class: 'muted', 'data-testid': 'masked-notice' }, t('contact.masked')) : null,
    callButton,
    actions.reopen ? await editContact(ctx, contact, () => actions.reopen!(contact.id)) : null,
    h('h3', {}, t('timeline.title')),
    noteForm,
    count,
    list,
    olderError,
    older,
    // Interns may not merge (the server refuses them too).
    ctx.me.role !== 'intern' && actions.reopen ? mergeContact(ctx, contact, () => actions.reopen!(contact.id)) : null,
  );
}
