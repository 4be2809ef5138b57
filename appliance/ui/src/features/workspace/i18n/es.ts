import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const es: MessagesLike<typeof en> = {
  'tags.hint': "Escriba una etiqueta y pulse Intro",
  'tags.remove': "Quitar la etiqueta {tag}",
  'contact.duplicateSave': "Ábralo o pulse «Guardar» otra vez para conservar este valor de todos modos.",
};
export default es;
