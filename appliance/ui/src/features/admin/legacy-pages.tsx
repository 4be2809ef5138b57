import type { PageProps } from '../../app/routes.js';
import { legacyPage } from '../../ui/legacy.js';
import { settingsView, teamsView, usersView } from '../../views/admin.js';
import { AdminFrame } from './layout.js';

const Users = legacyPage(usersView);
const Teams = legacyPage(teamsView);
const Settings = legacyPage(settingsView);

export function UsersPage(props: PageProps) {
  return (
    <AdminFrame testid="admin-users-page">
      <Users {...props} />
    </AdminFrame>
  );
}
export function TeamsPage(props: PageProps) {
  return (
    <AdminFrame testid="admin-teams-page">
      <Teams {...props} />
    </AdminFrame>
  );
}
export function SettingsPage(props: PageProps) {
  return (
    <AdminFrame testid="admin-settings-page">
      <Settings {...props} />
    </AdminFrame>
  );
}
