import { defineErrors } from '../core/errors.js';
import { registerMessages } from '../core/i18n.js';
import type { Language } from '../config.js';

export const SoftphoneErrors = defineErrors({
  PHONE_NOT_AVAILABLE: { status: 403, message: 'Your role ({role}) has no softphone. Ask an administrator.' },
});

/** The error texts in every UI language (ICU MessageFormat, `{role}` is the role's code). */
const messages: Record<Language, Record<keyof typeof SoftphoneErrors, string>> = {
  uk: { PHONE_NOT_AVAILABLE: 'Для вашої ролі ({role}) софтфон не передбачено. Зверніться до адміністратора.' },
  ru: { PHONE_NOT_AVAILABLE: 'Для вашей роли ({role}) софтфон не предусмотрен. Обратитесь к администратору.' },
  en: { PHONE_NOT_AVAILABLE: 'Your role ({role}) has no softphone. Ask an administrator.' },
  fr: { PHONE_NOT_AVAILABLE: 'Votre rôle ({role}) n’a pas de softphone. Adressez-vous à un administrateur.' },
  de: { PHONE_NOT_AVAILABLE: 'Ihre Rolle ({role}) hat kein Softphone. Wenden Sie sich an einen Administrator.' },
  es: { PHONE_NOT_AVAILABLE: 'Su rol ({role}) no tiene softphone. Consulte a un administrador.' },
  pt: { PHONE_NOT_AVAILABLE: 'A sua função ({role}) não tem softphone. Fale com um administrador.' },
};

export function registerSoftphoneMessages(): void {
  for (const [language, catalogue] of Object.entries(messages) as [Language, Record<string, string>][]) {
    registerMessages(language, Object.fromEntries(Object.entries(catalogue).map(([code, text]) => [`errors.${code}`, text])));
  }
}
