import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EventStore, RecordedEvent, Subscription } from '../../shared/event-store/event-store.port.js';
import { upcastData } from '../../shared/event-store/event-schema.js';
import type { RawRow } from '../../shared/event-store/raw-log.port.js';
import { parseStoredJson } from '../../shared/event-store/stored-json.js';
import { isSqliteError } from '../../shared/sqlite-errors.js';
import { comparePosition } from '../projections/ledger-event.js';
import { Projector, type IncomingEvent, type ProjectorOptions, type RowChange } from './projector.js';
import type { ReadModelDb } from './read-model.database.js';

const PROJECTED = /^(track|session|norm|cbm|topic)-/;

const metadataOf = (metadata: Record<string, unknown>): { effectiveOn: string; recordedAt: string } => {
  const recordedAt = typeof metadata['recordedAt'] === 'string' ? metadata['recordedAt'] : '';
  const effectiveOn = typeof metadata['effectiveOn'] === 'string' ? metadata['effectiveOn'] : recordedAt.slice(0, 10);
  return { effectiveOn, recordedAt };
};

/** An event of a stream no read model shows: only its place in the log (it may be the checkpoint's event). */
const skipped = (position: string, streamId: string, revision: number, eventId: string): IncomingEvent => ({
  position,
  streamId,
  revision,
  eventId,
  type: '',
  data: {},
  dataJson: '',
  effectiveOn: '',
  recordedAt: '',
});

export const incomingOfRecorded = (e: RecordedEvent): IncomingEvent => {
  if (!PROJECTED.test(e.streamId)) return skipped(e.position, e.streamId, e.revision, e.eventId);
  const data = upcastData(e, e.metadata['schemaVersion'], e.data);
  return { position: e.position, streamId: e.streamId, revision: e.revision, eventId: e.eventId, type: e.type, data, dataJson: JSON.stringify(data), ...metadataOf(e.metadata) };
};

const incomingOfRaw = (row: RawRow): IncomingEvent => {
  const position = String(row[0]);
  if (!PROJECTED.test(row[1])) return skipped(position, row[1], row[2], row[3]);
  const at = { position, streamId: row[1], revision: row[2], type: row[4] };
  const metadata = parseStoredJson(row[6], at, 'metadata');
  const stored = parseStoredJson(row[5], at, 'data');
  const data = upcastData(at, metadata['schemaVersion'], stored);
  return {
    position,
    streamId: row[1],
    revision: row[2],
    eventId: row[3],
    type: row[4],
    data,
    // The read models keep the payload in this build's shape.
    dataJson: data === stored ? row[5] : JSON.stringify(data),
    ...metadataOf(metadata),
  };
};

