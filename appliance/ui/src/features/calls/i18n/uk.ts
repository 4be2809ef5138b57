import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const uk: MessagesLike<typeof en> = {
  'calls.title': "Дзвінки",
  'calls.nav': "Дзвінки",
  'calls.filter': "Показати",
  'calls.filter.all': "Усі",
  'calls.filter.missed': "Пропущені",
  'calls.filter.inbound': "Вхідні",
  'calls.filter.outbound': "Вихідні",
  'calls.outcome.answered': "Прийнятий",
  'calls.outcome.missed': "Пропущений",
  'calls.outcome.abandoned': "Абонент поклав слухавку",
  'calls.outcome.busy': "Зайнято",
  'calls.outcome.failed': "Не вдався",
  'calls.outcome.noChannel': "Немає вільної лінії",
  'calls.outcome.live': "Триває",
  'calls.refresh': "Оновити",
  'calls.empty': "Дзвінків ще немає.",
  'calls.emptyMissed': "Пропущених дзвінків немає. Чудово!",
  'calls.list': "Історія дзвінків",
  'calls.unknown': "Невідомий номер",
  'calls.direction.inbound': "Вхідний дзвінок",
  'calls.direction.outbound': "Вихідний дзвінок",
  'calls.direction.internal': "Внутрішній дзвінок",
  'calls.talk': "Тривалість розмови",
  'calls.wait': "чекав {time}",
  'calls.recording': "Запис розмови",
  'calls.play': "Прослухати запис",
  'calls.callBack': "Передзвонити",
  'calls.callingBack': "Дзвонимо {name}: спершу задзвонить ваш телефон.",
};
export default uk;
