/**
 * The rebuild on its own thread (see buildReadModelsFile in rebuild.ts): a read-only connection to
 * the SQLite store, a new read-model file, progress and the result posted to the parent.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { closeAsSingleFile, openReadModelDb } from './read-model.database.js';
import { buildReadModels, type RebuildWorkerData, type RebuildWorkerMessage } from './rebuild.js';

const post = (message: RebuildWorkerMessage): void => parentPort!.postMessage(message);

const run = async ({ storeFile, target }: RebuildWorkerData): Promise<void> => {
  const source = new Database(storeFile, { readonly: true, fileMustExist: true });
  try {
    const db = openReadModelDb(target);
    try {
      const result = await buildReadModels({ database: source }, db, { onProgress: (done, total) => post({ type: 'progress', done, total }) });
      closeAsSingleFile(db);
      post({ type: 'done', result });
    } catch (error) {
      db.close();
      throw error;
    }
  } finally {
    source.close();
  }
};

run(workerData as RebuildWorkerData).catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
