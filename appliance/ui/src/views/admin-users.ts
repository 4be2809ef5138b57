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
  // Search and filters: by name or login, role, team and state, answered as you type.
  const search = h('input', { id: 'user-search', type: 'search', autocomplete: 'off', 'data-page-search': true });
  const roleFilter = h('select', { id: 'user-role-filter' }, option('', t('admin.users.anyRole'), true), ...ROLES.map((r) => option(r, t(ROLE_LABEL[r]!))));
  const teamFilter = h('select', { id: 'user-team-filter' }, option('', t('admin.users.anyTeam'), true), ...teams.items.map((team) => option(String(team.id), team.name)));
  const stateFilter = h('select', { id: 'user-state-filter' }, option('', t('admin.common.all'), true), option('active', t('users.active')), option('inactive', t('users.inactive')));
  const shown = h('p', { class: 'muted', 'data-testid': 'users-shown', role: 'status' });
  const filters = h(
    'div',
    { class: 'toolbar', 'data-testid': 'user-filters' },
    h('div', { class: 'field' }, h('label', { for: search.id }, t('admin.users.search')), search),
    h('div', { class: 'field' }, h('label', { for: roleFilter.id }, t('users.role')), roleFilter),
    h('div', { class: 'field' }, h('label', { for: teamFilter.id }, t('users.teams')), teamFilter),
    h('div', { class: 'field' }, h('label', { for: stateFilter.id }, t('users.state')), stateFilter),
  );
  const section = h(
    'section',
    { 'data-testid': 'admin-users' },
    h('h2', {}, t('admin.users')),
    form,
    h('p', { class: 'muted' }, t('users.count', { count: users.items.length })),
    filters,
    shown,
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

  const rows: { user: User; row: HTMLTableRowElement }[] = [];
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
    rows.push({ user, row });
  }
  const fold = (text: string) => text.toLocaleLowerCase(ctx.i18n.language).normalize('NFKD').replace(/\p{M}/gu, '');
  const filter = () => {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let count = 0;
    for (const { user, row } of rows) {
      const haystack = fold([user.username, user.displayName, t(ROLE_LABEL[user.role] ?? 'role.operator'), ...user.teamIds.map((id) => teamName.get(id) ?? '')].join(' '));
      const match =
        words.every((w) => haystack.includes(w)) &&
        (!roleFilter.value || user.role === roleFilter.value) &&
        (!teamFilter.value || user.teamIds.includes(Number(teamFilter.value))) &&
        (!stateFilter.value || user.active === (stateFilter.value === 'active'));
      row.hidden = !match;
      const next = row.nextElementSibling;
      if (next?.classList.contains('editor-row')) (next as HTMLElement).hidden = !match;
      if (match) count++;
    }
    shown.textContent = count === rows.length ? '' : count ? t('admin.users.shown', { shown: count, count: rows.length }) : t('admin.users.noMatch');
  };
  search.addEventListener('input', filter);
  for (const select of [roleFilter, teamFilter, stateFilter]) select.addEventListener('change', filter);
  return section;
}

/** Teams: the groups that routing and mail rules point at — added, renamed, their members edited, deleted. */
export async function teamsTab(ctx: Ctx, ui: TabUi): Promise<HTMLElement> {
  const { t, api } = ctx;
  const [teams, users] = await Promise.all([api.get<{ items: Team[] }>('/api/v1/teams'), api.get<{ items: User[] }>('/api/v1/users')]);
  const active = users.items.filter((u) => u.active);
  const nameOf = new Map(users.items.map((u) => [u.id, u.displayName]));
  const collator = new Intl.Collator(ctx.i18n.language);
  const name = h('input', { id: 'new-team', required: true, maxlength: 100, autocomplete: 'off' });
  const form = h('form', { class: 'inline-form' }, h('div', { class: 'field' }, h('label', { for: name.id }, t('teams.name')), name), h('button', { type: 'submit', class: 'primary' }, t('teams.create')));
  const tbody = h('tbody', {});
  const section = h(
    'section',
    { 'data-testid': 'admin-teams' },
    h('h2', {}, t('admin.teams')),
    form,
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('teams.name')), h('th', { scope: 'col' }, t('admin.teams.members')), h('th', {}))), tbody),
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
  const change = async (team: Team, body: Record<string, unknown>, message: string) => {
    try {
      await api.patch(`/api/v1/teams/${team.id}`, body);
      await ui.reload();
      ui.ok(message);
    } catch (err) {
      ui.fail(err);
    }
  };
  for (const team of teams.items) {
    const nameCell = h('td', {}, team.name);
    const members = team.memberIds.map((id) => nameOf.get(id) ?? `#${id}`).sort(collator.compare);
    const row = h('tr', { 'data-testid': 'team-row', 'data-team': team.name }, nameCell, h('td', { 'data-testid': 'team-members' }, members.length ? members.join(', ') : t('teams.members', { count: 0 })));
    const rename = h('button', { type: 'button' }, t('admin.teams.rename'));
    const edit = h('button', { type: 'button' }, t('admin.teams.editMembers'));
    const remove = h('button', { type: 'button', class: 'danger' }, t('admin.teams.delete'));
    row.append(h('td', {}, rename, ' ', edit, ' ', remove));
    rename.addEventListener('click', () => {
      const input = h('input', { id: `rename-team-${team.id}`, value: team.name, maxlength: 100, required: true, 'aria-label': t('admin.teams.newName', { name: team.name }) });
      const renameForm = h('form', { class: 'inline-form' }, input, ' ', h('button', { type: 'submit', class: 'primary' }, t('common.save')), ' ', h('button', { type: 'button', onclick: () => replace(nameCell, team.name) }, t('common.cancel')));
      renameForm.addEventListener('submit', (event) => {
        event.preventDefault();
        void change(team, { name: input.value.trim() }, t('admin.teams.renamed', { name: input.value.trim() }));
      });
      replace(nameCell, renameForm);
      input.focus();
    });
    edit.addEventListener('click', () => {
      if (row.nextElementSibling?.classList.contains('editor-row')) return;
      const boxes = active.map((u) => {
        const box = h('input', { type: 'checkbox', id: `team-${team.id}-member-${u.id}`, value: String(u.id), checked: team.memberIds.includes(u.id) });
        return h('label', { for: box.id, class: 'check' }, box, ' ', u.displayName);
      });
      const editor = h('form', { 'data-testid': 'team-members-editor' }, h('fieldset', {}, h('legend', {}, t('admin.teams.membersOf', { name: team.name })), ...boxes));
      const editorRow = h('tr', { class: 'editor-row' }, h('td', { colspan: 3 }, editor));
      editor.append(h('button', { type: 'submit', class: 'primary' }, t('common.save')), ' ', h('button', { type: 'button', onclick: () => editorRow.remove() }, t('common.cancel')));
      editor.addEventListener('submit', (event) => {
        event.preventDefault();
        const memberIds = [...editor.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((b) => Number(b.value));
        void change(team, { memberIds }, t('admin.teams.membersSaved', { name: team.name }));
      });
      row.after(editorRow);
    });
    remove.addEventListener('click', async () => {
      if (!confirm(t('admin.teams.confirmDelete', { name: team.name }))) return;
      try {
        await api.request('DELETE', `/api/v1/teams/${team.id}`);
        await ui.reload();
        ui.ok(t('admin.teams.deleted', { name: team.name }));
      } catch (err) {
        ui.fail(err);
      }
    });
    tbody.append(row);
  }
  return section;
}
