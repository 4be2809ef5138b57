import { Activity } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';

export const routes: RouteDef[] = [
  {
    path: '/supervisor',
    title: 'agents.live.title',
    roles: ['admin', 'supervisor'],
    load: () => import('./live-page.js').then((m) => m.default),
    nav: { label: 'agents.live.nav', icon: Activity, order: 190, section: 'manage', href: '/supervisor' },
  },
];
