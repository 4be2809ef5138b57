import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { Headphones, LogOut, Moon, Search, Sun, Keyboard, Wifi, WifiOff } from 'lucide-preact';
import { session, useT } from './session.js';
import type { Match, PageProps, Router } from './routes.js';
import type { MessageKey } from '../i18n.js';
import { LANGUAGES, LANGUAGE_NAMES, isLanguage } from '../i18n.js';
import { Toaster } from '../ui/toast.js';
import { Loading, ErrorState } from '../ui/states.js';
import { activeShortcuts, comboLabel, useShortcut } from '../ui/keys.js';
import { theme, isDark } from '../ui/theme.js';
import { NotFound } from './not-found.js';
import { ROLE_LABEL } from './roles.js';
import { AgentStatus } from '../features/agents/status.js';
import { SystemNotices } from '../features/admin/notices.js';


/**
 * The frame around every page after login: the navigation rail (built from the routes the
 * user's role may open), the top bar (page title, search, live state, who is signed in,
 * language, theme, logout), toasts, and the page itself.
 */
export function Shell({ router }: { router: Router }) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const path = s.path;
  const match = router.match(path, me.role);
  const title = match ? t(match.route.title) : t('notFound.title');
  const [helpOpen, setHelpOpen] = useState(false);

  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title]);

  useShortcut('/', 'shortcut.search', () => focusSearch());
  useShortcut('mod+k', 'shortcut.search', () => focusSearch());
  useShortcut('?', 'shortcut.help', () => setHelpOpen(true));
  const phone = s.phone.value;
  useShortcut('alt+a', 'shortcut.answer', () => phone?.call?.status === 'ringing' && phone.answer());
  useShortcut('alt+h', 'shortcut.hangup', () => phone?.call && phone.hangup());
  useShortcut('alt+o', 'shortcut.hold', () => phone?.call?.status === 'active' && phone.toggleHold());
  useShortcut('alt+m', 'shortcut.mute', () => phone?.call?.status === 'active' && phone.toggleMute());

  const entries = router.nav(me.role);
  const activeHref = match?.route.nav ? entries.find((e) => e.path === match.route.path)?.href : entries.filter((e) => path === e.href || path.startsWith(`${e.href}/`)).at(-1)?.href;
  const sections = ['work', 'manage', 'help'] as const;

  return (
    <div class="app-shell" data-role={me.role}>
      <a class="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <nav class="rail" aria-label={t('nav.main')}>
        <a
          class="rail-brand"
          href={router.home(me.role)}
          onClick={(e) => {
            e.preventDefault();
            s.navigate(router.home(me.role));
          }}
          aria-label={t('app.name')}
        >
          <Headphones size={22} aria-hidden="true" />
        </a>
        {sections.map((section) => (
          <ul class={`rail-section rail-${section}`} key={section}>
            {entries
              .filter((e) => (e.nav.section ?? 'work') === section)
              .map((e) => {
                const Icon = e.nav.icon;
                const count = e.nav.badge?.() ?? null;
                return (
                  <li key={e.path}>
                    <a
                      href={e.href}
                      class="rail-item"
                      aria-current={e.href === activeHref ? 'page' : undefined}
                      data-testid={`nav-${e.href.slice(1).replaceAll('/', '-')}`}
                      onClick={(ev) => {
                        if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
                        ev.preventDefault();
                        s.navigate(e.href);
                      }}
                    >
                      <Icon size={20} aria-hidden="true" />
                      <span class="rail-label">{t(e.nav.label)}</span>
                      {count ? <span class="rail-badge">{count > 99 ? '99+' : count}</span> : null}
                    </a>
                  </li>
                );
              })}
          </ul>
        ))}
      </nav>
      <div class="frame">
        <header class="topbar">
          <h1 class="page-title" data-testid="page-title">
            {title}
          </h1>
          <GlobalSearch />
          <span class="spacer" />
          <AgentStatus />
          <LiveStatus />
          <span class="who" data-testid="who">
            {whoText(t, me.displayName, me.role)}
          </span>
          <LanguagePicker />
          <button
            type="button"
            class="icon-button"
            data-testid="theme-toggle"
            aria-label={t(isDark() ? 'shell.theme.light' : 'shell.theme.dark')}
            title={t(isDark() ? 'shell.theme.light' : 'shell.theme.dark')}
            onClick={() => (theme.value = isDark() ? 'light' : 'dark')}
          >
            {isDark() ? <Sun size={18} aria-hidden="true" /> : <Moon size={18} aria-hidden="true" />}
          </button>
          <button type="button" class="icon-button" aria-label={t('shortcut.help')} title={t('shortcut.help')} onClick={() => setHelpOpen(true)}>
            <Keyboard size={18} aria-hidden="true" />
          </button>
          <button type="button" data-testid="logout" class="ghost" onClick={() => void s.logout()}>
            <LogOut size={16} aria-hidden="true" />
            <span>{t('shell.logout')}</span>
          </button>
        </header>
        {s.notice.value && (
          <p class="notice" role="status" data-testid="shell-notice">
            {s.notice.value}
          </p>
        )}
        <SystemNotices />
        <main id="main" tabIndex={-1}>
          {match ? <PageHost match={match} /> : <NotFound home={router.home(me.role)} />}
        </main>
      </div>
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
      <Toaster />
    </div>
  );
}

