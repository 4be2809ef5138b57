#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { CliError, type ExitCode, type Result } from './result.js';
import { realDeps } from './ports/index.js';
import { VERSION } from '../appliance/version.js';

/** The one place that turns results and errors into output and an exit code. */
async function main(argv: string[]): Promise<ExitCode> {
  const wantsJson = argv.includes('--json');
  let result: Result | undefined;
  const program = buildProgram(
    VERSION,
    async (load, options) => {
      const command = await load();
      result = await command.run(options, realDeps());
    },
    (s) => {
      if (!wantsJson) process.stderr.write(s);
    },
  );
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      const message = err.message.replace(/^error: /, '');
      if (wantsJson) process.stdout.write(`${JSON.stringify({ error: { code: 'BAD_USAGE', message } })}\n`);
      else process.stderr.write(`Run 'contactbox --help' (or 'contactbox <command> --help') for usage.\n`);
      return 2;
    }
    if (err instanceof CliError) {
      if (wantsJson) process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } })}\n`);
      else process.stderr.write(`contactbox: ${err.message}\n${err.hint ? `  → ${err.hint}\n` : ''}`);
      return err.exit;
    }
    process.stderr.write(`contactbox: unexpected error: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
  if (!result) return 0;
  process.stdout.write(wantsJson ? `${JSON.stringify(result.data, null, 2)}\n` : `${result.human}\n`);
  return result.exit;
}

main(process.argv).then((code) => process.exit(code));
