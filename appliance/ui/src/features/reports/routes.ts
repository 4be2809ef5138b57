import { BarChart3, MonitorPlay, ListChecks } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';

export const routes: RouteDef[] = [
  {
    path: '/reports',
    title: 'reports.title',
    roles: ['admin', 'supervisor'],
    load: () => import('./reports-page.js').then((m) => m.default),
    nav: { label: 'reports.nav', icon: BarChart3, order: 200, section: 'manage', href: '/reports' },
  },
  {
    path: '/reports/dialogs',
    title: 'reports.tab.dialogs',
    roles: ['admin', 'supervisor'],
    load: () => import('./dialogs-page.js').then((m) => m.default),
  },
  {
    path: '/reports/schedules',
    title: 'reports.tab.schedules',
    roles: ['admin', 'supervisor'],
    load: () => import('./schedules-page.js').then((m) => m.default),
  },
  {
    path: '/wallboard',
    title: 'reports.wallboard',
    roles: ['admin', 'supervisor'],
    load: () => import('./wallboard-page.js').then((m) => m.default),
    nav: { label: 'reports.wallboard', icon: MonitorPlay, order: 210, section: 'manage', href: '/wallboard' },
  },
  {
    path: '/queues',
    title: 'reports.myQueues',
    roles: ['admin', 'supervisor', 'operator', 'intern'],
    load: () => import('./agent-page.js').then((m) => m.default),
    nav: { label: 'reports.myQueues', icon: ListChecks, order: 20, section: 'work', href: '/queues' },
  },
];
