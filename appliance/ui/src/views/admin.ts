import { h } from '../dom.js';
import type { Ctx, View } from '../context.js';

/** The admin console. */
export function adminPage(ctx: Ctx): View {
  return { element: h('section', { class: 'admin', 'data-testid': 'admin' }, h('h1', {}, ctx.t('admin.title'))) };
}
