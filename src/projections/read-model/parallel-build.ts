/**
 * A rebuild from the SQLite store on several threads. Tracks are independent (see bulk-build.ts:
 * everything derived for an event depends only on its own track), so the tracks, in track id
 * order, are cut into `parts` runs of consecutive tracks, built at the same time up to one head
 * position taken here: the first run by this thread straight into the target, each other run by a
 * worker thread of its own (the store's raw log on a read-only connection of its own) into a part
 * file. The part files are then appended to the target in order, inside SQLite (ATTACH, INSERT ...
 * SELECT), so the target is, row for row and rowid for rowid, what one thread building every track
 * in track id order writes (test/projections/rebuild-worker.spec.ts compares them).
 *
 * Runs on the rebuild worker thread (rebuild.worker.ts): the server's own thread only sees progress.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RawLog } from '../../shared/event-store/raw-log.port.js';
import { type BulkPart, bulkBuild, discoverTracks, finishBulkTarget, runOf } from './bulk-build.js';
import { removeDbFiles, rollbackQuietly, type ReadModelDb } from './read-model.database.js';
import { errorOfThreadFailure, type ThreadFailure } from './thread-failure.js';

/** At most this many part threads: beyond it the merge and the memory (one track per thread) cost more than they save. */
export const MAX_REBUILD_THREADS = 4;

/**
 * Threads for a rebuild when none is asked for: one per core, within MAX_REBUILD_THREADS, less
 * `spare` cores left to a server that keeps answering meanwhile (never fewer than one).
 */
export const defaultRebuildThreads = (spare = 0): number => Math.max(1, Math.min(MAX_REBUILD_THREADS, availableParallelism() - spare));

export const partFile = (target: string, index: number): string => `${target}.part-${index}`;

/** Removes every part file a build into `target` may have left (a build stopped half-way). */
export const removePartFiles = (target: string): void => {
  for (let index = 0; index < MAX_REBUILD_THREADS; index++) removeDbFiles(partFile(target, index));
};

/** Track streams in the log: how many parts are worth starting. */
export const countTrackStreams = (source: RawLog): number => source.countStreams('track-');


/** What a part worker posts to the rebuild worker. */
export type PartMessage =
  | { readonly type: 'part-progress'; readonly done: number }
  | { readonly type: 'part-done'; readonly events: number }
  | ThreadFailure;

export interface PartsOptions {
  readonly storeFile: string;
  /** The path of `db`: part files go next to it. */
  readonly target: string;
  readonly parts: number;
  /** The compiled worker file (rebuild.worker.js), run once per part. */
  readonly workerFile: string;
  /** Each part worker's old-generation heap bound, in MB (undefined: none). */
  readonly heapMb: number | undefined;
  readonly onProgress?: (done: number, total: number) => void;
  /** Shared with every part's thread: set to 1, each stops at its next track (see stopRequested). */
  readonly stop?: Int32Array;
}

/**
 * Whether a build was asked to stop (`stop[0]` set by another thread). Threads stop themselves
 * between tracks: terminating a thread while better-sqlite3 runs in it can abort the whole
 * process (V8's "ToLocalChecked Empty MaybeLocal", seen in about one interrupted rebuild in six).
 */
export const stopRequested = (stop: Int32Array | undefined): boolean => stop !== undefined && Atomics.load(stop, 0) === 1;

/** Asks every thread sharing `stop` to stop at its next track. */
export const requestStop = (stop: Int32Array): void => {
  Atomics.store(stop, 0, 1);
};

/**
 * Builds `parts` parts at once and appends parts 1.. to `db` (new, empty), which this thread fills
 * with part 0 through `source` (the store's raw log); returns the events up to the head.
 */
