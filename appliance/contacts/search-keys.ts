import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * The forms contacts are searched by. Names are compared case- and accent-insensitively in
 * every script: compatibility-decomposed, combining marks dropped (é → e, ё → е, ї → і),
 * lower-cased, anything that is not a letter or digit a word break. The search index stores
 * this key and queries are reduced the same way, so both sides always agree.
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLocaleLowerCase('und')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a query, reduced like names are (at most eight: longer queries add nothing). */
export function searchWords(text: string): string[] {
  const key = searchKey(text);
  return key ? key.split(' ').slice(0, 8) : [];
}

/**
 * The digits a stored number is found by as a fragment: its international digits and, when
 * they do not already contain it, its national form with the trunk prefix (UK `020 7946 0958`
 * is not inside `442079460958`; Ukrainian `067 123 45 67` is inside `380671234567`).
 */
export function phoneSearchDigits(e164: string): string {
  const international = e164.replace(/\D/g, '');
  const parsed = parsePhoneNumberFromString(e164);
  const national = parsed ? parsed.formatNational().replace(/\D/g, '') : '';
  return national && !international.includes(national) ? `${international} ${national}` : international;
}
