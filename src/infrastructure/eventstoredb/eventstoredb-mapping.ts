import {
  AccessDeniedError,
  ANY,
  type AppendExpectedRevision,
  CancelledError,
  type CurrentRevision,
  DeadlineExceededError,
  eventTypeFilter,
  excludeSystemEvents,
  type Filter,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  type Position,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  streamNameFilter,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  type ActualRevision,
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../../shared/event-store/event-store.errors.js';
import { decideAppend, type StoredRef } from '../../shared/event-store/append-rules.js';
import type { AllFilter, AppendResult, ExpectedRevision } from '../../shared/event-store/event-store.port.js';

/**
 * Pure translations between the port and @eventstore/db-client 6.x. Kept apart from the adapter so
 * that they can be tested here, with the client's own types and error classes, without a server.
 */

export const toEsdbExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
};

/**
 * The client reports the legacy negative constants when it builds the error from gRPC trailers
 * (`expected-version` metadata): -1 no stream, -2 any, -4 stream exists.
 */
export const fromEsdbExpectedRevision = (expected: AppendExpectedRevision): ExpectedRevision => {
  if (typeof expected !== 'bigint') return expected;
  if (expected === -1n) return 'no_stream';
  if (expected === -2n) return 'any';
  if (expected === -4n) return 'stream_exists';
  return toRevision(expected);
};

export const fromEsdbCurrentRevision = (current: CurrentRevision): ActualRevision => {
  if (current === NO_STREAM || current === undefined || current < 0n) return 'no_stream';
  return toRevision(current);
};

const toRevision = (value: bigint): number => {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`revision ${value} is out of range`);
  return Number(value);
};

/** Stream revisions arrive as bigint; the port speaks numbers (safe up to 2^53, far beyond any stream here). */
export const revisionOf = (revision: bigint): number => toRevision(revision);

/** The port's position is the commit position, in decimal. */
export const positionToString = (commit: bigint): string => commit.toString(10);

/** The server keeps log positions as a signed 64-bit integer (Position.ToInt64). */
const MAX_POSITION = 2n ** 63n - 1n;

/** Parses a port position; undefined means "from the start". */
export const parsePosition = (after: string | undefined): bigint | undefined => {
  if (after === undefined || after === 'start') return undefined;
  if (!/^\d{1,20}$/.test(after)) throw new RangeError(`position ${JSON.stringify(after)} is not a decimal integer`);
  const position = BigInt(after);
  if (position > MAX_POSITION) throw new RangeError(`position ${JSON.stringify(after)} is above ${MAX_POSITION}, the largest EventStoreDB position`);
  return position;
};

/**
 * A client Position from a commit position. Events appended through gRPC are implicit transactions,
 * whose every event has prepare position = commit position = its own log position (AllReader uses
 * `new CommitEventRecord(eventRecord, eventRecord.LogPosition)` for them), so this names the event.
 */
export const toEsdbPosition = (commit: bigint): Position => ({ commit, prepare: commit });

/** System streams and events ($-prefixed) and this adapter's own bookkeeping never reach the port. */
export const isSystemEvent = (streamId: string, type: string): boolean => streamId.startsWith('$') || type.startsWith('$');

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export interface FilterPlan {
  /** What the server applies to a subscription (it takes one filter: stream name or event type). */
  readonly server: Filter;
  /** What the adapter applies to every event it receives, whatever the server did. */
  readonly keep: (streamId: string, type: string) => boolean;
}

/**
 * Splits a port filter into the one filter EventStoreDB applies server-side and a client-side check.
 * Stream prefixes go to the server when given (they are usually the more selective: one track's
 * streams); event types then run client-side. With types only, the server gets an anchored regex of
 * them, which also excludes system events. With neither, the server excludes system events.
 * The client-side check always repeats everything, and drops system events and $-streams.
 */
export const planFilter = (filter: AllFilter | undefined): FilterPlan => {
  const prefixes = filter?.streamPrefixes && filter.streamPrefixes.length > 0 ? [...filter.streamPrefixes] : undefined;
  const types = filter?.eventTypes ? new Set(filter.eventTypes) : undefined;
  const keep = (streamId: string, type: string): boolean =>
    !isSystemEvent(streamId, type) &&
    (!prefixes || prefixes.some((prefix) => streamId.startsWith(prefix))) &&
    (!types || types.has(type));
  if (prefixes) return { server: streamNameFilter({ prefixes }), keep };
  if (types) {
    // An empty type list matches nothing; a regex that cannot match keeps the server from sending anything.
    const regex = types.size === 0 ? '^(?!)$' : `^(?:${[...types].map(escapeRegex).join('|')})$`;
    return { server: eventTypeFilter({ regex }), keep };
  }
  return { server: excludeSystemEvents(), keep };
};

