import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const pt: MessagesLike<typeof en> = {
  'calls.title': "Chamadas",
  'calls.nav': "Chamadas",
  'calls.filter': "Mostrar",
  'calls.filter.all': "Todas",
  'calls.filter.missed': "Perdidas",
  'calls.filter.inbound': "Recebidas",
  'calls.filter.outbound': "Efetuadas",
  'calls.outcome.answered': "Atendida",
  'calls.outcome.missed': "Perdida",
  'calls.outcome.abandoned': "O cliente desligou",
  'calls.outcome.busy': "Ocupado",
  'calls.outcome.failed': "Falhou",
  'calls.outcome.noChannel': "Sem linha livre",
  'calls.outcome.live': "Em curso",
  'calls.refresh': "Atualizar",
  'calls.empty': "Ainda não há chamadas.",
  'calls.emptyMissed': "Nenhuma chamada perdida. Muito bem!",
  'calls.list': "Histórico de chamadas",
  'calls.unknown': "Número desconhecido",
  'calls.direction.inbound': "Chamada recebida",
  'calls.direction.outbound': "Chamada efetuada",
  'calls.direction.internal': "Chamada interna",
  'calls.talk': "Duração da conversa",
  'calls.wait': "esperou {time}",
  'calls.recording': "Gravação da chamada",
  'calls.play': "Ouvir a gravação",
  'calls.callBack': "Ligar de volta",
  'calls.callingBack': "A ligar para {name}: o seu telefone toca primeiro.",
};
export default pt;
