import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, utcDay, type Clock } from '../../shared/event-store/clock.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { ServiceUnavailableError } from '../../shared/application/service-unavailable.error.js';
import { UnknownEventSchemaError } from '../../shared/event-store/event-store.errors.js';
import { comparePosition } from '../projections/ledger-event.js';
import type { RowChange } from '../read-model/projector.js';
import { readModelsNotOfLog } from '../read-model/read-model.checkpoint.js';
import { isDiskFull, openReadModelDb, removeDbFiles, type ReadModelDb } from '../read-model/read-model.database.js';
import { DAMAGED_FILE, isSqliteError, sqliteErrorOf } from '../../shared/sqlite-errors.js';
import { ProjectionStoppedError, ReadModelProjection, type RetryState } from '../read-model/read-model.projection.js';
import { ReadModelQueries } from '../read-model/read-model.queries.js';
import { defaultRebuildThreads } from '../read-model/parallel-build.js';
import { buildReadModels, buildReadModelsFile, rebuildRunsOnWorker, replaceFile, type RebuildResult } from '../read-model/rebuild.js';

export interface ReadModelConfig {
  /** <dataDir>/read-models.sqlite, or ':memory:'. */
  readonly file: string;
  /** Threads for a rebuild (LEDGER_REBUILD_THREADS); undefined: one per core, at most 4, less one core while serving. */
  readonly rebuildThreads?: number | undefined;
}

export const READ_MODEL_CONFIG = Symbol.for('norms-ledger.ReadModelConfig');

/** How long a query waits for the read models to reach the log's head before answering 503. */
export const SETTLE_TIMEOUT_MS = 5_000;

/** Retry-After of a rebuild refused by a full disk: space is not freed in a second. */
export const REBUILD_RETRY_AFTER_SECONDS = 60;

/** By shape: an error may come from another realm (a worker, a test's VM context), where instanceof Error is false. */
const messageOf = (error: unknown): string => {
  const message = (error as { message?: unknown } | null)?.message;
  return (typeof message === 'string' ? message : String(error)).split('\n')[0]!;
};

const retryingReason = (retrying: RetryState): string =>
  `the read models cannot write (${messageOf(retrying.error)}) and try again by themselves, next in ${Math.max(0, Math.ceil((retrying.nextTryAt - Date.now()) / 1000))} s ` +
  `(${retrying.attempts} failed ${retrying.attempts === 1 ? 'try' : 'tries'} so far); they catch up once a write succeeds, with no rebuild`;

/**
 * Owns the read-model database and the projection that feeds it. Queries go to whichever database
 * is current; a rebuild fills a new one while the old one keeps answering, then swaps them in one
 * synchronous step, so no request ever sees a half-built board.
 */
