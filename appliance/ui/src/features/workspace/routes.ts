import { Headset } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';
import { legacyPage } from '../../ui/legacy.js';
import { workspacePage } from '../../views/workspace.js';

export const routes: RouteDef[] = [
  {
    path: '/workspace/*',
    title: 'nav.workspace',
    component: legacyPage(workspacePage),
    nav: { label: 'nav.workspace', icon: Headset, order: 10, href: '/workspace' },
  },
];
