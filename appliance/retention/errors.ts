import { defineErrors } from '../core/errors.js';
import { registerMessages } from '../core/i18n.js';
import type { Language } from '../config.js';

export const RetentionErrors = defineErrors({
  RETENTION_UNKNOWN_CLASS: { status: 404, message: 'There is no data class "{class}". Known classes: {known}.' },
  RETENTION_POLICY_CONFLICT: {
    status: 409,
    message: 'Recordings cannot be kept longer than their call records (recordings: {recordings}, calls: {calls}). Shorten recordings first, or keep call records longer.',
  },
  RETENTION_RUN_IN_PROGRESS: { status: 409, message: 'A retention run is already in progress (started {startedAt}). Wait for it to finish.' },
  RETENTION_AS_OF_IN_FUTURE: { status: 400, message: 'A real run cannot be dated in the future ({asOf}). Use a dry run to see what a later date deletes.' },
  RETENTION_BAD_DATE: { status: 400, message: '"{value}" is not a real date. Use YYYY-MM-DD or an ISO date-time.' },
  RETENTION_PREVIEW_NEEDS_DAYS: { status: 400, message: 'To preview a policy give both the class and its days (a number, or null for forever).' },
  LEGAL_HOLD_EXISTS: { status: 409, message: 'This {scope} is already under legal hold (hold {id}).' },
  LEGAL_HOLD_NOT_FOUND: { status: 404, message: 'There is no active legal hold with id {id}.' },
  LEGAL_HOLD_TARGET_NOT_FOUND: { status: 404, message: 'There is no {scope} with id {targetId}.' },
});

