import type { RawLog } from './raw-log.port.js';

/**
 * The event store port. Its semantics are EventStoreDB's (0-based stream revisions, expected
 * revision any | no_stream | stream_exists | exact, idempotent retry by event id, exclusive
 * subscription start) so that the SQLite and EventStoreDB adapters are interchangeable.
 * Where this port promises more than EventStoreDB (idempotency with `any`), it says so.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export type JsonObject = { [key: string]: unknown };

export interface EventToAppend {
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly streamId: string;
  /** 0-based, gap-free per stream. */
  readonly revision: number;
  /** Global order, as a decimal string (SQLite: an integer; EventStoreDB: the commit position). */
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface StreamHeadRef {
  readonly revision: number;
  readonly eventId: string;
}

export interface AppendedEventRef {
  readonly eventId: string;
  readonly type: string;
  readonly revision: number;
  readonly position: string;
}

export interface AppendResult {
  readonly streamId: string;
  /** Revision of the last event appended (or, on an idempotent retry, originally appended). */
  readonly revision: number;
  /** Position of that last event. */
  readonly position: string;
  readonly events: readonly AppendedEventRef[];
  /** True when every event was already in the stream and nothing was written. */
  readonly idempotentReplay: boolean;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first (forwards) or last (backwards) event. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface AllFilter {
  /** Keep events whose streamId starts with any of these. */
  readonly streamPrefixes?: readonly string[];
  /** Keep events of exactly these types. */
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted or 'start': from the beginning. */
  readonly after?: string | 'start';
  readonly maxCount?: number;
  readonly filter?: AllFilter;
}

export interface SubscribeOptions {
  /** Exclusive start, as EventStoreDB: the event at `after` itself is not delivered. */
  readonly after?: string | 'start';
  readonly filter?: AllFilter;
  /** Called once when the subscription has delivered every event that existed when it caught up. */
  readonly onCaughtUp?: () => void;
}

/** Catch-up then live; iterate it with `for await`, end it with `unsubscribe()`. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  unsubscribe(): Promise<void>;
}

export interface StoreHealth {
  readonly store: 'sqlite' | 'eventstoredb';
  readonly status: 'up' | 'down';
  readonly detail?: Record<string, unknown>;
}

export interface EventStore {
  /**
   * Appends atomically. Idempotent by event id: re-appending events that are already in the stream
   * (same ids, same order) at the revision they were written with, or with `any`/`stream_exists`,
   * writes nothing and returns the original revisions and positions. A partial overlap throws
   * WrongExpectedRevisionError. Unlike EventStoreDB, whose memory of recent ids is a bounded cache,
   * this holds for every event ever written.
   *
   * On EventStoreDB the adapter keeps this promise by reading the whole stream before each append and
   * then writing with the exact revision it saw (`any`/`stream_exists` are retried on a conflict), so an
   * append costs a stream read, an append and a read-back. What differs from SQLite: an event id is
   * unique within its stream but not across streams (SQLite refuses an id already in another stream);
   * and when two identical retries race, both succeed with the same result but either may report
   * `idempotentReplay: false`.
   */
  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;

  /**
   * For imports: `append`, each event stored at the given global position (decimal strings, each
   * after the head and after the one before), so that a bundle's checkpoints, which name positions,
   * still verify here. Only a store that numbers its log itself can (SQLite); absent on EventStoreDB,
   * whose commit positions are its own.
   */
  appendAtPositions?(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision, positions: readonly string[]): Promise<AppendResult>;

  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /**
   * The revision and event id of the stream's last event, undefined when it has none. Optional: the
   * folded-stream cache asks it before reading a tail, and an adapter that can answer without
   * reading payloads (SQLite: one probe of its (stream, revision) index) spares every command that
   * finds its streams unchanged a read and a parse of the head event.
   */
  streamHead?(streamId: string): Promise<StreamHeadRef | undefined>;

  /**
   * The global log in position order, read lazily in pages. Positions belong to one store: after
   * moving history to another store (export, import) every stored checkpoint must be reset.
   * On EventStoreDB, system events and $-streams are never shown, and the filter is applied by the
   * adapter (client 6.2.1 sends no filter with a read of $all), so a filtered read scans the log.
   */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  subscribeToAll(options?: SubscribeOptions): Subscription;

  /**
   * Every event whose metadata.idempotencyKey equals `key`, in position order. On EventStoreDB, which
   * has no secondary index, only events appended through this port are found: each append carrying a
   * key first writes a claim to the key's own stream, and the lookup follows the claims.
   */
  findByIdempotencyKey(key: string): Promise<RecordedEvent[]>;

  /** Position of the last event in the global log, or null when the log is empty. */
  headPosition(): Promise<string | null>;

  /**
   * The last event in the global log, or null when the log is empty: what the transaction-time
   * floor starts from (its recordedAt). A store cannot be asked for "the event before position p"
   * (EventStoreDB refuses a read of $all from a byte that starts no record), so it is its own call.
   * Optional: without it the floor starts from the stream heads alone.
   */
  headEvent?(): Promise<RecordedEvent | null>;

  /**
   * For a store whose head is a round trip away (EventStoreDB): the last position this process
   * appended or replayed, known without asking, so that queries can wait for this instance's own
   * writes on every request without a network call. Absent where headPosition is cheap (SQLite).
   */
  localHeadPosition?(): string | null;

  /**
   * The log as stored rows (raw-log.port.ts), for the bulk paths of rebuild, verify and export.
   * Optional: a store that offers it is read by those paths without a RecordedEvent per event (and
   * rebuilt stream by stream); without it they read through readAll. SQLite offers it; EventStoreDB
   * does not.
   */
  rawLog?(): RawLog;

  health(): Promise<StoreHealth>;

  close(): Promise<void>;
}

/** DI token for the configured store. */
export const EVENT_STORE = Symbol.for('norms-ledger.EventStore');

/** Compares two positions given as decimal strings. */
export const comparePositions = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
