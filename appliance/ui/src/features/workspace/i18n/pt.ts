import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const pt: MessagesLike<typeof en> = {
  'tags.hint': "Escreva uma etiqueta e prima Enter",
  'tags.remove': "Remover a etiqueta {tag}",
  'contact.duplicateSave': "Abra-o ou prima «Guardar» novamente para manter este valor mesmo assim.",
};
export default pt;
