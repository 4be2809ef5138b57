import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const uk: MessagesLike<typeof en> = {
  'agents.live.title': "Стан операторів",
  'agents.live.nav': "Стан операторів",
  'agents.live.filter': "Показати операторів",
  'agents.live.all': "Усі {count}",
  'agents.live.search': "Знайти оператора",
  'agents.live.list': "Оператори",
  'agents.live.empty': "Операторів ще немає.",
  'agents.live.noneMatch': "Жоден оператор не підходить.",
  'agents.live.inState': "Час у цьому стані",
  'agents.live.callIn': "Вхідний дзвінок, черга {queue}",
  'agents.live.callOut': "Вихідний дзвінок",
  'agents.live.chats': "{count, plural, one {# чат} few {# чати} many {# чатів} other {# чату}}",
  'agents.live.actions': "Дії для {name}",
  'agents.live.resume': "Повернути до роботи",
  'agents.live.pause': "Пауза…",
  'agents.live.pauseAs': "Поставити {name} на паузу з причиною",
  'agents.live.logout': "Вивести з черг",
  'agents.status.title': "Мій стан",
  'agents.status.queues': "Вибрати мої черги…",
};
export default uk;
