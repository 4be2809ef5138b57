import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../core/worker-module.js';
import type { ParsedMessage } from './parse-message.js';

/** Parses a raw message; the sync depends on this interface so tests can pass their own. */
export interface MessageParser {
  parse(raw: Buffer): Promise<ParsedMessage>;
  close(): Promise<void>;
}

interface Pending {
  id: number;
  raw: Buffer;
  resolve: (value: ParsedMessage) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

/**
 * A fixed pool of worker threads running `worker.ts`. A message that hangs or crashes its
 * worker fails only its own task (the worker is replaced); the caller decides about retries
 * and quarantine.
 */
export class ParsePool implements MessageParser {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly dataDir: string,
    private readonly size = 2,
    private readonly timeoutMs = 60_000,
  ) {}

  parse(raw: Buffer): Promise<ParsedMessage> {
    if (this.closed) return Promise.reject(new Error('parse pool is closed'));
    // Threads start on first use: an appliance without mailboxes never pays for them.
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, raw, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('parse pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startModuleWorker(import.meta.url, 'worker', { dataDir: this.dataDir }), busy: null };
    slot.worker.unref();
    slot.worker.on('message', (msg: { id: number; ok: boolean; result?: ParsedMessage; error?: string }) => {
      const task = slot.busy;
      if (!task || task.id !== msg.id) return;
      this.finish(slot);
      if (msg.ok) task.resolve(msg.result!);
      else task.reject(new Error(msg.error ?? 'parse failed'));
    });
    const fail = (err: Error) => {
      const task = slot.busy;
      this.finish(slot);
      const index = this.slots.indexOf(slot);
      if (index >= 0 && !this.closed) this.slots[index] = this.spawn();
      task?.reject(err);
      this.pump();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) fail(new Error(`parser worker exited with code ${code}`));
    });
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.busy?.timer) clearTimeout(slot.busy.timer);
    slot.busy = null;
    queueMicrotask(() => this.pump());
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.busy = task;
      task.timer = setTimeout(() => {
        // A message that keeps a parser busy this long is treated as a failed parse.
        const index = this.slots.indexOf(slot);
        slot.busy = null;
        void slot.worker.terminate();
        if (index >= 0 && !this.closed) this.slots[index] = this.spawn();
        task.reject(new Error(`parsing took longer than ${this.timeoutMs} ms`));
        this.pump();
      }, this.timeoutMs);
      // Copied into a buffer of its own and transferred: the caller keeps its raw for a retry
      // or the quarantine, and a slice of a bigger network buffer is not cloned whole.
      const copy = new Uint8Array(task.raw.byteLength);
      copy.set(task.raw);
      slot.worker.postMessage({ id: task.id, raw: copy }, [copy.buffer]);
    }
  }
}
