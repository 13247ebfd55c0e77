/**
 * The rebuild on its own thread (see buildReadModelsFile in rebuild.ts): the SQLite store's raw log
 * on a read-only connection of its own, a new read-model file, progress and the result posted to
 * the parent. On a log of several tracks, with threads to spare, this thread starts one more of
 * itself per part of the tracks but the first (given `part`), builds the first itself and appends
 * what they wrote (parallel-build.ts).
 */
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
// A thread's entry point composes its own: the store's raw log opened on its file.
import { openSqliteRawLog } from '../../infrastructure/sqlite/sqlite-raw-log.js';
import type { RawLog } from '../../shared/event-store/raw-log.port.js';
import { type BulkPart, bulkBuild } from './bulk-build.js';
import { countTrackStreams, MAX_REBUILD_THREADS, type PartMessage, stopRequested } from './parallel-build.js';
import { closeAsSingleFile, openReadModelDb, type ReadModelDb } from './read-model.database.js';
import { buildReadModelsFromRawLog, buildReadModelsInParts, type RebuildWorkerData, type RebuildWorkerMessage } from './rebuild.js';
import { threadFailureOf } from './thread-failure.js';

const post = (message: RebuildWorkerMessage | PartMessage): void => parentPort!.postMessage(message);

/**
 * The store's raw log, read-only, and a new read-model file at `target`, for `build`, which closes
 * the read-model database when it succeeds; on a failure it is closed here (and removed by the caller).
 */
const withFiles = async (storeFile: string, target: string, build: (source: RawLog, db: ReadModelDb) => Promise<void>): Promise<void> => {
  const source = openSqliteRawLog(storeFile);
  try {
    const db = openReadModelDb(target);
    try {
      await build(source, db);
    } catch (error) {
      if (db.open) db.close();
      throw error;
    }
  } finally {
    source.close();
  }
};

/** Called after each track: a thread asked to stop stops there, its file then removed by the caller. */
const stopIfAsked = (stop: Int32Array | undefined): void => {
  if (stopRequested(stop)) throw new Error('rebuild stopped');
};

const run = ({ storeFile, target, threads = 1, heapMb, stop }: RebuildWorkerData): Promise<void> =>
  withFiles(storeFile, target, async (source, db) => {
    const parts = threads > 1 ? Math.min(threads, MAX_REBUILD_THREADS, countTrackStreams(source)) : 1;
    const onProgress = (done: number, total: number): void => {
      stopIfAsked(stop);
      post({ type: 'progress', done, total });
    };
    const result =
      parts > 1
        ? await buildReadModelsInParts(db, source, { storeFile, target, parts, workerFile: fileURLToPath(import.meta.url), heapMb, onProgress, stop })
        : await buildReadModelsFromRawLog(source, db, onProgress);
    closeAsSingleFile(db);
    post({ type: 'done', result });
  });

/** One part of a parallel build: its tracks into its own file, which the parent appends and removes. */
const runPart = ({ storeFile, target, part, stop }: RebuildWorkerData & { part: BulkPart }): Promise<void> =>
  withFiles(storeFile, target, async (source, db) => {
    const { events } = await bulkBuild(
      source,
      db,
      (done) => {
        stopIfAsked(stop);
        post({ type: 'part-progress', done });
      },
      part,
    );
    db.close();
    post({ type: 'part-done', events });
  });

const data = workerData as RebuildWorkerData;
(data.part !== undefined ? runPart({ ...data, part: data.part }) : run(data)).catch((error: unknown) => post(threadFailureOf(error)));
