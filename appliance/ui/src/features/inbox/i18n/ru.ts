import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const ru: MessagesLike<typeof en> = {
  'inbox.title': "Входящие",
  'inbox.nav': "Входящие",
  'inbox.tabs': "Диалоги",
  'inbox.tab.mine': "Мои",
  'inbox.tab.new': "Новые",
  'inbox.tab.waiting': "Ожидают",
  'inbox.tab.done': "Завершённые",
  'inbox.empty': "Здесь ничего не ждёт.",
  'inbox.emptyDone': "Ещё ничего не завершено.",
  'inbox.channel.mail': "Письмо",
  'inbox.channel.call': "Звонок",
  'inbox.missedCall': "Пропущенный звонок",
  'inbox.call': "Звонок",
};
export default ru;
