import { signal } from '@preact/signals';
import { Api, ApiError, type Me } from '../api.js';
import { I18n, browserLanguage, isLanguage, type Language, type MessageKey } from '../i18n.js';
import { LiveEvents } from '../live.js';
import { Softphone } from '../softphone/phone.js';
import type { Ctx } from '../context.js';

const LANGUAGE_KEY = 'contactbox.language';

export type Role = Me['role'];
export type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * The long-lived state of one browser tab: who is signed in, the language, where the user is,
 * and the parts that outlive a page (API client, live events, the softphone). Components read
 * the signals (`session.me.value`…) and re-render when they change.
 */
export class Session {
  readonly i18n: I18n;
  readonly api: Api;
  readonly live: LiveEvents;
  readonly me = signal<Me | null>(null);
  readonly language;
  /** `location.pathname + location.search`, updated on every navigation. */
  readonly location = signal(location.pathname + location.search);
  /** Counts navigations, so a page can tell "opened again" from "re-rendered". */
  readonly navigations = signal(0);
  readonly phone = signal<Softphone | null>(null);
  /** A problem the whole shell should show (e.g. the language could not be saved). */
  readonly notice = signal<string | null>(null);
  /** Where the user was going when the login page came up (a bookmarked contact, say). */
  private afterLogin: string | null = null;
  readonly t: T = (key, params) => this.i18n.t(key, params);

  constructor(private readonly storage: Storage) {
    const saved = storage.getItem(LANGUAGE_KEY);
    this.i18n = new I18n(isLanguage(saved) ? saved : browserLanguage(navigator.languages));
    document.documentElement.lang = this.i18n.language;
    this.language = signal<Language>(this.i18n.language);
    this.api = new Api(() => this.i18n.language, () => this.sessionLost());
    this.live = new LiveEvents(() => this.sessionLost(), async () => {
      await this.api.me();
    });
    window.addEventListener('popstate', () => this.syncLocation());
  }

  get path(): string {
    return this.location.value.split('?')[0]!;
  }

  async start(): Promise<void> {
    try {
      this.signedIn(await this.api.me(), false);
      return;
    } catch (err) {
      if (!(err instanceof ApiError)) console.warn('session check failed', err);
    }
    this.syncLocation();
  }

  navigate(path: string, options: { replace?: boolean } = {}): void {
    if (path !== location.pathname + location.search) history[options.replace ? 'replaceState' : 'pushState'](null, '', path);
    this.syncLocation();
  }

  /** Called after the URL changed without `navigate` (back button, a view's own pushState). */
  syncLocation(): void {
    this.location.value = location.pathname + location.search;
    this.navigations.value++;
  }

  /** Where login lands when no page was asked for; set by the router. */
  home = '/';

  takeAfterLogin(): string | null {
    const target = this.afterLogin;
    this.afterLogin = null;
    return target;
  }

  rememberTarget(path: string): void {
    this.afterLogin = path;
  }

  signedIn(me: Me, fromLoginPage: boolean): void {
    this.phone.value?.stop();
    const phone = new Softphone(this.api, this.storage);
    void phone.start();
    this.phone.value = phone;
    this.live.start();
    if (isLanguage(me.language)) this.setLanguage(me.language, false);
    const target = this.takeAfterLogin();
    if (fromLoginPage || location.pathname === '/login' || location.pathname === '/') history.replaceState(null, '', target ?? this.home);
    this.me.value = me;
    this.syncLocation();
  }

  private sessionLost(): void {
    if (!this.me.value) return;
    // After logging in again the user is back where the session ended.
    this.afterLogin = location.pathname + location.search;
    this.api.csrfToken = null;
    this.live.stop();
    this.phone.value?.stop();
    this.phone.value = null;
    history.replaceState(null, '', '/login');
    this.me.value = null;
    this.syncLocation();
  }

  async logout(): Promise<void> {
    // Unregister the phone while the session still lets its socket through.
    this.phone.value?.stop();
    this.phone.value = null;
    try {
      await this.api.logout();
    } catch (err) {
      // Even if the server could not be told, this tab forgets the session.
      console.warn('logout failed', err);
    }
    this.live.stop();
    history.replaceState(null, '', '/login');
    this.me.value = null;
    this.syncLocation();
  }

  setLanguage(language: Language, saveOnServer: boolean): void {
    this.i18n.set(language);
    this.storage.setItem(LANGUAGE_KEY, language);
    this.language.value = language;
    const me = this.me.value;
    if (saveOnServer && me) {
      this.api.put('/api/v1/me/language', { language }).catch((err: unknown) => {
        this.notice.value = this.i18n.t('shell.languageSaveFailed', { message: err instanceof Error ? err.message : String(err) });
      });
      this.me.value = { ...me, language };
    }
  }

  /** The context the older `h()` views take. */
  legacyCtx(): Ctx {
    return {
      api: this.api,
      i18n: this.i18n,
      t: this.t,
      navigate: (p) => this.navigate(p),
      me: this.me.value!,
      live: this.live,
      phone: this.phone.value!,
    };
  }
}

let current: Session | null = null;

/** The tab's session (made once by main.ts). */
export function session(): Session {
  if (!current) throw new Error('session not started');
  return current;
}

export function startSession(storage: Storage): Session {
  current = new Session(storage);
  return current;
}

/** The translate function, re-rendering the calling component when the language changes. */
export function useT(): T {
  const s = session();
  void s.language.value;
  return s.t;
}