const messages: Record<Language, Record<keyof typeof RetentionErrors, string>> = {
  en: {
    RETENTION_BAD_DATE: '"{value}" is not a real date. Use YYYY-MM-DD or an ISO date-time.',
    RETENTION_PREVIEW_NEEDS_DAYS: 'To preview a policy give both the class and its days (a number, or null for forever).',
    RETENTION_UNKNOWN_CLASS: 'There is no data class "{class}". Known classes: {known}.',
    RETENTION_POLICY_CONFLICT:
      'Recordings cannot be kept longer than their call records (recordings: {recordings}, calls: {calls}). Shorten recordings first, or keep call records longer.',
    RETENTION_RUN_IN_PROGRESS: 'A retention run is already in progress (started {startedAt}). Wait for it to finish.',
    RETENTION_AS_OF_IN_FUTURE: 'A real run cannot be dated in the future ({asOf}). Use a dry run to see what a later date deletes.',
    LEGAL_HOLD_EXISTS: 'This {scope} is already under legal hold (hold {id}).',
    LEGAL_HOLD_NOT_FOUND: 'There is no active legal hold with id {id}.',
    LEGAL_HOLD_TARGET_NOT_FOUND: 'There is no {scope} with id {targetId}.',
  },
  uk: {
    RETENTION_BAD_DATE: '«{value}» — не справжня дата. Використовуйте РРРР-ММ-ДД або дату й час ISO.',
    RETENTION_PREVIEW_NEEDS_DAYS: 'Щоб переглянути наслідки політики, вкажіть і клас, і кількість днів (число або null — назавжди).',
    RETENTION_UNKNOWN_CLASS: 'Класу даних «{class}» не існує. Відомі класи: {known}.',
    RETENTION_POLICY_CONFLICT:
      'Записи розмов не можна зберігати довше, ніж записи про дзвінки (записи: {recordings}, дзвінки: {calls}). Спершу скоротіть строк для записів або зберігайте дзвінки довше.',
    RETENTION_RUN_IN_PROGRESS: 'Очищення вже виконується (почалося {startedAt}). Дочекайтеся його завершення.',
    RETENTION_AS_OF_IN_FUTURE: 'Справжнє очищення не можна датувати майбутнім ({asOf}). Скористайтеся пробним запуском, щоб побачити, що буде видалено пізніше.',
    LEGAL_HOLD_EXISTS: 'На цей об’єкт ({scope}) уже накладено юридичне утримання (утримання {id}).',
    LEGAL_HOLD_NOT_FOUND: 'Активного юридичного утримання з id {id} немає.',
    LEGAL_HOLD_TARGET_NOT_FOUND: 'Об’єкта {scope} з id {targetId} не існує.',
  },
  ru: {
    RETENTION_BAD_DATE: '«{value}» — не настоящая дата. Используйте ГГГГ-ММ-ДД или дату и время ISO.',
    RETENTION_PREVIEW_NEEDS_DAYS: 'Чтобы посмотреть последствия политики, укажите и класс, и число дней (число или null — навсегда).',
    RETENTION_UNKNOWN_CLASS: 'Класса данных «{class}» не существует. Известные классы: {known}.',
    RETENTION_POLICY_CONFLICT:
      'Записи разговоров нельзя хранить дольше, чем записи о звонках (записи: {recordings}, звонки: {calls}). Сначала сократите срок для записей или храните звонки дольше.',
    RETENTION_RUN_IN_PROGRESS: 'Очистка уже выполняется (начата {startedAt}). Дождитесь её завершения.',
    RETENTION_AS_OF_IN_FUTURE: 'Настоящую очистку нельзя датировать будущим ({asOf}). Используйте пробный запуск, чтобы увидеть, что будет удалено позже.',
    LEGAL_HOLD_EXISTS: 'На этот объект ({scope}) уже наложено юридическое удержание (удержание {id}).',
    LEGAL_HOLD_NOT_FOUND: 'Активного юридического удержания с id {id} нет.',
    LEGAL_HOLD_TARGET_NOT_FOUND: 'Объекта {scope} с id {targetId} не существует.',
  },
  fr: {
    RETENTION_BAD_DATE: '« {value} » n’est pas une date valide. Utilisez AAAA-MM-JJ ou une date-heure ISO.',
    RETENTION_PREVIEW_NEEDS_DAYS: 'Pour prévisualiser une politique, indiquez la classe et sa durée en jours (un nombre, ou null pour toujours).',
    RETENTION_UNKNOWN_CLASS: 'La classe de données « {class} » n’existe pas. Classes connues : {known}.',
    RETENTION_POLICY_CONFLICT:
      'Les enregistrements ne peuvent pas être conservés plus longtemps que les fiches d’appel (enregistrements : {recordings}, appels : {calls}). Raccourcissez d’abord les enregistrements ou gardez les appels plus longtemps.',
    RETENTION_RUN_IN_PROGRESS: 'Une purge est déjà en cours (commencée {startedAt}). Attendez qu’elle se termine.',
    RETENTION_AS_OF_IN_FUTURE: 'Une purge réelle ne peut pas être datée dans le futur ({asOf}). Faites une simulation pour voir ce qu’une date ultérieure supprimerait.',
    LEGAL_HOLD_EXISTS: 'Cet objet ({scope}) est déjà sous conservation légale (conservation {id}).',
    LEGAL_HOLD_NOT_FOUND: 'Il n’y a pas de conservation légale active avec l’id {id}.',
    LEGAL_HOLD_TARGET_NOT_FOUND: 'Il n’existe pas de {scope} avec l’id {targetId}.',
  },
  de: {
    RETENTION_BAD_DATE: '„{value}“ ist kein gültiges Datum. Verwenden Sie JJJJ-MM-TT oder ein ISO-Datum mit Uhrzeit.',
    RETENTION_PREVIEW_NEEDS_DAYS: 'Für eine Vorschau geben Sie die Klasse und die Tage an (eine Zahl, oder null für unbegrenzt).',
    RETENTION_UNKNOWN_CLASS: 'Die Datenklasse „{class}“ gibt es nicht. Bekannte Klassen: {known}.',
    RETENTION_POLICY_CONFLICT:
      'Aufzeichnungen dürfen nicht länger aufbewahrt werden als ihre Anrufdatensätze (Aufzeichnungen: {recordings}, Anrufe: {calls}). Verkürzen Sie zuerst die Aufzeichnungen oder bewahren Sie Anrufe länger auf.',
    RETENTION_RUN_IN_PROGRESS: 'Eine Löschung läuft bereits (gestartet {startedAt}). Warten Sie, bis sie fertig ist.',
    RETENTION_AS_OF_IN_FUTURE: 'Eine echte Löschung kann nicht in die Zukunft datiert werden ({asOf}). Nutzen Sie einen Probelauf, um zu sehen, was ein späteres Datum löscht.',
    LEGAL_HOLD_EXISTS: 'Für dieses Objekt ({scope}) besteht bereits eine Aufbewahrungspflicht (Sperre {id}).',
    LEGAL_HOLD_NOT_FOUND: 'Es gibt keine aktive Aufbewahrungssperre mit der ID {id}.',
    LEGAL_HOLD_TARGET_NOT_FOUND: 'Es gibt kein Objekt {scope} mit der ID {targetId}.',
  },
  es: {
    RETENTION_BAD_DATE: '«{value}» no es una fecha válida. Use AAAA-MM-DD o una fecha y hora ISO.',
    RETENTION_PREVIEW_NEEDS_DAYS: 'Para previsualizar una política indique la clase y sus días (un número, o null para siempre).',
    RETENTION_UNKNOWN_CLASS: 'No existe la clase de datos «{class}». Clases conocidas: {known}.',
    RETENTION_POLICY_CONFLICT:
      'Las grabaciones no pueden conservarse más tiempo que sus registros de llamadas (grabaciones: {recordings}, llamadas: {calls}). Acorte primero las grabaciones o conserve las llamadas más tiempo.',
    RETENTION_RUN_IN_PROGRESS: 'Ya hay una depuración en curso (iniciada {startedAt}). Espere a que termine.',
    RETENTION_AS_OF_IN_FUTURE: 'Una depuración real no puede fecharse en el futuro ({asOf}). Use una simulación para ver qué borraría una fecha posterior.',
    LEGAL_HOLD_EXISTS: 'Este objeto ({scope}) ya está bajo retención legal (retención {id}).',
    LEGAL_HOLD_NOT_FOUND: 'No hay ninguna retención legal activa con id {id}.',
    LEGAL_HOLD_TARGET_NOT_FOUND: 'No existe {scope} con id {targetId}.',
  },
  pt: {
    RETENTION_BAD_DATE: '«{value}» não é uma data válida. Use AAAA-MM-DD ou uma data e hora ISO.',
    RETENTION_PREVIEW_NEEDS_DAYS: 'Para pré-visualizar uma política indique a classe e os dias (um número, ou null para sempre).',
    RETENTION_UNKNOWN_CLASS: 'Não existe a classe de dados «{class}». Classes conhecidas: {known}.',
    RETENTION_POLICY_CONFLICT:
      'As gravações não podem ser guardadas por mais tempo do que os registos das chamadas (gravações: {recordings}, chamadas: {calls}). Encurte primeiro as gravações ou guarde as chamadas por mais tempo.',
    RETENTION_RUN_IN_PROGRESS: 'Já está em curso uma limpeza (iniciada {startedAt}). Aguarde que termine.',
    RETENTION_AS_OF_IN_FUTURE: 'Uma limpeza real não pode ser datada no futuro ({asOf}). Use uma simulação para ver o que uma data posterior apagaria.',
    LEGAL_HOLD_EXISTS: 'Este objeto ({scope}) já está sob retenção legal (retenção {id}).',
    LEGAL_HOLD_NOT_FOUND: 'Não existe nenhuma retenção legal ativa com o id {id}.',
    LEGAL_HOLD_TARGET_NOT_FOUND: 'Não existe {scope} com o id {targetId}.',
  },
};

export function registerRetentionMessages(): void {
  for (const [language, catalogue] of Object.entries(messages) as [Language, Record<string, string>][]) {
    registerMessages(language, Object.fromEntries(Object.entries(catalogue).map(([code, text]) => [`errors.${code}`, text])));
  }
}
