import type { Api } from '../../api.js';

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

export interface UserName {
  id: number;
  displayName: string;
  active: boolean;
}

/** "a, b ,, c" → ["a", "b", "c"]: several values typed into one field. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * Contacts that already hold one of these phones or e-mails (other than `exceptId`). The search
 * also matches names and tags, so only rows sharing the value itself count; masked viewers only
 * ever get exact matches for a full number or address.
 */
export async function findDuplicates(api: Api, values: readonly string[], exceptId: number | null = null): Promise<Contact[]> {
  const found = new Map<number, Contact>();
  for (const value of values) {
    const page = await api.get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(value)}&limit=5`);
    const digits = value.replace(/\D/g, '');
    for (const c of page.items) {
      if (c.id === exceptId) continue;
      const same =
        c.masked ||
        c.emails.some((e) => e.toLowerCase() === value.toLowerCase()) ||
        (digits.length >= 5 && c.phones.some((p) => p.replace(/\D/g, '').endsWith(digits.slice(-9))));
      if (same) found.set(c.id, c);
    }
  }
  return [...found.values()];
}
