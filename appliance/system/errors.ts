import { defineErrors } from '../core/errors.js';
import { registerMessages } from '../core/i18n.js';
import type { Language } from '../config.js';

export const SystemErrors = defineErrors({
  SYSTEM_BACKUP_RUNNING: { status: 409, message: 'A backup is already being made; wait until it ends.' },
  SYSTEM_BACKUP_FAILED: { status: 500, message: 'The backup could not be made: {detail}' },
});

const catalogues: Record<Language, Record<string, string>> = {
  en: { 'errors.SYSTEM_BACKUP_RUNNING': 'A backup is already being made; wait until it ends.', 'errors.SYSTEM_BACKUP_FAILED': 'The backup could not be made: {detail}' },
  uk: { 'errors.SYSTEM_BACKUP_RUNNING': 'Резервна копія вже створюється; дочекайтеся її завершення.', 'errors.SYSTEM_BACKUP_FAILED': 'Не вдалося створити резервну копію: {detail}' },
  ru: { 'errors.SYSTEM_BACKUP_RUNNING': 'Резервная копия уже создаётся; дождитесь её завершения.', 'errors.SYSTEM_BACKUP_FAILED': 'Не удалось создать резервную копию: {detail}' },
  fr: { 'errors.SYSTEM_BACKUP_RUNNING': 'Une sauvegarde est déjà en cours ; attendez qu’elle se termine.', 'errors.SYSTEM_BACKUP_FAILED': 'La sauvegarde n’a pas pu être faite : {detail}' },
  de: { 'errors.SYSTEM_BACKUP_RUNNING': 'Es wird bereits eine Sicherung erstellt; warten Sie, bis sie fertig ist.', 'errors.SYSTEM_BACKUP_FAILED': 'Die Sicherung konnte nicht erstellt werden: {detail}' },
  es: { 'errors.SYSTEM_BACKUP_RUNNING': 'Ya se está haciendo una copia de seguridad; espere a que termine.', 'errors.SYSTEM_BACKUP_FAILED': 'No se pudo hacer la copia de seguridad: {detail}' },
  pt: { 'errors.SYSTEM_BACKUP_RUNNING': 'Já está a ser feita uma cópia de segurança; aguarde que termine.', 'errors.SYSTEM_BACKUP_FAILED': 'Não foi possível fazer a cópia de segurança: {detail}' },
};

export function registerSystemMessages(): void {
  for (const [language, messages] of Object.entries(catalogues)) registerMessages(language as Language, messages);
}
