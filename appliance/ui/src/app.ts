import { replace } from './dom.js';
import { Api, ApiError, type Me } from './api.js';
import { I18n, browserLanguage, isLanguage, type Language } from './i18n.js';
import { LiveEvents } from './live.js';
import { Softphone } from './softphone/phone.js';
import type { Ctx, View } from './context.js';
import { loginView } from './views/login.js';
import { shellView, type Page } from './views/shell.js';
import { standaloneSelfTest } from './views/selftest.js';

const LANGUAGE_KEY = 'contactbox.language';

/**
 * The single-page app: decides between the login page, the self-test page and the shell with
 * its pages, from the URL and the session. Holds the long-lived parts (API client, live events)
 * and re-mounts views on navigation or a language change.
 */
export class App {
  private readonly i18n: I18n;
  private readonly api: Api;
  private readonly live: LiveEvents;
  private me: Me | null = null;
  private phone: Softphone | null = null;
  private view: View | null = null;
  /** Where the user was going when the login page came up (a bookmarked contact, say). */
  private afterLogin: string | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly pages: readonly Page[],
    private readonly storage: Storage,
  ) {
    const saved = storage.getItem(LANGUAGE_KEY);
    this.i18n = new I18n(isLanguage(saved) ? saved : browserLanguage(navigator.languages));
    document.documentElement.lang = this.i18n.language;
    this.api = new Api(() => this.i18n.language, () => this.sessionLost());
    this.live = new LiveEvents(() => this.sessionLost(), async () => {
      await this.api.me();
    });
    window.addEventListener('popstate', () => this.render());
  }

  async start(): Promise<void> {
    try {
      this.signedIn(await this.api.me(), false);
      return;
    } catch (err) {
      if (!(err instanceof ApiError)) console.warn('session check failed', err);
    }
    this.render();
  }

  navigate(path: string): void {
    if (path !== location.pathname) history.pushState(null, '', path);
    this.render();
  }

  private signedIn(me: Me, fromLoginPage: boolean): void {
    this.me = me;
    this.phone?.stop();
    this.phone = new Softphone(this.api, this.storage);
    void this.phone.start();
    this.live.start();
    if (isLanguage(me.language)) {
      this.i18n.set(me.language);
      this.storage.setItem(LANGUAGE_KEY, me.language);
    }
    if (fromLoginPage || location.pathname === '/login' || location.pathname === '/') {
      history.replaceState(null, '', this.afterLogin ?? this.pages[0]!.path);
    }
    this.afterLogin = null;
    this.render();
  }

  private sessionLost(): void {
    if (!this.me) return;
    // After logging in again the user is back where the session ended.
    this.afterLogin = location.pathname + location.search;
    this.me = null;
    this.api.csrfToken = null;
    this.live.stop();
    this.phone?.stop();
    this.phone = null;
    history.replaceState(null, '', '/login');
    this.render();
  }

  private async logout(): Promise<void> {
    // Unregister the phone while the session still lets its socket through.
    this.phone?.stop();
    this.phone = null;
    try {
      await this.api.logout();
    } catch (err) {
      // Even if the server could not be told, this tab forgets the session.
      console.warn('logout failed', err);
    }
    this.me = null;
    this.live.stop();
    history.replaceState(null, '', '/login');
    this.render();
  }

  private setLanguage(language: Language, saveOnServer: boolean): void {
    this.i18n.set(language);
    this.storage.setItem(LANGUAGE_KEY, language);
    if (saveOnServer && this.me) {
      this.api.put('/api/v1/me/language', { language }).catch((err: unknown) => {
        const notice = this.root.querySelector<HTMLElement>('[data-testid=shell-notice]');
        if (notice) {
          notice.textContent = this.i18n.t('shell.languageSaveFailed', { message: err instanceof Error ? err.message : String(err) });
          notice.hidden = false;
        }
      });
      this.me = { ...this.me, language };
    }
    this.render();
  }

  private render(): void {
    this.view?.dispose?.();
    this.view = null;
    const path = location.pathname;
    if (!this.me) {
      if (path === '/selftest') {
        this.view = standaloneSelfTest(this.i18n, (l) => this.setLanguage(l, false), (p) => this.navigate(p));
      } else {
        if (path !== '/login') {
          if (path !== '/') this.afterLogin = path + location.search;
          history.replaceState(null, '', '/login');
        }
        this.view = {
          element: loginView({
            api: this.api,
            i18n: this.i18n,
            onLanguage: (l) => this.setLanguage(l, false),
            onLoggedIn: (me) => this.signedIn(me, true),
            navigate: (p) => this.navigate(p),
          }),
        };
      }
    } else {
      const me = this.me;
      const allowed = this.pages.filter((p) => !p.roles || p.roles.includes(me.role));
      const page = allowed.find((p) => path === p.path || path.startsWith(`${p.path}/`)) ?? allowed[0]!;
      const ctx: Ctx = {
        api: this.api,
        i18n: this.i18n,
        t: (key, params) => this.i18n.t(key, params),
        navigate: (p) => this.navigate(p),
        me,
        live: this.live,
        phone: this.phone!,
      };
      this.view = shellView(ctx, this.pages, page, {
        onLanguage: (l) => this.setLanguage(l, true),
        onLogout: () => void this.logout(),
      });
    }
    replace(this.root, this.view.element);
    document.title = this.i18n.t('app.name');
  }
}
