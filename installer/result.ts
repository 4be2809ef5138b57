/**
 * What every command returns. `main.ts` maps `exit` to the process exit code in one place:
 * 0 success, 1 a check or operation failed, 2 bad usage or input.
 */
export type ExitCode = 0 | 1 | 2;

export interface Result<T = unknown> {
  exit: ExitCode;
  /** The machine-readable result, printed as-is with --json. */
  data: T;
  /** The human rendering, printed without --json. */
  human: string;
}

/** A failure the user can act on: says what is wrong and what to do. Commands throw it; main renders it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exit: ExitCode = 1,
    readonly code = exit === 2 ? 'BAD_INPUT' : 'FAILED',
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, hint?: string) => new CliError(message, 2, 'BAD_INPUT', hint);
