import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const pt: MessagesLike<typeof en> = {
  'inbox.title': "Caixa de entrada",
  'inbox.nav': "Entrada",
  'inbox.tabs': "Diálogos",
  'inbox.tab.mine': "Meus",
  'inbox.tab.new': "Novos",
  'inbox.tab.waiting': "Em espera",
  'inbox.tab.done': "Concluídos",
  'inbox.empty': "Nada à espera aqui.",
  'inbox.emptyDone': "Ainda nada concluído.",
  'inbox.channel.mail': "E-mail",
  'inbox.channel.call': "Chamada",
  'inbox.missedCall': "Chamada perdida",
  'inbox.call': "Chamada",
};
export default pt;
