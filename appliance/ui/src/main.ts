import { App } from './app.js';
import { pages } from './pages.js';

const root = document.getElementById('app');
if (root) void new App(root, pages, window.localStorage).start();
