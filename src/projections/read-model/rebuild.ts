import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import type { RawLog } from '../../shared/event-store/raw-log.port.js';
import { type BulkPart, bulkBuild } from './bulk-build.js';
import { buildInParts, defaultRebuildThreads, type PartsOptions, removePartFiles, requestStop } from './parallel-build.js';
import { closeAsSingleFile, isDiskFull, openReadModelDb, ReadModelDiskFullError, removeDbFiles, type ReadModelDb } from './read-model.database.js';
import { ReadModelProjection } from './read-model.projection.js';
import { errorOfThreadFailure, type ThreadFailure } from './thread-failure.js';

export const READ_MODEL_FILE = 'read-models.sqlite';

export const readModelFile = (dataDir: string): string => join(dataDir, READ_MODEL_FILE);

export interface RebuildResult {
  /** Events read from the log (all streams). */
  readonly events: number;
  /** Track, session and subject streams in the rebuilt read models. */
  readonly streams: number;
  readonly tracks: number;
  readonly durationMs: number;
  readonly eventsPerSecond: number;
}

export interface RebuildOptions extends BuildFileOptions {
  /** The data directory: the read models go to <dataDir>/read-models.sqlite. */
  readonly dataDir?: string;
  /** Or an explicit file. */
  readonly file?: string;
}

/** Progress' total: the head position, which counts the events of a store that numbers its log itself (one with a raw log). */
const totalOf = async (store: EventStore): Promise<number> => {
  const head = await store.headPosition();
  return head !== null && store.rawLog !== undefined && /^\d{1,15}$/.test(head) ? Number(head) : 0;
};

/**
 * Replays the whole log into `db` (a new, empty read-model database) and returns the counts. The
 * live answers are written once at the end: nobody reads this database before it is complete.
 */
export const buildReadModels = async (
  store: EventStore,
  db: ReadModelDb,
  options: Pick<BuildFileOptions, 'onProgress' | 'batchSize'> & { readonly closedCharsHeld?: number } = {},
): Promise<RebuildResult> => {
  const started = process.hrtime.bigint();
  const empty = db.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").pluck().get() === undefined;
  const raw = empty ? store.rawLog?.() : undefined;
  let events: number;
  if (raw !== undefined) {
    // A store with a raw log can be read stream by stream: the bulk path (bulk-build.ts).
    ({ events } = await bulkBuild(raw, db, options.onProgress, undefined, options.closedCharsHeld));
  } else {
    const total = await totalOf(store);
    if (db.name !== ':memory:') db.pragma('synchronous = OFF');
    const projection = new ReadModelProjection(store, db, { batchSize: options.batchSize ?? 5000, deferLiveTables: true });
    events = await projection.catchUp((done) => options.onProgress?.(done, Math.max(total, done)));
    projection.projector.finish();
    if (db.name !== ':memory:') db.pragma('synchronous = NORMAL');
  }
  return resultOf(db, events, started);
};

/** The counts of a finished build into `db`, and its speed since `started` (process.hrtime.bigint()). */
const resultOf = (db: ReadModelDb, events: number, started: bigint): RebuildResult => {
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  const count = (sql: string): number => db.prepare(sql).pluck().get() as number;
  return {
    events,
    streams: count('SELECT COUNT(*) FROM streams'),
    tracks: count('SELECT COUNT(*) FROM tracks'),
    durationMs: Math.round(durationMs),
    eventsPerSecond: durationMs > 0 ? Math.round((events * 1000) / durationMs) : events,
  };
};

/**
 * buildReadModels into `db` (new, empty) from a raw log alone: what the rebuild worker has, the
 * store's raw log opened on its file.
 */
