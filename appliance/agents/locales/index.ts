import { registerMessages } from '../../core/i18n.js';
import uk from './uk.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import de from './de.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import pt from './pt.json' with { type: 'json' };

/** The agent states' messages in every language; the locale test checks they stay complete. */
export const agentCatalogues = { uk, ru, en, fr, de, es, pt };

export function registerAgentMessages(): void {
  for (const [language, messages] of Object.entries(agentCatalogues)) {
    registerMessages(language as keyof typeof agentCatalogues, messages);
  }
}
