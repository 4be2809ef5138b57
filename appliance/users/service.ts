import './errors.js';
import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import type { EventBus } from '../core/events.js';
import type { Role, SessionStore } from '../core/auth/sessions.js';
import { hashPassword } from '../core/auth/passwords.js';
import { AppError } from '../core/errors.js';
import { UsersRepository, type User } from './repository.js';
import { checkDisplayName, checkLanguage, checkPassword, checkUsername } from './validation.js';

declare module '../core/events.js' {
  interface DomainEvents {
    'user.created': { userId: number; actorId: number | null };
    'user.updated': { userId: number; actorId: number | null };
    'user.reactivated': { userId: number; actorId: number | null };
  }
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  language?: string | null;
  teamIds?: readonly number[];
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  language?: string | null;
  teamIds?: readonly number[];
  password?: string;
}

export interface UsersServiceDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  bus: EventBus;
  sessions: SessionStore;
  /** Gives every contact of one user to another (or to nobody); runs inside the offboarding transaction. */
  handOverContacts: (fromUserId: number, toUserId: number | null) => number;
}

/** People and access: who may log in, with which role, language and teams; offboarding in one call. */
export class UsersService {
  readonly repo: UsersRepository;

  constructor(private readonly d: UsersServiceDeps) {
    this.repo = new UsersRepository(d.db);
  }

  list(): User[] {
    return this.repo.users();
  }

  require(id: number): User {
    const user = this.repo.user(id);
    if (!user) throw new AppError('USER_NOT_FOUND', { id: String(id) });
    return user;
  }

  async create(input: NewUser, actorId: number): Promise<User> {
    const username = checkUsername(input.username);
    const displayName = checkDisplayName(input.displayName);
    const language = input.language == null ? null : checkLanguage(input.language);
    checkPassword(input.password, username);
    const teamIds = this.checkTeams(input.teamIds ?? []);
    if (this.repo.usernameTaken(username)) throw new AppError('USERNAME_TAKEN', { username });
    // Hashing is the only await; everything after it is one synchronous transaction.
    const passwordHash = await hashPassword(input.password);
    const now = this.d.clock.now().toISOString();
    const id = this.d.db.transaction(() => {
      if (this.repo.usernameTaken(username)) throw new AppError('USERNAME_TAKEN', { username });
      const newId = this.repo.insertUser({ username, passwordHash, displayName, role: input.role, language }, now);
      this.repo.setUserTeams(newId, teamIds);
      this.d.audit.record({ actorId, action: 'user.create', targetType: 'user', targetId: newId, details: { role: input.role, teamIds } });
      return newId;
    })();
    this.d.bus.publish('user.created', { userId: id, actorId });
    return this.require(id);
  }

  async update(id: number, patch: UserPatch, actorId: number): Promise<User> {
    const current = this.require(id);
    const displayName = patch.displayName === undefined ? current.displayName : checkDisplayName(patch.displayName);
    const language = patch.language === undefined ? current.language : patch.language === null ? null : checkLanguage(patch.language);
    const role = patch.role ?? current.role;
    const teamIds = patch.teamIds === undefined ? undefined : this.checkTeams(patch.teamIds);
    if (patch.password !== undefined) checkPassword(patch.password, current.username);
    const passwordHash = patch.password === undefined ? null : await hashPassword(patch.password);
    const now = this.d.clock.now().toISOString();
    const roleChanged = role !== current.role;
    this.d.db.transaction(() => {
      if (roleChanged && current.role === 'admin' && current.active && this.repo.activeAdminCount() <= 1) throw new AppError('LAST_ADMIN');
      this.repo.updateUser(id, { displayName, role, language }, now);
      if (teamIds) this.repo.setUserTeams(id, teamIds);
      if (passwordHash) this.repo.setPassword(id, passwordHash, now);
      // Open WebSockets render live events for the role they logged in with; a new role or password
      // must not leave an old session seeing more than it should.
      if (roleChanged || passwordHash) this.d.sessions.revokeUser(id);
      const fields = Object.keys(patch).filter((k) => k !== 'password');
      if (passwordHash) fields.push('passwordChanged');
      this.d.audit.record({ actorId, action: 'user.update', targetType: 'user', targetId: id, details: { fields, ...(roleChanged ? { role } : {}) } });
    })();
    this.d.bus.publish('user.updated', { userId: id, actorId });
    return this.require(id);
  }

  setOwnLanguage(userId: number, language: string | null): string | null {
    const checked = language === null ? null : checkLanguage(language);
    this.repo.setLanguage(userId, checked, this.d.clock.now().toISOString());
    return checked;
  }

  /**
   * Offboarding in one action: the account stops logging in, every session ends (their sockets
   * close), their contacts go to `handoverTo`, team memberships end, and it is audited — all in
   * one transaction. Mailboxes and phones detach through the `user.deactivated` event.
   */
  deactivate(id: number, handoverTo: number | null, actorId: number): { user: User; sessionsRevoked: number; contactsHandedOver: number } {
    const target = this.require(id);
    if (id === actorId) throw new AppError('CANNOT_DEACTIVATE_SELF');
    if (!target.active) throw new AppError('USER_ALREADY_INACTIVE', { id: String(id) });
    if (handoverTo !== null) {
      const heir = this.repo.user(handoverTo);
      if (!heir || !heir.active || heir.id === id) throw new AppError('HANDOVER_INVALID');
    }
    const now = this.d.clock.now().toISOString();
    const result = this.d.db.transaction(() => {
      if (target.role === 'admin' && this.repo.activeAdminCount() <= 1) throw new AppError('LAST_ADMIN');
      this.repo.deactivate(id, actorId, now);
      const contactsHandedOver = this.d.handOverContacts(id, handoverTo);
      this.repo.setUserTeams(id, []);
      const sessionsRevoked = this.d.sessions.revokeUser(id);
      this.d.audit.record({
        actorId,
        action: 'user.deactivate',
        targetType: 'user',
        targetId: id,
        details: { handoverTo, contactsHandedOver, sessionsRevoked, teamIds: target.teamIds },
      });
      return { sessionsRevoked, contactsHandedOver };
    })();
    this.d.bus.publish('user.deactivated', { userId: id, actorId, handoverTo });
    return { user: this.require(id), ...result };
  }

  /** Login only: teams, contacts, mailboxes and phones stay where offboarding put them. */
  reactivate(id: number, actorId: number): User {
    const target = this.require(id);
    if (target.active) throw new AppError('USER_ALREADY_ACTIVE', { id: String(id) });
    const now = this.d.clock.now().toISOString();
    this.d.db.transaction(() => {
      this.repo.reactivate(id, now);
      this.d.audit.record({ actorId, action: 'user.reactivate', targetType: 'user', targetId: id });
    })();
    this.d.bus.publish('user.reactivated', { userId: id, actorId });
    return this.require(id);
  }

  private checkTeams(teamIds: readonly number[]): number[] {
    const unique = [...new Set(teamIds)];
    for (const t of unique) if (!this.repo.team(t)) throw new AppError('TEAM_UNKNOWN', { id: String(t) });
    return unique;
  }
}
