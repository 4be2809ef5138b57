import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const es: MessagesLike<typeof en> = {
  'inbox.title': "Bandeja de entrada",
  'inbox.nav': "Bandeja",
  'inbox.tabs': "Diálogos",
  'inbox.tab.mine': "Míos",
  'inbox.tab.new': "Nuevos",
  'inbox.tab.waiting': "En espera",
  'inbox.tab.done': "Hechos",
  'inbox.empty': "Aquí no espera nada.",
  'inbox.emptyDone': "Aún no hay nada terminado.",
  'inbox.channel.mail': "Correo",
  'inbox.channel.call': "Llamada",
  'inbox.missedCall': "Llamada perdida",
  'inbox.call': "Llamada",
};
export default es;
