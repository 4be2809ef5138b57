import { registerMessages } from '../i18n.js';
import uk from './uk.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import de from './de.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import pt from './pt.json' with { type: 'json' };

/** Messages of the core error codes in every language; the locale test checks they stay complete. */
export const coreCatalogues = { uk, ru, en, fr, de, es, pt };

export function registerCoreMessages(): void {
  for (const [language, messages] of Object.entries(coreCatalogues)) {
    registerMessages(language as keyof typeof coreCatalogues, messages);
  }
}
