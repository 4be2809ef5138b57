import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { LANGUAGES, LANGUAGE_NAMES } from '../../i18n.js';
import { session, useT } from '../../app/session.js';
import { ROLE_LABEL } from '../../app/roles.js';
import { useAsync } from '../../ui/async.js';
import { Async } from '../../ui/states.js';
import { describeError } from '../../ui/errors.js';
import { AdminFrame } from './layout.js';

export interface AdminUser {
  id: number;
  username: string;
  displayName: string;
  role: string;
  language: string | null;
  active: boolean;
  teamIds: number[];
}
export interface Team {
  id: number;
  name: string;
  memberIds: number[];
}

export type Flash = { tone: 'ok' | 'error'; text: string } | null;

/** The console's status line: kept across a page's reload, so "User X added" stays visible. */
export function useFlash() {
  const t = useT();
  const [flash, setFlash] = useState<Flash>(null);
  return {
    flash,
    ok: (text: string) => setFlash({ tone: 'ok', text }),
    fail: (err: unknown) => setFlash({ tone: 'error', text: describeError(err, t) }),
  };
}

export function FlashLine({ flash }: { flash: Flash }) {
  if (!flash) return null;
  return (
    <p role="status" class={flash.tone === 'error' ? 'error' : 'muted'} data-testid="admin-message">
      {flash.text}
    </p>
  );
}

/** Masking: which roles see phone numbers and e-mail addresses masked, and how many digits stay. */
export function SettingsPage() {
  const s = session();
  const flash = useFlash();
  const state = useAsync(() => s.api.get<{ maskedRoles: string[]; phoneVisibleTail: number }>('/api/v1/settings/masking'), []);
  return (
    <AdminFrame testid="admin-settings-page">
      <FlashLine flash={flash.flash} />
      <Async state={state} onRetry={state.reload}>
        {(policy) => <MaskingForm policy={policy} flash={flash} />}
      </Async>
    </AdminFrame>
  );
}

