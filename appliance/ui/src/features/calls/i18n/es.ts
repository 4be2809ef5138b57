import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const es: MessagesLike<typeof en> = {
  'calls.title': "Llamadas",
  'calls.nav': "Llamadas",
  'calls.filter': "Mostrar",
  'calls.filter.all': "Todas",
  'calls.filter.missed': "Perdidas",
  'calls.filter.inbound': "Entrantes",
  'calls.filter.outbound': "Salientes",
  'calls.outcome.answered': "Atendida",
  'calls.outcome.missed': "Perdida",
  'calls.outcome.abandoned': "El cliente colgó",
  'calls.outcome.busy': "Ocupado",
  'calls.outcome.failed': "Fallida",
  'calls.outcome.noChannel': "Sin línea libre",
  'calls.outcome.live': "En curso",
  'calls.refresh': "Actualizar",
  'calls.empty': "Aún no hay llamadas.",
  'calls.emptyMissed': "No hay llamadas perdidas. ¡Bien hecho!",
  'calls.list': "Historial de llamadas",
  'calls.unknown': "Número desconocido",
  'calls.direction.inbound': "Llamada entrante",
  'calls.direction.outbound': "Llamada saliente",
  'calls.direction.internal': "Llamada interna",
  'calls.talk': "Duración de la conversación",
  'calls.wait': "esperó {time}",
  'calls.recording': "Grabación de la llamada",
  'calls.play': "Reproducir la grabación",
  'calls.callBack': "Devolver la llamada",
  'calls.callingBack': "Llamando a {name}: primero suena su teléfono.",
};
export default es;
