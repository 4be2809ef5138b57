import { h, option } from '../dom.js';
import type { Ctx } from '../context.js';

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * The "new contact" form in the workspace (a caller who is not in the book yet). The server
 * normalises and checks every value; its error names the field that is wrong.
 */
export function newContactForm(ctx: Ctx, onCreated: (id: number) => void): HTMLElement {
  const { t, api } = ctx;
  const name = h('input', { id: 'nc-name', required: true, maxlength: 200, autocomplete: 'off' });
  const phones = h('input', { id: 'nc-phones', type: 'tel', maxlength: 400, autocomplete: 'off', 'aria-describedby': 'nc-hint' });
  const emails = h('input', { id: 'nc-emails', maxlength: 1000, autocomplete: 'off', 'aria-describedby': 'nc-hint' });
  const tags = h('input', { id: 'nc-tags', maxlength: 500, autocomplete: 'off', 'aria-describedby': 'nc-hint' });
  const status = h('select', { id: 'nc-status' }, option('lead', t('contact.status.lead'), true), option('client', t('contact.status.client')));
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'new-contact-error', hidden: true });
  const form = h(
    'form',
    { 'data-testid': 'new-contact' },
    h('div', { class: 'field' }, h('label', { for: name.id }, t('contact.name')), name),
    h('div', { class: 'field' }, h('label', { for: phones.id }, t('contact.phones')), phones),
    h('div', { class: 'field' }, h('label', { for: emails.id }, t('contact.emails')), emails),
    h('div', { class: 'field' }, h('label', { for: tags.id }, t('contact.tags')), tags),
    h('p', { id: 'nc-hint', class: 'muted' }, t('contact.listHint')),
    h('div', { class: 'field' }, h('label', { for: status.id }, t('contact.status')), status),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('contact.create')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const created = await api.post<{ id: number }>('/api/v1/contacts', {
        name: name.value.trim(),
        phones: list(phones.value),
        emails: list(emails.value),
        tags: list(tags.value),
        status: status.value,
      });
      form.reset();
      onCreated(created.id);
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : t('error.network');
      error.hidden = false;
    }
  });
  return h('details', { class: 'new-contact' }, h('summary', {}, t('contact.new')), form);
}
