import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { v5 as uuidv5 } from 'uuid';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  type JSONEventData,
  NotLeaderError,
  type ResolvedEvent,
  START,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type StreamingRead,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { type SerialisedEvent, validateAppend } from '../../shared/event-store/append-validation.js';
import {
  InvalidAppendError,
  InvalidPositionError,
  StoreUnavailableError,
  StreamNotFoundError,
} from '../../shared/event-store/event-store.errors.js';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  SubscribeOptions,
  Subscription,
} from '../../shared/event-store/event-store.port.js';
import { comparePositions } from '../../shared/event-store/event-store.port.js';
import {
  isInvalidPosition,
  isOutcomeUnknown,
  isSystemEvent,
  parsePosition,
  planAppend,
  planFilter,
  positionToString,
  redactConnectionString,
  revisionOf,
  type StoredRef,
  toEsdbPosition,
  translateError,
  unavailableReason,
} from './eventstoredb-mapping.js';

export interface EventStoreDbOptions {
  /** How long opening (and each health probe) may take before the server counts as unreachable. */
  readonly connectTimeoutMs?: number;
  /** First pause before a dropped subscription is opened again; doubles up to 5 s. */
  readonly resubscribeDelayMs?: number;
}

/** A claim names the events an Idempotency-Key produced; see findByIdempotencyKey. */
const CLAIM_STREAM_PREFIX = 'ledger-idempotency-';
/** $-prefixed so that excludeSystemEvents and every type filter keep claims out of the log the port shows. */
const CLAIM_EVENT_TYPE = '$ledger-idempotency-claim';
/** Namespace of claim ids (UUID v5 of the claim itself). */
const CLAIM_ID_NAMESPACE = '0d5c3f7a-6a51-4f0e-9a8e-3c2b1f4d7e90';
/** Appends with `any`/`stream_exists` are retried on the exact revision they saw; this bounds a hot stream. */
const MAX_OPTIMISTIC_ATTEMPTS = 50;
/** Appends (claim or events) whose outcome is unknown (a timeout) are decided again this many times in all. */
const MAX_UNKNOWN_OUTCOME_TRIES = 3;
/** The pause before deciding again after a timeout, times the tries so far. */
const UNKNOWN_OUTCOME_PAUSE_MS = 100;
const QUEUE_HIGH_WATER = 1000;
const QUEUE_LOW_WATER = 100;

interface Claim {
  readonly streamId: string;
  readonly eventIds: readonly string[];
}

type ClientRecorded = NonNullable<ResolvedEvent['event']>;

const commitOf = (resolved: ResolvedEvent | AllStreamResolvedEvent): bigint => {
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) {
    throw new StoreUnavailableError('EventStoreDB returned an event without its position: the ledger needs EventStoreDB 22.6 or later');
  }
  return commit;
};

const asObject = (value: unknown): JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) ? (value as JsonObject) : {};

const toRecorded = (event: ClientRecorded, commit: bigint): RecordedEvent => ({
  streamId: event.streamId,
  revision: revisionOf(event.revision),
  position: positionToString(commit),
  eventId: event.id.toLowerCase(),
  type: event.type,
  data: asObject(event.data),
  metadata: asObject(event.metadata),
});

const claimStreamOf = (key: string): string => `${CLAIM_STREAM_PREFIX}${createHash('sha256').update(key, 'utf8').digest('hex')}`;

/**
 * The production store over EventStoreDB (gRPC, @eventstore/db-client 6.x). Streams, revisions and
 * the global log are EventStoreDB's own; what the port promises beyond EventStoreDB (idempotency by
 * event id with any expectation, lookup by Idempotency-Key) is done here, on the server's data, so
 * that several ledger instances against one cluster behave as one.
 */
