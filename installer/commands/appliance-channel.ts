import { adminSocketPath, callAdmin, type AdminFailure } from '../../appliance/core/admin-channel.js';
import { CliError } from '../result.js';

/**
 * Commands that change data send the change to the running appliance (the database's one
 * writer) over its root-only admin socket; only when nothing answers there do they open the
 * database themselves.
 */
export async function applianceAnswers(dataDir: string): Promise<boolean> {
  try {
    return (await callAdmin(adminSocketPath(dataDir), 'ping'))?.ok === true;
  } catch {
    return false;
  }
}

/** An operation's failure as the CLI reports it: 4xx is the user's input (exit 2), a conflict or 5xx a failed operation (exit 1). */
export function cliErrorOf(error: AdminFailure, hint?: string): CliError {
  const exit = error.status >= 500 || error.status === 409 ? 1 : 2;
  return new CliError(error.message, exit, error.code, hint);
}

export async function viaAppliance<T>(dataDir: string, op: string, args: Record<string, unknown> = {}): Promise<T> {
  let reply;
  try {
    reply = await callAdmin(adminSocketPath(dataDir), op, args);
  } catch (err) {
    throw new CliError(`the appliance's admin channel failed: ${(err as Error).message}`, 1, 'APPLIANCE_CHANNEL_FAILED', 'See `contactbox status`, then run the command again.');
  }
  if (reply === null) throw new CliError('the appliance stopped while the command ran; nothing was changed by it', 1, 'APPLIANCE_STOPPED', 'Run the command again.');
  if (!reply.ok) throw cliErrorOf(reply.error);
  return reply.result as T;
}
