import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const fr: MessagesLike<typeof en> = {
  'agents.live.title': "Vue en direct",
  'agents.live.nav': "Vue en direct",
  'agents.live.filter': "Afficher les agents",
  'agents.live.all': "Tous {count}",
  'agents.live.search': "Trouver un agent",
  'agents.live.list': "Agents",
  'agents.live.empty': "Aucun agent pour l’instant.",
  'agents.live.noneMatch': "Aucun agent ne correspond.",
  'agents.live.inState': "Temps dans cet état",
  'agents.live.callIn': "Appel entrant, file {queue}",
  'agents.live.callOut': "Appel sortant",
  'agents.live.chats': "{count, plural, one {# discussion} other {# discussions}}",
  'agents.live.actions': "Actions pour {name}",
  'agents.live.resume': "Reprendre",
  'agents.live.pause': "Pause…",
  'agents.live.pauseAs': "Mettre {name} en pause avec un motif",
  'agents.live.logout': "Retirer des files",
  'agents.status.title': "Mon état",
  'agents.status.queues': "Choisir mes files…",
};
export default fr;
