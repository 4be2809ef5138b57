import { h, replace } from '../dom.js';
import { ApiError } from '../api.js';
import type { Ctx, View } from '../context.js';
import { usersTab, teamsTab, type TabUi } from './admin-users.js';
import { ROLE_LABEL } from '../app/roles.js';

async function settingsTab(ctx: Ctx, ui: TabUi): Promise<HTMLElement> {
  const { t, api } = ctx;
  const policy = await api.get<{ maskedRoles: string[]; phoneVisibleTail: number }>('/api/v1/settings/masking');
  const boxes = (['intern', 'operator', 'supervisor', 'admin'] as const).map((role) => {
    const box = h('input', { type: 'checkbox', id: `mask-${role}`, value: role, checked: policy.maskedRoles.includes(role) });
    return h('label', { for: box.id, class: 'check' }, box, ' ', t(ROLE_LABEL[role]!));
  });
  const tail = h('input', { id: 'mask-tail', type: 'number', min: 0, max: 4, value: policy.phoneVisibleTail });
  const form = h(
    'form',
    { 'data-testid': 'masking-form' },
    h('fieldset', {}, h('legend', {}, t('settings.maskedRoles')), ...boxes),
    h('div', { class: 'field' }, h('label', { for: tail.id }, t('settings.phoneTail')), tail),
    h('button', { type: 'submit', class: 'primary' }, t('common.save')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const maskedRoles = [...form.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((b) => b.value);
    try {
      await api.put('/api/v1/settings/masking', { maskedRoles, phoneVisibleTail: Number(tail.value) });
      ui.ok(t('common.saved'));
    } catch (err) {
      ui.fail(err);
    }
  });
  return h('section', { 'data-testid': 'admin-settings' }, h('h2', {}, t('admin.settings')), h('h3', {}, t('settings.masking')), form);
}

/**
 * An admin page written as an `h()` view: its status line (survives the view's reload so "User X
 * added" stays visible) and the panel it renders into.
 */
export function adminTab(render: (ctx: Ctx, ui: TabUi) => Promise<HTMLElement>): (ctx: Ctx) => View {
  return (ctx) => {
    const { t } = ctx;
    const flash = h('p', { role: 'status', 'data-testid': 'admin-message', hidden: true });
    const panel = h('div', { class: 'admin-panel' }, h('p', { class: 'muted' }, t('common.loading')));
    let alive = true;
    const ui: TabUi = {
      async reload() {
        await show();
      },
      ok(text) {
        flash.className = 'muted';
        flash.textContent = text;
        flash.hidden = false;
      },
      fail(err) {
        flash.className = 'error';
        flash.textContent = err instanceof ApiError ? err.message : t('error.network');
        flash.hidden = false;
      },
    };
    const show = async () => {
      try {
        const element = await render(ctx, ui);
        if (alive) replace(panel, element);
      } catch (err) {
        const detail = err instanceof ApiError ? err.message : t('error.network');
        if (alive) replace(panel, h('p', { class: 'error', role: 'alert' }, err instanceof ApiError && err.status === 404 ? t('common.unavailable', { detail }) : detail));
      }
    };
    void show();
    return {
      element: h('div', {}, flash, panel),
      dispose: () => {
        alive = false;
      },
    };
  };
}

export const usersView = adminTab(usersTab);
export const teamsView = adminTab(teamsTab);
export const settingsView = adminTab(settingsTab);
