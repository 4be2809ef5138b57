import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const uk: MessagesLike<typeof en> = {
  'inbox.title': "Вхідні",
  'inbox.nav': "Вхідні",
  'inbox.tabs': "Діалоги",
  'inbox.tab.mine': "Мої",
  'inbox.tab.new': "Нові",
  'inbox.tab.waiting': "Очікують",
  'inbox.tab.done': "Завершені",
  'inbox.empty': "Тут нічого не чекає.",
  'inbox.emptyDone': "Ще нічого не завершено.",
  'inbox.channel.mail': "Лист",
  'inbox.channel.call': "Дзвінок",
  'inbox.missedCall': "Пропущений дзвінок",
  'inbox.call': "Дзвінок",
};
export default uk;