export const buildReadModelsFromRawLog = async (
  source: RawLog,
  db: ReadModelDb,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<RebuildResult> => {
  const started = process.hrtime.bigint();
  const { events } = await bulkBuild(source, db, onProgress);
  return resultOf(db, events, started);
};

/**
 * buildReadModelsFromRawLog on `parts` threads (parallel-build.ts), this one included, from the raw
 * log `source` on this thread and options.storeFile, its file, on the others.
 */
export const buildReadModelsInParts = async (db: ReadModelDb, source: RawLog, options: PartsOptions): Promise<RebuildResult> => {
  const started = process.hrtime.bigint();
  const { events } = await buildInParts(db, source, options);
  return resultOf(db, events, started);
};

/**
 * The compiled worker (rebuild.worker.js next to this module). Absent when this module runs from
 * its TypeScript source (the test runner): the build then runs on the calling thread.
 */
const WORKER_FILE = import.meta.url.endsWith('.js') ? fileURLToPath(new URL('./rebuild.worker.js', import.meta.url)) : undefined;

/** The file of a store's raw log, which a worker thread can open on its own connection. */
const storeFileOf = (store: EventStore): string | undefined => store.rawLog?.().file;

/** Whether buildReadModelsFile runs on a worker thread for this store. */
export const rebuildRunsOnWorker = (store: EventStore): boolean => storeFileOf(store) !== undefined && WORKER_FILE !== undefined && existsSync(WORKER_FILE);

/** What the rebuild worker posts to its parent. */
export type RebuildWorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly result: RebuildResult }
  | ThreadFailure;

/** What the rebuild worker is given. */
export interface RebuildWorkerData {
  readonly storeFile: string;
  readonly target: string;
  /** Threads to build on (one part each) when the log has that many tracks; 1: this thread alone. */
  readonly threads?: number;
  /** The heap bound given to each part's thread, in MB. */
  readonly heapMb?: number;
  /** Set on a part's thread: its tracks and their streams, found once by the rebuild worker (parallel-build.ts). */
  readonly part?: BulkPart;
  /** Shared with the thread (and its parts): set to 1 to make them stop at their next track. */
  readonly stop?: Int32Array;
}

/** How long an asked thread has to stop by itself (one track, about a second) before it is terminated. */
const STOP_GRACE_MS = 10_000;

export interface BuildFileOptions {
  /**
   * Called after each batch. `total` is the head position of the log: the number of events on
   * SQLite (positions are 1, 2, 3, ...); 0 when the store's positions say nothing about counts.
   */
  readonly onProgress?: (done: number, total: number) => void;
  /** Events per transaction (default 5000). */
  readonly batchSize?: number;
  /** Aborting stops the build (the worker is terminated) and removes the half-written file. */
  readonly signal?: AbortSignal;
  /** The worker's first try at an old-generation heap bound, in MB (default WORKER_HEAP_MB). */
  readonly workerHeapMb?: number;
  /** Told when the first try ran out of that bound, before the build is tried again without it. */
  readonly onWorkerOutOfMemory?: (heapMb: number) => void;
  /**
   * Threads the build may use, one per part of the tracks (default: one per core, at most
   * MAX_REBUILD_THREADS). Tracks are independent, so a log of several tracks builds on several
   * threads; a log of one track builds on one. Each thread holds one track's events at a time.
   */
  readonly threads?: number | undefined;
}

/**
 * The rebuild worker's old-generation heap bound on its first try. The build holds one track's
 * events at a time (about 150 MB for a track of 50,000 events), but without a bound V8 lets the
 * garbage of several tracks pile up before collecting it (measured: peak RSS 490-670 MB for 1M events
 * in 20 tracks, 310-340 MB with this bound, in the same time). A track too large for it makes the
 * worker run out of memory; the build is then tried again without the bound.
 */
export const WORKER_HEAP_MB = 384;

