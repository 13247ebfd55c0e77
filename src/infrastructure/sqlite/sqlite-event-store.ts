import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { decideAppend } from '../../shared/event-store/append-rules.js';
import { type SerialisedEvent, validateAppend } from '../../shared/event-store/append-validation.js';
import { InvalidAppendError, StoreUnavailableError, StreamNotFoundError } from '../../shared/event-store/event-store.errors.js';
import { parseStoredJson } from '../../shared/event-store/stored-json.js';
import type {
  AllFilter,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  StreamHeadRef,
  SubscribeOptions,
  Subscription,
} from '../../shared/event-store/event-store.port.js';
import type { RawLog } from '../../shared/event-store/raw-log.port.js';
import { SqliteRawLog } from './sqlite-raw-log.js';
import { assertKnownSchema, EVENT_STORE_SCHEMA_VERSION, migrate } from './sqlite-schema.js';
import { createOwnerOnly, ensureDir } from '../../shared/ensure-dir.js';
import { DAMAGED_FILE, isSqliteError, NO_ACCESS, sqliteErrorOf, STORAGE_FAULT } from '../../shared/sqlite-errors.js';

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:'. */
  readonly file: string;
  /** FULL (default) makes an acknowledged append survive a power cut; NORMAL only a process crash. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How often a subscription looks for events written by another process on the same file. */
  readonly pollIntervalMs?: number;
  /**
   * Take (and give back) the write lock at open, so that a file SQLite could open only for reading
   * (immutable, on a read-only mount, another user's) stops a server at start instead of at its
   * first command. Off for readers (verify, export), which may be handed a read-only copy.
   */
  readonly mustWrite?: boolean;
}

