import { useEffect, useState } from 'preact/hooks';
import { api } from './util.js';

export interface UserLite {
  id: number;
  username: string;
  displayName: string;
  role: string;
  active: boolean;
  teamIds: number[];
}
export interface TeamLite {
  id: number;
  name: string;
  memberIds: number[];
}

/** Users and teams by id, for showing names instead of numbers. */
export function useDirectory(): { users: UserLite[]; teams: TeamLite[]; userName(id: number | null): string; teamName(id: number | null): string; reload(): void } {
  const [users, setUsers] = useState<UserLite[]>([]);
  const [teams, setTeams] = useState<TeamLite[]>([]);
  const [n, setN] = useState(0);
  useEffect(() => {
    api().get<{ items: UserLite[] }>('/api/v1/users').then((r) => setUsers(r.items), () => {});
    api().get<{ items: TeamLite[] }>('/api/v1/teams').then((r) => setTeams(r.items), () => {});
  }, [n]);
  return {
    users,
    teams,
    userName: (id) => (id === null ? '—' : (users.find((u) => u.id === id)?.displayName ?? `#${id}`)),
    teamName: (id) => (id === null ? '—' : (teams.find((t) => t.id === id)?.name ?? `#${id}`)),
    reload: () => setN((x) => x + 1),
  };
}
