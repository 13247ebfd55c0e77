import { existsSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createOwnerOnly, ensureDir } from '../../shared/ensure-dir.js';
import { DAMAGED_FILE, isSqliteError } from '../../shared/sqlite-errors.js';
import { EVENT_SCHEMA_VERSION } from '../../shared/event-store/event-schema.js';

/**
 * The read-model database: always SQLite, whichever event store holds the log, and always
 * disposable (it is rebuilt from the log on demand), hence synchronous = NORMAL.
 *
 * - `meta`: the checkpoint (last applied global position) and `checkpoint_event` (the stream,
 *   revision and id of the event at that position: read-model.checkpoint.ts), written in the same
 *   transaction as every change they cover.
 * - `ledger_events`: the events the projections read, so a refold never goes back to the store.
 * - `streams`: stream → track (from each stream's creation event).
 * - live tables (`tracks`, `subjects`, `sessions`, `cbm_links`): the answers without a cut. A
 *   subject's full state goes last in its row: SQLite reads a row's columns in order, so a board
 *   read of `row` never walks the overflow pages of a long state.
 * - `versions`: the bitemporal index (see subject-curve.ts and projector.ts), clustered by
 *   (stream_id, effective_from, known_from). A probe under a cut walks `versions_by_cut`, the same
 *   key with known_to and no state, to the version in force, then reads that one state by its key:
 *   walking the table itself read the state of every version it passed, and a cut early in
 *   transaction time passes every later version of the subject (on a 57-party track, 160 of 1.8 KB
 *   each per subject). The key is unique: a version replaced at its own known_from is
 *   deleted, so a later one at the same date always starts later in transaction time.
 * - `knowledge`: per track, the latest recordedAt applied and the windows of transaction time in
 *   which the index cannot be trusted because events were recorded out of order (see projector.ts).
 */
const READ_MODEL_LAYOUT = '9';
/**
 * The read models keep payloads in this build's shape (event-schema.ts): a new event schema version
 * is a new read-model version too, so that files built under the old one are rebuilt.
 */
export const READ_MODEL_SCHEMA_VERSION = EVENT_SCHEMA_VERSION === 1 ? READ_MODEL_LAYOUT : `${READ_MODEL_LAYOUT}+events-${EVENT_SCHEMA_VERSION}`;

