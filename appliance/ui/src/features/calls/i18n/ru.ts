import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const ru: MessagesLike<typeof en> = {
  'calls.title': "Звонки",
  'calls.nav': "Звонки",
  'calls.filter': "Показать",
  'calls.filter.all': "Все",
  'calls.filter.missed': "Пропущенные",
  'calls.filter.inbound': "Входящие",
  'calls.filter.outbound': "Исходящие",
  'calls.outcome.answered': "Принят",
  'calls.outcome.missed': "Пропущен",
  'calls.outcome.abandoned': "Абонент положил трубку",
  'calls.outcome.busy': "Занято",
  'calls.outcome.failed': "Не удался",
  'calls.outcome.noChannel': "Нет свободной линии",
  'calls.outcome.live': "Идёт",
  'calls.refresh': "Обновить",
  'calls.empty': "Звонков ещё нет.",
  'calls.emptyMissed': "Пропущенных звонков нет. Отлично!",
  'calls.list': "История звонков",
  'calls.unknown': "Неизвестный номер",
  'calls.direction.inbound': "Входящий звонок",
  'calls.direction.outbound': "Исходящий звонок",
  'calls.direction.internal': "Внутренний звонок",
  'calls.talk': "Длительность разговора",
  'calls.wait': "ждал {time}",
  'calls.recording': "Запись разговора",
  'calls.play': "Прослушать запись",
  'calls.callBack': "Перезвонить",
  'calls.callingBack': "Звоним {name}: сначала зазвонит ваш телефон.",
};
export default ru;
