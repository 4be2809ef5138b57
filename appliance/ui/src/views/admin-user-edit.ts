import { h, option } from '../dom.js';
import type { Ctx } from '../context.js';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n.js';
import { ROLE_LABEL } from '../app/roles.js';

export interface EditableUser {
  id: number;
  displayName: string;
  role: string;
  language: string | null;
  teamIds: number[];
}

const ROLES = ['operator', 'intern', 'supervisor', 'admin'] as const;

/** Team checkboxes, for creating and editing a user. */
export function teamChecks(teams: ReadonlyArray<{ id: number; name: string }>, selected: readonly number[], idPrefix: string): { element: HTMLElement; value(): number[] } {
  const boxes = teams.map((team) => h('input', { type: 'checkbox', id: `${idPrefix}-team-${team.id}`, value: team.id, checked: selected.includes(team.id) }));
  return {
    element: h('span', { class: 'team-checks' }, ...boxes.map((box, i) => h('label', { for: box.id, class: 'check' }, box, ' ', teams[i]!.name))),
    value: () => boxes.filter((b) => b.checked).map((b) => Number(b.value)),
  };
}

/**
 * Editing a user: name, role, language, teams, and optionally a new password. Only changed
 * fields are sent; the server ends the user's sessions on a role or password change.
 */
export function userEditor(ctx: Ctx, user: EditableUser, teams: ReadonlyArray<{ id: number; name: string }>, done: (saved: boolean, err?: unknown) => void): HTMLElement {
  const { t, api } = ctx;
  const p = `edit-${user.id}`;
  const displayName = h('input', { id: `${p}-name`, value: user.displayName, maxlength: 200, required: true });
  const role = h('select', { id: `${p}-role` }, ...ROLES.map((r) => option(r, t(ROLE_LABEL[r]!), r === user.role)));
  const language = h('select', { id: `${p}-language` }, option('', '—', user.language === null), ...LANGUAGES.map((l) => option(l, LANGUAGE_NAMES[l], l === user.language)));
  const password = h('input', { id: `${p}-password`, type: 'password', maxlength: 200, autocomplete: 'new-password' });
  const teamBoxes = teamChecks(teams, user.teamIds, p);
  const form = h(
    'form',
    { class: 'inline-form', 'data-testid': 'user-editor' },
    h('div', { class: 'field' }, h('label', { for: displayName.id }, t('users.displayName')), displayName),
    h('div', { class: 'field' }, h('label', { for: role.id }, t('users.role')), role),
    h('div', { class: 'field' }, h('label', { for: language.id }, t('users.language')), language),
    h('div', { class: 'field' }, h('label', { for: password.id }, t('users.newPassword')), password),
    teams.length ? h('fieldset', {}, h('legend', {}, t('users.teams')), teamBoxes.element) : null,
    h('button', { type: 'submit', class: 'primary' }, t('common.save')),
    h('button', { type: 'button', onclick: () => done(false) }, t('common.cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const patch: Record<string, unknown> = {};
    if (displayName.value.trim() !== user.displayName) patch.displayName = displayName.value.trim();
    if (role.value !== user.role) patch.role = role.value;
    if ((language.value || null) !== user.language) patch.language = language.value || null;
    if (password.value) patch.password = password.value;
    const teamIds = teamBoxes.value();
    if (teams.length && teamIds.join(',') !== [...user.teamIds].sort((a, b) => a - b).join(',')) patch.teamIds = teamIds;
    if (Object.keys(patch).length === 0) return done(false);
    try {
      await api.patch(`/api/v1/users/${user.id}`, patch);
      done(true);
    } catch (err) {
      done(false, err);
    }
  });
  queueMicrotask(() => displayName.focus());
  return form;
}
