import { availableParallelism } from 'node:os';
import { WorkerPool } from '../core/worker-pool.js';
import type { SearchRequest, SearchResult } from './search.js';

/** Threads: one per core, at least two (one long search never waits for another), at most four. */
export const defaultSearchThreads = () => Math.min(4, Math.max(2, availableParallelism()));

/**
 * Search threads (`search-worker.ts`), each with its own read-only connection. A thread starts
 * only when every running one is busy: an appliance searched by one person at a time runs one.
 * A thread that dies fails only its own search and is replaced.
 */
export class SearchPool {
  private readonly pool: WorkerPool<SearchRequest, SearchResult>;

  constructor(file: string, size = defaultSearchThreads()) {
    this.pool = new WorkerPool<SearchRequest, SearchResult>({
      moduleUrl: import.meta.url,
      worker: 'search-worker',
      workerData: { file },
      size,
      start: 'on-demand',
      stop: 'close',
      closedMessage: 'the search threads are stopped',
      exitMessage: (code) => `a search thread exited with code ${code}`,
      failMessage: (error) => `search failed: ${error}`,
    });
  }

  find(request: SearchRequest): Promise<SearchResult> {
    return this.pool.run(request);
  }

  /** How many threads are running now. */
  get threads(): number {
    return this.pool.threads;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
