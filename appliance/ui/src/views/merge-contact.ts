import { h, replace } from '../dom.js';
import type { Ctx } from '../context.js';
import type { Contact } from './contact.js';

/**
 * Merging a duplicate into the open contact: find it by name or number, pick it, and the server
 * moves its phones, e-mails, tags, notes and history over in one transaction.
 */
export function mergeContact(ctx: Ctx, target: Contact, onMerged: () => void): HTMLElement {
  const { t, api } = ctx;
  const query = h('input', { id: `merge-q-${target.id}`, type: 'search', maxlength: 200, autocomplete: 'off' });
  const found = h('ul', { class: 'results', 'data-testid': 'merge-candidates' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const fail = (err: unknown) => {
    error.textContent = err instanceof Error ? err.message : t('error.network');
    error.hidden = false;
  };
  const form = h('form', {}, h('div', { class: 'field' }, h('label', { for: query.id }, t('merge.search')), query), h('button', { type: 'submit' }, t('search.submit')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const list = await api.get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(query.value.trim())}&limit=20`);
      replace(
        found,
        ...list.items
          .filter((c) => c.id !== target.id)
          .map((c) =>
            h(
              'li',
              {},
              h('button', {
                type: 'button',
                onclick: async () => {
                  try {
                    await api.post(`/api/v1/contacts/${target.id}/merge`, { otherId: c.id });
                    onMerged();
                  } catch (err) {
                    fail(err);
                  }
                },
              }, t('merge.into', { name: c.name })),
            ),
          ),
      );
    } catch (err) {
      fail(err);
    }
  });
  return h('details', { class: 'merge', 'data-testid': 'merge' }, h('summary', {}, t('merge.title')), form, error, found);
}
