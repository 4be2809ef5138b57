import { FileText, Mail } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';

const load = () => import('./mail-page.js').then((m) => m.default);

export const routes: RouteDef[] = [
  { path: '/mail', title: 'mail.title', load, nav: { label: 'mail.nav', icon: Mail, order: 20 } },
  { path: '/mail/:threadId', title: 'mail.title', load },
  {
    path: '/mail/templates',
    title: 'mail.templates.title',
    roles: ['admin', 'supervisor'],
    load: () => import('./templates-page.js').then((m) => m.default),
    nav: { label: 'mail.templates.nav', icon: FileText, order: 220, section: 'manage', href: '/mail/templates' },
  },
];
