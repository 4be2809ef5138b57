import type en from './en.js';
import type { MessagesLike } from '../../../i18n/index.js';

const ru: MessagesLike<typeof en> = {
  'tags.hint': "Введите тег и нажмите Enter",
  'tags.remove': "Убрать тег {tag}",
  'contact.duplicateSave': "Откройте его или нажмите «Сохранить» ещё раз, чтобы всё же оставить это значение.",
};
export default ru;
