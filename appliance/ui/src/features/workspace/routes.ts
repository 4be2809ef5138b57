import { Headset } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';
import { WorkspacePage } from './workspace-page.js';

export const routes: RouteDef[] = [
  {
    path: '/workspace/*',
    title: 'nav.workspace',
    component: WorkspacePage,
    nav: { label: 'nav.workspace', icon: Headset, order: 10, href: '/workspace' },
  },
];