/** known_to of a version still current: sorts after every ISO timestamp. */
export const STILL_CURRENT = '~';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ledger_events (
  seq INTEGER PRIMARY KEY,
  position TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  track_id TEXT NOT NULL,
  type TEXT NOT NULL,
  effective_on TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  event_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_events_by_stream ON ledger_events (stream_id, seq);
CREATE INDEX IF NOT EXISTS ledger_events_by_track ON ledger_events (track_id, seq);
CREATE TABLE IF NOT EXISTS streams (stream_id TEXT PRIMARY KEY, track_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS streams_by_track ON streams (track_id, kind, id);
CREATE TABLE IF NOT EXISTS tracks (track_id TEXT PRIMARY KEY, name TEXT NOT NULL, registry TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS subjects (
  stream_id TEXT PRIMARY KEY,
  track_id TEXT NOT NULL,
  sort INTEGER NOT NULL,
  id TEXT NOT NULL,
  row TEXT NOT NULL,
  session_corrections TEXT,
  state TEXT NOT NULL
) WITHOUT ROWID;
-- Covering the live board: one track's rows are read from consecutive index pages.
CREATE INDEX IF NOT EXISTS subjects_by_track ON subjects (track_id, sort, id, row);
CREATE TABLE IF NOT EXISTS sessions (
  stream_id TEXT PRIMARY KEY,
  track_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  session_corrections TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_track ON sessions (track_id, number, session_id);
CREATE TABLE IF NOT EXISTS cbm_links (track_id TEXT NOT NULL, norm_id TEXT NOT NULL, cbm_id TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (track_id, norm_id, cbm_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cbm_links_by_cbm ON cbm_links (track_id, cbm_id);
CREATE TABLE IF NOT EXISTS versions (
  stream_id TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  known_from TEXT NOT NULL,
  known_to TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (stream_id, effective_from, known_from)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS versions_by_cut ON versions (stream_id, effective_from, known_from, known_to);
CREATE TABLE IF NOT EXISTS knowledge (track_id TEXT PRIMARY KEY, latest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS untrusted_windows (track_id TEXT NOT NULL, known_from TEXT NOT NULL, known_to TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS untrusted_windows_by_track ON untrusted_windows (track_id);
`;

export type ReadModelDb = Database.Database;

const isDamagedFile = (error: unknown): boolean => isSqliteError(error, DAMAGED_FILE);

/** SQLite's SQLITE_FULL (a full disk, or a database at its size cap), or the file system's ENOSPC. */
export const isDiskFull = (error: unknown): boolean => isSqliteError(error, ['SQLITE_FULL']) || (error as { code?: unknown } | null)?.code === 'ENOSPC';

/**
 * The read models could not be written because the disk is full. Its `code` stays SQLITE_FULL, so
 * that it is still told apart once it has crossed a worker thread (which keeps message and code).
 */
export class ReadModelDiskFullError extends Error {
  readonly code = 'SQLITE_FULL';

  constructor(
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`the disk is full: cannot write the read models to ${file} (database or disk is full); free space on that disk, then rebuild them; the read models in place are unchanged`, options);
    this.name = 'ReadModelDiskFullError';
  }
}

/**
 * After an error inside an explicit BEGIN: rolls back what is left of the transaction, if anything.
 * SQLite may have rolled it back itself (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM), and a
 * ROLLBACK then fails with "cannot rollback - no transaction is active", which must not take the
 * place of the error that says what went wrong.
 */
export const rollbackQuietly = (db: ReadModelDb): void => {
  if (!db.open || !db.inTransaction) return;
  try {
    db.exec('ROLLBACK');
  } catch {
    // The error being thrown says more than this one.
  }
};

/**
 * Called with every read-model connection as it opens, before its tables are created. Unset in
 * production; a test caps the file's size there (PRAGMA max_page_count), and SQLite then refuses
 * writes with SQLITE_FULL exactly as on a full disk, which a test cannot otherwise arrange without
 * mounting a file system.
 */
export const readModelConnectionHooks: { onOpen?: (db: ReadModelDb, path: string) => void } = {};

/**
 * `file`: a path or ':memory:'. A file of another schema version, or one SQLite cannot read (not a
 * database, damaged), is dropped: it holds nothing the ledger does not, and the start-up catch-up
 * rebuilds it from the log. `notice` is told why, in one line, so that an operator learns of a
 * damaged file (a disk to check) instead of only seeing the read models built again.
 */
export const openReadModelDb = (file: string, notice: (line: string) => void = () => {}): ReadModelDb => {
  const inMemory = file === ':memory:';
  const path = inMemory ? file : resolve(file);
  if (!inMemory) ensureDir(dirname(path));
  try {
    try {
      return openAt(path, inMemory, notice);
    } catch (error) {
      if (inMemory || !isDamagedFile(error)) throw error;
      notice(`the read models at ${path} cannot be read (${(error as Error).message.split('\n')[0]}): the file is removed and they are built again from the log; check the disk if this recurs`);
      removeDbFiles(path);
      return openAt(path, inMemory, notice);
    }
  } catch (error) {
    // Not a matter of rights: the message must not send the operator to check them.
    if (isDiskFull(error)) throw new ReadModelDiskFullError(path, { cause: error });
    // "unable to open database file" names no file: a directory in its place, a read-only directory.
    throw new Error(
      `cannot open the read models at ${path} (${(error as Error).message.split('\n')[0]}): it must be a file this user can read and write, in a directory it can write; check LEDGER_DATA_DIR`,
      { cause: error },
    );
  }
};

const openAt = (path: string, inMemory: boolean, notice: (line: string) => void): ReadModelDb => {
  // Owner-only, as the ledger: the read models hold every statement too.
  if (!inMemory) createOwnerOnly(path);
  let db = new Database(path);
  if (!inMemory) {
    const version = readSchemaVersion(db);
    if (version !== null && version !== READ_MODEL_SCHEMA_VERSION) {
      notice(`the read models at ${path} are of schema ${version}, this build's is ${READ_MODEL_SCHEMA_VERSION}: they are built again from the log`);
      db.close();
      removeDbFiles(path);
      createOwnerOnly(path);
      db = new Database(path);
    }
  }
  try {
    if (!inMemory) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -16384');
    readModelConnectionHooks.onOpen?.(db, path);
    db.exec(SCHEMA);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', READ_MODEL_SCHEMA_VERSION);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

const readSchemaVersion = (db: ReadModelDb): string | null => {
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined;
    return row ?? null;
  } catch (error) {
    if (isDamagedFile(error)) {
      db.close();
      throw error;
    }
    return null;
  }
};

export const removeDbFiles = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
  }
};

/** Folds the WAL into the main file and leaves one self-contained file, ready to be renamed. */
export const closeAsSingleFile = (db: ReadModelDb): void => {
  if (db.name !== ':memory:') {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
  }
  db.close();
};
