import { Settings } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';
import { session } from '../../app/session.js';
import { SettingsPage, TeamsPage, UsersPage } from './people.js';

const ADMIN = ['admin'] as const;

/** `/admin` opens the first page of the console. */
function AdminHome() {
  queueMicrotask(() => session().navigate('/admin/users', { replace: true }));
  return null;
}

// Exact paths only: any other /admin/… address gets the not-found page.
export const routes: RouteDef[] = [
  { path: '/admin', title: 'admin.title', roles: ADMIN, component: AdminHome, nav: { label: 'nav.admin', icon: Settings, order: 900, section: 'manage' } },
  { path: '/admin/users', title: 'admin.users', roles: ADMIN, component: UsersPage },
  { path: '/admin/teams', title: 'admin.teams', roles: ADMIN, component: TeamsPage },
  { path: '/admin/settings', title: 'admin.settings', roles: ADMIN, component: SettingsPage },
  { path: '/admin/mailboxes', title: 'admin.nav.mailboxes', roles: ADMIN, load: () => import('./mailboxes-page.js').then((m) => m.default) },
  { path: '/admin/routing', title: 'admin.nav.routing', roles: ADMIN, load: () => import('./routing-page.js').then((m) => m.default) },
  { path: '/admin/telephony', title: 'admin.nav.telephony', roles: ADMIN, load: () => import('./telephony-page.js').then((m) => m.default) },
  { path: '/admin/phones', title: 'admin.nav.phones', roles: ADMIN, load: () => import('./phones-page.js').then((m) => m.default) },
  { path: '/admin/retention', title: 'admin.nav.retention', roles: ADMIN, load: () => import('./retention-page.js').then((m) => m.default) },
  { path: '/admin/licence', title: 'admin.nav.licence', roles: ADMIN, load: () => import('./licence-page.js').then((m) => m.default) },
  { path: '/admin/system', title: 'admin.nav.system', roles: ADMIN, load: () => import('./system-page.js').then((m) => m.default) },
  { path: '/admin/audit', title: 'admin.audit', roles: ADMIN, load: () => import('./audit-page.js').then((m) => m.default) },
];
