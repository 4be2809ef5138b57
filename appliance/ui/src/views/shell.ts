import { h, replace } from '../dom.js';
import type { Ctx, View } from '../context.js';
import type { Language, MessageKey } from '../i18n.js';
import { languageSelect } from './language-select.js';

export const ROLE_LABEL: Record<string, MessageKey> = {
  admin: 'role.admin',
  supervisor: 'role.supervisor',
  operator: 'role.operator',
  intern: 'role.intern',
};

export interface Page {
  path: string;
  label: MessageKey;
  /** Roles that see this page in the menu; the server enforces access to the data anyway. */
  roles?: readonly string[];
  mount: (ctx: Ctx, outlet: HTMLElement) => View;
}

/**
 * The frame around every page after login: who is signed in and as what, the menu, the live
 * connection state, the language switch and logout. Pages mount into the outlet.
 */
export function shellView(ctx: Ctx, pages: readonly Page[], current: Page, handlers: {
  onLanguage: (language: Language) => void;
  onLogout: () => void;
}): View {
  const { t, me } = ctx;
  const visible = pages.filter((p) => !p.roles || p.roles.includes(me.role));
  const nav = h('nav', { 'aria-label': t('nav.main') });
  for (const page of visible) {
    const link = h('a', { href: page.path, 'aria-current': page === current ? 'page' : null }, t(page.label));
    link.addEventListener('click', (event) => {
      event.preventDefault();
      ctx.navigate(page.path);
    });
    nav.append(link);
  }
  const live = h('span', { class: 'live', 'data-testid': 'live-status', role: 'status' });
  const showLive = (online: boolean) => {
    live.textContent = online ? '●' : '○';
    live.title = t(online ? 'shell.live.online' : 'shell.live.offline');
    live.setAttribute('aria-label', live.title);
    live.classList.toggle('online', online);
  };
  showLive(ctx.live.online);
  const stopLive = ctx.live.onStatus(showLive);

  const logout = h('button', { type: 'button', 'data-testid': 'logout' }, t('shell.logout'));
  logout.addEventListener('click', handlers.onLogout);
  const notice = h('p', { class: 'notice', role: 'status', 'data-testid': 'shell-notice', hidden: true });

  const outlet = h('main', { id: 'main', tabindex: -1 });
  const header = h(
    'header',
    { class: 'shell-header' },
    h('span', { class: 'brand' }, t('app.name')),
    nav,
    h('span', { class: 'spacer' }),
    live,
    h('span', { class: 'who', 'data-testid': 'who' }, t('shell.user', { name: me.displayName, role: t(ROLE_LABEL[me.role] ?? 'role.operator') })),
    languageSelect(ctx.i18n, handlers.onLanguage),
    logout,
  );
  const element = h('div', { class: 'shell', 'data-role': me.role }, header, notice, outlet);
  const view = current.mount(ctx, outlet);
  replace(outlet, view.element);
  return {
    element,
    dispose() {
      stopLive();
      view.dispose?.();
    },
  };
}
