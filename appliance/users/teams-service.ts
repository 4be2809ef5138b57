import './errors.js';
import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import { AppError } from '../core/errors.js';
import type { Team, UsersRepository } from './repository.js';
import { checkTeamName } from './validation.js';

export interface TeamInput {
  name?: string;
  description?: string;
  memberIds?: readonly number[];
}

/** Teams (sales, account management, service…) as the admin defines them; routing and mailboxes refer to them. */
export class TeamsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly repo: UsersRepository,
  ) {}

  list(): Team[] {
    return this.repo.teams();
  }

  require(id: number): Team {
    const team = this.repo.team(id);
    if (!team) throw new AppError('TEAM_NOT_FOUND', { id: String(id) });
    return team;
  }

  create(input: TeamInput & { name: string }, actorId: number): Team {
    const name = checkTeamName(input.name);
    const members = this.checkMembers(input.memberIds ?? []);
    const now = this.clock.now().toISOString();
    const id = this.db.transaction(() => {
      if (this.repo.teamNameTaken(name)) throw new AppError('TEAM_NAME_TAKEN', { name });
      const newId = this.repo.insertTeam(name, input.description ?? '', now);
      this.repo.setTeamMembers(newId, members);
      this.audit.record({ actorId, action: 'team.create', targetType: 'team', targetId: newId, details: { memberIds: members } });
      return newId;
    })();
    return this.require(id);
  }

  update(id: number, input: TeamInput, actorId: number): Team {
    const current = this.require(id);
    const name = input.name === undefined ? current.name : checkTeamName(input.name);
    const members = input.memberIds === undefined ? undefined : this.checkMembers(input.memberIds);
    const now = this.clock.now().toISOString();
    this.db.transaction(() => {
      if (this.repo.teamNameTaken(name, id)) throw new AppError('TEAM_NAME_TAKEN', { name });
      this.repo.updateTeam(id, name, input.description ?? current.description, now);
      if (members) this.repo.setTeamMembers(id, members);
      this.audit.record({ actorId, action: 'team.update', targetType: 'team', targetId: id, details: { fields: Object.keys(input) } });
    })();
    return this.require(id);
  }

  remove(id: number, actorId: number): void {
    this.require(id);
    try {
      this.db.transaction(() => {
        this.repo.deleteTeam(id);
        this.audit.record({ actorId, action: 'team.delete', targetType: 'team', targetId: id });
      })();
    } catch (err) {
      // Other capabilities (mailboxes, inbound routes) point at teams with foreign keys.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AppError('TEAM_IN_USE', { id: String(id) });
      throw err;
    }
  }

  private checkMembers(ids: readonly number[]): number[] {
    const unique = [...new Set(ids)];
    for (const u of unique) {
      const user = this.repo.user(u);
      if (!user || !user.active) throw new AppError('MEMBER_UNKNOWN', { id: String(u) });
    }
    return unique;
  }
}