export interface ProjectionOptions extends ProjectorOptions {
  /** Events per read-model transaction at most (default 500 live, more for replays). */
  readonly batchSize?: number;
  /** Called when applying a batch fails for good; the projection then stops (the checkpoint has not moved). */
  readonly onError?: (error: unknown) => void;
  /**
   * Called when a batch could not be written for a reason that passes (isTransientWriteFailure):
   * the projection stops following the log and tries again from its checkpoint in `delayMs`.
   */
  readonly onRetry?: (error: unknown, delayMs: number, attempt: number) => void;
  /** Called when a write succeeds again after `attempts` failed ones. */
  readonly onRecovered?: (attempts: number) => void;
  /** The first pause before trying again (default 1 s), doubled after each failure up to maxRetryDelayMs (default 30 s). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
}

/**
 * Write failures that pass without anyone rebuilding anything: a full disk (space is freed), an I/O
 * error (a disk or a network file system that comes back), a lock held too long. The transaction
 * that met it rolled back, so trying again from the checkpoint applies every event exactly once.
 * Anything else (a damaged event, a projection bug, a damaged file) stops the projection.
 */
export const TRANSIENT_WRITE_FAILURES = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_BUSY', 'SQLITE_LOCKED'] as const;

export const isTransientWriteFailure = (error: unknown): boolean =>
  isSqliteError(error, TRANSIENT_WRITE_FAILURES) || (error as { code?: unknown } | null)?.code === 'ENOSPC';

/** While the projection waits to try a failed write again. */
export interface RetryState {
  readonly error: unknown;
  /** Failed tries in a row so far. */
  readonly attempts: number;
  /** When the next try starts (epoch ms). */
  readonly nextTryAt: number;
}

/** A wait cut short because this projection was stopped (e.g. replaced by a rebuilt one). */
export class ProjectionStoppedError extends Error {
  constructor() {
    super('the read-model projection was stopped');
    this.name = 'ProjectionStoppedError';
  }
}

type Waiter = { position: string; resolve: () => void; reject: (error: unknown) => void };

/**
 * Keeps one read-model database up to date with the log: a catch-up replay from the stored
 * checkpoint (never from zero when a checkpoint exists), then a live subscription. Batches are
 * whatever arrived since the last one, up to `batchSize`.
 */
export class ReadModelProjection {
  readonly projector: Projector;
  private readonly batchSize: number;
  private readonly listeners = new Set<(changes: readonly RowChange[]) => void>();
  private readonly appliedListeners = new Set<(checkpoint: string, tracks: ReadonlySet<string>) => void>();
  private waiters: Waiter[] = [];
  private subscription: Subscription | undefined;
  private pumping: Promise<void> | undefined;
  private stopped = false;
  private failure: unknown;
  /** Bumped when following stops to try a failed write again: a pump of an earlier generation applies nothing more. */
  private generation = 0;
  private retryState: RetryState | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    readonly db: ReadModelDb,
    private readonly options: ProjectionOptions = {},
  ) {
    this.projector = new Projector(db, options);
    this.batchSize = options.batchSize ?? 500;
  }

  get checkpoint(): string | null {
    return this.projector.checkpoint;
  }

