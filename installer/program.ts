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

export function buildProgram(version: string, run: Runner, writeErr: (s: string) => void = (s) => process.stderr.write(s)): Command {
  const program = new Command('contactbox')
    // Set before the commands are added so that every subcommand inherits them.
    .exitOverride()
    .configureOutput({ writeErr })
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
    .option('--probe-host <host>', "host to measure latency to (default: ix.net.ua, UA-IX's own site in Kyiv)")
    .option('--bandwidth-server <host[:port]>', "an iperf3 server ('iperf3 -s', port 5201 unless given) to measure upload and download against")
    .option('--port <n>', 'the HTTPS port the appliance will use', '443')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/check.js'), options));

  program
    .command('install')
    .description('install or repair the appliance and start it (interactive on a terminal unless --yes or --answers)')
    .addOption(prefix())
    .option('--answers <file>', 'answers file (YAML or JSON) for a non-interactive install; see README')
    .option('-y, --yes', 'do not ask questions: take flags, the answers file and defaults')
    .addOption(new Option('--profile <profile>', 'production stops on any shortfall; evaluation only warns about hardware').choices(['production', 'evaluation']))
    .option('--port <n>', 'HTTPS port (default 443)')
    .addOption(new Option('--supervisor <kind>', 'what keeps the service running').choices(['auto', 'systemd', 'pm2']))
    .option('--tls-cert <file>', 'use this certificate (PEM) instead of the local CA')
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
    .option('--no-http-redirect', 'do not redirect plain HTTP (port 80) to HTTPS')
    .option('--hostname <name...>', 'names or addresses operators use to reach the server (added to the certificate)')
    .option('--asterisk-debs <dir>', 'install Asterisk from this folder of .deb files (Debian 10–13 archives have none)')
    .option('--node-runtime <dir>', 'run the service on the Node.js in DIR/bin/node (Debian 8/9: a build for their glibc)')
    .addOption(json())
    .action((options) => run(() => import('./commands/install.js'), options));

  program
    .command('status')
    .description('show the service state, URL, versions, database size and disk use')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/status.js'), options));

  program
    .command('uninstall')
    .description('stop and remove the service and code; data and configuration are kept unless --purge')
    .addOption(prefix())
    .option('--purge', 'also delete all data (database, recordings, mail) and configuration')
    .option('-y, --yes', 'confirm --purge without asking')
    .addOption(json())
    .action((options) => run(() => import('./commands/uninstall.js'), options));

  const license = program.command('license').description('offline licence: request code, activation, what is in force');
  license
    .command('request')
    .description("print this server's request code (and fingerprint) to send to the vendor")
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/license.js'), { ...options, action: 'request' }));
  license
    .command('activate')
    .description('check a licence file from the vendor against this server and install it (applies at once, no restart)')
    .argument('<file>', 'the .lic file the vendor sent')
    .addOption(prefix())
    .addOption(json())
    .action((file: string, options) => run(() => import('./commands/license.js'), { ...options, file, action: 'activate' }));
  license
    .command('show')
    .description('show the licence in force (or the evaluation terms), sessions in use and the recent peak')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/license.js'), { ...options, action: 'show' }));

  const users = program.command('users').description("people's accounts");
  users
    .command('unlock')
    .description('end the login delay of an account after failed passwords (the running appliance forgets its failures at once)')
    .argument('<username>', 'the account to unlock')
    .addOption(prefix())
    .addOption(json())
    .action((username: string, options) => run(() => import('./commands/users.js'), { ...options, username, action: 'unlock' }));

  const sites = program.command('sites').description('website chat sites: who may embed the widget, counted by registrable domain against the licence');
  sites
    .command('list')
    .description('sites, their origins and registrable domains, and the licence use')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/sites.js'), { ...options, action: 'list' }));
  sites
    .command('add')
    .description('add a site; prints the snippet to paste into its pages and its identity secret (shown once)')
    .requiredOption('--name <name>', "the site's name")
    .requiredOption('--origin <url...>', 'an origin allowed to embed the widget, e.g. https://shop.example.com (repeat for more)')
    .option('--team <id>', 'the team of operators that answers it (default: everyone)')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/sites.js'), { ...options, action: 'add' }));
  sites
    .command('remove')
    .description('remove a site (its widget stops at once; past chats are kept)')
    .argument('<site>', 'the site id or name')
    .addOption(prefix())
    .addOption(json())
    .action((site: string, options) => run(() => import('./commands/sites.js'), { ...options, site, action: 'remove' }));

  const retention = program.command('retention').description('how long each kind of data is kept, what expires, and the disk it needs');
  retention
    .command('show')
    .description('policies per data class, sizes, growth, the storage forecast and the last runs')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/retention.js'), { ...options, action: 'show' }));
  retention
    .command('set')
    .description('keep a data class (recordings, calls, mail, chats, audit) for DAYS days or forever')
    .argument('<class>', 'recordings | calls | mail | chats | audit')
    .argument('<days>', "number of days, or 'forever'")
    .option('--dry-run', 'only show what the new period would delete')
    .option('-y, --yes', 'save even though the new period deletes data at the next run')
    .addOption(prefix())
    .addOption(json())
    .action((cls: string, days: string, options) => run(() => import('./commands/retention.js'), { ...options, class: cls, days, action: 'set' }));
  retention
    .command('run')
    .description('delete what has expired now (files, then rows; resumes an interrupted run)')
    .option('--dry-run', 'only count what would be deleted')
    .option('--as-of <date>', 'count (or delete) as of this date, YYYY-MM-DD or ISO date-time; a real run cannot be in the future')
    .option('--batch-size <n>', 'items per batch (default 500)')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/retention.js'), { ...options, action: 'run' }));
  retention
    .command('verify')
    .description('report files with no row and rows with no file under the data directory')
    .option('--repair', 'move files with no row to <data>/quarantine/')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(() => import('./commands/retention.js'), { ...options, action: 'verify' }));

  const trunk = program.command('trunk').description('telephony trunks: SIP providers, GSM gateways, analog (FXO/FXS) gateways');
  const trunkCmd = () => import('./commands/trunk.js');
  trunk
    .command('add')
    .description('add a trunk, write it into Asterisk and reload (undone if Asterisk refuses it)')
    .addOption(new Option('--kind <kind>', 'trunk kind').choices(['sip', 'gsm', 'analog']))
    .option('--name <name>', 'trunk name (lower-case letters, digits, -); its pjsip endpoint(s) are named after it')
    .option('--host <host>', 'provider or gateway host name or IP address')
    .option('--port <n>', 'SIP port (gsm/analog with --auth ip: the first line\'s port, one more per line)')
    .option('--transport <t>', 'udp | tcp (default udp)')
    .option('--auth <mode>', 'register (sip: we register; gsm/analog: each line registers with us) | ip')
    .option('--username <user>', 'sip: the account user name')
    .option('--secret <secret>', 'password (or set CONTACTBOX_TRUNK_SECRET); 12+ characters, 3 character classes')
    .option('--dids <list>', 'comma-separated numbers; gsm/analog: one per line in order (0800…, 0900…, short numbers allowed)')
    .option('--channels <n>', 'gsm: number of channels (SIMs), 1–64')
    .option('--ports <n>', 'analog: number of ports, 1–64')
    .option('--port-types <list>', 'analog: fxo or fxs per port, comma-separated (default fxo)')
    .option('--extensions <list>', 'analog: internal extension per FXS port, comma-separated')
    .option('--codecs <list>', 'e.g. alaw,ulaw (default)')
    .option('--caller-id <number>', 'sip: caller ID sent on outbound calls (default: the operator\'s)')
    .option('--dial-timeout <sec>', 'seconds to wait for an answer (gsm: at least 30)')
    .option('--inbound <target>', 'where the DIDs go: queue:NAME, team:NAME or operator:EXT (default queue:support)')
    .option('--route <prefix[:strip[:prepend]]>', 'outbound prefix this trunk serves (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--priority <n>', 'fail-over order among trunks serving the same prefix (lower first, default 10)')
    .option('--from-file <file>', 'read the trunk from a YAML/JSON file (per-line settings); flags override it')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(trunkCmd, { ...options, action: 'add' }));
  trunk
    .command('list')
    .description('the trunks, their endpoints, DIDs and outbound prefixes')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(trunkCmd, { ...options, action: 'list' }));
  trunk
    .command('remove')
    .description('remove a trunk and reload Asterisk')
    .argument('<trunk>', 'trunk name or id')
    .addOption(prefix())
    .addOption(json())
    .action((name: string, options) => run(trunkCmd, { ...options, trunk: name, action: 'remove' }));
  trunk
    .command('test')
    .description('ask the running Asterisk whether the trunk\'s lines are loaded and reachable')
    .argument('<trunk>', 'trunk name or id')
    .addOption(prefix())
    .addOption(json())
    .action((name: string, options) => run(trunkCmd, { ...options, trunk: name, action: 'test' }));
  trunk
    .command('apply')
    .description('render and reload Asterisk from the database (after changes made in the web admin)')
    .addOption(prefix())
    .addOption(json())
    .action((options) => run(trunkCmd, { ...options, action: 'apply' }));

  program
    .command('backup')
    .description('online backup of the database, recordings, mail files and configuration')
    .addOption(prefix())
    .option('--out <dir>', 'where to put the backup folder (default the backups directory; use another disk for a safe copy)')
    .addOption(json())
    .action((options) => run(() => import('./commands/backup.js'), options));

  program
    .command('restore')
    .description('replace the database and files with a backup (the current database is kept aside)')
    .argument('<backup>', 'a backup folder made by contactbox backup')
    .addOption(prefix())
    .option('--with-config', 'also restore contactbox.yaml and the licence')
    .option('-y, --yes', 'confirm without asking')
    .addOption(json())
    .action((backup, options) => run(() => import('./commands/restore.js'), { ...options, backup }));

  program
    .command('upgrade')
    .description('install this build beside the running one, migrate, restart; back to the previous release if it does not start')
    .addOption(prefix())
    .option('--rollback', 'switch back to the previous release')
    .addOption(json())
    .action((options) => run(() => import('./commands/upgrade.js'), options));

  return program;
}
