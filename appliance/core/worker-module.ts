import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Starts a worker thread running the module `name` (without extension) next to `base` (the
 * caller's `import.meta.url`): the compiled `.js` in production; from TypeScript sources (tests,
 * bench under tsx) the `.ts` through tsx's API, because loader hooks given on the command line
 * do not reach worker threads on Node 20.
 */
export function startModuleWorker(base: string, name: string, workerData: unknown): Worker {
  const js = new URL(`./${name}.js`, base);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  const ts = new URL(`./${name}.ts`, base).href;
  const boot = `import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(ts)}, ${JSON.stringify(ts)}))`;
  return new Worker(boot, { eval: true, workerData, execArgv: [] });
}
