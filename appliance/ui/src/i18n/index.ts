import { en, type MessageKey } from './en.js';
import { uk } from './uk.js';
import { ru } from './ru.js';
import { fr } from './fr.js';
import { de } from './de.js';
import { es } from './es.js';
import { pt } from './pt.js';

export const LANGUAGES = ['uk', 'ru', 'en', 'fr', 'de', 'es', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];
export type { MessageKey };
export type Catalogue = Record<MessageKey, string>;

/** Every catalogue must have every key (the type says so; test/browser/ui-i18n.test.ts checks unused ones). */
export const catalogues: Record<Language, Catalogue> = { uk, ru, en, fr, de, es, pt };
