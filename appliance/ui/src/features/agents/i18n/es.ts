import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const es: MessagesLike<typeof en> = {
  'agents.live.title': "Vista en directo",
  'agents.live.nav': "Vista en directo",
  'agents.live.filter': "Mostrar agentes",
  'agents.live.all': "Todos {count}",
  'agents.live.search': "Buscar un agente",
  'agents.live.list': "Agentes",
  'agents.live.empty': "Aún no hay agentes.",
  'agents.live.noneMatch': "Ningún agente coincide.",
  'agents.live.inState': "Tiempo en este estado",
  'agents.live.callIn': "Llamada entrante, cola {queue}",
  'agents.live.callOut': "Llamada saliente",
  'agents.live.chats': "{count, plural, one {# chat} other {# chats}}",
  'agents.live.actions': "Acciones para {name}",
  'agents.live.resume': "Reanudar",
  'agents.live.pause': "Pausa…",
  'agents.live.pauseAs': "Pausar a {name} con un motivo",
  'agents.live.logout': "Sacar de las colas",
  'agents.status.title': "Mi estado",
  'agents.status.queues': "Elegir mis colas…",
};
export default es;
