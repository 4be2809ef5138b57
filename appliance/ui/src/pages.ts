import type { Page } from './views/shell.js';
import { workspacePage } from './views/workspace.js';
import { adminPage } from './views/admin.js';
import { selfTestPage } from './views/selftest.js';

/** The pages of the shell, in menu order; the first is where login lands. */
export const pages: readonly Page[] = [
  { path: '/workspace', label: 'nav.workspace', mount: workspacePage },
  { path: '/admin', label: 'nav.admin', roles: ['admin'], mount: adminPage },
  { path: '/selftest', label: 'nav.selftest', mount: selfTestPage },
];
