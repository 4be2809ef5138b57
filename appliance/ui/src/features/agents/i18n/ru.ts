import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const ru: MessagesLike<typeof en> = {
  'agents.live.title': "Состояние операторов",
  'agents.live.nav': "Состояние операторов",
  'agents.live.filter': "Показать операторов",
  'agents.live.all': "Все {count}",
  'agents.live.search': "Найти оператора",
  'agents.live.list': "Операторы",
  'agents.live.empty': "Операторов пока нет.",
  'agents.live.noneMatch': "Ни один оператор не подходит.",
  'agents.live.inState': "Время в этом состоянии",
  'agents.live.callIn': "Входящий звонок, очередь {queue}",
  'agents.live.callOut': "Исходящий звонок",
  'agents.live.chats': "{count, plural, one {# чат} few {# чата} many {# чатов} other {# чата}}",
  'agents.live.actions': "Действия для {name}",
  'agents.live.resume': "Вернуть в работу",
  'agents.live.pause': "Пауза…",
  'agents.live.pauseAs': "Поставить {name} на паузу с причиной",
  'agents.live.logout': "Вывести из очередей",
  'agents.status.title': "Моё состояние",
  'agents.status.queues': "Выбрать мои очереди…",
};
export default ru;
