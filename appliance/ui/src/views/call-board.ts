import { h, replace } from '../dom.js';
import type { Ctx } from '../context.js';
import type { LiveMessage } from '../live.js';
import type { PhoneHandle } from '../softphone/panel.js';
import type { CallInfo } from '../softphone/phone.js';
import type { Contact } from '../features/workspace/contact.js';
import { listKeys } from '../ui/list.js';

/** The fields of a call as the live events carry them (already masked for this viewer). */
interface LiveCall {
  id: number | string;
  direction?: string;
  from?: string | null;
  queue?: string | null;
  operatorId?: number | null;
  /** Operators whose phone rings for this call now. */
  ringingOperatorIds?: number[];
  contactId?: number | null;
  contactName?: string | null;
  answeredAt?: string | null;
  endedAt?: string | null;
}

function asCall(data: unknown): LiveCall | null {
  const d = data as Partial<LiveCall> | null;
  if (!d || typeof d !== 'object' || (typeof d.id !== 'number' && typeof d.id !== 'string')) return null;
  return d as LiveCall;
}

/**
 * The queue/status bar and the incoming-call card. Calls are followed from live events
 * (`call.*` messages, masked by the server for this viewer); a call ringing on this user's own
 * softphone opens the card too, found by the caller's number. The caller's contact opens with
 * its history before the operator answers.
 */
