import { MessagesSquare } from 'lucide-preact';
import type { RouteDef } from '../../app/routes.js';

export const routes: RouteDef[] = [
  {
    path: '/chats',
    title: 'chat.title',
    load: () => import('./chat-page.js').then((m) => m.default),
    nav: { label: 'chat.nav', icon: MessagesSquare, order: 20, section: 'work', href: '/chats' },
  },
  {
    path: '/chats/:id',
    title: 'chat.title',
    load: () => import('./chat-page.js').then((m) => m.default),
  },
];
