import { MonitorCheck } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';
import { legacyPage } from '../../ui/legacy.js';
import { selfTestPage } from '../../views/selftest.js';

export const routes: RouteDef[] = [
  {
    path: '/selftest',
    title: 'nav.selftest',
    component: legacyPage(selfTestPage),
    nav: { label: 'nav.selftest', icon: MonitorCheck, order: 1000, section: 'help' },
  },
];
