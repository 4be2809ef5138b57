import { h, replace } from '../dom.js';
import type { Ctx } from '../context.js';

/**
 * The contact list's filters: owner (anyone, me, a colleague), status, and a tag chosen with
 * suggestions and shown as a chip. `query()` is the part of the search URL they add; `onChange`
 * runs the search again (focus stays where the user put it).
 */
export function contactFilters(ctx: Ctx, onChange: () => void): { element: HTMLElement; query(): string } {
  const { t, api } = ctx;
  let tag: string | null = null;
  const owner = h('select', { id: 'filter-owner', 'data-testid': 'filter-owner', onchange: () => onChange() }, h('option', { value: '' }, t('filter.owner.any')), h('option', { value: 'me' }, t('filter.owner.me')));
  const status = h(
    'select',
    { id: 'filter-status', 'data-testid': 'filter-status', onchange: () => onChange() },
    h('option', { value: '' }, t('filter.status.any')),
    h('option', { value: 'lead' }, t('contact.status.lead')),
    h('option', { value: 'client' }, t('contact.status.client')),
  );
  const suggestions = h('datalist', { id: 'filter-tag-suggestions' });
  const tagInput = h('input', { id: 'filter-tag', type: 'text', list: 'filter-tag-suggestions', maxlength: 50, autocomplete: 'off', 'data-testid': 'filter-tag', placeholder: t('filter.tag.hint') });
  const chips = h('span', { class: 'chips', 'data-testid': 'filter-chips' });

  // Colleagues as owners (names from the user list every role may read).
  api.get<{ items: Array<{ id: number; displayName: string; active: boolean }> }>('/api/v1/users').then(
    (r) => {
      const collator = new Intl.Collator(ctx.i18n.language, { sensitivity: 'base' });
      for (const u of r.items.filter((x) => x.active && x.id !== ctx.me.id).sort((a, b) => collator.compare(a.displayName, b.displayName))) {
        owner.append(h('option', { value: String(u.id) }, u.displayName));
      }
    },
    () => undefined,
  );

  let suggestSeq = 0;
  tagInput.addEventListener('input', () => {
    const prefix = tagInput.value.trim();
    const seq = ++suggestSeq;
    if (!prefix) return replace(suggestions);
    api.get<{ items: Array<{ tag: string; count: number }> }>(`/api/v1/contacts/tags?prefix=${encodeURIComponent(prefix)}&limit=10`).then(
      (r) => seq === suggestSeq && replace(suggestions, ...r.items.map((x) => h('option', { value: x.tag }, `${x.tag} (${x.count})`))),
      () => undefined,
    );
  });
  const setTag = (value: string | null) => {
    tag = value;
    tagInput.value = '';
    replace(suggestions);
    replace(
      chips,
      tag
        ? h(
            'span',
            { class: 'chip', 'data-testid': 'filter-chip' },
            tag,
            h('button', { type: 'button', class: 'icon-button', 'aria-label': t('filter.tag.remove', { tag }), title: t('filter.tag.remove', { tag }), onclick: () => setTag(null) }, '×'),
          )
        : null,
    );
    onChange();
  };
  // Enter or picking a suggestion sets the chip (the field's own form is not submitted).
  tagInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (tagInput.value.trim()) setTag(tagInput.value.trim());
    }
  });
  tagInput.addEventListener('change', () => {
    if (tagInput.value.trim()) setTag(tagInput.value.trim());
  });

  const element = h(
    'fieldset',
    { class: 'contact-filters', 'data-testid': 'contact-filters' },
    h('legend', {}, t('filter.label')),
    h('span', { class: 'field' }, h('label', { for: 'filter-owner' }, t('filter.owner')), owner),
    h('span', { class: 'field' }, h('label', { for: 'filter-status' }, t('contact.status')), status),
    h('span', { class: 'field' }, h('label', { for: 'filter-tag' }, t('filter.tag')), tagInput, suggestions),
    chips,
  );
  return {
    element,
    query() {
      const p = new URLSearchParams();
      if (owner.value) p.set('owner', owner.value);
      if (status.value) p.set('status', status.value);
      if (tag) p.set('tag', tag);
      return p.toString();
    },
  };
}