function MaskingForm({ policy, flash }: { policy: { maskedRoles: string[]; phoneVisibleTail: number }; flash: ReturnType<typeof useFlash> }) {
  const s = session();
  const t = useT();
  const [masked, setMasked] = useState<string[]>(policy.maskedRoles);
  const [tail, setTail] = useState(String(policy.phoneVisibleTail));
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await s.api.put('/api/v1/settings/masking', { maskedRoles: masked, phoneVisibleTail: Number(tail) });
      flash.ok(t('common.saved'));
    } catch (err) {
      flash.fail(err);
    }
  };
  return (
    <section data-testid="admin-settings">
      <h2>{t('admin.settings')}</h2>
      <h3>{t('settings.masking')}</h3>
      <form data-testid="masking-form" onSubmit={(e) => void save(e)}>
        <fieldset>
          <legend>{t('settings.maskedRoles')}</legend>
          {(['intern', 'operator', 'supervisor', 'admin'] as const).map((role) => (
            <label key={role} for={`mask-${role}`} class="check">
              <input
                type="checkbox"
                id={`mask-${role}`}
                value={role}
                checked={masked.includes(role)}
                onChange={(e) => setMasked(e.currentTarget.checked ? [...masked, role] : masked.filter((r) => r !== role))}
              />{' '}
              {t(ROLE_LABEL[role]!)}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="mask-tail">{t('settings.phoneTail')}</label>
          <input id="mask-tail" type="number" min={0} max={4} value={tail} onInput={(e) => setTail(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">
          {t('common.save')}
        </button>
      </form>
    </section>
  );
}

interface PeopleProps {
  users: AdminUser[];
  teams: Team[];
  flash: ReturnType<typeof useFlash>;
  reload: () => void;
  /** Runs a change, reloads the page's data and says `message` (or the server's refusal). */
  act: (run: () => Promise<unknown>, message?: string) => Promise<void>;
}

/** An admin page over the users and the teams: both loaded, reloaded after each change. */
function PeoplePage({ testid, Body }: { testid: string; Body: ComponentType<PeopleProps> }) {
  const s = session();
  const flash = useFlash();
  const state = useAsync(async () => {
    const [users, teams] = await Promise.all([s.api.get<{ items: AdminUser[] }>('/api/v1/users'), s.api.get<{ items: Team[] }>('/api/v1/teams')]);
    return { users: users.items, teams: teams.items };
  }, []);
  const act = async (run: () => Promise<unknown>, message?: string) => {
    try {
      await run();
      state.reload();
      if (message) flash.ok(message);
    } catch (err) {
      flash.fail(err);
    }
  };
  return (
    <AdminFrame testid={testid}>
      <FlashLine flash={flash.flash} />
      <Async state={state} onRetry={state.reload}>
        {(data) => <Body users={data.users} teams={data.teams} flash={flash} reload={state.reload} act={act} />}
      </Async>
    </AdminFrame>
  );
}

/** Teams: the groups that routing and mail rules point at — added, renamed, their members edited, deleted. */
export function TeamsPage() {
  return <PeoplePage testid="admin-teams-page" Body={Teams} />;
}

/** Users: add one, see everyone, offboard in two clicks (Deactivate → confirm with a hand-over). */
export function UsersPage() {
  return <PeoplePage testid="admin-users-page" Body={Users} />;
}

function Teams({ teams, users, act }: PeopleProps) {
  const s = session();
  const t = useT();
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<number | null>(null);
  const [newName, setNewName] = useState('');
  const [editing, setEditing] = useState<number | null>(null);
  const [members, setMembers] = useState<number[]>([]);
  const active = users.filter((u) => u.active);
  const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
  const collator = new Intl.Collator(s.language.value);

  return (
    <section data-testid="admin-teams">
      <h2>{t('admin.teams')}</h2>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => s.api.post('/api/v1/teams', { name: name.trim() }));
        }}
      >
        <div class="field">
          <label for="new-team">{t('teams.name')}</label>
          <input id="new-team" required maxLength={100} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">
          {t('teams.create')}
        </button>
      </form>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('teams.name')}</th>
            <th scope="col">{t('admin.teams.members')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {teams.flatMap((team) => {
            const list = team.memberIds.map((id) => nameOf.get(id) ?? `#${id}`).sort(collator.compare);
            const row = (
              <tr key={team.id} data-testid="team-row" data-team={team.name}>
                <td>
                  {renaming === team.id ? (
                    <form
                      class="inline-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        const next = newName.trim();
                        setRenaming(null);
                        void act(() => s.api.patch(`/api/v1/teams/${team.id}`, { name: next }), t('admin.teams.renamed', { name: next }));
                      }}
                    >
                      <input
                        id={`rename-team-${team.id}`}
                        value={newName}
                        maxLength={100}
                        required
                        aria-label={t('admin.teams.newName', { name: team.name })}
                        ref={(el) => el?.focus()}
                        onInput={(e) => setNewName(e.currentTarget.value)}
                      />{' '}
                      <button type="submit" class="primary">
                        {t('common.save')}
                      </button>{' '}
                      <button type="button" onClick={() => setRenaming(null)}>
                        {t('common.cancel')}
                      </button>
                    </form>
                  ) : (
                    team.name
                  )}
                </td>
                <td data-testid="team-members">{list.length ? list.join(', ') : t('teams.members', { count: 0 })}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => {
                      setNewName(team.name);
                      setRenaming(team.id);
                    }}
                  >
                    {t('admin.teams.rename')}
                  </button>{' '}
                  <button
                    type="button"
                    onClick={() => {
                      setMembers(team.memberIds);
                      setEditing(team.id);
                    }}
                  >
                    {t('admin.teams.editMembers')}
                  </button>{' '}
                  <button
                    type="button"
                    class="danger"
                    onClick={() => {
                      if (confirm(t('admin.teams.confirmDelete', { name: team.name }))) void act(() => s.api.request('DELETE', `/api/v1/teams/${team.id}`), t('admin.teams.deleted', { name: team.name }));
                    }}
                  >
                    {t('admin.teams.delete')}
                  </button>
                </td>
              </tr>
            );
            if (editing !== team.id) return [row];
            return [
              row,
              <tr key={`${team.id}-editor`} class="editor-row">
                <td colSpan={3}>
                  <form
                    data-testid="team-members-editor"
                    onSubmit={(e) => {
                      e.preventDefault();
                      setEditing(null);
                      void act(() => s.api.patch(`/api/v1/teams/${team.id}`, { memberIds: members }), t('admin.teams.membersSaved', { name: team.name }));
                    }}
                  >
                    <fieldset>
                      <legend>{t('admin.teams.membersOf', { name: team.name })}</legend>
                      {active.map((u) => (
                        <label key={u.id} for={`team-${team.id}-member-${u.id}`} class="check">
                          <input
                            type="checkbox"
                            id={`team-${team.id}-member-${u.id}`}
                            checked={members.includes(u.id)}
                            onChange={(e) => setMembers(e.currentTarget.checked ? [...members, u.id] : members.filter((m) => m !== u.id))}
                          />{' '}
                          {u.displayName}
                        </label>
                      ))}
                    </fieldset>
                    <button type="submit" class="primary">
                      {t('common.save')}
                    </button>{' '}
                    <button type="button" onClick={() => setEditing(null)}>
                      {t('common.cancel')}
                    </button>
                  </form>
                </td>
              </tr>,
            ];
          })}
        </tbody>
      </table>
    </section>
  );
}

