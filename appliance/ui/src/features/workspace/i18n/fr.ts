import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const fr: MessagesLike<typeof en> = {
  'tags.hint': "Saisissez une étiquette, puis Entrée",
  'tags.remove': "Retirer l’étiquette {tag}",
  'contact.duplicateSave': "Ouvrez-le, ou cliquez de nouveau sur « Enregistrer » pour garder cette valeur quand même.",
};
export default fr;
