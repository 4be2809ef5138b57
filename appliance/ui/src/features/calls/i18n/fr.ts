import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const fr: MessagesLike<typeof en> = {
  'calls.title': "Appels",
  'calls.nav': "Appels",
  'calls.filter': "Afficher",
  'calls.filter.all': "Tous",
  'calls.filter.missed': "Manqués",
  'calls.filter.inbound': "Entrants",
  'calls.filter.outbound': "Sortants",
  'calls.outcome.answered': "Répondu",
  'calls.outcome.missed': "Manqué",
  'calls.outcome.abandoned': "L’appelant a raccroché",
  'calls.outcome.busy': "Occupé",
  'calls.outcome.failed': "Échoué",
  'calls.outcome.noChannel': "Aucune ligne libre",
  'calls.outcome.live': "En cours",
  'calls.refresh': "Actualiser",
  'calls.empty': "Aucun appel pour l’instant.",
  'calls.emptyMissed': "Aucun appel manqué. Bravo !",
  'calls.list': "Historique des appels",
  'calls.unknown': "Numéro inconnu",
  'calls.direction.inbound': "Appel entrant",
  'calls.direction.outbound': "Appel sortant",
  'calls.direction.internal': "Appel interne",
  'calls.talk': "Durée de conversation",
  'calls.wait': "attente {time}",
  'calls.recording': "Enregistrement de l’appel",
  'calls.play': "Écouter l’enregistrement",
  'calls.callBack': "Rappeler",
  'calls.callingBack': "Appel de {name} : votre téléphone sonne d’abord.",
};
export default fr;
