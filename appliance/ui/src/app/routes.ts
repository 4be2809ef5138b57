import type { ComponentType } from 'preact';
import type { LucideIcon } from 'lucide-preact';
import type { MessageKey } from '../i18n.js';
import type { Role } from './session.js';

/** What a page component receives: the `:name` parts of its path and the query string. */
export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface NavEntry {
  label: MessageKey;
  icon: LucideIcon;
  /** Position in the rail, lowest first; leave gaps (10, 20, …) so areas can slot in. */
  order: number;
  /** `work` (top of the rail, daily screens), `manage` (supervision, admin), `help` (bottom). */
  section?: 'work' | 'manage' | 'help';
  /** Where the entry links when the path has parameters or a `*`; default: the path up to them. */
  href?: string;
  /** A live count shown on the entry (unread mail, waiting callers…). */
  badge?: () => number | null;
}

/**
 * One page of the app, declared in `src/features/<area>/routes.ts` as `export const routes`.
 * The shell finds these files itself, so a new page is a new file, not an edit to a shared switch.
 */
export interface RouteDef {
  /** `/mail`, `/mail/:threadId`, `/admin/*` (a trailing `*` matches the rest of the path). */
  path: string;
  /** Tab title and heading. */
  title: MessageKey;
  /** Roles that may open it (others get the not-found page); the server checks the data anyway. */
  roles?: readonly Role[];
  nav?: NavEntry;
  /** The page, imported eagerly… */
  component?: ComponentType<PageProps>;
  /** …or loaded when first opened (keeps the first paint small). */
  load?: () => Promise<ComponentType<PageProps>>;
}

interface Compiled {
  route: RouteDef;
  parts: string[];
  wildcard: boolean;
  score: number;
}

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
}

/** Picks the most specific route for a path: more fixed segments win, then fewer parameters, then no `*`. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly routes: readonly RouteDef[]) {
    this.compiled = routes
      .map((route) => {
        const parts = route.path.split('/').filter(Boolean);
        const wildcard = parts.at(-1) === '*';
        if (wildcard) parts.pop();
        const fixed = parts.filter((p) => !p.startsWith(':')).length;
        return { route, parts, wildcard, score: fixed * 100 + parts.length * 10 + (wildcard ? 0 : 5) };
      })
      .sort((a, b) => b.score - a.score);
  }

  match(path: string, role: Role): Match | null {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    for (const c of this.compiled) {
      if (c.route.roles && !c.route.roles.includes(role)) continue;
      if (segments.length < c.parts.length || (!c.wildcard && segments.length !== c.parts.length)) continue;
      const params: Record<string, string> = {};
      let ok = true;
      c.parts.forEach((part, i) => {
        if (part.startsWith(':')) params[part.slice(1)] = segments[i]!;
        else if (part !== segments[i]) ok = false;
      });
      if (ok) return { route: c.route, params };
    }
    return null;
  }

  /** The rail's entries for a role, in order. */
  nav(role: Role): Array<RouteDef & { nav: NavEntry; href: string }> {
    return this.routes
      .filter((r): r is RouteDef & { nav: NavEntry } => Boolean(r.nav) && (!r.roles || r.roles.includes(role)))
      .map((r) => ({ ...r, href: r.nav.href ?? `/${r.path.split('/').filter((p) => p && p !== '*' && !p.startsWith(':')).join('/')}` }))
      .sort((a, b) => a.nav.order - b.nav.order);
  }

  /** The first screen after login for a role: the first `work` entry of the rail. */
  home(role: Role): string {
    const entries = this.nav(role);
    return (entries.find((e) => (e.nav.section ?? 'work') === 'work') ?? entries[0])?.href ?? '/';
  }
}
