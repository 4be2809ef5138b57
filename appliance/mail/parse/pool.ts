import { WorkerPool } from '../../core/worker-pool.js';
import type { ParsedMessage } from './parse-message.js';

/** Parses a raw message; the sync depends on this interface so tests can pass their own. */
export interface MessageParser {
  parse(raw: Buffer): Promise<ParsedMessage>;
  close(): Promise<void>;
}

/**
 * Parser threads running `worker.ts`. A message that hangs or crashes its thread fails only its
 * own parse (the thread is replaced); the caller decides about retries and quarantine.
 */
export class ParsePool implements MessageParser {
  private readonly pool: WorkerPool<Buffer, ParsedMessage>;

  constructor(dataDir: string, size = 2, timeoutMs = 60_000) {
    this.pool = new WorkerPool<Buffer, ParsedMessage>({
      moduleUrl: import.meta.url,
      worker: 'worker',
      workerData: { dataDir },
      size,
      // Threads start on first use: an appliance without mailboxes never pays for them.
      start: 'eager',
      timeoutMs,
      stop: 'terminate',
      closedMessage: 'parse pool is closed',
      exitMessage: (code) => `parser worker exited with code ${code}`,
      // A message that keeps a parser busy this long is treated as a failed parse.
      timeoutMessage: (ms) => `parsing took longer than ${ms} ms`,
      failMessage: (error) => error,
      encode: (id, raw) => {
        // Copied into a buffer of its own and transferred: the caller keeps its raw for a retry
        // or the quarantine, and a slice of a bigger network buffer is not cloned whole.
        const copy = new Uint8Array(raw.byteLength);
        copy.set(raw);
        return { message: { id, raw: copy }, transfer: [copy.buffer] };
      },
    });
  }

  parse(raw: Buffer): Promise<ParsedMessage> {
    return this.pool.run(raw);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
