import { Inbox } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';

export const routes: RouteDef[] = [
  {
    path: '/inbox',
    title: 'inbox.title',
    load: () => import('./inbox-page.js').then((m) => m.default),
    nav: { label: 'inbox.nav', icon: Inbox, order: 15 },
  },
];
