import type { Masker } from '../core/masking.js';
import type { Contact, NoteRow } from './repository.js';

/** A contact as this viewer may see it. */
export function contactView(c: Contact, masker: Masker) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    status: c.status,
    ownerId: c.ownerId,
    phones: c.phones.map((p) => masker.phone(p)!),
    emails: c.emails.map((e) => masker.email(e)!),
    tags: c.tags,
    masked: masker.masked,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

// A run of 7+ digits with the separators people type, and anything shaped like an address.
const PHONE_IN_TEXT = /\+?\d[\d ().-]{5,}\d/g;
const EMAIL_IN_TEXT = /[^\s@<>(),;:"'[\]]+@[^\s@<>(),;:"'[\]]+\.[A-Za-z]{2,}/g;

/**
 * Free text typed by people (notes) can hold a number or address; for a masked viewer those
 * are masked too, so the rule "interns never see raw values" holds for notes as well.
 */
export function maskFreeText(text: string, masker: Masker): string {
  if (!masker.masked) return text;
  return text
    .replace(EMAIL_IN_TEXT, (m) => masker.email(m)!)
    .replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 ? masker.phone(m)! : m));
}

export function noteItem(n: NoteRow, masker: Masker) {
  return {
    type: 'note' as const,
    at: n.created_at,
    id: n.id,
    contactId: n.contact_id,
    authorId: n.author_id,
    authorName: n.author_name,
    body: maskFreeText(n.body, masker),
  };
}
