import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { bulkBuild, isSqliteBacked } from './bulk-build.js';
import { closeAsSingleFile, openReadModelDb, removeDbFiles, type ReadModelDb } from './read-model.database.js';
import { ReadModelProjection } from './read-model.projection.js';

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

export interface RebuildOptions {
  /** The data directory: the read models go to <dataDir>/read-models.sqlite. */
  readonly dataDir?: string;
  /** Or an explicit file. */
  readonly file?: string;
  /**
   * Called after each batch. `total` is the head position of the log: the number of events on
   * SQLite (positions are 1, 2, 3, ...); 0 when the store's positions say nothing about counts.
   */
  readonly onProgress?: (done: number, total: number) => void;
  /** Events per transaction (default 5000). */
  readonly batchSize?: number;
}

const totalOf = async (store: EventStore): Promise<number> => {
  const head = await store.headPosition();
  const isSqlite = typeof (store as { readPage?: unknown }).readPage === 'function';
  return head !== null && isSqlite && /^\d{1,15}$/.test(head) ? Number(head) : 0;
};

/**
 * Replays the whole log into `db` (a new, empty read-model database) and returns the counts. The
 * live answers are written once at the end: nobody reads this database before it is complete.
 */
export const buildReadModels = async (
  store: EventStore,
  db: ReadModelDb,
  options: Pick<RebuildOptions, 'onProgress' | 'batchSize'> = {},
): Promise<RebuildResult> => {
  const started = process.hrtime.bigint();
  const total = await totalOf(store);
  const empty = db.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").pluck().get() === undefined;
  let events: number;
  if (empty && isSqliteBacked(store)) {
    // The SQLite store can be read stream by stream: the bulk path (bulk-build.ts).
    ({ events } = await bulkBuild(store, db, (done) => options.onProgress?.(done, Math.max(total, done))));
  } else {
    if (db.name !== ':memory:') db.pragma('synchronous = OFF');
    const projection = new ReadModelProjection(store, db, { batchSize: options.batchSize ?? 5000, deferLiveTables: true });
    events = await projection.catchUp((done) => options.onProgress?.(done, Math.max(total, done)));
    projection.projector.finish();
    if (db.name !== ':memory:') db.pragma('synchronous = NORMAL');
  }
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
 * `norms-ledger rebuild`: rebuilds every read model from the log into a new file next to the
 * current one, then replaces it with one rename. For a server that is running, use
 * POST /projections/rebuild, which also swaps the open connection.
 */
export const rebuildReadModels = async (store: EventStore, options: RebuildOptions): Promise<RebuildResult> => {
  const target = options.file ?? (options.dataDir !== undefined ? readModelFile(options.dataDir) : undefined);
  if (target === undefined) throw new TypeError('rebuildReadModels needs a dataDir or a file');
  const temporary = `${target}.rebuild`;
  removeDbFiles(temporary);
  const db = openReadModelDb(temporary);
  let result: RebuildResult;
  try {
    result = await buildReadModels(store, db, options);
  } catch (error) {
    db.close();
    removeDbFiles(temporary);
    throw error;
  }
  closeAsSingleFile(db);
  replaceFile(temporary, target);
  return result;
};

/** Moves a closed, single-file database over another (whose WAL, if any, is stale once replaced). */
export const replaceFile = (from: string, to: string): void => {
  for (const suffix of ['-wal', '-shm']) if (existsSync(to + suffix)) removeDbFiles(to + suffix);
  renameSync(from, to);
};
