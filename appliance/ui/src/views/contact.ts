import { h, replace } from '../dom.js';
import type { Ctx } from '../context.js';
import type { MessageKey } from '../i18n.js';
import { mergeContact } from './merge-contact.js';
import { editContact } from './edit-contact.js';

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
  const [contact, timeline] = await Promise.all([
    api.get<Contact>(`/api/v1/contacts/${id}`),
    api.get<{ items: TimelineItem[]; nextBefore: string | null }>(`/api/v1/contacts/${id}/timeline?limit=50`),
  ]);
  const list = h('ol', { class: 'timeline', 'data-testid': 'timeline', 'aria-label': t('timeline.title') });
  const renderItems = (items: TimelineItem[]) =>
    replace(list, ...(items.length ? [...items].reverse().map((item) => timelineEntry(ctx, item)) : [h('li', { class: 'muted' }, t('timeline.empty'))]));
  renderItems(timeline.items);
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
      const fresh = await api.get<{ items: TimelineItem[] }>(`/api/v1/contacts/${id}/timeline?limit=50`);
      renderItems(fresh.items);
    } catch (err) {
      noteError.textContent = err instanceof Error ? err.message : String(err);
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
    list,
    noteForm,
    // Interns may not merge (the server refuses them too).
    ctx.me.role !== 'intern' && actions.reopen ? mergeContact(ctx, contact, () => actions.reopen!(contact.id)) : null,
  );
}
