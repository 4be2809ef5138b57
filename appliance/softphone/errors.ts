import { defineErrors } from '../core/errors.js';
import { registerMessages } from '../core/i18n.js';
import type { Language } from '../config.js';

export const SoftphoneErrors = defineErrors({
  PHONE_NOT_AVAILABLE: { status: 403, message: 'Your role ({role}) has no softphone. Ask an administrator.' },
  PHONE_TELEPHONY_OFF: { status: 409, message: 'Telephony is not configured on this server, so the phone is off.' },
});

/** The error texts in every UI language (ICU MessageFormat, `{role}` is the role's code). */
const messages: Record<Language, Record<keyof typeof SoftphoneErrors, string>> = {
  uk: { PHONE_NOT_AVAILABLE: 'Для вашої ролі ({role}) софтфон не передбачено. Зверніться до адміністратора.', PHONE_TELEPHONY_OFF: 'Телефонію на цьому сервері не налаштовано, тому телефон вимкнено.' },
  ru: { PHONE_NOT_AVAILABLE: 'Для вашей роли ({role}) софтфон не предусмотрен. Обратитесь к администратору.', PHONE_TELEPHONY_OFF: 'Телефония на этом сервере не настроена, поэтому телефон выключен.' },
  en: { PHONE_NOT_AVAILABLE: 'Your role ({role}) has no softphone. Ask an administrator.', PHONE_TELEPHONY_OFF: 'Telephony is not configured on this server, so the phone is off.' },
  fr: { PHONE_NOT_AVAILABLE: 'Votre rôle ({role}) n’a pas de softphone. Adressez-vous à un administrateur.', PHONE_TELEPHONY_OFF: 'La téléphonie n’est pas configurée sur ce serveur : le téléphone est désactivé.' },
  de: { PHONE_NOT_AVAILABLE: 'Ihre Rolle ({role}) hat kein Softphone. Wenden Sie sich an einen Administrator.', PHONE_TELEPHONY_OFF: 'Auf diesem Server ist keine Telefonie eingerichtet, daher ist das Telefon aus.' },
  es: { PHONE_NOT_AVAILABLE: 'Su rol ({role}) no tiene softphone. Consulte a un administrador.', PHONE_TELEPHONY_OFF: 'La telefonía no está configurada en este servidor, así que el teléfono está apagado.' },
  pt: { PHONE_NOT_AVAILABLE: 'A sua função ({role}) não tem softphone. Fale com um administrador.', PHONE_TELEPHONY_OFF: 'A telefonia não está configurada neste servidor, por isso o telefone está desligado.' },
};

export function registerSoftphoneMessages(): void {
  for (const [language, catalogue] of Object.entries(messages) as [Language, Record<string, string>][]) {
    registerMessages(language, Object.fromEntries(Object.entries(catalogue).map(([code, text]) => [`errors.${code}`, text])));
  }
}
