/**
 * The log as its stored rows, for the paths that read all of it (rebuild, verify, export): one
 * array per event, as the store hands it out, with the payloads as stored text, unparsed. No object
 * per event (these paths read millions and are benchmarked), and a row whose JSON was damaged still
 * reaches the caller, which names it.
 *
 * Offered by a store that numbers its log itself and indexes it by stream (SQLite:
 * EventStore.rawLog); EventStoreDB does not, and its callers read through the port instead.
 * Positions are whole numbers from 1, in log order (not necessarily without gaps: an import keeps
 * the positions of the bundle it came from).
 */
export type RawRow = readonly [position: number, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string];

/** Where an event sits in the log, without its payloads. */
export type RawEventRef = readonly [streamId: string, revision: number, eventId: string];

export interface RawLogExtent {
  /** The last position, 0 when the log is empty. */
  readonly head: number;
  /** Events at or before `head`. */
  readonly total: number;
}

export interface RawLog {
  /**
   * The store's file, which another thread may open on a connection of its own with the adapter's
   * factory (SQLite: openSqliteRawLog); undefined when the log lives in memory, where no other
   * connection can see it.
   */
  readonly file: string | undefined;

  extent(): RawLogExtent;

  /** The event at `position`, undefined when there is none. */
  eventAt(position: number): RawEventRef | undefined;

  /**
   * Streams in stream id order, one at a time: the first event (lowest revision) at or before `upTo`
   * of the first stream after `streamId` that has one. '' gives the first stream.
   */
  firstOfNextStream(streamId: string, upTo: number): RawRow | undefined;

  /** A stream's events at or before `upTo`, by revision. */
  streamRows(streamId: string, upTo: number): RawRow[];

  /** How many streams have an id that starts with `prefix` (not empty). */
  countStreams(prefix: string): number;

  /** At most `limit` events after position `after`, by position. */
  page(after: number, limit: number): RawRow[];

  /** At most `limit` events in (after, upTo], by position. */
  range(after: number, upTo: number, limit: number): RawRow[];
}
