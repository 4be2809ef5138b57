import { registerMessages } from '../../core/i18n.js';
import type { Language } from '../../config.js';
import uk from './uk.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import de from './de.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import pt from './pt.json' with { type: 'json' };

/**
 * Reports' texts in every language: error messages (registered with the server's catalogue) and
 * the KPI catalogue and column names (`reports.*`, looked up by KPI id here).
 */
export const reportCatalogues: Record<Language, Record<string, string>> = { uk, ru, en, fr, de, es, pt };

export function registerReportMessages(): void {
  for (const [language, messages] of Object.entries(reportCatalogues)) {
    registerMessages(language as Language, Object.fromEntries(Object.entries(messages).filter(([k]) => k.startsWith('errors.'))));
  }
}

/** A KPI or column text in a language (English when missing), with `{name}` arguments filled. */
export function reportText(language: Language, key: string, params: Record<string, string | number> = {}): string {
  const text = reportCatalogues[language]?.[key] ?? reportCatalogues.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, k: string) => (k in params ? String(params[k]) : whole));
}