@Injectable()
export class ReadModels implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReadModels');
  private db!: ReadModelDb;
  private projection!: ReadModelProjection;
  private current!: ReadModelQueries;
  private readonly rowListeners = new Set<(changes: readonly RowChange[]) => void>();
  private readonly appliedListeners = new Set<(checkpoint: string, tracks: ReadonlySet<string>) => void>();
  private rebuilding: Promise<RebuildResult> | undefined;
  private closed = false;
  /** Why the read models could not be built at start-up; undefined once they are (or a rebuild succeeded). */
  private unavailable: string | undefined;
  /** The read models stopped at an event of a schema this build does not know: a rebuild cannot help, an upgrade does. */
  private unavailableBySchema = false;
  /** Stops a rebuild that is still running when the server shuts down. */
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_CONFIG) private readonly config: ReadModelConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = this.config.file;
    this.open(openReadModelDb(file, (line) => this.logger.warn(line)));
    try {
      await this.buildAndFollow(file);
    } catch (error) {
      if (this.shutdown.signal.aborted) return;
      // A damaged log (or any failure to build) must not keep the server down: auditors need
      // /audit/verify to find the damage. Queries answer 503 with the reason until a rebuild succeeds.
      this.unavailable = (error as Error)?.message ?? String(error);
      this.unavailableBySchema = error instanceof UnknownEventSchemaError;
      this.logger.error(
        this.unavailableBySchema
          ? `read models could not be built: ${this.unavailable}; queries answer 503 until this instance is upgraded`
          : `read models could not be built: ${this.unavailable}; queries answer 503 until POST /projections/rebuild succeeds (POST /audit/verify names damaged events)`,
      );
      if (!this.db.open) this.open(openReadModelDb(file));
    }
  }

  /**
   * The live projection, after a bulk build at start when one is needed: the log has events and no
   * read models exist yet, or the read models are not the log's (read-model.checkpoint.ts: ahead of
   * it, or another history at their checkpoint; e.g. a restored ledger kept with newer read models),
   * which would otherwise be served as truth and never apply the events recorded up to their checkpoint.
   */
  private async buildAndFollow(file: string): Promise<void> {
    const notOfLog = await readModelsNotOfLog(this.store, this.db);
    if (notOfLog !== undefined) this.logger.warn(`the read models at ${file} are rebuilt from the log: ${notOfLog}`);
    if (notOfLog !== undefined || (this.projection.checkpoint === null && (await this.store.headPosition()) !== null)) {
      // One bulk replay, before any query is answered.
      let result: RebuildResult;
      if (file === ':memory:') {
        if (notOfLog !== undefined) {
          this.db.close();
          this.open(openReadModelDb(file));
        }
        result = await buildReadModels(this.store, this.db);
        this.open(this.db);
      } else {
        this.db.close();
        const temporary = `${file}.rebuild`;
        // Nothing is served yet: every core the build may use.
        result = await buildReadModelsFile(this.store, temporary, this.buildOptions({ serving: false }));
        replaceFile(temporary, file);
        this.open(openReadModelDb(file));
      }
      this.logger.log(`read models built on ${this.builtOn()} from ${result.events} events in ${result.durationMs} ms`);
    }
    await this.projection.start();
  }

  /** While serving, a core is left to the server unless LEDGER_REBUILD_THREADS says otherwise. */
  private buildOptions({ serving }: { serving: boolean }) {
    return {
      signal: this.shutdown.signal,
      threads: this.config.rebuildThreads ?? defaultRebuildThreads(serving ? 1 : 0),
      onWorkerOutOfMemory: (heapMb: number) => this.logger.warn(`the read-model build needed more than ${heapMb} MB of heap (a very large track): building again without that bound`),
    };
  }

  private builtOn(): string {
    return this.config.file !== ':memory:' && rebuildRunsOnWorker(this.store) ? 'a worker thread' : 'the main thread';
  }

  private open(db: ReadModelDb): void {
    this.db = db;
    this.projection = new ReadModelProjection(this.store, db, {
      onError: (error) => this.logger.error(`read models stopped: ${(error as Error)?.stack ?? String(error)}`),
      onRetry: (error, delayMs, attempt) =>
        this.logger.warn(`read models cannot write (${messageOf(error)}); trying again from position ${this.checkpoint} in ${delayMs} ms (attempt ${attempt + 1})`),
      onRecovered: (attempts) => this.logger.log(`read models writing again after ${attempts} failed ${attempts === 1 ? 'try' : 'tries'}; at position ${this.checkpoint}`),
    });
    this.projection.onRows((changes) => {
      for (const listener of this.rowListeners) listener(changes);
    });
    this.projection.onApplied((checkpoint, tracks) => {
      for (const listener of this.appliedListeners) listener(checkpoint, tracks);
    });
    this.current = this.guarded(new ReadModelQueries(db));
  }

  /**
   * The queries, each of which turns a read-model file SQLite finds damaged (a disk fault, a stray
   * write) into a 503 saying to rebuild, and marks the read models down (GET /health/ready) until a
   * rebuild succeeds: the file is derived, and every later query would fail the same way.
   */
  private guarded(queries: ReadModelQueries): ReadModelQueries {
    return new Proxy(queries, {
      get: (target, key, receiver) => {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          try {
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (error) {
            throw this.damagedFile(error) ?? error;
          }
        };
      },
    });
  }

  private damagedFile(error: unknown): ServiceUnavailableError | undefined {
    if (!isSqliteError(error, DAMAGED_FILE)) return undefined;
    const { message } = sqliteErrorOf(error)!;
    this.unavailable ??= `the read-model file is damaged (${message})`;
    this.logger.error(`${this.unavailable}; queries answer 503 until POST /projections/rebuild succeeds`);
    return new ServiceUnavailableError(
      'read-models-behind',
      `the read models are damaged (${message}); POST /projections/rebuild builds them again from the log`,
      1,
      { cause: error },
    );
  }

  /** The queries as they are now: use settledQueries() to answer a request. */
  get queries(): ReadModelQueries {
    return this.current;
  }

  /**
   * The queries once every event the log holds at the time of the call is applied: a query sent
   * after a command's 201 sees that command (on SQLite whoever wrote it; on EventStoreDB the writes
   * of this instance, other instances' as soon as their events arrive). The live projection usually applies an append within the same turn of the event loop,
   * so this rarely waits; read models that do not catch up within `timeoutMs` (stopped on an error,
   * or far behind) are a 503 rather than a silently stale answer.
   */
  async settledQueries(timeoutMs = SETTLE_TIMEOUT_MS): Promise<ReadModelQueries> {
    if (this.unavailable !== undefined) {
      throw new ServiceUnavailableError(
        'read-models-behind',
        this.unavailableBySchema
          ? `the read models could not be built: ${this.unavailable} (a rebuild would meet the same event)`
          : `the read models could not be built: ${this.unavailable}; POST /audit/verify names damaged events, and POST /projections/rebuild builds the read models again`,
        1,
      );
    }
    // A store whose head is remote (EventStoreDB) says what this process wrote: no round trip per query.
    const head = typeof this.store.localHeadPosition === 'function' ? this.store.localHeadPosition() : await this.store.headPosition();
    if (head !== null && comparePosition(head, this.checkpoint) > 0) {
      const retrying = this.projection.retrying;
      if (retrying !== undefined) {
        // Waiting would not help before the next try: say when that is.
        throw new ServiceUnavailableError(
          'read-models-behind',
          `the read models have not caught up with the log (applied up to position ${this.checkpoint}, the log is at ${head}): ${retryingReason(retrying)}; try again shortly`,
          Math.max(1, Math.ceil((retrying.nextTryAt - Date.now()) / 1000)),
          { cause: retrying.error },
        );
      }
      try {
        await this.whenCaughtUp(head, timeoutMs);
      } catch (error) {
        throw new ServiceUnavailableError(
          'read-models-behind',
          error instanceof UnknownEventSchemaError
            ? `the read models have not caught up with the log (applied up to position ${this.checkpoint}, the log is at ${head}): ${error.message} (a rebuild would meet the same event)`
            : `the read models have not caught up with the log (applied up to position ${this.checkpoint}, the log is at ${head}): ${(error as Error)?.message ?? String(error)}; try again shortly, or rebuild them with POST /projections/rebuild`,
          1,
          { cause: error },
        );
      }
    }
    return this.current;
  }

  /**
   * For GET /health/ready: down while queries cannot be answered for a reason that waiting does not
   * cure (the read models could not be built, or the projection stopped on an error: a rebuild is
   * needed), and while a write that failed for a passing reason (a full disk) waits to be tried
   * again (up again by itself once it succeeds); up otherwise, with the position applied.
   */
  get state(): { readonly status: 'up' | 'down'; readonly checkpoint: string; readonly reason?: string } {
    const failure = this.projection.failedWith;
    const retrying = this.projection.retrying;
    const reason = this.unavailable ?? (failure !== undefined ? messageOf(failure) : retrying !== undefined ? retryingReason(retrying) : undefined);
    return reason === undefined ? { status: 'up', checkpoint: this.checkpoint } : { status: 'down', checkpoint: this.checkpoint, reason };
  }

  /** The last applied position ('0' before any event). */
  get checkpoint(): string {
    return this.projection.checkpoint ?? '0';
  }

  /** "Today" for overdue action items: from the injected clock. */
  today(): string {
    return utcDay(this.clock.now());
  }

  /** Resolves once every event up to `position` is in the read models (across a rebuild's swap too). */
  async whenCaughtUp(position: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.projection.whenCaughtUp(position, Math.max(0, deadline - Date.now()));
      } catch (error) {
        // Stopped for a swap: wait for the next projection, within the same deadline.
        if (!(error instanceof ProjectionStoppedError) || this.closed || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }

  /** Board rows as they change, whichever database is current. Returns the unsubscribe function. */
  onRows(listener: (changes: readonly RowChange[]) => void): () => void {
    this.rowListeners.add(listener);
    return () => this.rowListeners.delete(listener);
  }

  /** After each batch applied (its checkpoint and the tracks it touched), whichever database is current. Returns the unsubscribe function. */
  onApplied(listener: (checkpoint: string, tracks: ReadonlySet<string>) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** POST /projections/rebuild. A second request while one runs gets the same answer. */
  rebuild(): Promise<RebuildResult> {
    this.rebuilding ??= this.rebuildAndSwap()
      .catch((error: unknown) => {
        throw this.rebuildFailure(error);
      })
      .finally(() => {
        this.rebuilding = undefined;
      });
    return this.rebuilding;
  }

  /** A full disk is a 503 naming the disk and the file (the message of ReadModelDiskFullError), not a 500; the old read models still answer. */
  private rebuildFailure(error: unknown): unknown {
    if (error instanceof UnknownEventSchemaError) {
      return new UnknownEventSchemaError(error.position, error.streamId, error.revision, error.schemaVersion, error.known, 'the read models in use stay as they are');
    }
    if (!isDiskFull(error)) return error;
    return new ServiceUnavailableError('store-unavailable', messageOf(error), REBUILD_RETRY_AFTER_SECONDS, { cause: error });
  }

  private async rebuildAndSwap(): Promise<RebuildResult> {
    const file = this.config.file;
    const inMemory = file === ':memory:';
    const temporary = `${file}.rebuild`;
    let fresh: ReadModelDb | undefined;
    let result: RebuildResult;
    if (inMemory) {
      fresh = openReadModelDb(file);
      try {
        result = await buildReadModels(this.store, fresh);
      } catch (error) {
        fresh.close();
        throw error;
      }
    } else {
      // On a SQLite store this runs on a worker thread: this one keeps answering meanwhile.
      result = await buildReadModelsFile(this.store, temporary, this.buildOptions({ serving: true }));
      fresh = openReadModelDb(temporary);
    }
    const built = fresh;
    const discard = (): void => {
      built.close();
      if (!inMemory) removeDbFiles(temporary);
    };
    // The build stopped at the head it started from, while the old database kept following the
    // log: the new one catches up before it is swapped in, or the live board would send rows older
    // than those it already sent. First while the old one answers (the bulk of what was recorded
    // meanwhile), then, once it has stopped, the last few events, so it is at least as far on.
    const catching = new ReadModelProjection(this.store, built);
    try {
      await catching.catchUp();
    } catch (error) {
      discard();
      throw error;
    }
    await this.projection.stop();
    if (this.closed) {
      discard();
      return result;
    }
    try {
      await catching.catchUp();
    } catch (error) {
      // Left to the new projection's start, which tries a passing failure again from its checkpoint.
      this.logger.warn(`read models rebuilt: catching up before the swap failed (${messageOf(error)}); the swapped-in read models catch up on their own`);
    }
    this.db.close();
    if (inMemory) this.open(built);
    else {
      built.close();
      replaceFile(temporary, file);
      this.open(openReadModelDb(file));
    }
    // Anything recorded in the last moment is applied on top, as after any restart.
    await this.projection.start();
    this.unavailable = undefined;
    this.unavailableBySchema = false;
    this.logger.log(`read models rebuilt on ${this.builtOn()}: ${result.events} events, ${result.eventsPerSecond} events/s`);
    return result;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.shutdown.abort(new Error('the server is shutting down'));
    await this.rebuilding?.catch(() => undefined);
    await this.projection?.stop();
    if (this.db?.open) this.db.close();
  }
}