export class EventStoreDbEventStore implements EventStore {
  private localHead: string | null = null;
  private closed = false;
  private readonly subscriptions = new Set<() => Promise<void>>();
  private lastError: string | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly connectionString: string,
    private readonly options: EventStoreDbOptions = {},
  ) {}

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) throw new Error('event store is closed');
    const serialised = validateAppend(streamId, events);
    if (!(expected === 'any' || expected === 'no_stream' || expected === 'stream_exists' || (Number.isSafeInteger(expected) && expected >= 0))) {
      throw new InvalidAppendError('invalid-event', `expected revision ${String(expected)} is not any, no_stream, stream_exists or a revision`);
    }
    const keys = [...new Set(events.map((event) => event.metadata?.idempotencyKey).filter((key): key is string => typeof key === 'string'))];

    let unknownOutcomes = 0;
    let notLeaderRetried = false;
    /**
     * Whether an append that failed with `error` is decided again, on the stream as it then is.
     * - A timeout leaves the outcome unknown. It is also what the server answers an append identical
     *   to one written a moment before and not yet indexed (another instance answering the same
     *   Idempotency-Key, so with the same event and claim ids): IndexWriter decides
     *   IdempotentNotReady, StorageWriterService drops the write, the request manager times out
     *   (WriteTimeoutMs, 2 s). Read again, the stream holds the events (a replay), or another
     *   writer's (a conflict), or neither (written now).
     * - NotLeader: nothing was written, and the client has reconnected to the leader it names.
     */
    const again = async (error: unknown): Promise<boolean> => {
      if (isOutcomeUnknown(error) && ++unknownOutcomes < MAX_UNKNOWN_OUTCOME_TRIES) {
        await new Promise((resolve) => setTimeout(resolve, UNKNOWN_OUTCOME_PAUSE_MS * unknownOutcomes));
        return true;
      }
      if (error instanceof NotLeaderError && !notLeaderRetried) {
        notLeaderRetried = true;
        return true;
      }
      return false;
    };

    for (let attempt = 1; ; attempt++) {
      const plan = planAppend(streamId, serialised, expected, await this.readRefs(streamId));
      if (plan.kind === 'replay') {
        // Replayed here, recorded perhaps by another instance: this instance's queries wait for it too.
        this.noteLocalHead(plan.result.position);
        return plan.result;
      }
      // The claim goes first: a crash between the two leaves a claim without events, which a lookup
      // ignores, never events that a lookup cannot find.
      let claimFailure: { error: unknown; key: string } | undefined;
      for (const key of keys) {
        try {
          await this.claim(key, streamId, serialised);
        } catch (error) {
          claimFailure = { error, key };
          break;
        }
      }
      if (claimFailure !== undefined) {
        if (await again(claimFailure.error)) continue;
        throw this.failure(claimFailure.error, claimStreamOf(claimFailure.key));
      }
      try {
        await this.client.appendToStream(streamId, serialised.map(toEventData), { expectedRevision: plan.expectedRevision, requiresLeader: true });
      } catch (error) {
        const optimistic = expected === 'any' || expected === 'stream_exists';
        if (error instanceof WrongExpectedVersionError && optimistic && attempt < MAX_OPTIMISTIC_ATTEMPTS) continue;
        if (await again(error)) continue;
        throw this.failure(error, streamId, expected);
      }
      const result = await this.written(streamId, serialised, plan.firstRevision);
      // Another writer stored these event ids first: decide again on the stream as it now is (a replay or a conflict).
      if (result !== undefined) return result;
    }
  }

  /**
   * Reads back what was just written: the append answers one position, the port wants each event's.
   * Undefined when the events there are not these: EventStoreDB answers an append whose event ids
   * already follow the expected revision with success and writes nothing (IndexWriter.CheckCommit:
   * CommitDecision.Idempotent), so another writer (another instance, deriving the same ids from one
   * Idempotency-Key) may have stored them, with its own data and metadata, since this append read the stream.
   */
  private async written(streamId: string, events: readonly SerialisedEvent[], firstRevision: number): Promise<AppendResult | undefined> {
    const stored = await this.readStream(streamId, { fromRevision: firstRevision, maxCount: events.length });
    const refs = stored.map(({ eventId, type, revision, position }) => ({ eventId, type, revision, position }));
    if (refs.length !== events.length || refs.some((ref, index) => ref.eventId !== events[index]!.eventId)) {
      throw new StoreUnavailableError(`stream ${streamId}: the events read back after an append are not the ones written`);
    }
    const ours = stored.every(
      (event, index) =>
        event.type === events[index]!.type &&
        isDeepStrictEqual(event.data, JSON.parse(events[index]!.data)) &&
        isDeepStrictEqual(event.metadata, JSON.parse(events[index]!.metadata)),
    );
    if (!ours) return undefined;
    const last = refs[refs.length - 1]!;
    this.noteLocalHead(last.position);
    return { streamId, revision: last.revision, position: last.position, events: refs, idempotentReplay: false };
  }

  /** The last position this process appended (see the port): queries wait for it without a round trip. */
  localHeadPosition(): string | null {
    return this.localHead;
  }

  private noteLocalHead(position: string): void {
    if (this.localHead === null || comparePositions(position, this.localHead) > 0) this.localHead = position;
  }

  private async readRefs(streamId: string): Promise<StoredRef[]> {
    try {
      return (await this.readStream(streamId)).map(({ eventId, type, revision, position }) => ({ eventId, type, revision, position }));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private async claim(key: string, streamId: string, events: readonly SerialisedEvent[]): Promise<void> {
    const claim: Claim = { streamId, eventIds: events.map((event) => event.eventId) };
    // The claim's id is the claim's own: the same claim sent again is stored once (EventStoreDB's
    // idempotent append), and a different one never passes for it. (Its first event's id did: after
    // a lost race claimed [x0], the winning retry's claim of [x0, x1, x2] was taken for a retry of
    // the first and dropped, so a lookup found x0 alone.)
    // (Its errors are the caller's to translate: a timeout there is decided again, see append.)
    const id = uuidv5(JSON.stringify([claim.streamId, ...claim.eventIds]), CLAIM_ID_NAMESPACE);
    await this.client.appendToStream(
      claimStreamOf(key),
      [{ id, contentType: 'application/json', type: CLAIM_EVENT_TYPE, data: { ...claim }, metadata: { idempotencyKey: key } }],
      { expectedRevision: 'any', requiresLeader: true },
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    if (options.maxCount !== undefined && options.maxCount <= 0) {
      await this.readStream(streamId, { direction: options.direction, maxCount: 1 });
      return [];
    }
    // From the leader: a follower answers from its own copy, which may lag the append this read
    // must see (the read-back of an append, the fold a command decides on, an idempotency lookup).
    const read = this.client.readStream(streamId, {
      requiresLeader: true,
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        if (resolved.event) out.push(toRecorded(resolved.event, commitOf(resolved)));
      }
    } catch (error) {
      throw this.failure(error, streamId);
    }
    return out;
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const store = this;
    const after = parsePosition(options.after);
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    // Client 6.2.1 sends no filter with readAll (it always sets NoFilter), so the read filters here.
    const { keep } = planFilter(options.filter);
    return {
      async *[Symbol.asyncIterator]() {
        if (maxCount <= 0) return;
        let delivered = 0;
        const read = store.client.readAll({ direction: FORWARDS, fromPosition: after === undefined ? START : toEsdbPosition(after) });
        try {
          for await (const resolved of eventsOf(read)) {
            const event = resolved.event;
            if (!event) continue;
            const commit = commitOf(resolved);
            // A forward read of $all includes the event at its start position; the port's `after` does not.
            if (after !== undefined && commit <= after) continue;
            if (!keep(event.streamId, event.type)) continue;
            yield toRecorded(event, commit);
            if (++delivered >= maxCount) return;
          }
        } catch (error) {
          // AllReader answers InvalidPosition for a byte that starts no record, which the server sends as Unknown.
          if (after !== undefined && /InvalidPosition/.test((error as Error)?.message ?? '')) throw new InvalidPositionError(options.after!);
          throw store.failure(error, '$all');
        } finally {
          await cancel(read);
        }
      },
    };
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const store = this;
    const plan = planFilter(options.filter);
    let last = parsePosition(options.after);
    let active = !this.closed;
    let caughtUpFired = false;
    let failure: unknown;
    let current: AllStreamSubscription | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let delay = this.options.resubscribeDelayMs ?? 250;
    type Item = { readonly kind: 'event'; readonly event: RecordedEvent } | { readonly kind: 'caughtUp' };
    const queue: Item[] = [];
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };

    const open = (): void => {
      if (!active) return;
      const sub = store.client.subscribeToAll({
        fromPosition: last === undefined ? START : toEsdbPosition(last),
        filter: plan.server,
      });
      current = sub;
      let received = 0;
      let caughtUpAfter: number | undefined;
      let dropped = false;
      sub.on('data', (resolved: AllStreamResolvedEvent) => {
        received++;
        const event = resolved.event;
        if (event) {
          const commit = commitOf(resolved);
          // The server starts after `fromPosition`; this guards a resubscription against a repeat.
          if (last === undefined || commit > last) {
            last = commit;
            delay = store.options.resubscribeDelayMs ?? 250;
            if (plan.keep(event.streamId, event.type)) queue.push({ kind: 'event', event: toRecorded(event, commit) });
          }
        }
        if (caughtUpAfter === received) queue.push({ kind: 'caughtUp' });
        if (queue.length > QUEUE_HIGH_WATER) sub.pause();
        notify();
      });
      // 'caughtUp' is emitted while the stream may still hold events not yet emitted as 'data':
      // the marker goes after them, so that onCaughtUp sees everything that existed.
      sub.on('caughtUp', () => {
        const pending = sub.readableLength;
        if (pending === 0) queue.push({ kind: 'caughtUp' });
        else caughtUpAfter = received + pending;
        notify();
      });
      const drop = (error?: unknown): void => {
        if (dropped || current !== sub) return;
        dropped = true;
        current = undefined;
        if (!active) return;
        // Errors that a new subscription would meet again end it, with a failure. (The server's
        // invalid-position answer reaches the client as an UnknownError, never an InvalidArgumentError,
        // which the client raises only for arguments it checks itself.)
        if (error instanceof AccessDeniedError || isInvalidPosition(error)) {
          failure = isInvalidPosition(error) && last !== undefined ? new InvalidPositionError(positionToString(last)) : store.failure(error, '$all');
          active = false;
          notify();
          return;
        }
        store.lastError = error instanceof Error ? error.message : 'subscription ended by the server';
        // Reopen from the last event received: the server starts after it, so nothing repeats or is lost.
        retryTimer = setTimeout(open, delay);
        delay = Math.min(delay * 2, 5000);
      };
      sub.on('error', (error: Error) => drop(error));
      sub.on('end', () => drop());
      sub.on('close', () => drop());
    };

    const stop = async (): Promise<void> => {
      store.subscriptions.delete(stop);
      active = false;
      clearTimeout(retryTimer);
      const sub = current;
      current = undefined;
      notify();
      if (sub) {
        sub.on('error', () => undefined);
        await sub.unsubscribe().catch(() => undefined);
      }
    };
    this.subscriptions.add(stop);
    open();

    const generator = (async function* () {
      try {
        for (;;) {
          const item = queue.shift();
          if (item) {
            if (queue.length < QUEUE_LOW_WATER && current?.isPaused()) current.resume();
            if (item.kind === 'caughtUp') {
              if (!caughtUpFired) {
                caughtUpFired = true;
                options.onCaughtUp?.();
              }
              continue;
            }
            if (!active && failure === undefined) return;
            yield item.event;
            continue;
          }
          if (failure !== undefined) throw failure;
          if (!active) return;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        await stop();
      }
    })();
    return { [Symbol.asyncIterator]: () => generator, unsubscribe: stop };
  }

  /**
   * EventStoreDB has no secondary index on metadata, so every append that carries an Idempotency-Key
   * first appends a claim {streamId, eventIds} to the key's own stream (ledger-idempotency-<sha256 of
   * the key>). A lookup reads the claims, then the claimed events from their streams, keeping those
   * whose metadata.idempotencyKey is the key: a claim whose append never happened names nothing.
   */
  async findByIdempotencyKey(key: string): Promise<RecordedEvent[]> {
    let claims: RecordedEvent[];
    try {
      claims = await this.readStream(claimStreamOf(key));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    // The claims say which streams to read; the events themselves say whether they carry the key.
    // (Not the claimed ids: a claim written before its id was the claim's own may name only the
    // first event of an append, after a lost race, and the key's other events are in its stream.)
    const streams = new Set<string>();
    for (const claim of claims) {
      const { streamId } = claim.data as unknown as Partial<Claim>;
      if (typeof streamId === 'string') streams.add(streamId);
    }
    const found = new Map<string, RecordedEvent>();
    for (const streamId of streams) {
      const events = await this.readStream(streamId).catch((error: unknown) => {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      });
      for (const event of events) {
        if (event.metadata.idempotencyKey === key) found.set(`${streamId}\n${event.eventId}`, event);
      }
    }
    const sorted = [...found.values()].sort((a, b) => {
      const x = BigInt(a.position);
      const y = BigInt(b.position);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    // A command answered from these (an Idempotency-Key replay) is one this instance's queries must see.
    if (sorted.length > 0) this.noteLocalHead(sorted[sorted.length - 1]!.position);
    return sorted;
  }

  async headPosition(): Promise<string | null> {
    return this.lastOfAll((resolved) => positionToString(commitOf(resolved)));
  }

  async headEvent(): Promise<RecordedEvent | null> {
    return this.lastOfAll((resolved) => toRecorded(resolved.event!, commitOf(resolved)));
  }

  /** `take` of the last ledger event of $all (read backwards from its end, past system events), or null. */
  private async lastOfAll<T>(take: (resolved: AllStreamResolvedEvent) => T): Promise<T | null> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, requiresLeader: true });
    try {
      for await (const resolved of eventsOf(read)) {
        const event = resolved.event;
        if (event && !isSystemEvent(event.streamId, event.type)) return take(resolved);
      }
      return null;
    } catch (error) {
      throw this.failure(error, '$all');
    } finally {
      await cancel(read);
    }
  }

  async health(): Promise<StoreHealth> {
    const detail = { connectionString: redactConnectionString(this.connectionString) };
    if (this.closed) return { store: 'eventstoredb', status: 'down', detail: { ...detail, error: 'closed' } };
    try {
      const headPosition = await withDeadline(this.headPosition(), this.options.connectTimeoutMs ?? 5000, 'no answer');
      this.lastError = undefined;
      return { store: 'eventstoredb', status: 'up', detail: { ...detail, connection: 'connected', headPosition } };
    } catch (error) {
      this.lastError = (error as Error).message;
      return { store: 'eventstoredb', status: 'down', detail: { ...detail, connection: 'unreachable', error: this.lastError } };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((stop) => stop()));
    await this.client.dispose();
  }

  private failure(error: unknown, streamId: string, expected?: ExpectedRevision): unknown {
    const translated = translateError(error, streamId, expected);
    if (translated !== error) return translated;
    const reason = unavailableReason(error, streamId);
    if (reason === undefined) return error;
    this.lastError = reason;
    return new StoreUnavailableError(`EventStoreDB at ${redactConnectionString(this.connectionString)}: ${reason}`);
  }
}

const toEventData = (event: SerialisedEvent): JSONEventData => ({
  id: event.eventId,
  contentType: 'application/json',
  type: event.type,
  // The client JSON.stringifies data: the same call, on the same value, that produced event.data.
  data: JSON.parse(event.data) as JsonObject,
  // A plain Uint8Array is sent as is: the metadata bytes are exactly those validated and hashed.
  metadata: new Uint8Array(Buffer.from(event.metadata, 'utf8')),
});

/**
 * The events of a read that may be left before its end: the loop's exit does not destroy the read
 * (see cancel), which stays piped to the gRPC call it wraps.
 */
const eventsOf = <E>(read: StreamingRead<E>): AsyncIterable<E> => read.iterator({ destroyOnReturn: false }) as AsyncIterable<E>;

/**
 * Ends a read left early (read through eventsOf). Cancelling stops a call still running; a call the
 * server already ended holds what it sent until it is read, and client.dispose() waits for every call
 * to finish: a read destroyed unread (a for-await left early) kept close() waiting for ever, and a
 * CLI command closing its store ended with exit code 0 whatever it had set. So the rest is drained.
 */
const cancel = async (read: StreamingRead<unknown>): Promise<void> => {
  try {
    await read.cancel();
  } catch {
    // Already finished or failed: nothing left to cancel.
  }
  read.on('error', () => undefined);
  read.resume();
};

const withDeadline = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

/**
 * Opens the store and proves the server answers (a read of the last event of $all) before returning,
 * so that a wrong or unreachable ESDB_CONNECTION_STRING stops start-up within `connectTimeoutMs`
 * with one message that names it.
 */
export const openEventStoreDb = async (
  connectionString: string,
  options: EventStoreDbOptions = {},
): Promise<EventStoreDbEventStore> => {
  const connectTimeoutMs = options.connectTimeoutMs ?? 8000;
  const shown = redactConnectionString(connectionString);
  const unusable = (reason: string): StoreUnavailableError =>
    new StoreUnavailableError(
      // gRPC appends "Resolution note: ." when it has none to give.
      `cannot use EventStoreDB at ESDB_CONNECTION_STRING=${shown}: ${reason.replace(/\.? ?Resolution note: ?\.?$/, '').replace(/\.$/, '')}. ` +
        'Check that the server is running and reachable from here, and that tls=false is set for an insecure server (and only then).',
    );
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    throw unusable(`the connection string is invalid (${(error as Error).message.split('\n')[0]})`);
  }
  const probe = client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
  const answered = (async () => {
    for await (const _ of eventsOf(probe)) break;
  })();
  try {
    await withDeadline(answered, connectTimeoutMs, 'no answer');
  } catch (error) {
    answered.catch(() => undefined);
    await cancel(probe);
    await client.dispose().catch(() => undefined);
    throw unusable((error as Error).message.split('\n')[0] ?? 'unreachable');
  }
  await cancel(probe);
  return new EventStoreDbEventStore(client, connectionString, { ...options, connectTimeoutMs });
};
