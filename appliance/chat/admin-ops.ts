import type { AdminChannel } from '../core/admin-channel.js';
import { AppError } from '../core/errors.js';
import type { SitesService } from './sites-service.js';
import { siteView } from './sites-routes.js';

/**
 * `contactbox sites list|add|remove`: root manages chat sites through the running appliance
 * (the database's one writer) over the admin channel, with the same checks as the API — the
 * licence's `sites`, origins, teams — and audited without a user.
 */
export function registerSitesOperations(channel: AdminChannel, d: { sites: SitesService; base: () => string; limit: () => number | null }): void {
  const { sites } = d;
  const summary = () => ({ domains: sites.usage().domains, limit: d.limit() });
  const find = (ref: unknown) => {
    const text = String(ref ?? '').trim();
    const site = /^\d+$/.test(text) ? sites.list().find((s) => s.id === Number(text)) : sites.list().find((s) => s.name.toLowerCase() === text.toLowerCase());
    if (!site) throw new AppError('SITE_NOT_FOUND', { id: text });
    return site;
  };

  channel.register('sites.list', () => ({ items: sites.list().map((s) => siteView(s, d.base())), usage: summary() }));
  channel.register('sites.add', (args) => {
    const origins = Array.isArray(args.origins) ? args.origins.map(String) : [];
    const name = String(args.name ?? '').trim();
    if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'name: give the site a name' });
    if (name.length > 200) throw new AppError('VALIDATION_FAILED', { detail: 'name: at most 200 characters' });
    if (origins.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'origin: give at least one, e.g. https://shop.example.com' });
    const teamId = args.teamId === undefined || args.teamId === null ? null : Number(args.teamId);
    if (teamId !== null && !(Number.isInteger(teamId) && teamId > 0)) throw new AppError('VALIDATION_FAILED', { detail: `team: not a team id: ${String(args.teamId)}` });
    const { site, secret } = sites.create(null, { name, origins, teamId });
    return { site: siteView(site, d.base(), secret), usage: summary() };
  });
  channel.register('sites.remove', (args) => {
    const site = find(args.site);
    sites.delete(null, site.id);
    return { removed: { id: site.id, name: site.name }, usage: summary() };
  });
}
