import { h, replace } from '../dom.js';
import { ApiError } from '../api.js';
import type { Ctx, View } from '../context.js';
import type { MessageKey } from '../i18n.js';
import { usersTab, teamsTab, type TabUi } from './admin-users.js';
import { ROLE_LABEL } from '../app/roles.js';

interface Trunk {
  id: number;
  name: string;
  kind: string;
  label: string;
  dids: Array<{ did: string; target: string }>;
}
interface AuditEntry {
  id: number;
  at: string;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
}

async function trunksTab(ctx: Ctx): Promise<HTMLElement> {
  const { t, api } = ctx;
  const trunks = await api.get<{ items: Trunk[] }>('/api/v1/trunks');
  return h(
    'section',
    { 'data-testid': 'admin-trunks' },
    h('h2', {}, t('admin.trunks')),
    trunks.items.length === 0
      ? h('p', { class: 'muted' }, t('trunks.none'))
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('trunks.name')), h('th', { scope: 'col' }, t('trunks.kind')), h('th', { scope: 'col' }, t('trunks.dids')))),
          h('tbody', {}, ...trunks.items.map((tr) => h('tr', {}, h('td', {}, tr.name), h('td', {}, tr.label || tr.kind), h('td', {}, tr.dids.map((d) => d.did).join(', '))))),
        ),
  );
}

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

async function auditTab(ctx: Ctx): Promise<HTMLElement> {
  const { t, api } = ctx;
  const page = await api.get<{ items: AuditEntry[] }>('/api/v1/audit?limit=100');
  return h(
    'section',
    { 'data-testid': 'admin-audit' },
    h('h2', {}, t('admin.audit')),
    page.items.length === 0
      ? h('p', { class: 'muted' }, t('audit.empty'))
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...(['audit.when', 'audit.who', 'audit.action', 'audit.target'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
          h(
            'tbody',
            {},
            ...page.items.map((e) =>
              h('tr', {}, h('td', {}, ctx.i18n.dateTime(e.at)), h('td', {}, e.actorName ?? '—'), h('td', {}, h('code', {}, e.action)), h('td', {}, [e.targetType, e.targetId].filter(Boolean).join(' '))),
            ),
          ),
        ),
  );
}

const TABS: Array<{ id: string; label: MessageKey; render: (ctx: Ctx, ui: TabUi) => Promise<HTMLElement> }> = [
  { id: 'users', label: 'admin.users', render: usersTab },
  { id: 'teams', label: 'admin.teams', render: teamsTab },
  { id: 'trunks', label: 'admin.trunks', render: trunksTab },
  { id: 'settings', label: 'admin.settings', render: settingsTab },
  { id: 'audit', label: 'admin.audit', render: auditTab },
];

/**
 * The admin console: users (with offboarding), teams, trunks (read-only: trunks are managed with
 * the `contactbox trunk` command on the server), masking settings and the audit log.
 * The tab is in the URL (/admin/teams).
 */
export function adminPage(ctx: Ctx): View {
  const { t } = ctx;
  const current = TABS.find((tab) => location.pathname === `/admin/${tab.id}`) ?? TABS[0]!;
  const flash = h('p', { role: 'status', 'data-testid': 'admin-message', hidden: true });
  const panel = h('div', { class: 'admin-panel' }, h('p', { class: 'muted' }, t('common.loading')));
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
      flash.textContent = err instanceof Error ? err.message : t('error.network');
      flash.hidden = false;
    },
  };
  let alive = true;
  const show = async () => {
    try {
      const element = await current.render(ctx, ui);
      if (alive) replace(panel, element);
    } catch (err) {
      const detail = err instanceof ApiError ? err.message : t('error.network');
      if (alive) replace(panel, h('p', { class: 'error', role: 'alert' }, err instanceof ApiError && err.status === 404 ? t('common.unavailable', { detail }) : detail));
    }
  };
  void show();
  const tabs = h(
    'div',
    { class: 'admin-tabs', role: 'tablist', 'aria-label': t('admin.title') },
    ...TABS.map((tab) =>
      h('button', { type: 'button', role: 'tab', 'aria-selected': String(tab === current), 'data-tab': tab.id, onclick: () => ctx.navigate(`/admin/${tab.id}`) }, t(tab.label)),
    ),
  );
  return {
    element: h('section', { class: 'admin', 'data-testid': 'admin' }, h('h1', {}, t('admin.title')), tabs, flash, panel),
    dispose: () => {
      alive = false;
    },
  };
}
