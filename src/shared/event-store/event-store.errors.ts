import type { ExpectedRevision } from './event-store.port.js';

/** What the stream actually was when an expectation failed: its last revision, or no stream. */
export type ActualRevision = number | 'no_stream';

export class EventStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class WrongExpectedRevisionError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFoundError extends EventStoreError {
  constructor(readonly streamId: string) {
    super(`stream ${streamId} not found`);
  }
}

export type InvalidAppendReason =
  | 'invalid-stream-id'
  | 'no-events'
  | 'invalid-event'
  | 'not-serialisable'
  | 'event-too-large'
  | 'duplicate-event-id'
  | 'position-taken';

/** An append refused before anything was written. */
export class InvalidAppendError extends EventStoreError {
  constructor(
    readonly reason: InvalidAppendReason,
    detail: string,
  ) {
    super(`invalid append (${reason}): ${detail}`);
  }
}

/** A read of the log asked to start after a position the store has no event at (EventStoreDB refuses such a read). */
export class InvalidPositionError extends EventStoreError {
  constructor(readonly position: string) {
    super(`there is no event at position ${position} in this ledger: start after a position it gave (an event's, or a page's next)`);
  }
}

/**
 * The store cannot be used (unreachable, newer schema, corrupt file). `code`: the storage's own
 * reason when the disk or the file refused a write (SQLite's SQLITE_FULL, SQLITE_IOERR…).
 */
export class StoreUnavailableError extends EventStoreError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A stored event that cannot be read back (its JSON no longer parses): the ledger was damaged. */
export class DamagedEventError extends EventStoreError {
  constructor(
    readonly position: string,
    readonly streamId: string,
    readonly revision: number,
    readonly reason: string,
  ) {
    super(`the stored event at position ${position} (${streamId} revision ${revision}) cannot be read: ${reason}`);
  }
}

/**
 * A stored event written at a schema version this build does not know (a newer norms-ledger wrote
 * it, or its metadata says nothing readable): folding it could only misread it, so nothing is
 * decided or projected on it. The ledger is intact; this instance has to be upgraded.
 */
export class UnknownEventSchemaError extends EventStoreError {
  constructor(
    readonly position: string,
    readonly streamId: string,
    readonly revision: number,
    readonly schemaVersion: unknown,
    readonly known: number,
    /** What became of the request that met it: a command records nothing; a rebuild keeps the read models in use. */
    readonly outcome = 'nothing was recorded',
  ) {
    super(
      typeof schemaVersion === 'number' && Number.isSafeInteger(schemaVersion) && schemaVersion > known
        ? `the stored event at position ${position} (${streamId} revision ${revision}) was written at event schema version ${schemaVersion} by a newer norms-ledger; this build reads versions up to ${known}: upgrade it`
        : `the stored event at position ${position} (${streamId} revision ${revision}) has schemaVersion ${JSON.stringify(schemaVersion) ?? String(schemaVersion)}, which is no event schema version (1 to ${known} are known to this build)`,
    );
  }
}
