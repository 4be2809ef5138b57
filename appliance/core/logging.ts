import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Where the appliance's log goes. The process writes its own log file, rotated by pino-roll (a
 * pino transport maintained with pino) on a worker thread: a new file every day or when the
 * current one reaches `fileSize`, and only `files` files kept, so the log never holds more than
 * files × fileSize bytes nor more than `files` days. The same holds under systemd and pm2, which
 * then see only errors on stderr (and nothing on stdout).
 */
export interface LogOptions {
  dir: string;
  level?: string;
  /** pino-roll size: a number of megabytes or a string like `20m`, `512k`. */
  fileSize?: string | number;
  /** Files kept, the one being written included. */
  files?: number;
  /** `daily`, `hourly` or milliseconds. */
  frequency?: 'daily' | 'hourly' | number;
  redact?: LoggerOptions['redact'];
}

export const LOG_DEFAULTS = { fileSize: '20m', files: 10, frequency: 'daily' } as const;

export function logFileBase(dir: string): string {
  return join(dir, 'appliance');
}

export function applianceLogger(options: LogOptions): Logger {
  const level = options.level ?? 'info';
  // pino-roll links current.log before its own mkdir has run.
  mkdirSync(options.dir, { recursive: true });
  const transport = pino.transport({
    targets: [
      {
        target: 'pino-roll',
        level,
        options: {
          file: logFileBase(options.dir),
          extension: '.log',
          size: options.fileSize ?? LOG_DEFAULTS.fileSize,
          frequency: options.frequency ?? LOG_DEFAULTS.frequency,
          // pino-roll counts the files kept besides the one being written.
          limit: { count: Math.max(1, (options.files ?? LOG_DEFAULTS.files) - 1), removeOtherLogFiles: true },
          mkdir: true,
          symlink: true,
        },
      },
      { target: 'pino/file', level: 'error', options: { destination: 2 } },
    ],
  });
  // A log that cannot be written (disk full, directory gone) must not take the appliance down.
  transport.on('error', (err: Error) => process.stderr.write(`contactbox: the log file cannot be written: ${err.message}\n`));
  return pino({ level, ...(options.redact ? { redact: options.redact } : {}) }, transport);
}
