import { h, option } from '../dom.js';
import type { Ctx } from '../context.js';
import type { Contact } from './contact.js';

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Editing the open contact: name, status, owner, tags, and — for viewers who see them unmasked —
 * phones and e-mails (a masked viewer may not replace values they cannot see; the server says so too).
 * Only changed fields are sent.
 */
export async function editContact(ctx: Ctx, contact: Contact, onSaved: () => void): Promise<HTMLElement> {
  const { t, api } = ctx;
  const users = await api.get<{ items: Array<{ id: number; displayName: string; active: boolean }> }>('/api/v1/users').catch(() => ({ items: [] }));
  const p = `ec-${contact.id}`;
  const name = h('input', { id: `${p}-name`, value: contact.name, maxlength: 200, required: true });
  const status = h('select', { id: `${p}-status` }, option('lead', t('contact.status.lead'), contact.status === 'lead'), option('client', t('contact.status.client'), contact.status === 'client'));
  const owner = h(
    'select',
    { id: `${p}-owner` },
    option('', t('contact.ownerNone'), contact.ownerId === null),
    ...users.items.filter((u) => u.active || u.id === contact.ownerId).map((u) => option(String(u.id), u.displayName, u.id === contact.ownerId)),
  );
  const tags = h('input', { id: `${p}-tags`, value: contact.tags.join(', '), maxlength: 2000 });
  const phones = contact.masked ? null : h('input', { id: `${p}-phones`, type: 'tel', value: contact.phones.join(', '), maxlength: 1000 });
  const emails = contact.masked ? null : h('input', { id: `${p}-emails`, value: contact.emails.join(', '), maxlength: 5000 });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const field = (label: string, control: HTMLElement & { id: string }) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  const form = h(
    'form',
    { 'data-testid': 'edit-contact' },
    field(t('contact.name'), name),
    field(t('contact.status'), status),
    field(t('contact.owner'), owner),
    field(t('contact.tags'), tags),
    phones ? field(t('contact.phones'), phones) : null,
    emails ? field(t('contact.emails'), emails) : null,
    h('p', { class: 'muted' }, t('contact.listHint')),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('common.save')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const patch: Record<string, unknown> = {};
    if (name.value.trim() !== contact.name) patch.name = name.value.trim();
    if (status.value !== contact.status) patch.status = status.value;
    const ownerId = owner.value ? Number(owner.value) : null;
    if (ownerId !== contact.ownerId) patch.ownerId = ownerId;
    if (list(tags.value).join('\u0000') !== contact.tags.join('\u0000')) patch.tags = list(tags.value);
    if (phones && list(phones.value).join('\u0000') !== contact.phones.join('\u0000')) patch.phones = list(phones.value);
    if (emails && list(emails.value).join('\u0000') !== contact.emails.join('\u0000')) patch.emails = list(emails.value);
    if (Object.keys(patch).length === 0) return;
    try {
      await api.patch(`/api/v1/contacts/${contact.id}`, patch);
      onSaved();
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : t('error.network');
      error.hidden = false;
    }
  });
  return h('details', { class: 'edit-contact' }, h('summary', {}, t('contact.edit')), form);
}