export function callBoard(ctx: Ctx, deps: { openContact: (id: number) => void; phone: PhoneHandle }) {
  const { t, api, me } = ctx;
  const calls = new Map<string, LiveCall>();
  const waiting = h('span', { 'data-testid': 'queue-waiting' });
  const active = h('span', { 'data-testid': 'queue-active' });
  const statusBar = h('section', { class: 'panel statusbar', 'aria-label': t('queue.title') }, h('strong', {}, t('queue.title')), waiting, active);
  const incoming = h('section', { class: 'panel incoming', role: 'alert', 'data-testid': 'incoming-call', hidden: true });

  // Supervisors and admins see every call as it happens (the server sends them all, masked per viewer).
  const watchAll = me.role === 'admin' || me.role === 'supervisor';
  const board = h('ul', { class: 'live-calls', 'data-testid': 'live-calls', 'aria-label': t('live.title') });
  if (watchAll) statusBar.append(board);
  const renderStatus = () => {
    const live = [...calls.values()].filter((c) => !c.endedAt);
    waiting.textContent = t('queue.waiting', { count: live.filter((c) => !c.answeredAt && c.queue).length });
    active.textContent = t('queue.active', { count: live.filter((c) => c.answeredAt).length });
    if (watchAll) {
      replace(
        board,
        ...live.map((c) =>
          h(
            'li',
            {},
            t('timeline.call', { direction: c.direction === 'inbound' || c.direction === 'outbound' ? c.direction : 'other' }),
            ` · ${c.from ?? '—'}${c.queue ? ` · ${c.queue}` : ''} · `,
            t(c.answeredAt ? 'live.talking' : 'live.waiting'),
          ),
        ),
      );
    }
  };

  let shownKey: string | null = null;
  const showIncoming = (key: string, caller: string, contactId: number | null, number: string | null = null) => {
    shownKey = key;
    const history = contactId
      ? h('button', { type: 'button', 'data-testid': 'incoming-open', onclick: () => deps.openContact(contactId) }, t('incoming.history'))
      : null;
    const answer = h('button', { type: 'button', class: 'primary', 'data-testid': 'incoming-answer', onclick: () => deps.phone.phone.answer() }, t('phone.answer'));
    answer.hidden = !(deps.phone.phone.call?.status === 'ringing');
    const from = number && number !== caller ? h('p', { class: 'muted' }, t('incoming.from', { number })) : null;
    replace(incoming, h('h2', {}, t('incoming.title')), h('p', { 'data-testid': 'incoming-caller' }, caller), from, answer, history);
    incoming.hidden = false;
    // Before the operator answers: the caller's card and history are already open.
    if (contactId) deps.openContact(contactId);
  };
  // Several contacts share the caller's number: the operator picks whose card to open.
  const offerChoice = (contacts: Contact[]) => {
    const collator = new Intl.Collator(ctx.i18n.language, { sensitivity: 'base' });
    const list = h('ul', { class: 'list', 'data-testid': 'incoming-choices', 'aria-label': t('incoming.choose', { count: contacts.length }) });
    for (const c of [...contacts].sort((a, b) => collator.compare(a.name, b.name))) {
      list.append(h('li', {}, h('button', { type: 'button', class: 'list-row', 'data-list-item': true, 'data-testid': 'incoming-choice', onclick: () => deps.openContact(c.id) }, c.name)));
    }
    list.addEventListener('keydown', listKeys);
    incoming.append(h('p', {}, t('incoming.choose', { count: contacts.length })), list);
  };
  const hideIncoming = (key: string) => {
    if (shownKey !== key) return;
    shownKey = null;
    incoming.hidden = true;
  };

  const onCall = (message: LiveMessage) => {
    if (!message.type.startsWith('call.')) return;
    const call = asCall(message.data);
    if (!call) return;
    const key = `live:${call.id}`;
    calls.set(key, call);
    if (call.endedAt) setTimeout(() => calls.delete(key), 0);
    renderStatus();
    // Mine: my phone rings for it (a desk phone too: no INVITE reaches the browser), or I have it.
    const forMe = call.operatorId === me.id || (Array.isArray(call.ringingOperatorIds) && call.ringingOperatorIds.includes(me.id));
    if (forMe && call.direction === 'inbound' && !call.answeredAt && !call.endedAt) {
      if (shownKey === key) return;
      showIncoming(key, call.contactName ?? call.from ?? t('incoming.unknown'), call.contactId ?? null, call.from ?? null);
      // The server names one contact; others may share the number.
      if (call.from && /\d{5}/.test(call.from)) {
        api
          .get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(call.from)}&limit=10`)
          .then((found) => {
            if (shownKey === key && found.items.length > 1) offerChoice(found.items);
          })
          .catch(() => undefined);
      }
      // The event names the contact by id; its name replaces the (possibly masked) number.
      if (call.contactId && !call.contactName) {
        api
          .get<Contact>(`/api/v1/contacts/${call.contactId}`)
          .then((contact) => {
            const caller = incoming.querySelector('[data-testid=incoming-caller]');
            if (shownKey === key && caller) caller.textContent = contact.name;
          })
          .catch(() => undefined);
      }
    } else if (call.answeredAt || call.endedAt) {
      hideIncoming(key);
    }
  };

  // The softphone rings: find the caller by number (a full number works for masked users too,
  // and the answer shows them only the masked form).
  const onRing = async (call: CallInfo) => {
    if (shownKey?.startsWith('live:')) return;
    const key = `sip:${Date.now()}`;
    let matches: Contact[] = [];
    if (call.number) {
      try {
        matches = (await api.get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(call.number)}&limit=10`)).items;
      } catch {
        /* the card still shows the call */
      }
    }
    if (deps.phone.phone.call !== call && deps.phone.phone.call?.status !== 'ringing') return;
    const contact = matches.length === 1 ? matches[0]! : null;
    showIncoming(key, contact?.name ?? call.name ?? call.number ?? t('incoming.unknown'), contact?.id ?? null, contact?.phones[0] ?? call.number);
    if (matches.length > 1) offerChoice(matches);
  };
  const stopRing = deps.phone.phone.onIncoming((call) => void onRing(call));
  const stopPhone = deps.phone.phone.onChange(() => {
    if (shownKey?.startsWith('sip:') && deps.phone.phone.call?.status !== 'ringing') hideIncoming(shownKey);
    const answer = incoming.querySelector<HTMLButtonElement>('[data-testid=incoming-answer]');
    if (answer) answer.hidden = deps.phone.phone.call?.status !== 'ringing';
  });
  const stopLive = ctx.live.on('*', onCall);
  renderStatus();

  return {
    statusBar,
    incoming,
    dispose() {
      stopLive();
      stopRing();
      stopPhone();
    },
  };
}
