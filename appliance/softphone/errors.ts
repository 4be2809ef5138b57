import { defineErrors } from '../core/errors.js';
import { registerMessages } from '../core/i18n.js';
import type { Language } from '../config.js';

export const SoftphoneErrors = defineErrors({
  PHONE_NOT_AVAILABLE: { status: 403, message: 'Your role ({role}) has no softphone. Ask an administrator.' },
  PHONE_TELEPHONY_OFF: { status: 409, message: 'Telephony is not configured on this server, so the phone is off.' },
  PHONE_REVOKED: { status: 403, message: 'An administrator has revoked your phone. Ask an administrator to issue it again.' },
  PHONE_USER_NOT_FOUND: { status: 404, message: 'There is no user {userId}.' },
  PHONE_NOT_ELIGIBLE: { status: 409, message: 'User {userId} cannot have a phone: the account is deactivated or its role ({role}) has none.' },
  PHONE_NONE: { status: 409, message: 'User {userId} has no phone to reset: issue one first.' },
});

/** The error texts in every UI language (ICU MessageFormat, `{role}` is the role's code). */
const messages: Record<Language, Record<keyof typeof SoftphoneErrors, string>> = {
  uk: { PHONE_NOT_AVAILABLE: 'Для вашої ролі ({role}) софтфон не передбачено. Зверніться до адміністратора.', PHONE_TELEPHONY_OFF: 'Телефонію на цьому сервері не налаштовано, тому телефон вимкнено.',
    PHONE_REVOKED: 'Адміністратор відкликав ваш телефон. Попросіть адміністратора видати його знову.',
    PHONE_USER_NOT_FOUND: 'Користувача {userId} не існує.',
    PHONE_NOT_ELIGIBLE: 'Користувачу {userId} не можна видати телефон: обліковий запис вимкнено або його роль ({role}) без телефону.',
    PHONE_NONE: 'У користувача {userId} немає телефону для скидання: спершу видайте його.' },
  ru: { PHONE_NOT_AVAILABLE: 'Для вашей роли ({role}) софтфон не предусмотрен. Обратитесь к администратору.', PHONE_TELEPHONY_OFF: 'Телефония на этом сервере не настроена, поэтому телефон выключен.',
    PHONE_REVOKED: 'Администратор отозвал ваш телефон. Попросите администратора выдать его снова.',
    PHONE_USER_NOT_FOUND: 'Пользователя {userId} не существует.',
    PHONE_NOT_ELIGIBLE: 'Пользователю {userId} нельзя выдать телефон: учётная запись отключена или у её роли ({role}) нет телефона.',
    PHONE_NONE: 'У пользователя {userId} нет телефона для сброса: сначала выдайте его.' },
  en: { PHONE_NOT_AVAILABLE: 'Your role ({role}) has no softphone. Ask an administrator.', PHONE_TELEPHONY_OFF: 'Telephony is not configured on this server, so the phone is off.',
    PHONE_REVOKED: 'An administrator has revoked your phone. Ask an administrator to issue it again.',
    PHONE_USER_NOT_FOUND: 'There is no user {userId}.',
    PHONE_NOT_ELIGIBLE: 'User {userId} cannot have a phone: the account is deactivated or its role ({role}) has none.',
    PHONE_NONE: 'User {userId} has no phone to reset: issue one first.' },
  fr: { PHONE_NOT_AVAILABLE: 'Votre rôle ({role}) n’a pas de softphone. Adressez-vous à un administrateur.', PHONE_TELEPHONY_OFF: 'La téléphonie n’est pas configurée sur ce serveur : le téléphone est désactivé.',
    PHONE_REVOKED: 'Un administrateur a révoqué votre téléphone. Demandez-lui de le réattribuer.',
    PHONE_USER_NOT_FOUND: 'L’utilisateur {userId} n’existe pas.',
    PHONE_NOT_ELIGIBLE: 'L’utilisateur {userId} ne peut pas avoir de téléphone : le compte est désactivé ou son rôle ({role}) n’en a pas.',
    PHONE_NONE: 'L’utilisateur {userId} n’a pas de téléphone à réinitialiser : attribuez-en un d’abord.' },
  de: { PHONE_NOT_AVAILABLE: 'Ihre Rolle ({role}) hat kein Softphone. Wenden Sie sich an einen Administrator.', PHONE_TELEPHONY_OFF: 'Auf diesem Server ist keine Telefonie eingerichtet, daher ist das Telefon aus.',
    PHONE_REVOKED: 'Ein Administrator hat Ihr Telefon entzogen. Bitten Sie einen Administrator, es erneut auszugeben.',
    PHONE_USER_NOT_FOUND: 'Den Benutzer {userId} gibt es nicht.',
    PHONE_NOT_ELIGIBLE: 'Benutzer {userId} kann kein Telefon haben: Das Konto ist deaktiviert oder seine Rolle ({role}) hat keines.',
    PHONE_NONE: 'Benutzer {userId} hat kein Telefon zum Zurücksetzen: Geben Sie zuerst eines aus.' },
  es: { PHONE_NOT_AVAILABLE: 'Su rol ({role}) no tiene softphone. Consulte a un administrador.', PHONE_TELEPHONY_OFF: 'La telefonía no está configurada en este servidor, así que el teléfono está apagado.',
    PHONE_REVOKED: 'Un administrador ha revocado su teléfono. Pida a un administrador que lo vuelva a emitir.',
    PHONE_USER_NOT_FOUND: 'No existe el usuario {userId}.',
    PHONE_NOT_ELIGIBLE: 'El usuario {userId} no puede tener teléfono: la cuenta está desactivada o su rol ({role}) no tiene.',
    PHONE_NONE: 'El usuario {userId} no tiene teléfono que restablecer: emita uno primero.' },
  pt: { PHONE_NOT_AVAILABLE: 'A sua função ({role}) não tem softphone. Fale com um administrador.', PHONE_TELEPHONY_OFF: 'A telefonia não está configurada neste servidor, por isso o telefone está desligado.',
    PHONE_REVOKED: 'Um administrador revogou o seu telefone. Peça a um administrador que o volte a emitir.',
    PHONE_USER_NOT_FOUND: 'Não existe o utilizador {userId}.',
    PHONE_NOT_ELIGIBLE: 'O utilizador {userId} não pode ter telefone: a conta está desativada ou a sua função ({role}) não tem.',
    PHONE_NONE: 'O utilizador {userId} não tem telefone para repor: emita um primeiro.' },
};

export function registerSoftphoneMessages(): void {
  for (const [language, catalogue] of Object.entries(messages) as [Language, Record<string, string>][]) {
    registerMessages(language, Object.fromEntries(Object.entries(catalogue).map(([code, text]) => [`errors.${code}`, text])));
  }
}
