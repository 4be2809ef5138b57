import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const pt: MessagesLike<typeof en> = {
  'agents.live.title': "Vista ao vivo",
  'agents.live.nav': "Vista ao vivo",
  'agents.live.filter': "Mostrar agentes",
  'agents.live.all': "Todos {count}",
  'agents.live.search': "Procurar um agente",
  'agents.live.list': "Agentes",
  'agents.live.empty': "Ainda não há agentes.",
  'agents.live.noneMatch': "Nenhum agente corresponde.",
  'agents.live.inState': "Tempo neste estado",
  'agents.live.callIn': "Chamada recebida, fila {queue}",
  'agents.live.callOut': "Chamada efetuada",
  'agents.live.chats': "{count, plural, one {# conversa} other {# conversas}}",
  'agents.live.actions': "Ações para {name}",
  'agents.live.resume': "Retomar",
  'agents.live.pause': "Pausa…",
  'agents.live.pauseAs': "Pausar {name} com um motivo",
  'agents.live.logout': "Retirar das filas",
  'agents.status.title': "O meu estado",
  'agents.status.queues': "Escolher as minhas filas…",
};
export default pt;
