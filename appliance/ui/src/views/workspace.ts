import { h } from '../dom.js';
import type { Ctx, View } from '../context.js';

/** The operator workspace. */
export function workspacePage(ctx: Ctx): View {
  return { element: h('section', { class: 'workspace', 'data-testid': 'workspace' }, h('h1', { class: 'visually-hidden' }, ctx.t('nav.workspace'))) };
}
