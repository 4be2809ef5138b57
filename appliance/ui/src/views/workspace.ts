import { h, replace } from '../dom.js';
import type { Ctx, View } from '../context.js';
import { contactCard, type Contact } from './contact.js';
import { callBoard } from './call-board.js';
import { newContactForm } from './new-contact.js';
import { importContacts } from './import-contacts.js';
import { contactFilters } from './contact-filters.js';
import { phonePanel } from '../softphone/panel.js';
import { describeError } from '../ui/errors.js';
import { listKeys } from '../ui/list.js';

/**
 * The operator workspace: queue/status bar, contact search, the open contact with its timeline,
 * the softphone and the incoming-call card. A contact id in the URL (/workspace/contacts/42)
 * opens that contact, so the browser's back button and bookmarks work.
 */
export function workspacePage(ctx: Ctx): View {
  const { t, api } = ctx;
  const disposers: Array<() => void> = [];

  const query = h('input', { id: 'contact-search', type: 'search', name: 'q', placeholder: t('search.placeholder'), maxlength: 200, autocomplete: 'off', 'data-page-search': true });
  const count = h('p', { class: 'muted', role: 'status', 'data-testid': 'search-count' });
  const results = h('ul', { class: 'results', 'data-testid': 'search-results' });
  const searchError = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { role: 'search', 'aria-label': t('search.label') },
    h('div', { class: 'field' }, h('label', { for: 'contact-search' }, t('search.label')), query),
    h('button', { type: 'submit' }, t('search.submit')),
  );
  const center = h('section', { class: 'panel contact-pane', 'aria-live': 'polite', 'data-testid': 'contact-pane' }, h('p', { class: 'muted' }, t('contact.none')));

  results.addEventListener('keydown', listKeys);
  const filters = contactFilters(ctx, () => form.requestSubmit());
  const showError = (where: HTMLElement, err: unknown) => {
    where.textContent = describeError(err, t);
    where.hidden = false;
  };

  let openSeq = 0;
  const openContact = async (id: number, pushUrl = true) => {
    const seq = ++openSeq;
    if (pushUrl && location.pathname !== `/workspace/contacts/${id}`) history.pushState(null, '', `/workspace/contacts/${id}`);
    replace(center, h('p', { class: 'muted' }, t('common.loading')));
    try {
      const card = await contactCard(ctx, id, { call: (c) => phone.dialContact(c), reopen: (cid) => void openContact(cid, false) });
      if (seq === openSeq) replace(center, card);
    } catch (err) {
      const p = h('p', { class: 'error', role: 'alert' });
      showError(p, err);
      if (seq === openSeq) replace(center, p);
    }
  };

  let searchSeq = 0;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = query.value.trim();
    const seq = ++searchSeq;
    searchError.hidden = true;
    // The previous query's rows never stay under a new query.
    replace(results);
    count.textContent = t('common.loading');
    try {
      const narrow = filters.query();
      const found = await api.get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(q)}&limit=50${narrow ? `&${narrow}` : ''}`);
      if (seq !== searchSeq) return;
      // In the user's alphabet: Ukrainian "Є", "І", "Ї", "Ґ" sort where a Ukrainian reader expects them.
      const collator = new Intl.Collator(ctx.i18n.language, { sensitivity: 'base', numeric: true });
      found.items.sort((a, b) => collator.compare(a.name, b.name));
      count.textContent = t('search.results', { count: found.items.length });
      replace(
        results,
        ...found.items.map((c) =>
          h(
            'li',
            {},
            h(
              'button',
              { type: 'button', 'data-testid': 'search-result', 'data-list-item': true, onclick: () => void openContact(c.id) },
              h('strong', {}, c.name),
              c.phones.length ? h('span', { class: 'muted' }, ` · ${c.phones[0]}`) : null,
            ),
          ),
        ),
      );
      if (found.items.length === 1 && q) void openContact(found.items[0]!.id);
    } catch (err) {
      if (seq !== searchSeq) return;
      count.textContent = '';
      showError(searchError, err);
    }
  });

  const phone = phonePanel(ctx);
  disposers.push(phone.dispose);
  const board = callBoard(ctx, { openContact: (id) => void openContact(id), phone });
  disposers.push(board.dispose);

  const match = /^\/workspace\/contacts\/(\d+)$/.exec(location.pathname);
  if (match) void openContact(Number(match[1]), false);
  // The top bar's search lands here as ?q=.
  const asked = new URLSearchParams(location.search).get('q');
  if (asked) {
    query.value = asked;
    queueMicrotask(() => form.requestSubmit());
  }

  const element = h(
    'div',
    { class: 'workspace', 'data-testid': 'workspace' },
    h('h1', { class: 'visually-hidden' }, t('nav.workspace')),
    board.statusBar,
    h(
      'section',
      { class: 'panel search-pane' },
      form,
      filters.element,
      searchError,
      count,
      results,
      newContactForm(ctx, (id) => void openContact(id)),
      // Served masked for masked roles, and audited.
      h('p', {}, h('a', { href: '/api/v1/contacts/export.csv', download: 'contacts.csv' }, t('contact.export'))),
      ctx.me.role === 'admin' || ctx.me.role === 'supervisor' ? importContacts(ctx) : null,
    ),
    center,
    h('aside', { class: 'side' }, board.incoming, phone.element),
  );
  return { element, dispose: () => disposers.forEach((d) => d()) };
}
