import { IntlMessageFormat } from 'intl-messageformat';
import { LANGUAGES, type Language } from '../config.js';
import { errorSpec } from './errors.js';

/**
 * Server-side translations: API error messages and notification templates, ICU MessageFormat
 * (so Ukrainian and Russian plurals are right). Catalogues are registered per language by
 * capabilities; English is the fallback for a key a language lacks, and an error code's
 * catalogue text is the last resort.
 */
type Catalogue = Record<string, string>;
const catalogues = new Map<Language, Catalogue>(LANGUAGES.map((l) => [l, {}]));
const compiled = new Map<string, IntlMessageFormat>();

export function registerMessages(language: Language, messages: Catalogue): void {
  Object.assign(catalogues.get(language)!, messages);
  for (const key of Object.keys(messages)) compiled.delete(`${language}\u0000${key}`);
}

export function messagesOf(language: Language): Readonly<Catalogue> {
  return catalogues.get(language)!;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function translate(language: Language, key: string, params: Record<string, unknown> = {}): string {
  for (const lang of [language, 'en'] as Language[]) {
    const text = catalogues.get(lang)?.[key];
    if (text === undefined) continue;
    const cacheKey = `${lang}\u0000${key}`;
    let format = compiled.get(cacheKey);
    if (!format) {
      format = new IntlMessageFormat(text, lang);
      compiled.set(cacheKey, format);
    }
    try {
      return String(format.format(params as Record<string, string | number>));
    } catch {
      return text;
    }
  }
  return key;
}

/** The message for an error code in a language, falling back to the catalogue's English. */
export function errorMessage(language: Language, code: string, params: Record<string, string | number>): string {
  const key = `errors.${code}`;
  if (catalogues.get(language)?.[key] !== undefined || catalogues.get('en')?.[key] !== undefined) {
    return translate(language, key, params);
  }
  const spec = errorSpec(code);
  return spec ? spec.message.replace(/\{(\w+)\}/g, (w, k: string) => (k in params ? String(params[k]) : w)) : code;
}

/** Picks the best supported language from an Accept-Language header. */
export function negotiateLanguage(header: string | undefined, fallback: Language): Language {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLanguage(base)) return base;
  }
  return fallback;
}
