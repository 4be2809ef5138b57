import { Settings } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';
import { legacyPage } from '../../ui/legacy.js';
import { adminPage } from '../../views/admin.js';

export const routes: RouteDef[] = [
  {
    path: '/admin/*',
    title: 'nav.admin',
    roles: ['admin'],
    component: legacyPage(adminPage),
    nav: { label: 'nav.admin', icon: Settings, order: 900, section: 'manage', href: '/admin' },
  },
];
