import { maskText, type Masker } from '../core/masking.js';
import type { Contact, NoteRow } from './repository.js';

/** A contact as this viewer may see it. */
export function contactView(c: Contact, masker: Masker) {
  return {
    id: c.id,
    kind: c.kind,
    // Names of leads made from a call or mail can hold the number or address itself.
    name: maskText(c.name, masker),
    status: c.status,
    ownerId: c.ownerId,
    phones: c.phones.map((p) => masker.phone(p)!),
    emails: c.emails.map((e) => masker.email(e)!),
    tags: c.tags.map((t) => maskText(t, masker)),
    masked: masker.masked,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function noteItem(n: NoteRow, masker: Masker) {
  return {
    type: 'note' as const,
    at: n.created_at,
    id: n.id,
    contactId: n.contact_id,
    authorId: n.author_id,
    authorName: n.author_name,
    body: maskText(n.body, masker),
  };
}

/**
 * Defence in depth for timeline items of other sources, which mask their own fields: for a
 * masked viewer, any string that still contains one of this contact's own numbers (E.164, digits
 * only, or national 0…) or addresses has it replaced by the masked form.
 */
export function redactKnownValues<T>(value: T, contact: { phones: readonly string[]; emails: readonly string[] }, masker: Masker): T {
  if (!masker.masked) return value;
  const needles: [string, string][] = [];
  for (const e164 of contact.phones) {
    const masked = masker.phone(e164)!;
    const digits = e164.replace(/\D/g, '');
    needles.push([e164, masked], [digits, masked]);
    if (digits.startsWith('380')) needles.push([`0${digits.slice(3)}`, masked]);
  }
  for (const address of contact.emails) needles.push([address, masker.email(address)!]);
  needles.sort((a, b) => b[0].length - a[0].length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const [raw, masked] of needles) {
        const at = out.toLowerCase().indexOf(raw.toLowerCase());
        if (at >= 0) out = out.split(new RegExp(raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi')).join(masked);
      }
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
