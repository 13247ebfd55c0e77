/**
 * The rebuild on its own thread (see buildReadModelsFile in rebuild.ts): a read-only connection to
 * the SQLite store, a new read-model file, progress and the result posted to the parent. On a log
 * of several tracks, with threads to spare, this thread starts one more of itself per part of the
 * tracks but the first (given `part`), builds the first itself and appends what they wrote
 * (parallel-build.ts).
 */
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { bulkBuild } from './bulk-build.js';
import { countTrackStreams, type PartMessage } from './parallel-build.js';
import { closeAsSingleFile, openReadModelDb } from './read-model.database.js';
import { buildReadModels, buildReadModelsInParts, type RebuildWorkerData, type RebuildWorkerMessage } from './rebuild.js';

const post = (message: RebuildWorkerMessage | PartMessage): void => parentPort!.postMessage(message);

const openSource = (storeFile: string): Database.Database => new Database(storeFile, { readonly: true, fileMustExist: true });

const run = async ({ storeFile, target, threads = 1, heapMb }: RebuildWorkerData): Promise<void> => {
  const source = openSource(storeFile);
  let parts: number;
  try {
    parts = threads > 1 ? Math.min(threads, countTrackStreams(source)) : 1;
    const db = openReadModelDb(target);
    try {
      const onProgress = (done: number, total: number): void => post({ type: 'progress', done, total });
      const result =
        parts > 1
          ? await buildReadModelsInParts(db, { database: source }, { storeFile, target, parts, workerFile: fileURLToPath(import.meta.url), heapMb, onProgress })
          : await buildReadModels({ database: source }, db, { onProgress });
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

/** One part of a parallel build: its tracks into its own file, which the parent merges and removes. */
const runPart = async ({ storeFile, target, part }: RebuildWorkerData & { part: NonNullable<RebuildWorkerData['part']> }): Promise<void> => {
  const source = openSource(storeFile);
  try {
    const db = openReadModelDb(target);
    try {
      const { events } = await bulkBuild({ database: source }, db, (done) => post({ type: 'part-progress', done }), {
        head: part.head,
        part: { index: part.index, of: part.of },
      });
      db.close();
      post({ type: 'part-done', events });
    } catch (error) {
      db.close();
      throw error;
    }
  } finally {
    source.close();
  }
};

const data = workerData as RebuildWorkerData;
(data.part !== undefined ? runPart({ ...data, part: data.part }) : run(data)).catch((error: unknown) => {
  const code = (error as { code?: unknown })?.code;
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) });
});
