import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from './worker-module.js';

/** What every pooled worker answers for a task: `{id, ok, result}` or `{id, ok: false, error}`. */
interface Reply<R> {
  id: number;
  ok: boolean;
  result?: R;
  error?: string;
}

interface Task<Q, R> {
  id: number;
  request: Q;
  resolve: (value: R) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot<Q, R> {
  worker: Worker;
  busy: Task<Q, R> | null;
}

export interface WorkerPoolOptions<Q> {
  /** `import.meta.url` of the module beside which the worker file lives, and its base name. */
  moduleUrl: string;
  worker: string;
  workerData: unknown;
  size: number;
  /**
   * `eager`: every thread starts with the first task (all of them will be wanted);
   * `on-demand`: a thread starts only when every running one is busy.
   */
  start: 'eager' | 'on-demand';
  /** A task that keeps its thread longer fails and the thread is replaced. */
  timeoutMs?: number;
  /** Stopping: `close` asks each thread to finish (it must exit on the message `'close'`). */
  stop: 'terminate' | 'close';
  /** The words of errors: "the search threads are stopped", "a search thread exited". */
  closedMessage: string;
  exitMessage: (code: number) => string;
  timeoutMessage?: (ms: number) => string;
  failMessage: (error: string) => string;
  /** The message posted for a request, and what it transfers (default: `{id, request}`). */
  encode?: (id: number, request: Q) => { message: unknown; transfer?: ArrayBuffer[] };
}

/**
 * A fixed number of worker threads taking tasks from one queue. A task that hangs or crashes its
 * thread fails alone (the thread is replaced); the caller decides about retries. Threads are
 * unreferenced: they never keep the appliance from exiting.
 */
export class WorkerPool<Q, R> {
  private readonly slots: Slot<Q, R>[] = [];
  private readonly queue: Task<Q, R>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions<Q>) {}

  run(request: Q): Promise<R> {
    const o = this.options;
    if (this.closed) return Promise.reject(new Error(o.closedMessage));
    if (o.start === 'eager') while (this.slots.length < o.size) this.slots.push(this.spawn());
    else if (this.slots.length < o.size && this.slots.every((s) => s.busy)) this.slots.push(this.spawn());
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, resolve, reject });
      this.pump();
    });
  }

  /** How many threads are running now. */
  get threads(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error(this.options.closedMessage));
    const slots = this.slots.splice(0);
    if (this.options.stop === 'terminate') {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      return;
    }
    await Promise.all(
      slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.worker.once('exit', () => resolve());
            s.worker.ref();
            s.worker.postMessage('close');
            // A thread stuck in a task does not keep the appliance from stopping.
            setTimeout(() => void s.worker.terminate(), 5_000).unref();
          }),
      ),
    );
  }

  private spawn(): Slot<Q, R> {
    const o = this.options;
    const slot: Slot<Q, R> = { worker: startModuleWorker(o.moduleUrl, o.worker, o.workerData), busy: null };
    slot.worker.unref();
    slot.worker.on('message', (m: Reply<R>) => {
      const task = slot.busy;
      if (!task || task.id !== m.id) return;
      this.release(slot);
      if (m.ok) task.resolve(m.result!);
      else task.reject(new Error(o.failMessage(m.error ?? 'unknown error')));
      this.pump();
    });
    slot.worker.on('error', (err) => this.lose(slot, err));
    slot.worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) this.lose(slot, new Error(o.exitMessage(code)));
    });
    return slot;
  }

  private release(slot: Slot<Q, R>): void {
    if (slot.busy?.timer) clearTimeout(slot.busy.timer);
    slot.busy = null;
  }

  /** The thread is gone or stuck: its task fails, a new thread takes its place. */
  private lose(slot: Slot<Q, R>, err: Error): void {
    const task = slot.busy;
    this.release(slot);
    const index = this.slots.indexOf(slot);
    if (index >= 0) {
      if (this.closed) this.slots.splice(index, 1);
      else this.slots[index] = this.spawn();
    }
    task?.reject(err);
    this.pump();
  }

  private pump(): void {
    const o = this.options;
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.busy = task;
      if (o.timeoutMs) {
        const ms = o.timeoutMs;
        task.timer = setTimeout(() => {
          void slot.worker.terminate();
          this.lose(slot, new Error(o.timeoutMessage ? o.timeoutMessage(ms) : `the task took longer than ${ms} ms`));
        }, ms);
      }
      const { message, transfer } = o.encode ? o.encode(task.id, task.request) : { message: { id: task.id, request: task.request } };
      slot.worker.postMessage(message, transfer ?? []);
    }
  }
}
