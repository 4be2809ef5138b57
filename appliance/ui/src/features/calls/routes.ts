import { History } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';

export const routes: RouteDef[] = [
  {
    path: '/calls',
    title: 'calls.title',
    load: () => import('./calls-page.js').then((m) => m.default),
    nav: { label: 'calls.nav', icon: History, order: 30 },
  },
];