export const buildInParts = async (db: ReadModelDb, source: RawLog, options: PartsOptions): Promise<{ events: number }> => {
  const { head, total } = source.extent();
  // Which streams make up which track is read once, here, and each part is handed its share.
  const tracks = await discoverTracks(source, head);
  removePartFiles(options.target);
  const done = new Array<number>(options.parts).fill(0);
  let failed = false;
  const progress = (index: number, count: number): void => {
    done[index] = count;
    if (failed) return;
    try {
      options.onProgress?.(
        done.reduce((sum, n) => sum + n, 0),
        total,
      );
    } catch (error) {
      // Another part's progress arrives in a message listener, where a throw (a stop asked of this
      // thread) would be an uncaught exception of the thread, reported before the failure that
      // caused the stop: part 0's own progress stops the build instead, at its next track.
      if (index === 0) throw error;
    }
  };
  try {
    const workers: Worker[] = [];
    const runs = Array.from({ length: options.parts - 1 }, (_, offset) => offset + 1).map((index) =>
      runPart(
        options,
        index,
        { head, tracks: runOf(tracks, index, options.parts) },
        (worker) => workers.push(worker),
        (count) => progress(index, count),
      ),
    );
    const others = Promise.all(runs);
    others.catch(() => undefined); // awaited below, once part 0 is built: no unhandled rejection meanwhile
    try {
      await bulkBuild(source, db, (count) => progress(0, count), { head, tracks: runOf(tracks, 0, options.parts) });
      await others;
    } catch (error) {
      // A part failed (or the build was asked to stop): the others are stopped, and waited for,
      // before their files are removed. They stop themselves, as terminating them can crash.
      failed = true;
      if (options.stop !== undefined) requestStop(options.stop);
      else for (const worker of workers) void worker.terminate();
      await Promise.allSettled(runs);
      throw error;
    }
    appendParts(
      db,
      Array.from({ length: options.parts - 1 }, (_, offset) => partFile(options.target, offset + 1)),
    );
    await finishBulkTarget(db, source, head);
    options.onProgress?.(total, total);
    return { events: total };
  } finally {
    removePartFiles(options.target);
  }
};

/** One part on its own worker thread; settles once that thread has exited. */
const runPart = (
  options: PartsOptions,
  index: number,
  part: BulkPart,
  onWorker: (worker: Worker) => void,
  onProgress: (done: number) => void,
): Promise<void> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(options.workerFile, {
      workerData: { storeFile: options.storeFile, target: partFile(options.target, index), part, stop: options.stop },
      ...(options.heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: options.heapMb } } : {}),
    });
    onWorker(worker);
    let outcome: (() => void) | undefined;
    worker.on('message', (message: PartMessage) => {
      if (message.type === 'part-progress') onProgress(message.done);
      else if (message.type === 'part-done') outcome ??= resolve;
      // Its code goes up too: a full disk (SQLITE_FULL) is told apart from other failures by it.
      else outcome ??= () => reject(errorOfThreadFailure(message));
    });
    // An error keeps its code (ERR_WORKER_OUT_OF_MEMORY makes the caller try again without a bound).
    worker.on('error', (error) => (outcome ??= () => reject(error)));
    worker.once('exit', (code) => (outcome ?? (() => reject(new Error(`rebuild part ${index} stopped (exit code ${code}) before finishing`))))());
  });

/** Appends the parts' rows to `db`, in part order: what one thread would have written next. */
const appendParts = (db: ReadModelDb, files: readonly string[]): void => {
  const columns = 'position, stream_id, track_id, type, effective_on, recorded_at, event_id, revision, data';
  for (const file of files) {
    db.prepare('ATTACH DATABASE ? AS part').run(file);
    try {
      db.exec('BEGIN');
      db.exec(`INSERT INTO main.ledger_events (${columns}) SELECT ${columns} FROM part.ledger_events ORDER BY seq`);
      db.exec('INSERT INTO main.untrusted_windows (track_id, known_from, known_to) SELECT track_id, known_from, known_to FROM part.untrusted_windows ORDER BY rowid');
      // Keyed tables: their content does not depend on the order of insertion.
      for (const table of ['streams', 'tracks', 'subjects', 'sessions', 'cbm_links', 'versions', 'knowledge']) db.exec(`INSERT INTO main.${table} SELECT * FROM part.${table}`);
      db.exec('COMMIT');
    } catch (error) {
      // Neither a failed ROLLBACK nor the DETACH may take the place of what went wrong (a full disk).
      rollbackQuietly(db);
      try {
        db.exec('DETACH DATABASE part');
      } catch {
        // The database is closed and removed by the caller.
      }
      throw error;
    }
    db.exec('DETACH DATABASE part');
  }
};
