import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const fr: MessagesLike<typeof en> = {
  'inbox.title': "Boîte de réception",
  'inbox.nav': "Réception",
  'inbox.tabs': "Dialogues",
  'inbox.tab.mine': "Les miens",
  'inbox.tab.new': "Nouveaux",
  'inbox.tab.waiting': "En attente",
  'inbox.tab.done': "Traités",
  'inbox.empty': "Rien n’attend ici.",
  'inbox.emptyDone': "Rien de terminé pour l’instant.",
  'inbox.channel.mail': "E-mail",
  'inbox.channel.call': "Appel",
  'inbox.missedCall': "Appel manqué",
  'inbox.call': "Appel",
};
export default fr;
