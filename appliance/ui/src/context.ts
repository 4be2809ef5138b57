import type { Api, Me } from './api.js';
import type { I18n, MessageKey } from './i18n.js';
import type { LiveEvents } from './live.js';
import type { Softphone } from './softphone/phone.js';

/** What every view receives: no view reaches for globals. */
export interface Ctx {
  api: Api;
  i18n: I18n;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  navigate: (path: string) => void;
  me: Me;
  live: LiveEvents;
  /** The user's softphone, alive from login to logout. */
  phone: Softphone;
}

/** A mounted page; `dispose` stops its timers and subscriptions when the user leaves it. */
export interface View {
  element: HTMLElement;
  dispose?: () => void;
}
