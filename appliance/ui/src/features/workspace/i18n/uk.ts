import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const uk: MessagesLike<typeof en> = {
  'tags.hint': "Введіть тег і натисніть Enter",
  'tags.remove': "Прибрати тег {tag}",
  'contact.duplicateSave': "Відкрийте його або натисніть «Зберегти» ще раз, щоб усе ж залишити це значення.",
};
export default uk;
