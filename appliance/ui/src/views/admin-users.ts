import { h, option, replace } from '../dom.js';
import type { Ctx } from '../context.js';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n.js';
import { ROLE_LABEL } from '../app/roles.js';
import { teamChecks, userEditor } from './admin-user-edit.js';

interface User {
  id: number;
  username: string;
  displayName: string;
  role: string;
  language: string | null;
  active: boolean;
  teamIds: number[];
}
interface Team {
  id: number;
  name: string;
  memberIds: number[];
}

const ROLES = ['operator', 'intern', 'supervisor', 'admin'] as const;

/** The admin console's status line: survives a tab's reload so "User X added" stays visible. */
export interface TabUi {
  reload(): Promise<void>;
  ok(text: string): void;
  fail(err: unknown): void;
}

/** Users: add one, see everyone, offboard in two clicks (Deactivate → confirm with a hand-over). */
export async function usersTab(ctx: Ctx, ui: TabUi): Promise<HTMLElement> {
  const { t, api } = ctx;
  const [users, teams] = await Promise.all([api.get<{ items: User[] }>('/api/v1/users'), api.get<{ items: Team[] }>('/api/v1/teams')]);
  const teamName = new Map(teams.items.map((team) => [team.id, team.name]));

  const username = h('input', { id: 'new-username', required: true, maxlength: 64, autocomplete: 'off' });
  const displayName = h('input', { id: 'new-display-name', required: true, maxlength: 200, autocomplete: 'off' });
  const password = h('input', { id: 'new-password', type: 'password', required: true, maxlength: 200, autocomplete: 'new-password' });
  const role = h('select', { id: 'new-role' }, ...ROLES.map((r) => option(r, t(ROLE_LABEL[r]!), r === 'operator')));
  const language = h('select', { id: 'new-language' }, option('', '—', true), ...LANGUAGES.map((l) => option(l, LANGUAGE_NAMES[l])));
  const newTeams = teamChecks(teams.items, [], 'new');
  const form = h(
    'form',
    { class: 'inline-form', 'data-testid': 'user-form' },
    h('div', { class: 'field' }, h('label', { for: username.id }, t('users.username')), username),
    h('div', { class: 'field' }, h('label', { for: displayName.id }, t('users.displayName')), displayName),
    h('div', { class: 'field' }, h('label', { for: password.id }, t('users.password')), password),
    h('div', { class: 'field' }, h('label', { for: role.id }, t('users.role')), role),
    h('div', { class: 'field' }, h('label', { for: language.id }, t('users.language')), language),
    teams.items.length ? h('fieldset', {}, h('legend', {}, t('users.teams')), newTeams.element) : null,
    h('button', { type: 'submit', class: 'primary' }, t('users.create')),
  );

  const tbody = h('tbody', {});
  const section = h(
    'section',
    { 'data-testid': 'admin-users' },
    h('h2', {}, t('admin.users')),
    form,
    h('p', { class: 'muted' }, t('users.count', { count: users.items.length })),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...(['users.username', 'users.displayName', 'users.role', 'users.teams', 'users.state'] as const).map((k) => h('th', { scope: 'col' }, t(k))), h('th', {}))),
      tbody,
    ),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.post('/api/v1/users', {
        username: username.value.trim(),
        displayName: displayName.value.trim(),
        password: password.value,
        role: role.value,
        ...(language.value ? { language: language.value } : {}),
        ...(newTeams.value().length ? { teamIds: newTeams.value() } : {}),
      });
      const name = displayName.value.trim();
      await ui.reload();
      ui.ok(t('users.created', { name }));
    } catch (err) {
      ui.fail(err);
    }
  });

  for (const user of users.items) {
    const actions = h('td', {});
    const row = h(
      'tr',
      { 'data-username': user.username },
      h('td', {}, user.username),
      h('td', {}, user.displayName),
      h('td', {}, t(ROLE_LABEL[user.role] ?? 'role.operator')),
      h('td', {}, user.teamIds.map((id) => teamName.get(id) ?? `#${id}`).join(', ')),
      h('td', {}, t(user.active ? 'users.active' : 'users.inactive')),
      actions,
    );
    if (user.active) {
      const edit = h('button', { type: 'button', 'data-testid': 'edit-user' }, t('users.edit'));
      edit.addEventListener('click', () => {
        const editorRow = h('tr', { class: 'editor-row' });
        const cell = h('td', { colspan: 6 });
        cell.append(
          userEditor(ctx, user, teams.items, async (saved, err) => {
            if (err) return ui.fail(err);
            editorRow.remove();
            edit.disabled = false;
            if (saved) {
              await ui.reload();
              ui.ok(t('users.saved', { name: user.displayName }));
            }
          }),
        );
        editorRow.append(cell);
        row.after(editorRow);
        edit.disabled = true;
      });
      actions.append(edit, ' ');
    }
    if (user.active && user.id !== ctx.me.id) {
      const slot = h('span', {});
      const start = h('button', { type: 'button', class: 'danger' }, t('users.deactivate'));
      start.addEventListener('click', () => {
        const handover = h('select', { id: `handover-${user.id}` }, option('', t('users.handoverNone'), true), ...users.items.filter((u) => u.active && u.id !== user.id).map((u) => option(String(u.id), u.displayName)));
        const confirm = h('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-deactivate' }, t('users.deactivate'));
        const cancel = h('button', { type: 'button', onclick: () => replace(slot, start) }, t('common.cancel'));
        confirm.addEventListener('click', async () => {
          try {
            await api.post(`/api/v1/users/${user.id}/deactivate`, handover.value ? { handoverTo: Number(handover.value) } : {});
            await ui.reload();
            ui.ok(t('users.deactivated', { name: user.displayName }));
          } catch (err) {
            ui.fail(err);
          }
        });
        replace(slot, h('p', {}, t('users.confirmDeactivate', { name: user.displayName })), h('label', { for: handover.id }, t('users.handoverTo')), ' ', handover, ' ', confirm, ' ', cancel);
        handover.focus();
      });
      slot.append(start);
      actions.append(slot);
    } else if (!user.active) {
      actions.append(
        h('button', {
          type: 'button',
          onclick: async () => {
            try {
              await api.post(`/api/v1/users/${user.id}/reactivate`);
              await ui.reload();
            } catch (err) {
              ui.fail(err);
            }
          },
        }, t('users.reactivate')),
      );
    }
    tbody.append(row);
  }
  return section;
}

/** Teams: the groups that routing and mail rules point at. */
export async function teamsTab(ctx: Ctx, ui: TabUi): Promise<HTMLElement> {
  const { t, api } = ctx;
  const teams = await api.get<{ items: Team[] }>('/api/v1/teams');
  const name = h('input', { id: 'new-team', required: true, maxlength: 100, autocomplete: 'off' });
  const form = h('form', { class: 'inline-form' }, h('div', { class: 'field' }, h('label', { for: name.id }, t('teams.name')), name), h('button', { type: 'submit', class: 'primary' }, t('teams.create')));
  const section = h(
    'section',
    { 'data-testid': 'admin-teams' },
    h('h2', {}, t('admin.teams')),
    form,
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('teams.name')), h('th', {}))), h('tbody', {}, ...teams.items.map((team) => h('tr', {}, h('td', {}, team.name), h('td', {}, t('teams.members', { count: team.memberIds.length })))))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.post('/api/v1/teams', { name: name.value.trim() });
      await ui.reload();
    } catch (err) {
      ui.fail(err);
    }
  });
  return section;
}
