import { readFileSync } from 'node:fs';
import { foldLookAlikes } from '../../../appliance/core/masking.js';

/** The masking corpus (test/fixtures/masking/corpus.json): one data file that grows with each bypass found. */
export interface CorpusValue {
  kind: 'phone' | 'email';
  value: string;
  mask: string;
  /** What must never reach a masked viewer: the hidden digits, or the hidden part of the address. */
  secret: string;
  forms: string[];
}

export const corpus: CorpusValue[] = JSON.parse(readFileSync(new URL('../../fixtures/masking/corpus.json', import.meta.url), 'utf8')).values;

export const allForms = corpus.flatMap((v) => v.forms.map((form) => ({ ...v, form })));

// Letters of other scripts that look like Latin ones: a leak spelt with them is still a leak.
const CONFUSABLE: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', к: 'k', ο: 'o', α: 'a', ν: 'v' };

/** Every string of a JSON document (or CSV cells); ISO timestamps are skipped (their digits are not customer data). */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** The secrets of the corpus found in these strings, however they are spelt there. */
export function leaksIn(strings: readonly string[]): string[] {
  const found: string[] = [];
  for (const s of strings) {
    const folded = [...foldLookAlikes(s).toLowerCase()].map((c) => CONFUSABLE[c] ?? c).join('');
    const digits = folded.replace(/\D/g, '');
    for (const v of corpus) {
      const hit = v.kind === 'phone' ? digits.includes(v.secret) : folded.replace(/\s+/g, '').includes(v.secret);
      if (hit) found.push(`${v.secret} in ${JSON.stringify(s.slice(0, 200))}`);
    }
  }
  return found;
}

export function leaksInBody(body: string, contentType: string): string[] {
  if (contentType.startsWith('application/json')) return leaksIn(stringsOf(JSON.parse(body)));
  return leaksIn(body.split(/\r?\n/));
}
