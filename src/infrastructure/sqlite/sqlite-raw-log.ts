import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import type { RawEventRef, RawLog, RawLogExtent, RawRow } from '../../shared/event-store/raw-log.port.js';
import { assertKnownSchema, EVENT_STORE_SCHEMA_VERSION } from './sqlite-schema.js';

/*
 * Every read of the `events` table (sqlite-schema.ts) made outside the store itself is here: a
 * migration that changes the table changes these statements with it.
 */
const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';
/** Completed with a literal page size, as the range-check workers have always prepared it. */
const RANGE_UP_TO_LIMIT = `SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT `;

/** The first id after every id that starts with `prefix` (the strings that start with it lie in [prefix, this)). */
const afterPrefix = (prefix: string): string => prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

const assertPageSize = (limit: number): void => {
  if (!(Number.isSafeInteger(limit) && limit > 0)) throw new RangeError(`a page of ${String(limit)} rows: it must be a positive integer`);
};

const prepareStatements = (db: Database.Database) => ({
  head: db.prepare('SELECT MAX(position) FROM events').pluck(),
  countUpTo: db.prepare('SELECT COUNT(*) FROM events WHERE position <= ?').pluck(),
  eventAt: db.prepare('SELECT stream_id, revision, event_id FROM events WHERE position = ?').raw(),
  firstOfNextStream: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id > ? AND position <= ? ORDER BY stream_id, revision LIMIT 1`).raw(),
  streamRows: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND position <= ? ORDER BY revision`).raw(),
  countStreams: db.prepare('SELECT COUNT(*) FROM (SELECT DISTINCT stream_id FROM events WHERE stream_id >= ? AND stream_id < ?)').pluck(),
  page: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
});

/** RawLog on a connection to a SQLite event store: the store's own (SqliteEventStore.rawLog), or one of openSqliteRawLog. */
export class SqliteRawLog implements RawLog {
  /** Prepared on the first read: asking a closed store for its raw log, or its file, does not throw. */
  private prepared: ReturnType<typeof prepareStatements> | undefined;
  private readonly ranges = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    /** Whether close() closes the connection: only one this log opened itself. */
    private readonly ownsConnection = false,
  ) {}

  private get statements(): ReturnType<typeof prepareStatements> {
    return (this.prepared ??= prepareStatements(this.db));
  }

  get file(): string | undefined {
    const { name, memory } = this.db;
    return memory || name === ':memory:' || name === '' ? undefined : name;
  }

  extent(): RawLogExtent {
    const head = (this.statements.head.get() as number | null) ?? 0;
    const total = head === 0 ? 0 : (this.statements.countUpTo.get(head) as number);
    return { head, total };
  }

  eventAt(position: number): RawEventRef | undefined {
    return this.statements.eventAt.get(position) as RawEventRef | undefined;
  }

  firstOfNextStream(streamId: string, upTo: number): RawRow | undefined {
    return this.statements.firstOfNextStream.get(streamId, upTo) as RawRow | undefined;
  }

  streamRows(streamId: string, upTo: number): RawRow[] {
    return this.statements.streamRows.all(streamId, upTo) as RawRow[];
  }

  countStreams(prefix: string): number {
    return this.statements.countStreams.get(prefix, afterPrefix(prefix)) as number;
  }

  page(after: number, limit: number): RawRow[] {
    return this.statements.page.all(after, limit) as RawRow[];
  }

  range(after: number, upTo: number, limit: number): RawRow[] {
    let statement = this.ranges.get(limit);
    if (statement === undefined) {
      assertPageSize(limit);
      statement = this.db.prepare(RANGE_UP_TO_LIMIT + limit).raw();
      this.ranges.set(limit, statement);
    }
    return statement.all(after, upTo) as RawRow[];
  }

  /** Closes the connection openSqliteRawLog opened; does nothing to a store's own. */
  close(): void {
    if (this.ownsConnection) this.db.close();
  }
}

/**
 * The raw log of the SQLite event store in `file`, on a read-only connection of its own: for
 * another thread (the rebuild's workers). Refuses a file of a newer schema, as the store does.
 */
export const openSqliteRawLog = (file: string): SqliteRawLog => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    assertKnownSchema(db, file);
    return new SqliteRawLog(db, true);
  } catch (error) {
    db.close();
    throw error;
  }
};

let rangeWorkerSource: string | undefined;

/**
 * RawLog.range for a worker thread run from source text (`new Worker(source, { eval: true })`,
 * which, unlike a worker file, also runs under the test runner, where this TypeScript cannot be
 * loaded): plain JavaScript, needing only `require`, that defines
 * `openRawRange(file, pageSize) → { range(after, upTo), close() }`, `file` opened read-only (a file
 * of a newer schema refused) and `range` answering as RawLog.range with that page size. Put it at
 * the top of the worker's source.
 */
export const sqliteRawRangeWorkerSource = (): string =>
  (rangeWorkerSource ??= `
const openRawRange = (file, pageSize) => {
  const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let statement;
  try {
    const version = db.pragma('user_version', { simple: true });
    if (version > ${EVENT_STORE_SCHEMA_VERSION}) throw new Error(file + ' was written by event store schema version ' + version + ', but this build knows only up to ${EVENT_STORE_SCHEMA_VERSION}');
    if (!(Number.isSafeInteger(pageSize) && pageSize > 0)) throw new RangeError('a page of ' + pageSize + ' rows: it must be a positive integer');
    statement = db.prepare(${JSON.stringify(RANGE_UP_TO_LIMIT)} + pageSize).raw();
  } catch (error) {
    db.close();
    throw error;
  }
  return { range: (after, upTo) => statement.all(after, upTo), close: () => db.close() };
};
`);
