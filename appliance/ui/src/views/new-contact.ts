import { h, option, replace } from '../dom.js';
import type { Ctx } from '../context.js';
import type { Contact } from './contact.js';
import { describeError } from '../ui/errors.js';

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
  // Before a second contact with the same phone or e-mail is saved, the operator sees the existing one.
  const duplicates = h('div', { class: 'notice-box', role: 'alert', 'data-testid': 'duplicate-warning', hidden: true });
  let confirmedFor: string | null = null;
  const findDuplicates = async (values: string[]): Promise<Contact[]> => {
    const found = new Map<number, Contact>();
    for (const value of values) {
      const page = await api.get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(value)}&limit=5`);
      const digits = value.replace(/\D/g, '');
      for (const c of page.items) {
        // The search also matches names and tags; a duplicate shares the value itself (masked viewers
        // only ever get exact matches for a full number or address).
        const same = c.masked || c.emails.some((e) => e.toLowerCase() === value.toLowerCase()) || (digits.length >= 5 && c.phones.some((p) => p.replace(/\D/g, '').endsWith(digits.slice(-9))));
        if (same) found.set(c.id, c);
      }
    }
    return [...found.values()];
  };
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
    duplicates,
    h('button', { type: 'submit', class: 'primary' }, t('contact.create')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const values = [...list(phones.value), ...list(emails.value)];
    const fingerprint = values.join('\n');
    if (values.length && confirmedFor !== fingerprint) {
      try {
        const same = await findDuplicates(values);
        if (same.length) {
          confirmedFor = fingerprint;
          replace(
            duplicates,
            h('p', {}, t('contact.duplicate', { count: same.length })),
            h('ul', {}, ...same.map((c) => h('li', {}, h('button', { type: 'button', class: 'link', 'data-testid': 'duplicate-open', onclick: () => onCreated(c.id) }, c.name)))),
            h('p', { class: 'muted' }, t('contact.duplicateConfirm')),
          );
          duplicates.hidden = false;
          return;
        }
      } catch {
        /* the check is advice; the save itself still reports errors */
      }
    }
    try {
      const created = await api.post<{ id: number }>('/api/v1/contacts', {
        name: name.value.trim(),
        phones: list(phones.value),
        emails: list(emails.value),
        tags: list(tags.value),
        status: status.value,
      });
      form.reset();
      duplicates.hidden = true;
      confirmedFor = null;
      onCreated(created.id);
    } catch (err) {
      error.textContent = describeError(err, t);
      error.hidden = false;
    }
  });
  return h('details', { class: 'new-contact' }, h('summary', {}, t('contact.new')), form);
}
