import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const de: MessagesLike<typeof en> = {
  'inbox.title': "Posteingang",
  'inbox.nav': "Eingang",
  'inbox.tabs': "Dialoge",
  'inbox.tab.mine': "Meine",
  'inbox.tab.new': "Neu",
  'inbox.tab.waiting': "Wartend",
  'inbox.tab.done': "Erledigt",
  'inbox.empty': "Hier wartet nichts.",
  'inbox.emptyDone': "Noch nichts erledigt.",
  'inbox.channel.mail': "E-Mail",
  'inbox.channel.call': "Anruf",
  'inbox.missedCall': "Verpasster Anruf",
  'inbox.call': "Anruf",
};
export default de;