/**
 * Translates the client's errors into the port's. `expected` is what the caller of the port asked
 * for: the adapter may have sent the server an exact revision in its place (see append).
 */
export const translateError = (error: unknown, streamId: string, expected?: ExpectedRevision): unknown => {
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(
      streamId,
      expected ?? fromEsdbExpectedRevision(error.expectedVersion),
      fromEsdbCurrentRevision(error.actualVersion),
    );
  }
  if (error instanceof EsdbStreamNotFoundError || error instanceof StreamDeletedError) {
    // The port has no deletion: a deleted stream reads as one that is not there.
    return new StreamNotFoundError(streamId);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidAppendError(
      'event-too-large',
      `append to ${streamId} is over EventStoreDB's MaxAppendSize of ${error.maxAppendSize} bytes: append fewer events at once`,
    );
  }
  return error;
};

/**
 * BatchAppend's answers to a request the server did not handle (Streams.BatchAppend.cs, NotHandled:
 * "Server Is Not Ready", "Server Is Busy", "No leader info available in response", or "Unknown
 * NotHandledReason (n)"), which client 6.2.1 turns into UnknownError("Could not recognize …"); on
 * Append, NoLeaderInfo is a gRPC Unknown with the same text. Nothing was written.
 */
const NOT_HANDLED = /Server Is Not Ready|Server Is (?:Too )?Busy|No leader info available|Unknown NotHandledReason/;

/**
 * Why the server cannot serve the ledger now, when `error` says so (the port's StoreUnavailableError,
 * a 503); undefined for any other error. `target` names what was read or written.
 */
export const unavailableReason = (error: unknown, target: string): string | undefined => {
  if (error instanceof AccessDeniedError) {
    return `access denied to ${target}: the connection string's user must be allowed to read $all and to read and write the ledger's streams`;
  }
  if (error instanceof UnknownError) {
    return NOT_HANDLED.test(error.message) ? `${target}: the server did not handle the request (${error.message.replace(/^Could not recognize /, '')})` : undefined;
  }
  if (error instanceof DeadlineExceededError || error instanceof TimeoutError) return `${target}: no answer in time (${error.message || error.type})`;
  if (error instanceof UnavailableError || error instanceof CancelledError || error instanceof NotLeaderError) return `${target}: ${error.message || error.type}`;
  return undefined;
};

/**
 * An append whose outcome is unknown: the server (Timeout: on a write dropped as IdempotentNotReady,
 * see the adapter's append) or the client's own deadline gave up waiting, and the write may or may
 * not have happened.
 */
export const isOutcomeUnknown = (error: unknown): boolean => error instanceof DeadlineExceededError || error instanceof TimeoutError;

/**
 * The server's InvalidPositionException (a subscription from a byte that starts no record): gRPC
 * InvalidArgument, "Trying to read from an invalid position.", which client 6.2.1 turns into an
 * UnknownError keeping the gRPC code (3) and message (convertToCommandError has no case for it).
 */
export const isInvalidPosition = (error: unknown): boolean =>
  error instanceof UnknownError && (error.code === 3 || /invalid position|InvalidPosition/i.test(error.message));

export type { StoredRef };

export type AppendPlan =
  | { readonly kind: 'replay'; readonly result: AppendResult }
  | { readonly kind: 'write'; readonly expectedRevision: bigint | typeof NO_STREAM; readonly firstRevision: number };

/**
 * Decides an append against the whole stream as read just before, with the same rules as the SQLite
 * store: events already in the stream (same ids, same order, same types, at the place the expectation
 * names) are an idempotent replay; a partial overlap or an id elsewhere is a conflict; otherwise the
 * expectation is checked and the write goes to the server with the exact revision seen, so that a
 * concurrent writer makes the server refuse it instead of interleaving.
 */
export const planAppend = (
  streamId: string,
  events: ReadonlyArray<{ readonly eventId: string; readonly type: string }>,
  expected: ExpectedRevision,
  stream: readonly StoredRef[],
): AppendPlan => {
  const current = stream.length === 0 ? -1 : stream[stream.length - 1]!.revision;
  const byId = new Map(stream.map((event) => [event.eventId, event]));
  const decision = decideAppend(streamId, events, expected, current, events.map((event) => byId.get(event.eventId.toLowerCase())));
  if (decision.kind === 'replay') return decision;
  return { kind: 'write', expectedRevision: current < 0 ? NO_STREAM : BigInt(current), firstRevision: decision.firstRevision };
};

/** Credentials in a connection string never reach a message or a log line. */
export const redactConnectionString = (connectionString: string): string =>
  // The password runs to the first '@', '/' and ':' included, as the client parses it
  // (parseConnectionString.js: [^:]+:[^@]+@).
  connectionString.replace(/^([a-z+]+:\/\/[^:@/]+):[^@]*@/i, '$1:***@');