  /** Board rows that changed, after each committed batch. Returns the unsubscribe function. */
  onRows(listener: (changes: readonly RowChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After each committed batch, whatever it changed (a late entry may change no live row yet an answer under a cut). */
  onApplied(listener: (checkpoint: string, tracks: ReadonlySet<string>) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** Applies one batch and tells listeners and waiters. */
  private apply(events: readonly IncomingEvent[]): void {
    if (events.length === 0 || this.stopped) return;
    const changes = this.projector.applyBatch(events);
    this.recovered();
    if (changes.length > 0) for (const listener of this.listeners) listener(changes);
    const checkpoint = this.projector.checkpoint;
    if (checkpoint !== null) for (const listener of this.appliedListeners) listener(checkpoint, this.projector.touchedTracks);
    if (checkpoint === null || this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (comparePosition(waiter.position, checkpoint) <= 0) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /**
   * Replays everything after the checkpoint up to the head of the log as it is now, in batches of
   * `batchSize`, yielding to the event loop between batches so that queries keep being answered.
   */
  async catchUp(onProgress?: (done: number) => void): Promise<number> {
    let done = 0;
    // A store with a raw log hands out unparsed rows: a replay then parses each payload once.
    const raw = this.store.rawLog?.();
    if (raw !== undefined) {
      let after = Number(this.projector.checkpoint ?? '0');
      for (;;) {
        if (this.stopped) return done;
        const rows = raw.page(after, this.batchSize);
        if (rows.length === 0) return done;
        this.apply(rows.map(incomingOfRaw));
        after = rows[rows.length - 1]![0];
        done += rows.length;
        onProgress?.(done);
        await yieldToEventLoop();
      }
    }
    let batch: IncomingEvent[] = [];
    for await (const event of this.store.readAll({ after: this.projector.checkpoint ?? 'start' })) {
      if (this.stopped) return done;
      batch.push(incomingOfRecorded(event));
      if (batch.length >= this.batchSize) {
        this.apply(batch);
        done += batch.length;
        batch = [];
        onProgress?.(done);
      }
    }
    this.apply(batch);
    done += batch.length;
    if (batch.length > 0) onProgress?.(done);
    return done;
  }

  /**
   * Catches up, then follows the log live. Resolves once the catch-up is done. A failure to write
   * that passes (isTransientWriteFailure) is tried again from the checkpoint, with a backoff; any
   * other failure fails the projection (waiters are told) and rejects.
   */
  async start(): Promise<void> {
    try {
      await this.catchUp();
    } catch (error) {
      if (this.stopped) return;
      if (isTransientWriteFailure(error)) {
        this.suspend(error);
        return;
      }
      this.fail(error);
      throw error;
    }
    if (this.stopped) return;
    this.recovered();
    const generation = this.generation;
    const subscription = this.store.subscribeToAll({ after: this.projector.checkpoint ?? 'start' });
    this.subscription = subscription;
    this.pumping = this.pump(subscription, generation).catch((error: unknown) => this.failed(error));
  }

  private async pump(subscription: Subscription, generation: number): Promise<void> {
    const current = (): boolean => !this.stopped && generation === this.generation;
    let buffer: IncomingEvent[] = [];
    let scheduled = false;
    const flush = (): void => {
      scheduled = false;
      if (buffer.length === 0 || !current()) return;
      const batch = buffer;
      buffer = [];
      try {
        this.apply(batch);
      } catch (error) {
        this.failed(error);
      }
    };
    for await (const event of subscription) {
      if (!current()) break;
      buffer.push(incomingOfRecorded(event));
      if (buffer.length >= this.batchSize) flush();
      else if (!scheduled) {
        scheduled = true;
        // Whatever else is already readable arrives before this runs: it becomes one batch.
        setImmediate(flush);
      }
    }
    flush();
  }

  private failed(error: unknown): void {
    if (this.stopped || this.failure !== undefined) return;
    if (isTransientWriteFailure(error)) this.suspend(error);
    else this.fail(error);
  }

  /**
   * Stops following the log (what was read after the checkpoint is dropped: it is read again) and
   * tries again from the checkpoint after a pause that doubles with each failure in a row.
   */
  private suspend(error: unknown): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    this.generation += 1;
    const subscription = this.subscription;
    this.subscription = undefined;
    void subscription?.unsubscribe();
    const attempts = (this.retryState?.attempts ?? 0) + 1;
    const first = this.options.retryDelayMs ?? 1_000;
    const delayMs = Math.min(this.options.maxRetryDelayMs ?? 30_000, first * 2 ** Math.min(attempts - 1, 30));
    this.retryState = { error, attempts, nextTryAt: Date.now() + delayMs };
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // start() handles its own failures: a transient one suspends again, any other fails the projection.
      if (!this.stopped) this.start().catch(() => undefined);
    }, delayMs);
    this.retryTimer.unref();
    this.options.onRetry?.(error, delayMs, attempts);
  }

  /** A write succeeded (or nothing was left to write): no longer retrying. */
  private recovered(): void {
    const state = this.retryState;
    if (state === undefined) return;
    this.retryState = undefined;
    this.options.onRecovered?.(state.attempts);
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    void this.stop();
    this.options.onError?.(error);
  }

  /** Resolves once every event up to `position` (inclusive) is applied. */
  whenCaughtUp(position: string, timeoutMs?: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.stopped) return Promise.reject(new ProjectionStoppedError());
    const checkpoint = this.projector.checkpoint;
    if (checkpoint !== null && comparePosition(position, checkpoint) <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { position, resolve, reject };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        const timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`read models did not reach position ${position} within ${timeoutMs} ms (at ${this.projector.checkpoint ?? 'start'})`));
        }, timeoutMs);
        timer.unref();
        const [settle, refuse] = [waiter.resolve, waiter.reject];
        waiter.resolve = () => {
          clearTimeout(timer);
          settle();
        };
        waiter.reject = (error) => {
          clearTimeout(timer);
          refuse(error);
        };
      }
    });
  }

  /** Stops following the log; the batch being applied (synchronous) always completes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const waiter of this.waiters) waiter.reject(new ProjectionStoppedError());
    this.waiters = [];
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe();
    await this.pumping;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** While a failed write waits to be tried again: the error, the failed tries in a row, when the next one starts. */
  get retrying(): RetryState | undefined {
    return this.stopped ? undefined : this.retryState;
  }

  /** What stopped this projection, if an error did (undefined while it runs, or when it was stopped on purpose). */
  get failedWith(): unknown {
    return this.failure;
  }
}
