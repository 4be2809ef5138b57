import { MonitorCheck } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';
import { SelfTestPage } from './selftest-page.js';

export const routes: RouteDef[] = [
  {
    path: '/selftest',
    title: 'nav.selftest',
    component: SelfTestPage,
    nav: { label: 'nav.selftest', icon: MonitorCheck, order: 1000, section: 'help' },
  },
];
