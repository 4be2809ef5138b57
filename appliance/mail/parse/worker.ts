import { parentPort, workerData } from 'node:worker_threads';
import { parseAndStore } from './parse-message.js';

/** Worker thread entry: parses messages and writes their files, away from the web event loop. */
interface Task {
  id: number;
  raw: Uint8Array;
}

const { dataDir } = workerData as { dataDir: string };

parentPort!.on('message', (task: Task) => {
  const raw = Buffer.from(task.raw.buffer, task.raw.byteOffset, task.raw.byteLength);
  parseAndStore(raw, dataDir).then(
    (result) => parentPort!.postMessage({ id: task.id, ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ id: task.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