/** "Name · Role", or just the name when it is the role's own word ("Administrator"). */
export function whoText(t: (k: MessageKey, p?: Record<string, string>) => string, name: string, role: string): string {
  const roleLabel = t(ROLE_LABEL[role] ?? 'role.operator');
  const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;
  if (!name.trim() || same(name.trim(), roleLabel) || same(name.trim(), role)) return roleLabel;
  return t('shell.user', { name, role: roleLabel });
}

function focusSearch(): void {
  // The page's own search box if it has one, else the top bar's.
  const target = document.querySelector<HTMLInputElement>('main [data-page-search]') ?? document.querySelector<HTMLInputElement>('#global-search');
  target?.focus();
  target?.select();
}

function GlobalSearch() {
  const s = session();
  const t = useT();
  const [q, setQ] = useState('');
  return (
    <form
      class="global-search"
      role="search"
      aria-label={t('search.label')}
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) s.navigate(`/workspace?q=${encodeURIComponent(q.trim())}`);
      }}
    >
      <Search size={16} aria-hidden="true" />
      <input
        id="global-search"
        type="search"
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
        placeholder={t('shell.searchHint', { keys: comboLabel('mod+k') })}
        aria-label={t('search.label')}
        autocomplete="off"
        maxLength={200}
      />
    </form>
  );
}

function LiveStatus() {
  const s = session();
  const t = useT();
  const [online, setOnline] = useState(s.live.online);
  // Read again once subscribed: the socket may have opened between this render and the effect.
  useEffect(() => {
    const off = s.live.onStatus(setOnline);
    setOnline(s.live.online);
    return off;
  }, []);
  const label = t(online ? 'shell.live.online' : 'shell.live.offline');
  return (
    <span class={`live ${online ? 'online' : ''}`} data-testid="live-status" role="status" aria-label={label} title={label}>
      {online ? <Wifi size={16} aria-hidden="true" /> : <WifiOff size={16} aria-hidden="true" />}
    </span>
  );
}

export function LanguagePicker({ onPick }: { onPick?: (l: string) => void }) {
  const s = session();
  const t = useT();
  return (
    <span class="language">
      <label for="language" class="visually-hidden">
        {t('common.language')}
      </label>
      <select
        id="language"
        data-testid="language"
        value={s.language.value}
        onChange={(e) => {
          const value = e.currentTarget.value;
          if (isLanguage(value)) (onPick ?? ((l: string) => s.setLanguage(l as never, true)))(value);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  );
}

const loaded = new Map<string, ComponentType<PageProps>>();

function PageHost({ match }: { match: Match }) {
  const s = session();
  const { route, params } = match;
  const [Component, setComponent] = useState<ComponentType<PageProps> | null>(() => route.component ?? loaded.get(route.path) ?? null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    const ready = route.component ?? loaded.get(route.path);
    if (ready) return setComponent(() => ready);
    setComponent(null);
    let live = true;
    route.load!().then(
      (c) => {
        loaded.set(route.path, c);
        if (live) setComponent(() => c);
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [route]);
  if (error) return <ErrorState error={error} onRetry={() => location.reload()} />;
  if (!Component) return <Loading />;
  const query = new URLSearchParams(s.location.value.split('?')[1] ?? '');
  return <Component params={params} query={query} />;
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const seen = new Set<string>();
  const rows = activeShortcuts().filter((sc) => !seen.has(sc.combo) && seen.add(sc.combo));
  return (
    <dialog ref={ref} class="dialog" onClose={onClose} aria-labelledby="shortcut-title" data-testid="shortcut-help">
      <h2 id="shortcut-title">{t('shortcut.help')}</h2>
      <dl class="shortcuts">
        {rows.map((sc) => (
          <>
            <dt>
              <kbd>{comboLabel(sc.combo)}</kbd>
            </dt>
            <dd>{t(sc.label)}</dd>
          </>
        ))}
        <dt>
          <kbd>↑</kbd> <kbd>↓</kbd>
        </dt>
        <dd>{t('shortcut.list')}</dd>
      </dl>
      <form method="dialog">
        <button type="submit" class="primary">
          {t('common.close')}
        </button>
      </form>
    </dialog>
  );
}
