import { installPaths } from '../paths.js';
import type { Deps } from '../ports/index.js';
import { table } from '../output/render.js';
import { CliError, usageError, type Result } from '../result.js';
import { applianceAnswers, viaAppliance } from './appliance-channel.js';

interface SiteOut {
  id: number;
  name: string;
  origins: { origin: string; registrableDomain: string }[];
  registrableDomains: string[];
  teamId: number | null;
  snippet: string;
  secret?: string;
}
interface Usage {
  domains: string[];
  limit: number | null;
}

const usageLine = (u: Usage) => `Registrable domains in use: ${u.domains.length}${u.limit === null ? '' : ` of ${u.limit} the licence allows`}${u.domains.length ? ` (${u.domains.join(', ')})` : ''}.`;

/**
 * `contactbox sites list|add|remove`: website chat sites, changed by the running appliance (the
 * database's one writer) through its admin channel with the API's checks (the licence's `sites`
 * counted by registrable domain, origins, teams). The CLI never opens the database for this.
 */
export async function run(options: Record<string, unknown>, _deps: Deps): Promise<Result> {
  const action = String(options.action);
  const prefix = options.prefix;
  const paths = installPaths(typeof prefix === 'string' && prefix ? prefix : null);
  if (!['list', 'add', 'remove'].includes(action)) throw usageError(`unknown sites action '${action}'.`, 'contactbox sites list|add|remove');
  if (!(await applianceAnswers(paths.dataDir))) {
    throw new CliError('the appliance is not running; chat sites are managed through it.', 1, 'APPLIANCE_NOT_RUNNING', 'Start it, or check with `contactbox status`.');
  }
  if (action === 'list') {
    const r = await viaAppliance<{ items: SiteOut[]; usage: Usage }>(paths.dataDir, 'sites.list');
    const rows = r.items.map((s) => [s.id, s.name, s.origins.map((o) => o.origin).join(' '), s.registrableDomains.join(' '), s.teamId ?? 'everyone']);
    const human = r.items.length ? `${table(['id', 'name', 'origins', 'registrable domains', 'team'], rows)}\n${usageLine(r.usage)}` : `No chat sites yet.\n${usageLine(r.usage)}`;
    return { exit: 0, data: r, human };
  }
  if (action === 'add') {
    const origins = ([] as unknown[]).concat(options.origin ?? []).map(String);
    const team = options.team === undefined ? undefined : Number(options.team);
    if (team !== undefined && !(Number.isInteger(team) && team > 0)) throw usageError(`--team: not a team id: ${String(options.team)}`);
    const r = await viaAppliance<{ site: SiteOut; usage: Usage }>(paths.dataDir, 'sites.add', { name: options.name, origins, ...(team ? { teamId: team } : {}) });
    const human = [
      `Site ${r.site.id} "${r.site.name}" added for ${r.site.registrableDomains.join(', ')}.`,
      'Paste this into every page of the site:',
      `  ${r.site.snippet}`,
      `Identity secret (shown only now; the site's server signs visitors' ids with it): ${r.site.secret}`,
      usageLine(r.usage),
    ].join('\n');
    return { exit: 0, data: r, human };
  }
  const site = String(options.site ?? '').trim();
  if (!site) throw usageError('sites remove needs the site id or name.');
  const r = await viaAppliance<{ removed: { id: number; name: string }; usage: Usage }>(paths.dataDir, 'sites.remove', { site });
  return { exit: 0, data: r, human: `Site ${r.removed.id} "${r.removed.name}" removed; its widget stops at once.\n${usageLine(r.usage)}` };
}
