/**
 * The worker thread of readCompanyCsvFileInWorker: reads and checks the CSV file, posts chunks, and stays at
 * most `ahead` chunks ahead of the thread that writes them.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../errors.ts';
import { packChunk, readCompanyCsv, type WorkerMessage } from './company-csv-reader.ts';

const { path, chunkSize, ahead } = workerData as { path: string; chunkSize: number; ahead: number };
const port = parentPort;
if (!port) throw new Error('company-csv-reader.worker runs as a worker thread');

let unacknowledged = 0;
let resume: (() => void) | null = null;
port.on('message', () => {
  unacknowledged--;
  resume?.();
});
const post = (message: WorkerMessage) => port.postMessage(message);

try {
  for await (const chunk of readCompanyCsv(
    createReadStream(path, { highWaterMark: 256 * 1024 }),
    chunkSize,
  )) {
    post({ type: 'chunk', chunk: packChunk(chunk) });
    unacknowledged++;
    while (unacknowledged >= ahead) {
      await new Promise<void>((resolve) => {
        resume = resolve;
      });
      resume = null;
    }
  }
  post({ type: 'end' });
} catch (error) {
  post({
    type: 'error',
    header: error instanceof DomainError && error.path === 'header',
    message: error instanceof Error ? error.message : String(error),
  });
}
port.unref();
