import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const de: MessagesLike<typeof en> = {
  'agents.live.title': "Live-Ansicht",
  'agents.live.nav': "Live-Ansicht",
  'agents.live.filter': "Agenten anzeigen",
  'agents.live.all': "Alle {count}",
  'agents.live.search': "Agent suchen",
  'agents.live.list': "Agenten",
  'agents.live.empty': "Noch keine Agenten.",
  'agents.live.noneMatch': "Kein Agent passt.",
  'agents.live.inState': "Zeit in diesem Status",
  'agents.live.callIn': "Eingehender Anruf, Warteschlange {queue}",
  'agents.live.callOut': "Ausgehender Anruf",
  'agents.live.chats': "{count, plural, one {# Chat} other {# Chats}}",
  'agents.live.actions': "Aktionen für {name}",
  'agents.live.resume': "Fortsetzen",
  'agents.live.pause': "Pause…",
  'agents.live.pauseAs': "{name} mit einem Grund pausieren",
  'agents.live.logout': "Aus den Warteschlangen nehmen",
  'agents.status.title': "Mein Status",
  'agents.status.queues': "Meine Warteschlangen wählen…",
};
export default de;
