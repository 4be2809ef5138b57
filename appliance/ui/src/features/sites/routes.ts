import type { RouteDef } from '../../app/routes.js';

// Reached from the admin console's tab bar (features/admin/layout.tsx).
export const routes: RouteDef[] = [{ path: '/admin/sites', title: 'sites.nav', roles: ['admin'], load: () => import('./sites-page.js').then((m) => m.default) }];
