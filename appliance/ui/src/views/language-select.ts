import { h, option } from '../dom.js';
import { I18n, LANGUAGES, LANGUAGE_NAMES, isLanguage, type Language } from '../i18n.js';

/** The language switch, labelled in the current language, listing each language in itself. */
export function languageSelect(i18n: I18n, onPick: (language: Language) => void): HTMLElement {
  const select = h('select', { id: 'language', 'data-testid': 'language' });
  for (const l of LANGUAGES) select.append(option(l, LANGUAGE_NAMES[l], l === i18n.language));
  select.addEventListener('change', () => {
    if (isLanguage(select.value)) onPick(select.value);
  });
  return h('div', { class: 'language' }, h('label', { for: 'language' }, i18n.t('common.language')), select);
}