const isWorkerOutOfMemory = (error: unknown): boolean => (error as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY';

/**
 * Builds every read model into `target` (a file that is about to be created) and leaves it closed
 * as a single file. On a SQLite store the build runs on a worker thread with its own read-only
 * connection to the store: the caller's event loop keeps serving (queries, commands, the live
 * projection) during a rebuild of millions of events, and the memory the build used (one track's
 * events at a time, SQLite's caches) goes back when the worker exits instead of staying in the
 * server's heap. Other stores are replayed on the calling thread.
 *
 * Whatever fails, the target and its parts are removed; a full disk (SQLITE_FULL, ENOSPC) is a
 * ReadModelDiskFullError naming the target.
 */
export const buildReadModelsFile = async (store: EventStore, target: string, options: BuildFileOptions = {}): Promise<RebuildResult> => {
  removeBuildFiles(target);
  const storeFile = storeFileOf(store);
  try {
    if (storeFile !== undefined && rebuildRunsOnWorker(store)) {
      const threads = options.threads ?? defaultRebuildThreads();
      if (!(Number.isSafeInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a positive integer, not ${String(threads)}`);
      const heapMb = options.workerHeapMb ?? WORKER_HEAP_MB;
      try {
        return await buildInWorker(WORKER_FILE!, { storeFile, target, threads, heapMb }, options, heapMb);
      } catch (error) {
        if (!isWorkerOutOfMemory(error)) throw error;
        options.onWorkerOutOfMemory?.(heapMb);
        removeBuildFiles(target);
        return await buildInWorker(WORKER_FILE!, { storeFile, target, threads }, options, undefined);
      }
    }
    options.signal?.throwIfAborted();
    const db = openReadModelDb(target);
    try {
      const result = await buildReadModels(store, db, options);
      closeAsSingleFile(db);
      return result;
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    removeBuildFiles(target);
    // From a worker thread the error arrives as its message and code: its file is named again here.
    throw isDiskFull(error) ? new ReadModelDiskFullError(target, { cause: error }) : error;
  }
};

/** The target and any part file of a parallel build into it. */
const removeBuildFiles = (target: string): void => {
  removeDbFiles(target);
  removePartFiles(target);
};

const buildInWorker = (file: string, data: RebuildWorkerData, options: BuildFileOptions, heapMb: number | undefined): Promise<RebuildResult> =>
  new Promise<RebuildResult>((resolve, reject) => {
    options.signal?.throwIfAborted();
    const stop = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(file, { workerData: { ...data, stop }, ...(heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}) });
    // The first of done / failed / error / abort decides the answer, given once the worker has
    // exited: its memory is back and it writes no more to the file (which a failure then removes).
    let outcome: (() => void) | undefined;
    const decide = (answer: () => void): void => {
      outcome ??= answer;
    };
    let lastResort: NodeJS.Timeout | undefined;
    const abort = (): void => {
      decide(() => reject(options.signal?.reason ?? new Error('rebuild aborted')));
      // Asked, not terminated: a thread terminated inside better-sqlite3 can abort the process.
      requestStop(stop);
      lastResort = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: RebuildWorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.done, message.total);
      else if (message.type === 'done') decide(() => resolve(message.result));
      // A part's thread that ran out of its heap bound: its code goes up, and the build is retried.
      else decide(() => reject(errorOfThreadFailure(message)));
    });
    worker.on('error', (error) => decide(() => reject(error)));
    worker.once('exit', (code) => {
      clearTimeout(lastResort);
      options.signal?.removeEventListener('abort', abort);
      (outcome ?? (() => reject(new Error(`the rebuild worker stopped (exit code ${code}) before finishing`))))();
    });
  });

/** Where a rebuild of `target` builds its new file (and its parts, `.part-N`) before the rename. */
const rebuildingFileOf = (target: string): string => `${target}.rebuild`;

/** What a rebuild of `target` killed before it finished leaves: its new file, and the parts of a parallel one. */
export const removeRebuildLeftovers = (target: string): void => {
  removeDbFiles(rebuildingFileOf(target));
  removePartFiles(rebuildingFileOf(target));
};

/**
 * `norms-ledger rebuild`: rebuilds every read model from the log into a new file next to the
 * current one, then replaces it with one rename. For a server that is running, use
 * POST /projections/rebuild, which also swaps the open connection.
 */
export const rebuildReadModels = async (store: EventStore, options: RebuildOptions): Promise<RebuildResult> => {
  const target = options.file ?? (options.dataDir !== undefined ? readModelFile(options.dataDir) : undefined);
  if (target === undefined) throw new TypeError('rebuildReadModels needs a dataDir or a file');
  const temporary = rebuildingFileOf(target);
  const result = await buildReadModelsFile(store, temporary, options);
  replaceFile(temporary, target);
  return result;
};

/** Moves a closed, single-file database over another (whose WAL, if any, is stale once replaced). */
export const replaceFile = (from: string, to: string): void => {
  for (const suffix of ['-wal', '-shm']) if (existsSync(to + suffix)) removeDbFiles(to + suffix);
  try {
    renameSync(from, to);
  } catch (error) {
    removeDbFiles(from);
    throw new Error(`cannot put the rebuilt read models in place at ${to} (${(error as Error).message.split('\n')[0]}): it must be a file this user can replace; check LEDGER_DATA_DIR`, { cause: error });
  }
};
