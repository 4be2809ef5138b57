import { render } from 'preact';
import { startSession } from './app/session.js';
import { Router } from './app/routes.js';
import { allRoutes } from './app/registry.js';
import { Root } from './app/root.js';
import { initTheme } from './ui/theme.js';

const root = document.getElementById('app');
if (root) {
  initTheme(window.localStorage);
  const session = startSession(window.localStorage);
  const router = new Router(allRoutes);
  render(<Root router={router} />, root);
  void session.start();
}
