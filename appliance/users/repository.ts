import type { Db } from '../core/db.js';
import type { Role } from '../core/auth/sessions.js';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  language: string | null;
  active: boolean;
  teamIds: number[];
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
  deactivatedBy: number | null;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  language: string | null;
  active: number;
  created_at: string;
  updated_at: string;
  deactivated_at: string | null;
  deactivated_by: number | null;
}

export interface Team {
  id: number;
  name: string;
  description: string;
  memberIds: number[];
  createdAt: string;
  updatedAt: string;
}

interface TeamRow {
  id: number;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface AuditRow {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
}

const USER_COLUMNS = 'id, username, display_name, role, language, active, created_at, updated_at, deactivated_at, deactivated_by';

/** All SQL of users, teams and the audit reader; rows mapped to camelCase here. */
export class UsersRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      user: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      byName: db.prepare('SELECT id FROM users WHERE username = ?'),
      users: db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY username COLLATE NOCASE`),
      teamIdsOf: db.prepare('SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id'),
      allMemberships: db.prepare('SELECT team_id, user_id FROM team_members'),
      insertUser: db.prepare(
        'INSERT INTO users (username, password_hash, display_name, role, language, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)',
      ),
      updateUser: db.prepare('UPDATE users SET display_name = ?, role = ?, language = ?, updated_at = ? WHERE id = ?'),
      setPassword: db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?'),
      setLanguage: db.prepare('UPDATE users SET language = ?, updated_at = ? WHERE id = ?'),
      deactivate: db.prepare('UPDATE users SET active = 0, deactivated_at = ?, deactivated_by = ?, updated_at = ? WHERE id = ?'),
      reactivate: db.prepare('UPDATE users SET active = 1, deactivated_at = NULL, deactivated_by = NULL, updated_at = ? WHERE id = ?'),
      activeAdmins: db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1"),
      clearUserTeams: db.prepare('DELETE FROM team_members WHERE user_id = ?'),
      addMember: db.prepare('INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?, ?)'),
      team: db.prepare('SELECT * FROM teams WHERE id = ?'),
      teams: db.prepare('SELECT * FROM teams ORDER BY name COLLATE NOCASE'),
      teamByName: db.prepare('SELECT id FROM teams WHERE name = ?'),
      membersOf: db.prepare('SELECT user_id FROM team_members WHERE team_id = ? ORDER BY user_id'),
      insertTeam: db.prepare('INSERT INTO teams (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      updateTeam: db.prepare('UPDATE teams SET name = ?, description = ?, updated_at = ? WHERE id = ?'),
      clearTeamMembers: db.prepare('DELETE FROM team_members WHERE team_id = ?'),
      deleteTeam: db.prepare('DELETE FROM teams WHERE id = ?'),
    };
  }

  user(id: number): User | null {
    const row = this.s.user.get(id) as UserRow | undefined;
    return row ? this.mapUser(row, (this.s.teamIdsOf.all(id) as { team_id: number }[]).map((r) => r.team_id)) : null;
  }

  usernameTaken(username: string): boolean {
    return this.s.byName.get(username) !== undefined;
  }

  users(): User[] {
    const teams = new Map<number, number[]>();
    for (const m of this.s.allMemberships.all() as { team_id: number; user_id: number }[]) {
      teams.set(m.user_id, [...(teams.get(m.user_id) ?? []), m.team_id].sort((a, b) => a - b));
    }
    return (this.s.users.all() as UserRow[]).map((r) => this.mapUser(r, teams.get(r.id) ?? []));
  }

  insertUser(u: { username: string; passwordHash: string; displayName: string; role: Role; language: string | null }, now: string): number {
    return Number(this.s.insertUser.run(u.username, u.passwordHash, u.displayName, u.role, u.language, now, now).lastInsertRowid);
  }

  updateUser(id: number, u: { displayName: string; role: Role; language: string | null }, now: string): void {
    this.s.updateUser.run(u.displayName, u.role, u.language, now, id);
  }

  setPassword(id: number, hash: string, now: string): void {
    this.s.setPassword.run(hash, now, id);
  }

  setLanguage(id: number, language: string | null, now: string): void {
    this.s.setLanguage.run(language, now, id);
  }

  setUserTeams(userId: number, teamIds: readonly number[]): void {
    this.s.clearUserTeams.run(userId);
    for (const t of teamIds) this.s.addMember.run(t, userId);
  }

  deactivate(id: number, actorId: number, now: string): void {
    this.s.deactivate.run(now, actorId, now, id);
  }

  reactivate(id: number, now: string): void {
    this.s.reactivate.run(now, id);
  }

  activeAdminCount(): number {
    return (this.s.activeAdmins.get() as { n: number }).n;
  }

  team(id: number): Team | null {
    const row = this.s.team.get(id) as TeamRow | undefined;
    return row ? this.mapTeam(row) : null;
  }

  teams(): Team[] {
    return (this.s.teams.all() as TeamRow[]).map((r) => this.mapTeam(r));
  }

  teamNameTaken(name: string, exceptId = 0): boolean {
    const row = this.s.teamByName.get(name) as { id: number } | undefined;
    return row !== undefined && row.id !== exceptId;
  }

  insertTeam(name: string, description: string, now: string): number {
    return Number(this.s.insertTeam.run(name, description, now, now).lastInsertRowid);
  }

  updateTeam(id: number, name: string, description: string, now: string): void {
    this.s.updateTeam.run(name, description, now, id);
  }

  setTeamMembers(teamId: number, userIds: readonly number[]): void {
    this.s.clearTeamMembers.run(teamId);
    for (const u of userIds) this.s.addMember.run(teamId, u);
  }

  deleteTeam(id: number): void {
    this.s.deleteTeam.run(id);
  }

  /** Newest first; `before` is an audit id (ids are monotonic, times may tie). */
  audit(limit: number, before: number | null, filter: { action?: string; actorId?: number; from?: string; to?: string }): AuditRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (before !== null) {
      where.push('a.id < ?');
      params.push(before);
    }
    if (filter.action !== undefined && filter.action.endsWith('.*')) {
      where.push("a.action LIKE ? ESCAPE '\\'");
      params.push(`${filter.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    } else if (filter.action !== undefined) {
      where.push('a.action = ?');
      params.push(filter.action);
    }
    if (filter.from !== undefined) {
      where.push('a.at >= ?');
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      where.push('a.at < ?');
      params.push(filter.to);
    }
    if (filter.actorId !== undefined) {
      where.push('a.actor_id = ?');
      params.push(filter.actorId);
    }
    const rows = this.db
      .prepare(
        `SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.action, a.target_type, a.target_id, a.details
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ?`,
      )
      .all(...params, limit) as { id: number; at: string; actor_id: number | null; actor_name: string | null; action: string; target_type: string | null; target_id: string | null; details: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: parseDetails(r.details),
    }));
  }

  private mapUser(r: UserRow, teamIds: number[]): User {
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      language: r.language,
      active: r.active === 1,
      teamIds,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      deactivatedAt: r.deactivated_at,
      deactivatedBy: r.deactivated_by,
    };
  }

  private mapTeam(r: TeamRow): Team {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      memberIds: (this.s.membersOf.all(r.id) as { user_id: number }[]).map((m) => m.user_id),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }
}

function parseDetails(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}
