import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const de: MessagesLike<typeof en> = {
  'calls.title': "Anrufe",
  'calls.nav': "Anrufe",
  'calls.filter': "Anzeigen",
  'calls.filter.all': "Alle",
  'calls.filter.missed': "Verpasst",
  'calls.filter.inbound': "Eingehend",
  'calls.filter.outbound': "Ausgehend",
  'calls.outcome.answered': "Angenommen",
  'calls.outcome.missed': "Verpasst",
  'calls.outcome.abandoned': "Anrufer hat aufgelegt",
  'calls.outcome.busy': "Besetzt",
  'calls.outcome.failed': "Fehlgeschlagen",
  'calls.outcome.noChannel': "Keine Leitung frei",
  'calls.outcome.live': "Läuft",
  'calls.refresh': "Aktualisieren",
  'calls.empty': "Noch keine Anrufe.",
  'calls.emptyMissed': "Keine verpassten Anrufe. Gut gemacht!",
  'calls.list': "Anrufverlauf",
  'calls.unknown': "Unbekannte Nummer",
  'calls.direction.inbound': "Eingehender Anruf",
  'calls.direction.outbound': "Ausgehender Anruf",
  'calls.direction.internal': "Interner Anruf",
  'calls.talk': "Gesprächsdauer",
  'calls.wait': "gewartet {time}",
  'calls.recording': "Gesprächsaufzeichnung",
  'calls.play': "Aufzeichnung abspielen",
  'calls.callBack': "Zurückrufen",
  'calls.callingBack': "{name} wird angerufen: zuerst klingelt Ihr Telefon.",
};
export default de;
