import { Command, Option } from 'commander';
import type { Result } from './result.js';

/**
 * The CLI's shape and nothing else: commands, their options, and which module runs each.
 * Command modules are imported lazily so `contactbox --help` stays fast.
 * Each module exports `run(options, deps): Promise<Result>`.
 */
export interface CommandModule {
  run(options: Record<string, unknown>, deps: import('./ports/index.js').Deps): Promise<Result>;
}
export type Runner = (load: () => Promise<CommandModule>, options: Record<string, unknown>) => Promise<void>;

const json = () => new Option('--json', 'print the result as JSON on stdout');
const prefix = () => new Option('--prefix <dir>', 'act on an installation under DIR instead of /');

export function buildProgram(version: string, run: Runner): Command {
  const program = new Command('contactbox')
    .description('Install and run the contactbox contact centre on this Debian server.')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  program
    .command('check')
    .description('check this server against the hardware, OS and network requirements')
    .addOption(new Option('--profile <profile>', 'production fails on shortfalls; evaluation only warns').choices(['production', 'evaluation']).default('production'))
    .option('--data-dir <dir>', 'where recordings and the database will live', '/var/lib/contactbox')
    .option('--recorded-minutes-per-day <n>', 'recorded call minutes per day, for disk sizing', '1000')
    .option('--retention-days <n>', 'days recordings are kept, for disk sizing', '365')
    .option('--sessions <n>', 'concurrent operator dialogs, for bandwidth sizing', '10')
    .option('--probe-host <host>', 'host to measure latency to (default: a UA-IX-peered address)')
    .option('--bandwidth-server <host[:port]>', 'an iperf3 server to measure bandwidth against')
    .option('--port <n>', 'the HTTPS port the appliance will use', '443')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/check.js'), options));

  return program;
}
