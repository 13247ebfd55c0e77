/**
 * Whether the read models were built from the log they are about to follow. A checkpoint alone
 * cannot say: a data directory copied file by file (the ledger first, the read models later), or an
 * older ledger restored under newer read models, leaves read models ahead of the log, or at a
 * position the log reached again with other events. Either way they would be served as truth, and
 * the events recorded up to their checkpoint would never be applied.
 *
 * So the event at the checkpoint (its stream, revision and id) is kept in `meta` beside the
 * checkpoint, in the same transaction, and at start-up it is looked up in the store: one
 * readStream of one event, an index probe on SQLite, a one-event read on EventStoreDB.
 */
import { StreamNotFoundError } from '../../shared/event-store/event-store.errors.js';
import type { EventStore, RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { comparePosition } from '../projections/ledger-event.js';
import type { ReadModelDb } from './read-model.database.js';

/** The `meta` key of the event at the checkpoint. */
export const CHECKPOINT_EVENT = 'checkpoint_event';

/** An event the read models applied, as the store must still hold it. */
export interface AppliedEvent {
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
}

/** What `meta.checkpoint_event` holds (the position is the checkpoint itself). */
export const checkpointEventJson = (event: Omit<AppliedEvent, 'position'>): string =>
  JSON.stringify({ streamId: event.streamId, revision: event.revision, eventId: event.eventId });

const parseCheckpointEvent = (position: string, json: string): AppliedEvent | null => {
  try {
    const { streamId, revision, eventId } = JSON.parse(json) as Record<string, unknown>;
    if (typeof streamId !== 'string' || typeof eventId !== 'string' || !Number.isSafeInteger(revision)) return null;
    return { position, streamId, revision: revision as number, eventId };
  } catch {
    return null;
  }
};

/**
 * The event to look for in the store: the one at the checkpoint; in a file written before
 * `checkpoint_event` existed, the last event row the read models hold (any event they applied tells
 * one history from another; the key is written with the next batch). Null when neither is known.
 */
export const lastAppliedEvent = (db: ReadModelDb): AppliedEvent | null => {
  const meta = db.prepare("SELECT key, value FROM meta WHERE key IN ('checkpoint', ?)").raw().all(CHECKPOINT_EVENT) as Array<[string, string]>;
  const checkpoint = meta.find(([key]) => key === 'checkpoint')?.[1];
  const recorded = meta.find(([key]) => key === CHECKPOINT_EVENT)?.[1];
  if (checkpoint !== undefined && recorded !== undefined) {
    const event = parseCheckpointEvent(checkpoint, recorded);
    if (event !== null) return event;
  }
  const row = db.prepare('SELECT position, stream_id, revision, event_id FROM ledger_events ORDER BY seq DESC LIMIT 1').raw().get() as
    | [string, string, number, string]
    | undefined;
  return row === undefined ? null : { position: row[0], streamId: row[1], revision: row[2], eventId: row[3] };
};

const named = (event: AppliedEvent | RecordedEvent): string => `${event.streamId} revision ${event.revision}, event ${event.eventId}`;

/**
 * Why the read models in `db` were not built from `store`'s log (a sentence), or undefined when
 * nothing says so. Costs the head position and one event read, and nothing without a checkpoint.
 */
export const readModelsNotOfLog = async (store: EventStore, db: ReadModelDb): Promise<string | undefined> => {
  const checkpoint = db.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").pluck().get() as string | undefined;
  if (checkpoint === undefined) return undefined;
  const head = await store.headPosition();
  if (head === null || comparePosition(checkpoint, head) > 0) {
    return `they are at position ${checkpoint}, beyond the end of the log (${head === null ? 'it is empty' : `position ${head}`}): they were built from another copy of the ledger`;
  }
  const applied = lastAppliedEvent(db);
  if (applied === null) return undefined;
  let found: RecordedEvent | undefined;
  try {
    [found] = await store.readStream(applied.streamId, { fromRevision: applied.revision, maxCount: 1 });
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  if (found !== undefined && found.revision === applied.revision && found.eventId === applied.eventId && comparePosition(found.position, applied.position) === 0) return undefined;
  return (
    `the event they applied at position ${applied.position} (${named(applied)}) is not in the log ` +
    `(${found === undefined || found.revision !== applied.revision ? 'it has no such event' : `it has ${named(found)} at position ${found.position}`}): they were built from another history of the ledger`
  );
};