type Row = [position: number, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string];

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly SerialisedEvent[];
  readonly expected: ExpectedRevision;
  /** From appendAtPositions: where each event goes in the global log. */
  readonly positions?: readonly number[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

const PAGE_SIZE = 1000;
/** Stream heads remembered per connection; past this many the memo starts again. */
const MAX_REMEMBERED_HEADS = 50_000;
const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

const toRecorded = (row: Row): RecordedEvent => {
  const at = { position: row[0], streamId: row[1], revision: row[2] };
  return {
    streamId: row[1],
    revision: row[2],
    position: String(row[0]),
    eventId: row[3],
    type: row[4],
    data: parseStoredJson<JsonObject>(row[5], at, 'data'),
    metadata: parseStoredJson<JsonObject>(row[6], at, 'metadata'),
  };
};

/** appendAtPositions' positions: one per event, safe integers from 1, increasing. */
const positionsOf = (at: readonly string[], count: number): number[] => {
  if (at.length !== count) throw new InvalidAppendError('invalid-event', `${at.length} positions for ${count} events`);
  return at.map((text, index) => {
    const position = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(position)) throw new InvalidAppendError('invalid-event', `position ${JSON.stringify(text)} is not a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);
    if (index > 0 && position <= Number(at[index - 1])) throw new InvalidAppendError('invalid-event', `positions must increase: ${text} after ${at[index - 1]}`);
    return position;
  });
};

const parsePosition = (after: string | undefined): number => {
  if (after === undefined || after === 'start') return 0;
  if (!/^\d{1,16}$/.test(after)) throw new RangeError(`position ${JSON.stringify(after)} is not a decimal integer`);
  return Number(after);
};

/**
 * A file that SQLite cannot read as a database (not one at all, or damaged) is named, with where it
 * came from: SQLite's own message ("file is not a database") names neither.
 */
const notADatabase = (error: unknown, file: string): StoreUnavailableError | undefined => {
  const refused = sqliteErrorOf(error);
  if (refused === undefined) return undefined;
  if (isSqliteError(error, NO_ACCESS)) {
    // A read-only directory or file: SQLite says "unable to open database file", naming neither.
    return new StoreUnavailableError(
      `cannot open ${file} (${refused.message}): it must be a file this user can read and write, in a directory it can write (SQLite writes ${basename(file)}-wal and -shm beside it); check LEDGER_DATA_DIR`,
    );
  }
  if (!isSqliteError(error, DAMAGED_FILE)) return undefined;
  const what = refused.code === 'SQLITE_NOTADB' ? 'is not a SQLite database' : 'is a damaged SQLite database';
  return new StoreUnavailableError(`${file} ${what} (${refused.message}): check LEDGER_DATA_DIR`);
};

/** Opens (creating it if need be) the store's file for reading and writing, in WAL mode, migrated. */
const openWritable = (file: string, options: SqliteEventStoreOptions): Database.Database => {
  const inMemory = file === ':memory:';
  // Owner-only: the data directory also holds the signing key and token hashes.
  if (!inMemory) {
    ensureDir(dirname(file), 0o700);
    createOwnerOnly(file);
  }
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 10000');
    assertKnownSchema(db, file);
    if (!inMemory) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      // SQLite's own auto-checkpoint (every 1,000 WAL pages) stays on: a PASSIVE checkpoint from a
      // worker thread, tried first, never caught up with a steady writer, so the WAL was never
      // restarted (282 MB of WAL for 35 MB of events) and gave no measurable gain once it was.
      db.pragma('wal_autocheckpoint = 1000');
    }
    migrate(db, file);
    if (options.mustWrite === true && !inMemory) assertWritable(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

/**
 * SQLite opens a file it may not write read-only, silently, and in WAL mode even grants the write
 * lock (it lives in the -shm file): only writing a page tells. The schema version is rewritten as
 * it is, and rolled back.
 */
const assertWritable = (db: Database.Database, file: string): void => {
  const version = db.pragma('user_version', { simple: true }) as number;
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.pragma(`user_version = ${version}`);
    } finally {
      db.exec('ROLLBACK');
    }
  } catch (error) {
    const refused = sqliteErrorOf(error);
    if (refused === undefined || !isSqliteError(error, ['SQLITE_READONLY'])) throw error;
    throw new StoreUnavailableError(
      `${file} can only be read here (${refused.message}): the server must be able to write it; is it immutable, on a read-only mount, or another user's? check LEDGER_DATA_DIR (verify and export read such a file as it is)`,
    );
  }
};

/**
 * A reader's way into a copy it may not write beside (a read-only mount, another user's directory):
 * a WAL-mode file cannot be opened, even read-only, without its -shm file, which SQLite must then
 * create. Opened as immutable instead (no locks, no -shm), which is exact only when no -wal file
 * holds changes not yet in the file: with one, undefined, and the original refusal stands. Needs
 * URI file names (SQLITE_USE_URI=1, set by the command line before SQLite loads); without them,
 * undefined too. The copy's schema must be this build's: a read-only file cannot be migrated.
 */
const openReadOnlyCopy = (file: string, refusal: unknown): Database.Database | undefined => {
  const code = (refusal as NodeJS.ErrnoException | undefined)?.code;
  const mayNotWrite = isSqliteError(refusal, NO_ACCESS) || code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
  if (file === ':memory:' || !mayNotWrite) return undefined;
  try {
    if (!statSync(file).isFile()) return undefined;
    const wal = statSync(`${file}-wal`, { throwIfNoEntry: false });
    if (wal !== undefined && wal.size > 0) return undefined;
  } catch {
    return undefined;
  }
  let db: Database.Database;
  try {
    db = new Database(`${pathToFileURL(file).href}?immutable=1`, { readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
  try {
    // A read-only file cannot be migrated: only a copy of this build's schema is read.
    if ((db.pragma('user_version', { simple: true }) as number) === EVENT_STORE_SCHEMA_VERSION) return db;
  } catch {
    // Not a database this build can read: the original refusal stands.
  }
  db.close();
  return undefined;
};

/**
 * The embedded event store: one SQLite file in WAL mode. Concurrent appends are group-committed:
 * everything queued while a transaction runs goes into the next one, each append in its own
 * savepoint so that one caller's conflict never fails another's.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly notifier = new EventEmitter();
  private readonly pollIntervalMs: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  /** The last write the file or the disk refused (full, I/O error, damaged), until a write succeeds: health reports it. */
  private storageFault: { readonly code: string; readonly message: string; readonly at: string } | undefined;
  private readonly statements;
  /**
   * Stream heads this connection has read or written (null: no such stream), valid for as long as no
   * other connection has committed: `PRAGMA data_version` changes exactly then (another store on the
   * same file, another process), and the memo is dropped. One pragma read per question instead of an
   * index probe: the folded-stream cache asks for the head of every stream a command reads.
   */
  private readonly heads = new Map<string, StreamHeadRef | null>();
  private headsDataVersion: number | undefined;
  /** A transaction at top level, a savepoint inside the batch transaction (better-sqlite3 nests them). */
  private readonly applyInSavepoint: Database.Transaction<(pending: PendingAppend) => AppendResult>;
  private raw: SqliteRawLog | undefined;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.notifier.setMaxListeners(0);
    const file = options.file === ':memory:' ? ':memory:' : resolve(options.file);
    try {
      this.db = openWritable(file, options);
    } catch (error) {
      const copy = options.mustWrite === true ? undefined : openReadOnlyCopy(file, error);
      if (copy === undefined) throw notADatabase(error, file) ?? error;
      this.db = copy;
    }

    const db = this.db;
    this.statements = {
      lastRevision: db.prepare('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1').pluck(),
      streamHead: db.prepare('SELECT revision, event_id FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1').raw(),
      byEventId: db.prepare('SELECT stream_id, revision, position, type FROM events WHERE event_id = ?').raw(),
      insert: db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)'),
      insertAt: db.prepare('INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      forwards: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`).raw(),
      // Without a bound LIMIT: measured 7-10 us against 20-27 us per tail read with `LIMIT ?`.
      forwardsAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`).raw(),
      backwards: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`).raw(),
      page: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
      byIdempotencyKey: db.prepare(`SELECT ${COLUMNS} FROM events WHERE idempotency_key = ? ORDER BY position`).raw(),
      head: db.prepare('SELECT MAX(position) FROM events').pluck(),
      headEvent: db.prepare(`SELECT ${COLUMNS} FROM events ORDER BY position DESC LIMIT 1`).raw(),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
    this.applyInSavepoint = db.transaction((pending: PendingAppend) => this.apply(pending));
    this.headsDataVersion = this.statements.dataVersion.get() as number;
  }

  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.enqueue(streamId, events, expected, undefined);
  }

  appendAtPositions(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision, positions: readonly string[]): Promise<AppendResult> {
    return this.enqueue(streamId, events, expected, positions);
  }

  private enqueue(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision, at: readonly string[] | undefined): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    let serialised: SerialisedEvent[];
    let positions: number[] | undefined;
    try {
      serialised = validateAppend(streamId, events);
      if (!(expected === 'any' || expected === 'no_stream' || expected === 'stream_exists' || (Number.isSafeInteger(expected) && expected >= 0))) {
        throw new InvalidAppendError('invalid-event', `expected revision ${String(expected)} is not any, no_stream, stream_exists or a revision`);
      }
      if (at !== undefined) positions = positionsOf(at, events.length);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolveAppend, rejectAppend) => {
      this.queue.push({ streamId, events: serialised, expected, ...(positions !== undefined ? { positions } : {}), resolve: resolveAppend, reject: rejectAppend });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (batch.length === 1) {
      // Alone in its transaction, an append needs no savepoint: a refusal rolls back only itself.
      const only = batch[0]!;
      let result: AppendResult;
      try {
        result = this.applyInSavepoint.immediate(only);
      } catch (error) {
        only.reject(this.faultOf(error));
        return;
      }
      this.storageFault = undefined;
      this.rememberWritten(result);
      only.resolve(result);
      this.notifier.emit('appended');
      return;
    }
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const pending of batch) {
            try {
              outcomes.push({ ok: true, result: this.applyInSavepoint(pending) });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of this batch was written.
      const fault = this.faultOf(error);
      for (const pending of batch) pending.reject(fault);
      return;
    }
    this.storageFault = undefined;
    for (const outcome of outcomes) if (outcome.ok) this.rememberWritten(outcome.result);
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    this.notifier.emit('appended');
  }

  /**
   * A write the file or the disk refused becomes a StoreUnavailableError naming the file and
   * SQLite's reason (503, not a bare 500), and is kept for health until a write succeeds.
   */
  private faultOf(error: unknown): unknown {
    const fault = sqliteErrorOf(error);
    if (fault === undefined || !isSqliteError(error, STORAGE_FAULT)) return error;
    this.storageFault = { ...fault, at: new Date().toISOString() };
    return new StoreUnavailableError(`${this.options.file} refused a write (${fault.code}: ${fault.message}); run norms-ledger verify, and check the disk`, fault.code);
  }

  private currentRevision(streamId: string): number {
    const revision = this.statements.lastRevision.get(streamId) as number | undefined;
    return revision ?? -1;
  }

  private apply({ streamId, events, expected, positions }: PendingAppend): AppendResult {
    const current = this.currentRevision(streamId);
    const existing = events.map((event) => this.statements.byEventId.get(event.eventId) as [string, number, number, string] | undefined);
    // Beyond the port's rules: on SQLite an event id is unique across all streams.
    const elsewhere = existing.find((row) => row !== undefined && row[0] !== streamId);
    if (elsewhere) {
      throw new InvalidAppendError('duplicate-event-id', `an event id of this append is already recorded in stream ${elsewhere[0]}`);
    }
    const found = existing.map((row, index) =>
      row === undefined ? undefined : { eventId: events[index]!.eventId, type: row[3], revision: row[1], position: String(row[2]) },
    );
    const decision = decideAppend(streamId, events, expected, current, found);
    if (decision.kind === 'replay') return decision.result;

    if (positions !== undefined) {
      const head = (this.statements.head.get() as number | null) ?? 0;
      if (positions[0]! <= head) throw new InvalidAppendError('position-taken', `position ${positions[0]} is not after the head of the log (${head})`);
    }
    const refs = events.map((event, index) => {
      const revision = decision.firstRevision + index;
      const info =
        positions === undefined
          ? this.statements.insert.run(streamId, revision, event.eventId, event.type, event.data, event.metadata)
          : this.statements.insertAt.run(positions[index]!, streamId, revision, event.eventId, event.type, event.data, event.metadata);
      return { eventId: event.eventId, type: event.type, revision, position: String(info.lastInsertRowid) };
    });
    const last = refs[refs.length - 1]!;
    return { streamId, revision: last.revision, position: last.position, events: refs, idempotentReplay: false };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const rows =
      options.direction === 'backwards'
        ? (this.statements.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount) as Row[])
        : options.maxCount === undefined
          ? (this.statements.forwardsAll.all(streamId, options.fromRevision ?? 0) as Row[])
          : (this.statements.forwards.all(streamId, options.fromRevision ?? 0, maxCount) as Row[]);
    if (rows.length === 0 && this.currentRevision(streamId) < 0) throw new StreamNotFoundError(streamId);
    return rows.map(toRecorded);
  }

  async streamHead(streamId: string): Promise<StreamHeadRef | undefined> {
    this.dropHeadsIfOthersWrote();
    const known = this.heads.get(streamId);
    if (known !== undefined) return known ?? undefined;
    const row = this.statements.streamHead.get(streamId) as [number, string] | undefined;
    const head = row === undefined ? null : { revision: row[0], eventId: row[1] };
    this.rememberHead(streamId, head);
    return head ?? undefined;
  }

  private dropHeadsIfOthersWrote(): void {
    const version = this.statements.dataVersion.get() as number;
    if (version === this.headsDataVersion) return;
    this.heads.clear();
    this.headsDataVersion = version;
  }

  /** After a commit of this connection (which leaves data_version as it was): the stream's new head. */
  private rememberWritten(result: AppendResult): void {
    // A replay answers with earlier events, which need not be the head any more.
    if (result.idempotentReplay) return;
    const last = result.events[result.events.length - 1];
    if (last !== undefined) this.rememberHead(result.streamId, { revision: last.revision, eventId: last.eventId });
  }

  private rememberHead(streamId: string, head: StreamHeadRef | null): void {
    if (this.heads.size >= MAX_REMEMBERED_HEADS && !this.heads.has(streamId)) this.heads.clear();
    this.heads.set(streamId, head);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const store = this;
    let after = parsePosition(options.after);
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const keep = compileFilter(options.filter);
    return {
      async *[Symbol.asyncIterator]() {
        let delivered = 0;
        while (delivered < maxCount) {
          const rows = store.readPage(after, PAGE_SIZE);
          if (rows.length === 0) return;
          for (const row of rows) {
            after = row[0];
            if (!keep(row)) continue;
            yield toRecorded(row);
            if (++delivered >= maxCount) return;
          }
          // Let the event loop breathe between pages: a long replay must not starve other requests.
          await yieldToEventLoop();
        }
      },
    };
  }

  /** Raw page read for hot loops (rebuild, verify, export): rows are not parsed. */
  readPage(after: number, limit: number): Row[] {
    return this.statements.page.all(after, limit) as Row[];
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const store = this;
    let after = parsePosition(options.after);
    const keep = compileFilter(options.filter);
    let active = true;
    let wake: (() => void) | undefined;
    const onAppended = (): void => wake?.();
    this.notifier.on('appended', onAppended);
    const stop = (): void => {
      active = false;
      store.notifier.off('appended', onAppended);
      wake?.();
    };
    const generator = (async function* () {
      let caughtUp = false;
      try {
        while (active && !store.closed) {
          const rows = store.readPage(after, PAGE_SIZE);
          for (const row of rows) {
            if (!active) return;
            after = row[0];
            if (keep(row)) yield toRecorded(row);
          }
          if (rows.length === PAGE_SIZE) {
            await yieldToEventLoop();
            continue;
          }
          if (!caughtUp) {
            caughtUp = true;
            options.onCaughtUp?.();
          }
          await new Promise<void>((resolveWait) => {
            const timer = setTimeout(done, store.pollIntervalMs);
            function done(): void {
              clearTimeout(timer);
              wake = undefined;
              resolveWait();
            }
            wake = done;
          });
        }
      } finally {
        stop();
      }
    })();
    return {
      [Symbol.asyncIterator]: () => generator,
      unsubscribe: async () => {
        stop();
      },
    };
  }

  async findByIdempotencyKey(key: string): Promise<RecordedEvent[]> {
    return (this.statements.byIdempotencyKey.all(key) as Row[]).map(toRecorded);
  }

  async headPosition(): Promise<string | null> {
    const head = this.statements.head.get() as number | null;
    return head === null ? null : String(head);
  }

  async headEvent(): Promise<RecordedEvent | null> {
    const row = this.statements.headEvent.get() as Row | undefined;
    return row === undefined ? null : toRecorded(row);
  }

  async health(): Promise<StoreHealth> {
    try {
      const head = await this.headPosition();
      return {
        store: 'sqlite',
        status: this.closed || this.storageFault !== undefined ? 'down' : 'up',
        detail: {
          ...(this.storageFault !== undefined ? { lastWriteRefused: this.storageFault } : {}),
          file: this.options.file,
          schemaVersion: EVENT_STORE_SCHEMA_VERSION,
          journalMode: this.db.pragma('journal_mode', { simple: true }),
          synchronous: this.options.synchronous ?? 'FULL',
          headPosition: head,
        },
      };
    } catch (error) {
      return { store: 'sqlite', status: 'down', detail: { error: (error as Error).message } };
    }
  }

  /** The log as stored rows, on this store's connection (its statements prepared on first use). */
  rawLog(): RawLog {
    return (this.raw ??= new SqliteRawLog(this.db));
  }

  /** The underlying connection, for adapters' own tooling (import, tamper tests). */
  get database(): Database.Database {
    return this.db;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let appends already queued reach the disk before the connection goes.
    while (this.queue.length > 0 || this.flushScheduled) await yieldToEventLoop();
    this.closed = true;
    this.notifier.emit('appended');
    this.db.close();
  }
}

const compileFilter = (filter: AllFilter | undefined): ((row: Row) => boolean) => {
  const prefixes = filter?.streamPrefixes;
  const types = filter?.eventTypes ? new Set(filter.eventTypes) : undefined;
  if (!prefixes?.length && !types) return () => true;
  return (row) =>
    (!prefixes?.length || prefixes.some((prefix) => row[1].startsWith(prefix))) && (!types || types.has(row[4]));
};
