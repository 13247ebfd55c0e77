import type { Clock } from './clock.js';
import { EventStoreError } from './event-store.errors.js';
import type { EventStore } from './event-store.port.js';

/**
 * Transaction time (`recordedAt`) never goes backwards: `knownAt` ("what the ledger said at T")
 * keeps every event recorded by T, so an event recorded after another must not carry an earlier
 * instant. A clock stepped back (a bad NTP source, a restored VM, a hand-set date) would otherwise
 * date a correction before the record it corrects, and sign a checkpoint before the events it covers.
 *
 * The floor is the latest instant this process knows to be recorded in the store: the log's last
 * event (read once), every stream head it folds, every instant it records. A clock behind the
 * floor by at most CLOCK_TOLERANCE_MS (an NTP step, another instance's slightly fast clock) records
 * at the floor; further behind, recording is refused until the clock is fixed.
 */
export const CLOCK_TOLERANCE_MS = 60_000;

/** The clock reads earlier than what the ledger already recorded, by more than the tolerance. */
export class ClockBehindError extends EventStoreError {
  readonly retryAfterSeconds = 60;

  constructor(
    readonly clockReads: string,
    readonly latestRecorded: string,
  ) {
    super(
      `the server's clock reads ${clockReads}, earlier than an event the ledger already recorded (${latestRecorded}): ` +
        'transaction time must not go backwards, so nothing is recorded until the clock is set right (check NTP)',
    );
  }
}

const floors = new WeakMap<EventStore, { ms: number; seeded: Promise<void> | undefined }>();

/** The log's last recordedAt, read once per store per process (one event: the head). */
const seed = async (store: EventStore, floor: { ms: number }): Promise<void> => {
  const head = store.headEvent === undefined ? null : await store.headEvent();
  if (head === null) return;
  const recordedAt = Date.parse(String((head.metadata as { recordedAt?: unknown }).recordedAt));
  if (Number.isFinite(recordedAt)) floor.ms = Math.max(floor.ms, recordedAt);
};

/**
 * The instant to record now in `store`: the clock's reading, raised to the floor (and to `atLeast`,
 * e.g. the head of the stream being appended to) when it is behind by no more than the tolerance.
 */
export const transactionTime = async (store: EventStore, clock: Clock, atLeast?: string): Promise<Date> => {
  let floor = floors.get(store);
  if (floor === undefined) {
    floor = { ms: 0, seeded: undefined };
    floors.set(store, floor);
  }
  floor.seeded ??= seed(store, floor).catch((error: unknown) => {
    floor.seeded = undefined;
    throw error;
  });
  await floor.seeded;
  if (atLeast !== undefined) {
    const ms = Date.parse(atLeast);
    if (Number.isFinite(ms)) floor.ms = Math.max(floor.ms, ms);
  }
  const now = clock.now();
  if (now.getTime() < floor.ms - CLOCK_TOLERANCE_MS) throw new ClockBehindError(now.toISOString(), new Date(floor.ms).toISOString());
  // The floor rises when the instant is recorded (noteRecorded), not here: a request that records
  // nothing (a replay, a refusal) leaves no trace in the log, so it must not hold later ones back.
  return new Date(Math.max(floor.ms, now.getTime()));
};

/** `instant` was recorded in `store`: later records are not dated before it. */
export const noteRecorded = (store: EventStore, instant: string): void => {
  const floor = floors.get(store);
  const ms = Date.parse(instant);
  if (floor !== undefined && Number.isFinite(ms)) floor.ms = Math.max(floor.ms, ms);
};
