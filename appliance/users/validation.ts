import './errors.js';
import { AppError } from '../core/errors.js';
import { LANGUAGES, type Language } from '../config.js';
import { isLanguage } from '../core/i18n.js';

/** The password rule, one place: long enough, not trivially patterned, not the username, not a well-known one. */
export const PASSWORD_MIN = 10;
const DISTINCT_MIN = 5;
// The few passwords people reach for first; a real breach list would be larger but this catches the reflex.
const COMMON = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'qwertyuiop', 'qwerty123456',
  '1234567890', '12345678910', '0987654321', 'iloveyou123', 'admin12345', 'administrator', 'contactbox',
  'letmein123', 'welcome123', 'йцукенгшщз', 'пароль1234', 'qwertyuiop[]', '1q2w3e4r5t', '1qaz2wsx3edc',
]);

export function checkPassword(password: string, username: string): void {
  if ([...password].length < PASSWORD_MIN) throw new AppError('PASSWORD_TOO_SHORT', { min: PASSWORD_MIN });
  if (new Set(password).size < DISTINCT_MIN || COMMON.has(password.toLowerCase())) {
    throw new AppError('PASSWORD_TOO_SIMPLE', { distinct: DISTINCT_MIN });
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) throw new AppError('PASSWORD_CONTAINS_USERNAME');
}

export function checkUsername(username: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(username)) throw new AppError('USERNAME_INVALID');
  return username;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkDisplayName(raw: string): string {
  const name = raw.trim();
  if (!name || CONTROL.test(name)) throw new AppError('DISPLAY_NAME_INVALID');
  return name;
}

export function checkTeamName(raw: string): string {
  const name = raw.trim();
  if (!name || CONTROL.test(name)) throw new AppError('TEAM_NAME_INVALID');
  return name;
}

/** A language code one of the seven catalogues covers; anything else is refused by name. */
export function checkLanguage(value: string): Language {
  if (!isLanguage(value)) throw new AppError('LANGUAGE_UNSUPPORTED', { language: value.slice(0, 35), supported: LANGUAGES.join(', ') });
  return value;
}
