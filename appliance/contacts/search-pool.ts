import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { startModuleWorker } from '../core/worker-module.js';
import type { SearchRequest, SearchResult } from './search.js';

interface Task {
  id: number;
  request: SearchRequest;
  resolve: (result: SearchResult) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Task | null;
}

/** Threads: one per core, at least two (one long search never waits for another), at most four. */
export const defaultSearchThreads = () => Math.min(4, Math.max(2, availableParallelism()));

/**
 * Search threads (`search-worker.ts`), each with its own read-only connection, started as
 * searches overlap. A search waits in one queue for the first free thread; a thread that dies fails
 * only its own search and is replaced.
 */
export class SearchPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly size = defaultSearchThreads(),
  ) {}

  find(request: SearchRequest): Promise<SearchResult> {
    if (this.closed) return Promise.reject(new Error('the search threads are stopped'));
    // A thread starts only when every running one is busy: an appliance searched by one person at a time runs one.
    if (this.slots.length < this.size && this.slots.every((s) => s.busy)) this.slots.push(this.spawn());
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
    for (const t of this.queue.splice(0)) t.reject(new Error('the search threads are stopped'));
    await Promise.all(
      this.slots.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.worker.once('exit', () => resolve());
            s.worker.ref();
            s.worker.postMessage('close');
            // A thread stuck in a search does not keep the appliance from stopping.
            setTimeout(() => void s.worker.terminate(), 5_000).unref();
          }),
      ),
    );
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startModuleWorker(import.meta.url, 'search-worker', { file: this.file }), busy: null };
    slot.worker.unref();
    slot.worker.on('message', (m: { id: number; ok: boolean; result?: SearchResult; error?: string }) => {
      const task = slot.busy;
      if (!task || task.id !== m.id) return;
      slot.busy = null;
      if (m.ok) task.resolve(m.result!);
      else task.reject(new Error(`search failed: ${m.error}`));
      this.pump();
    });
    const fail = (err: Error) => {
      const task = slot.busy;
      slot.busy = null;
      const index = this.slots.indexOf(slot);
      if (index >= 0) {
        if (this.closed) this.slots.splice(index, 1);
        else this.slots[index] = this.spawn();
      }
      task?.reject(err);
      this.pump();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) fail(new Error(`a search thread exited with code ${code}`));
    });
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.busy = task;
      slot.worker.postMessage({ id: task.id, request: task.request });
    }
  }
}
