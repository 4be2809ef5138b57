import { en } from './en.js';
import { uk } from './uk.js';
import { ru } from './ru.js';
import { fr } from './fr.js';
import { de } from './de.js';
import { es } from './es.js';
import { pt } from './pt.js';

export const LANGUAGES = ['uk', 'ru', 'en', 'fr', 'de', 'es', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The message keys of every feature area. The shared texts (this folder) are the `core` area;
 * each feature area adds its own in `src/features/<area>/i18n/en.ts` with
 * `declare module '../../../i18n/index.js' { interface AreaMessages { <area>: typeof en } }`,
 * so `t('<area>.key')` is type-checked without a shared list that every feature must edit.
 */
export interface AreaMessages {
  core: typeof en;
}
export type MessageKey = { [A in keyof AreaMessages]: Extract<keyof AreaMessages[A], string> }[keyof AreaMessages];
/** What another language's file for an area must contain: exactly English's keys. */
export type MessagesLike<T> = Record<keyof T, string>;
export type Catalogue = Record<string, string>;

/** The shared texts (login, shell, errors, and the screens written before feature areas). */
export const coreCatalogues: Record<Language, Catalogue> = { uk, ru, en, fr, de, es, pt };

/**
 * Merges the core texts with the feature areas' catalogues (`{area: {language: messages}}`).
 * A key defined by two areas is a programming error, reported rather than silently shadowed.
 */
export function mergeCatalogues(areas: Record<string, Partial<Record<Language, Catalogue>>>): Record<Language, Catalogue> {
  const merged = Object.fromEntries(LANGUAGES.map((l) => [l, { ...coreCatalogues[l] }])) as Record<Language, Catalogue>;
  const owner = new Map<string, string>(Object.keys(coreCatalogues.en).map((k) => [k, 'core']));
  for (const [area, byLanguage] of Object.entries(areas)) {
    for (const key of Object.keys(byLanguage.en ?? {})) {
      const previous = owner.get(key);
      if (previous && previous !== area) throw new Error(`UI text ${key} is defined by both ${previous} and ${area}`);
      owner.set(key, area);
    }
    for (const l of LANGUAGES) Object.assign(merged[l], byLanguage[l] ?? {});
  }
  return merged;
}

/** `features/<area>/i18n/<language>.ts` → area and language, or null for another file. */
export function areaFile(path: string): { area: string; language: Language } | null {
  const m = /features\/([\w-]+)\/i18n\/([a-z]{2})\.tsx?$/.exec(path.replaceAll('\\', '/'));
  if (!m || !(LANGUAGES as readonly string[]).includes(m[2]!)) return null;
  return { area: m[1]!, language: m[2] as Language };
}
