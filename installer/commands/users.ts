import { installPaths } from '../paths.js';
import type { Deps } from '../ports/index.js';
import { CliError, usageError, type Result } from '../result.js';
import { applianceAnswers, viaAppliance } from './appliance-channel.js';

/**
 * `contactbox users unlock NAME`: failed logins slow an account down (see the appliance's login
 * limiter); root ends that at once for an account. The limiter lives in the running appliance,
 * so this goes through its admin channel; a stopped appliance has nothing to unlock.
 */
export async function run(options: Record<string, unknown>, _deps: Deps): Promise<Result> {
  if (options.action !== 'unlock') throw usageError(`unknown users action '${String(options.action)}'.`, 'contactbox users unlock USERNAME');
  const username = String(options.username ?? '').trim();
  if (!username) throw usageError('users unlock needs the USERNAME.');
  const prefix = options.prefix;
  const paths = installPaths(typeof prefix === 'string' && prefix ? prefix : null);
  if (!(await applianceAnswers(paths.dataDir))) {
    throw new CliError('the appliance is not running, so no account is locked (failed logins are forgotten when it stops).', 1, 'APPLIANCE_NOT_RUNNING', 'Start it, or check with `contactbox status`.');
  }
  const result = await viaAppliance<{ username: string; userId: number; failuresForgotten: number }>(paths.dataDir, 'users.unlock', { username });
  return { exit: 0, data: result, human: `${result.username} can log in again now (${result.failuresForgotten} recent failed login(s) forgotten).` };
}
