import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const de: MessagesLike<typeof en> = {
  'tags.hint': "Schlagwort eingeben, Enter drücken",
  'tags.remove': "Schlagwort {tag} entfernen",
  'contact.duplicateSave': "Öffnen Sie ihn oder klicken Sie erneut auf „Speichern“, um den Wert trotzdem zu behalten.",
};
export default de;
