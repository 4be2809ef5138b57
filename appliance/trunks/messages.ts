import { registerMessages } from '../core/i18n.js';
import type { Language } from '../config.js';

/**
 * The trunk errors in every language. `{detail}` is the validator's own sentence about the
 * field (in English); the sentence around it and the field's name follow the caller's language.
 */
const catalogues: Record<Language, Record<string, string>> = {
  en: {
    'errors.TRUNK_INVALID': 'The field {field} is not valid: {detail}',
    'errors.TRUNK_DUPLICATE_DID': 'The number in {field} is already in use: {detail}',
    'errors.TRUNK_UNKNOWN_KIND': 'Unknown trunk kind "{kind}". Known kinds: {known}.',
    'errors.TRUNK_NAME_TAKEN': 'A trunk named {name} already exists.',
    'errors.TRUNK_NOT_FOUND': 'There is no trunk {id}.',
    'errors.QUEUE_NOT_FOUND': "There is no queue {name}.",
    'errors.QUEUE_EXISTS': "A queue named {name} already exists.",
    'errors.QUEUE_MEMBER_NO_PHONE': "User {userId} has no phone, so the queue could not ring them: issue a phone first.",
    'errors.QUEUE_IN_USE': "Queue {name} still receives calls for {dids}: send those numbers elsewhere first.",
    'errors.TRUNK_ASTERISK_REFUSED': 'Asterisk refused the change, so it was undone: {detail}',
  },
  uk: {
    'errors.TRUNK_INVALID': 'Поле {field} заповнено неправильно: {detail}',
    'errors.TRUNK_DUPLICATE_DID': 'Номер у полі {field} уже використовується: {detail}',
    'errors.TRUNK_UNKNOWN_KIND': 'Невідомий тип транку «{kind}». Відомі типи: {known}.',
    'errors.TRUNK_NAME_TAKEN': 'Транк з назвою {name} уже існує.',
    'errors.TRUNK_NOT_FOUND': 'Транку {id} немає.',
    'errors.QUEUE_NOT_FOUND': "Черги {name} немає.",
    'errors.QUEUE_EXISTS': "Черга з назвою {name} уже існує.",
    'errors.QUEUE_MEMBER_NO_PHONE': "Користувач {userId} не має телефону, тож черга не змогла б йому дзвонити: спершу видайте телефон.",
    'errors.QUEUE_IN_USE': "Черга {name} досі приймає дзвінки на {dids}: спершу спрямуйте ці номери деінде.",
    'errors.TRUNK_ASTERISK_REFUSED': 'Asterisk не прийняв зміну, тому її скасовано: {detail}',
  },
  ru: {
    'errors.TRUNK_INVALID': 'Поле {field} заполнено неверно: {detail}',
    'errors.TRUNK_DUPLICATE_DID': 'Номер в поле {field} уже используется: {detail}',
    'errors.TRUNK_UNKNOWN_KIND': 'Неизвестный тип транка «{kind}». Известные типы: {known}.',
    'errors.TRUNK_NAME_TAKEN': 'Транк с именем {name} уже существует.',
    'errors.TRUNK_NOT_FOUND': 'Транка {id} нет.',
    'errors.QUEUE_NOT_FOUND': "Очереди {name} нет.",
    'errors.QUEUE_EXISTS': "Очередь с именем {name} уже существует.",
    'errors.QUEUE_MEMBER_NO_PHONE': "У пользователя {userId} нет телефона, поэтому очередь не смогла бы ему звонить: сначала выдайте телефон.",
    'errors.QUEUE_IN_USE': "Очередь {name} всё ещё принимает звонки на {dids}: сначала направьте эти номера в другое место.",
    'errors.TRUNK_ASTERISK_REFUSED': 'Asterisk не принял изменение, поэтому оно отменено: {detail}',
  },
  fr: {
    'errors.TRUNK_INVALID': "Le champ {field} n'est pas valide : {detail}",
    'errors.TRUNK_DUPLICATE_DID': 'Le numéro du champ {field} est déjà utilisé : {detail}',
    'errors.TRUNK_UNKNOWN_KIND': 'Type de trunk inconnu « {kind} ». Types connus : {known}.',
    'errors.TRUNK_NAME_TAKEN': 'Un trunk nommé {name} existe déjà.',
    'errors.TRUNK_NOT_FOUND': "Le trunk {id} n'existe pas.",
    'errors.QUEUE_NOT_FOUND': "La file {name} n'existe pas.",
    'errors.QUEUE_EXISTS': "Une file nommée {name} existe déjà.",
    'errors.QUEUE_MEMBER_NO_PHONE': "L'utilisateur {userId} n'a pas de téléphone : la file ne pourrait pas le faire sonner. Attribuez-lui d'abord un téléphone.",
    'errors.QUEUE_IN_USE': "La file {name} reçoit encore les appels de {dids} : envoyez d'abord ces numéros ailleurs.",
    'errors.TRUNK_ASTERISK_REFUSED': 'Asterisk a refusé la modification, elle a donc été annulée : {detail}',
  },
  de: {
    'errors.TRUNK_INVALID': 'Das Feld {field} ist ungültig: {detail}',
    'errors.TRUNK_DUPLICATE_DID': 'Die Nummer im Feld {field} wird bereits verwendet: {detail}',
    'errors.TRUNK_UNKNOWN_KIND': 'Unbekannte Trunk-Art „{kind}“. Bekannte Arten: {known}.',
    'errors.TRUNK_NAME_TAKEN': 'Ein Trunk namens {name} existiert bereits.',
    'errors.TRUNK_NOT_FOUND': 'Es gibt keinen Trunk {id}.',
    'errors.QUEUE_NOT_FOUND': "Es gibt keine Warteschlange {name}.",
    'errors.QUEUE_EXISTS': "Eine Warteschlange namens {name} existiert bereits.",
    'errors.QUEUE_MEMBER_NO_PHONE': "Benutzer {userId} hat kein Telefon, die Warteschlange könnte ihn nicht anrufen: Geben Sie zuerst ein Telefon aus.",
    'errors.QUEUE_IN_USE': "Warteschlange {name} erhält noch Anrufe für {dids}: Leiten Sie diese Nummern zuerst anders.",
    'errors.TRUNK_ASTERISK_REFUSED': 'Asterisk hat die Änderung abgelehnt, daher wurde sie rückgängig gemacht: {detail}',
  },
  es: {
    'errors.TRUNK_INVALID': 'El campo {field} no es válido: {detail}',
    'errors.TRUNK_DUPLICATE_DID': 'El número del campo {field} ya está en uso: {detail}',
    'errors.TRUNK_UNKNOWN_KIND': 'Tipo de troncal desconocido «{kind}». Tipos conocidos: {known}.',
    'errors.TRUNK_NAME_TAKEN': 'Ya existe una troncal llamada {name}.',
    'errors.TRUNK_NOT_FOUND': 'No existe la troncal {id}.',
    'errors.QUEUE_NOT_FOUND': "No existe la cola {name}.",
    'errors.QUEUE_EXISTS': "Ya existe una cola llamada {name}.",
    'errors.QUEUE_MEMBER_NO_PHONE': "El usuario {userId} no tiene teléfono, así que la cola no podría llamarle: emita antes un teléfono.",
    'errors.QUEUE_IN_USE': "La cola {name} aún recibe las llamadas de {dids}: envíe antes esos números a otro destino.",
    'errors.TRUNK_ASTERISK_REFUSED': 'Asterisk rechazó el cambio, así que se ha deshecho: {detail}',
  },
  pt: {
    'errors.TRUNK_INVALID': 'O campo {field} não é válido: {detail}',
    'errors.TRUNK_DUPLICATE_DID': 'O número do campo {field} já está em uso: {detail}',
    'errors.TRUNK_UNKNOWN_KIND': 'Tipo de tronco desconhecido «{kind}». Tipos conhecidos: {known}.',
    'errors.TRUNK_NAME_TAKEN': 'Já existe um tronco chamado {name}.',
    'errors.TRUNK_NOT_FOUND': 'Não existe o tronco {id}.',
    'errors.QUEUE_NOT_FOUND': "Não existe a fila {name}.",
    'errors.QUEUE_EXISTS': "Já existe uma fila chamada {name}.",
    'errors.QUEUE_MEMBER_NO_PHONE': "O utilizador {userId} não tem telefone, por isso a fila não lhe poderia ligar: emita primeiro um telefone.",
    'errors.QUEUE_IN_USE': "A fila {name} ainda recebe chamadas de {dids}: envie primeiro esses números para outro destino.",
    'errors.TRUNK_ASTERISK_REFUSED': 'O Asterisk recusou a alteração, por isso foi desfeita: {detail}',
  },
};

export function registerTrunkMessages(): void {
  for (const [language, messages] of Object.entries(catalogues)) registerMessages(language as Language, messages);
}