const ROLES = ['operator', 'intern', 'supervisor', 'admin'] as const;

/** Team checkboxes, for creating and editing a user. */
function TeamChecks({ teams, value, onChange, idPrefix }: { teams: readonly Team[]; value: number[]; onChange: (ids: number[]) => void; idPrefix: string }) {
  return (
    <span class="team-checks">
      {teams.map((team) => (
        <label key={team.id} for={`${idPrefix}-team-${team.id}`} class="check">
          <input
            type="checkbox"
            id={`${idPrefix}-team-${team.id}`}
            checked={value.includes(team.id)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...value, team.id] : value.filter((x) => x !== team.id))}
          />{' '}
          {team.name}
        </label>
      ))}
    </span>
  );
}

function LanguageOptions() {
  return (
    <>
      <option value="">—</option>
      {LANGUAGES.map((l) => (
        <option key={l} value={l}>
          {LANGUAGE_NAMES[l]}
        </option>
      ))}
    </>
  );
}

function Users({ users, teams, flash, reload, act }: PeopleProps) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const teamName = new Map(teams.map((team) => [team.id, team.name]));
  const [form, setForm] = useState({ username: '', displayName: '', password: '', role: 'operator', language: '', teamIds: [] as number[] });
  const [query, setQuery] = useState({ text: '', role: '', team: '', state: '' });
  const [editing, setEditing] = useState<number | null>(null);
  const [offboarding, setOffboarding] = useState<number | null>(null);
  const [handover, setHandover] = useState('');
  const focusHandover = useRef(false);
  const roleName = (role: string) => t(ROLE_LABEL[role] ?? 'role.operator');

  const fold = (text: string) => text.toLocaleLowerCase(s.language.value).normalize('NFKD').replace(/\p{M}/gu, '');
  const words = fold(query.text).split(/\s+/).filter(Boolean);
  const matches = (user: AdminUser) =>
    words.every((w) => fold([user.username, user.displayName, roleName(user.role), ...user.teamIds.map((id) => teamName.get(id) ?? '')].join(' ')).includes(w)) &&
    (!query.role || user.role === query.role) &&
    (!query.team || user.teamIds.includes(Number(query.team))) &&
    (!query.state || user.active === (query.state === 'active'));
  const count = users.filter(matches).length;

  return (
    <section data-testid="admin-users">
      <h2>{t('admin.users')}</h2>
      <form
        class="inline-form"
        data-testid="user-form"
        onSubmit={(e) => {
          e.preventDefault();
          const name = form.displayName.trim();
          void act(
            () =>
              s.api.post('/api/v1/users', {
                username: form.username.trim(),
                displayName: name,
                password: form.password,
                role: form.role,
                ...(form.language ? { language: form.language } : {}),
                ...(form.teamIds.length ? { teamIds: form.teamIds } : {}),
              }),
            t('users.created', { name }),
          );
        }}
      >
        <div class="field">
          <label for="new-username">{t('users.username')}</label>
          <input id="new-username" required maxLength={64} autocomplete="off" value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="new-display-name">{t('users.displayName')}</label>
          <input id="new-display-name" required maxLength={200} autocomplete="off" value={form.displayName} onInput={(e) => setForm({ ...form, displayName: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="new-password">{t('users.password')}</label>
          <input id="new-password" type="password" required maxLength={200} autocomplete="new-password" value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="new-role">{t('users.role')}</label>
          <select id="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="new-language">{t('users.language')}</label>
          <select id="new-language" value={form.language} onChange={(e) => setForm({ ...form, language: e.currentTarget.value })}>
            <LanguageOptions />
          </select>
        </div>
        {teams.length > 0 && (
          <fieldset>
            <legend>{t('users.teams')}</legend>
            <TeamChecks teams={teams} value={form.teamIds} onChange={(teamIds) => setForm({ ...form, teamIds })} idPrefix="new" />
          </fieldset>
        )}
        <button type="submit" class="primary">
          {t('users.create')}
        </button>
      </form>
      <p class="muted">{t('users.count', { count: users.length })}</p>
      {/* Search and filters: by name or login, role, team and state, answered as you type. */}
      <div class="toolbar" data-testid="user-filters">
        <div class="field">
          <label for="user-search">{t('admin.users.search')}</label>
          <input id="user-search" type="search" autocomplete="off" data-page-search value={query.text} onInput={(e) => setQuery({ ...query, text: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="user-role-filter">{t('users.role')}</label>
          <select id="user-role-filter" value={query.role} onChange={(e) => setQuery({ ...query, role: e.currentTarget.value })}>
            <option value="">{t('admin.users.anyRole')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="user-team-filter">{t('users.teams')}</label>
          <select id="user-team-filter" value={query.team} onChange={(e) => setQuery({ ...query, team: e.currentTarget.value })}>
            <option value="">{t('admin.users.anyTeam')}</option>
            {teams.map((team) => (
              <option key={team.id} value={String(team.id)}>
                {team.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="user-state-filter">{t('users.state')}</label>
          <select id="user-state-filter" value={query.state} onChange={(e) => setQuery({ ...query, state: e.currentTarget.value })}>
            <option value="">{t('admin.common.all')}</option>
            <option value="active">{t('users.active')}</option>
            <option value="inactive">{t('users.inactive')}</option>
          </select>
        </div>
      </div>
      <p class="muted" data-testid="users-shown" role="status">
        {count === users.length ? '' : count ? t('admin.users.shown', { shown: count, count: users.length }) : t('admin.users.noMatch')}
      </p>
      <table>
        <thead>
          <tr>
            {(['users.username', 'users.displayName', 'users.role', 'users.teams', 'users.state'] as const).map((k) => (
              <th key={k} scope="col">
                {t(k)}
              </th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {users.flatMap((user) => {
            const hidden = !matches(user);
            const row = (
              <tr key={user.id} data-username={user.username} hidden={hidden}>
                <td>{user.username}</td>
                <td>{user.displayName}</td>
                <td>{roleName(user.role)}</td>
                <td>{user.teamIds.map((id) => teamName.get(id) ?? `#${id}`).join(', ')}</td>
                <td>{t(user.active ? 'users.active' : 'users.inactive')}</td>
                <td>
                  {user.active && (
                    <button type="button" data-testid="edit-user" disabled={editing === user.id} onClick={() => setEditing(user.id)}>
                      {t('users.edit')}
                    </button>
                  )}{' '}
                  {user.active && user.id !== me.id && offboarding !== user.id && (
                    <button
                      type="button"
                      class="danger"
                      onClick={() => {
                        setHandover('');
                        focusHandover.current = true;
                        setOffboarding(user.id);
                      }}
                    >
                      {t('users.deactivate')}
                    </button>
                  )}
                  {user.active && user.id !== me.id && offboarding === user.id && (
                    <span>
                      <p>{t('users.confirmDeactivate', { name: user.displayName })}</p>
                      <label for={`handover-${user.id}`}>{t('users.handoverTo')}</label>{' '}
                      <select id={`handover-${user.id}`} value={handover} ref={(el) => {
                          // The confirmation just opened: its first choice takes the focus once.
                          if (el && focusHandover.current) {
                            focusHandover.current = false;
                            el.focus();
                          }
                        }} onChange={(e) => setHandover(e.currentTarget.value)}>
                        <option value="">{t('users.handoverNone')}</option>
                        {users
                          .filter((u) => u.active && u.id !== user.id)
                          .map((u) => (
                            <option key={u.id} value={String(u.id)}>
                              {u.displayName}
                            </option>
                          ))}
                      </select>{' '}
                      <button
                        type="button"
                        class="danger"
                        data-testid="confirm-deactivate"
                        onClick={() =>
                          void act(() => s.api.post(`/api/v1/users/${user.id}/deactivate`, handover ? { handoverTo: Number(handover) } : {}), t('users.deactivated', { name: user.displayName }))
                        }
                      >
                        {t('users.deactivate')}
                      </button>{' '}
                      <button type="button" onClick={() => setOffboarding(null)}>
                        {t('common.cancel')}
                      </button>
                    </span>
                  )}
                  {!user.active && (
                    <button type="button" onClick={() => void act(() => s.api.post(`/api/v1/users/${user.id}/reactivate`))}>
                      {t('users.reactivate')}
                    </button>
                  )}
                </td>
              </tr>
            );
            if (editing !== user.id) return [row];
            return [
              row,
              <tr key={`${user.id}-editor`} class="editor-row" hidden={hidden}>
                <td colSpan={6}>
                  <UserEditor
                    user={user}
                    teams={teams}
                    onDone={(saved, err) => {
                      if (err) return flash.fail(err);
                      setEditing(null);
                      if (saved) {
                        reload();
                        flash.ok(t('users.saved', { name: user.displayName }));
                      }
                    }}
                  />
                </td>
              </tr>,
            ];
          })}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Editing a user: name, role, language, teams, and optionally a new password. Only changed
 * fields are sent; the server ends the user's sessions on a role or password change.
 */
function UserEditor({ user, teams, onDone }: { user: AdminUser; teams: Team[]; onDone: (saved: boolean, err?: unknown) => void }) {
  const s = session();
  const t = useT();
  const p = `edit-${user.id}`;
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState(user.role);
  const [language, setLanguage] = useState(user.language ?? '');
  const [password, setPassword] = useState('');
  const [teamIds, setTeamIds] = useState<number[]>(user.teamIds);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b).join(',');

  const submit = async (event: Event) => {
    event.preventDefault();
    const patch: Record<string, unknown> = {};
    if (displayName.trim() !== user.displayName) patch.displayName = displayName.trim();
    if (role !== user.role) patch.role = role;
    if ((language || null) !== user.language) patch.language = language || null;
    if (password) patch.password = password;
    if (teams.length && sorted(teamIds) !== sorted(user.teamIds)) patch.teamIds = [...teamIds].sort((a, b) => a - b);
    if (Object.keys(patch).length === 0) return onDone(false);
    try {
      await s.api.patch(`/api/v1/users/${user.id}`, patch);
      onDone(true);
    } catch (err) {
      onDone(false, err);
    }
  };

  return (
    <form class="inline-form" data-testid="user-editor" onSubmit={(e) => void submit(e)}>
      <div class="field">
        <label for={`${p}-name`}>{t('users.displayName')}</label>
        <input id={`${p}-name`} ref={first} value={displayName} maxLength={200} required onInput={(e) => setDisplayName(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${p}-role`}>{t('users.role')}</label>
        <select id={`${p}-role`} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(ROLE_LABEL[r]!)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${p}-language`}>{t('users.language')}</label>
        <select id={`${p}-language`} value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
          <LanguageOptions />
        </select>
      </div>
      <div class="field">
        <label for={`${p}-password`}>{t('users.newPassword')}</label>
        <input id={`${p}-password`} type="password" maxLength={200} autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </div>
      {teams.length > 0 && (
        <fieldset>
          <legend>{t('users.teams')}</legend>
          <TeamChecks teams={teams} value={teamIds} onChange={setTeamIds} idPrefix={p} />
        </fieldset>
      )}
      <button type="submit" class="primary">
        {t('common.save')}
      </button>
      <button type="button" onClick={() => onDone(false)}>
        {t('common.cancel')}
      </button>
    </form>
  );
}
