import { IntlMessageFormat } from 'intl-messageformat';
import { LANGUAGES, type Language, type MessageKey } from './i18n/index.js';
import { catalogues } from './i18n/all.js';

export { LANGUAGES, type Language, type MessageKey };

/** Each language named in itself, so a user who cannot read the current one still finds theirs. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  uk: 'Українська',
  ru: 'Русский',
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
  es: 'Español',
  pt: 'Português',
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The browser's preferred language among ours, for the login page before anyone is known. */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/**
 * UI text in ICU MessageFormat, so plurals follow each language's rules (Ukrainian and Russian
 * have one/few/many). Formatters are compiled once per key and language.
 */
export class I18n {
  private readonly compiled = new Map<string, IntlMessageFormat>();
  private readonly listeners = new Set<(language: Language) => void>();

  constructor(private current: Language) {}

  get language(): Language {
    return this.current;
  }

  set(language: Language): void {
    if (language === this.current) return;
    this.current = language;
    document.documentElement.lang = language;
    for (const listener of this.listeners) listener(language);
  }

  onChange(listener: (language: Language) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  t(key: MessageKey, params: Record<string, string | number> = {}): string {
    const cacheKey = `${this.current}:${key}`;
    let format = this.compiled.get(cacheKey);
    if (!format) {
      format = new IntlMessageFormat(catalogues[this.current][key] ?? catalogues.en[key] ?? key, this.current);
      this.compiled.set(cacheKey, format);
    }
    return String(format.format(params));
  }

  /** Dates and times in the user's language. */
  dateTime(value: string | number | Date): string {
    return new Intl.DateTimeFormat(this.current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
  }
}
