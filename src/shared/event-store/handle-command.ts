import { v5 as uuidv5 } from 'uuid';
import type { Decider, DomainEvent, FoldedEvent, StreamExpectation } from '../domain/decider.js';
import { ConflictError, NotFoundError, PreconditionFailedError, UnprocessableError } from '../domain/domain-error.js';
import type { Clock, IdGenerator } from './clock.js';
import { noteRecorded, transactionTime } from './transaction-time.js';
import { canonicalJson, type LedgerMetadata, sealMetadata, sha256Hex } from './envelope.js';
import { StreamNotFoundError, WrongExpectedRevisionError } from './event-store.errors.js';
import type { AppendedEventRef, EventStore, EventToAppend, JsonObject, ReadStreamOptions, RecordedEvent } from './event-store.port.js';
import { EVENT_SCHEMA_VERSION } from './event-schema.js';
import { type FoldedStream, foldedEvent, type FoldedStreamCache, foldedStreamCacheFor } from './folded-stream-cache.js';
import { KeyedLock } from './keyed-lock.js';
import { ReadWriteLock } from './read-write-lock.js';

export { foldedEvent };

/** Who asked, and how the request is to be traced and de-duplicated. */
export interface CommandContext {
  readonly principal: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly idempotencyKey?: string;
  /** Identifies the request (route + body) for Idempotency-Key reuse detection. */
  readonly requestFingerprint?: string;
  /** From If-Match (see IfMatch); a mismatch is a 412. */
  readonly ifMatch?: IfMatch;
}

/**
 * If-Match as RFC 9110 §13.1.1 writes it: `*`, the record must exist at any revision (a command that
 * loses a race is decided again, as without If-Match); or the revisions the client last saw, one of
 * which the record must still be at (never retried: a lost race is a 412).
 */
export type IfMatch = '*' | readonly number[];

const tagsOf = (revisions: readonly number[]): string => revisions.map((r) => `W/"${r}"`).join(', ');

export interface CommandResult {
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
  readonly recordedAt: string;
  readonly events: ReadonlyArray<{ eventId: string; type: string; revision: number }>;
}

export interface CommandSpec<Command extends { effectiveOn: string }, State, Event extends DomainEvent> {
  readonly decider: Decider<Command, State, Event>;
  readonly streamId: string;
  /** Names the subject in messages: "norm gge-13i". */
  readonly subject: string;
  readonly expectation: StreamExpectation;
  /**
   * Builds the domain command. Called again on every retry, so facts read from other streams
   * (a session held, a delegate who attended) are fresh each time the command is decided.
   */
  readonly command: (current: { state: State; revision: number }) => Command | Promise<Command>;
  readonly context: CommandContext;
  /**
   * True for a command that changes facts other streams' commands are decided on (a session's
   * attendance, its minutes adopted): it runs alone in this process, so no command decided on the
   * old facts (a statement by a delegate the correction removes) is appended after it. See
   * locksOf.
   */
  readonly exclusive?: boolean;
}

export interface CommandDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * How long a command without If-Match keeps re-deciding after losing races to other instances.
 * A budget of time, not of attempts: an instance with a queue of commands on the same stream can
 * win many races in a row, and a fixed count ran out (seen: 22 losses in a row at 40 commands).
 */
const RETRY_BUDGET_MS = 3000;
/** Namespace for event ids derived from an Idempotency-Key. */
const IDEMPOTENCY_NAMESPACE = '5b0c6f3e-2f0e-4c1a-9d1e-6b8f6c1e7a42';

export const fold = <C, S, E extends DomainEvent>(decider: Decider<C, S, E>, events: readonly RecordedEvent[]): S =>
  events.reduce((state, event) => decider.evolve(state, foldedEvent<E>(event)), decider.initialState());

export const readStreamOrEmpty = async (store: EventStore, streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> => {
  try {
    return await store.readStream(streamId, options);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
};

/** The events recorded under Idempotency-Key `key` by `principal`, in log order. */
const earlierOwnEvents = async (store: EventStore, key: string, principal: string): Promise<RecordedEvent[]> =>
  (await store.findByIdempotencyKey(key)).filter((event) => (event.metadata as Partial<LedgerMetadata>).recordedBy === principal);

/**
 * Whether this request's Idempotency-Key already has an answer (handleCommand then replays it, or
 * answers 422 for another body): for work a handler would otherwise do before handleCommand.
 */
export const keyAlreadyUsed = async (store: EventStore, context: CommandContext): Promise<boolean> =>
  context.idempotencyKey !== undefined && (await earlierOwnEvents(store, context.idempotencyKey, context.principal)).length > 0;

/** Event ids derived from the key and the request, so a retry writes the very same events. */
export const idempotentEventId = (key: string, fingerprint: string, index: number): string =>
  uuidv5(`${key}\n${fingerprint}\n${index}`, IDEMPOTENCY_NAMESPACE);

const resultOf = (events: readonly RecordedEvent[]): CommandResult => {
  const last = events[events.length - 1]!;
  return {
    streamId: last.streamId,
    revision: last.revision,
    position: last.position,
    recordedAt: (last.metadata as LedgerMetadata).recordedAt,
    events: events.map((event) => ({ eventId: event.eventId, type: event.type, revision: event.revision })),
  };
};

/**
 * The one write path: load the stream, fold it, decide, seal each event into the hash chain and
 * append with the exact expected revision. A command that loses a race (and was not sent with
 * If-Match) is decided again on the fresh state; an Idempotency-Key retry returns the first result.
 */
export const handleCommand = <Command extends { effectiveOn: string }, State, Event extends DomainEvent>(
  deps: CommandDeps,
  spec: CommandSpec<Command, State, Event>,
): Promise<CommandResult> => {
  const locks = locksOf(deps.store);
  const run = (): Promise<CommandResult> =>
    locks.crossStream.run(spec.exclusive === true ? 'exclusive' : 'shared', () => locks.streams.run(spec.streamId, () => decideAndAppend(deps, spec)));
  const key = spec.context.idempotencyKey;
  // Always taken first, so no cycle: a command holding a stream never waits for a key.
  return key === undefined ? run() : locks.keys.run(JSON.stringify([spec.context.principal, key]), run);
};

/**
 * This process's locks on a store. `keys`: commands sent with one Idempotency-Key (of one
 * principal) queue, whatever their streams, so that the second sees what the first recorded and is
 * answered as a retry or refused as a reuse (422); the stream lock alone let the same key record
 * one command on each of several streams at once. `streams`: commands on one stream queue instead
 * of racing to the store. `crossStream`: guards that read another stream (DESIGN §4: a delegate who attended the
 * session, §5: minutes adopted) are checked when the command is decided, and the append names only
 * its own stream's revision; without this lock a session correction removing a delegate and a
 * statement by that delegate, decided at the same time, could both be recorded (each saw the
 * other's stream as it was). Every command holds it shared, so commands still run side by side; a
 * command that changes such facts (`exclusive`) waits for those in flight and runs alone. Instances
 * sharing a store do not see each other's locks (README says so).
 */
interface StoreLocks {
  readonly keys: KeyedLock;
  readonly streams: KeyedLock;
  readonly crossStream: ReadWriteLock;
}
const storeLocks = new WeakMap<EventStore, StoreLocks>();
const locksOf = (store: EventStore): StoreLocks => {
  let locks = storeLocks.get(store);
  if (!locks) storeLocks.set(store, (locks = { keys: new KeyedLock(), streams: new KeyedLock(), crossStream: new ReadWriteLock() }));
  return locks;
};

/** Jittered pause before deciding again after losing a race to another instance. */
const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 2 ** attempt)));

/**
 * The fold of what was just appended, kept for the next command on the stream. Only a saving: the
 * events are recorded whatever happens here, so a fold that fails only drops the stream's entry.
 */
const rememberAppended = <State, Event extends DomainEvent>(
  cache: FoldedStreamCache,
  base: FoldedStream<State>,
  spec: { readonly streamId: string; readonly decider: { readonly evolve: (state: State, event: FoldedEvent<Event>) => State } },
  appended: readonly EventToAppend[],
  refs: readonly AppendedEventRef[],
): void => {
  try {
    cache.advance(
      base,
      spec.decider.evolve,
      refs.map((ref, index) => ({
        streamId: spec.streamId,
        revision: ref.revision,
        position: ref.position,
        eventId: ref.eventId,
        type: ref.type,
        // As stored and read back: JSON drops what JSON cannot hold (an undefined field).
        data: JSON.parse(JSON.stringify(appended[index]!.data)) as JsonObject,
        metadata: appended[index]!.metadata,
      })),
    );
  } catch {
    cache.forget(spec.streamId);
  }
};

const decideAndAppend = async <Command extends { effectiveOn: string }, State, Event extends DomainEvent>(
  deps: CommandDeps,
  spec: CommandSpec<Command, State, Event>,
): Promise<CommandResult> => {
  const { context } = spec;
  const key = context.idempotencyKey;
  // Keys are per principal: another token's key of the same text is another key, so one user can
  // neither be handed another's answer nor block another's retries. Event ids derive from the
  // principal too; those recorded before keys were per principal derive from the request alone.
  const fingerprint = key === undefined ? undefined : sha256Hex(canonicalJson([spec.streamId, context.requestFingerprint ?? '', context.principal]));
  const legacyFingerprint = key === undefined ? undefined : sha256Hex(canonicalJson([spec.streamId, context.requestFingerprint ?? '']));

  const cache = foldedStreamCacheFor(deps.store);
  const deadline = Date.now() + RETRY_BUDGET_MS;
  for (let attempt = 1; ; attempt++) {
    if (key !== undefined && fingerprint !== undefined && legacyFingerprint !== undefined) {
      const earlier = await earlierOwnEvents(deps.store, key, context.principal);
      if (earlier.length > 0) {
        const first = earlier[0]!.eventId;
        if (first !== idempotentEventId(key, fingerprint, 0) && first !== idempotentEventId(key, legacyFingerprint, 0)) {
          throw new UnprocessableError(
            'idempotency-key-reused',
            `Idempotency-Key ${JSON.stringify(key)} was already used for a different request; use a new key for a new request`,
          );
        }
        return resultOf(earlier);
      }
    }

    // Only the events appended since this instance last folded the stream are read; the append
    // below still names the exact revision folded, so a stale fold can only lose the race.
    const folded = await cache.load(spec.streamId, spec.decider.evolve, spec.decider.initialState);
    const { revision, state, head } = folded;
    if (spec.expectation === 'new' && revision >= 0) {
      throw new ConflictError('already-exists', `${spec.subject} already exists`);
    }
    if (spec.expectation === 'existing' && revision < 0) {
      throw new NotFoundError('not-found', `${spec.subject} does not exist`);
    }
    const ifMatch = context.ifMatch;
    if (ifMatch === '*' && revision < 0) {
      throw new PreconditionFailedError(
        'revision-mismatch',
        `${spec.subject} does not exist yet (If-Match * expects it to exist): send the command without If-Match to create it`,
      );
    }
    if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.includes(revision)) {
      const expected = ifMatch.length === 1 ? String(ifMatch[0]) : `one of ${ifMatch.join(', ')}`;
      throw new PreconditionFailedError(
        'revision-mismatch',
        revision < 0
          ? `${spec.subject} does not exist yet (If-Match ${tagsOf(ifMatch)} expects revision ${expected}): send the command without If-Match to create it`
          : `${spec.subject} is at revision ${revision}, not ${expected}: reload it and decide again`,
      );
    }
    const command = await spec.command({ state, revision });
    const decided = spec.decider.decide(command, state);
    if (decided.length === 0) {
      // Already satisfied: nothing to append, answer with the stream as it stands.
      if (head === undefined) throw new ConflictError('nothing-to-record', `${spec.subject}: nothing to record`);
      return {
        streamId: spec.streamId,
        revision: head.revision,
        position: head.position,
        recordedAt: head.recordedAt,
        events: [],
      };
    }

    // Never before what the stream (or, as far as this process knows, the log) already recorded.
    const recordedAt = (await transactionTime(deps.store, deps.clock, head?.recordedAt)).toISOString();
    let prevHash = folded.lastHash;
    const toAppend: EventToAppend[] = decided.map((event, index) => {
      const eventId = key !== undefined && fingerprint !== undefined ? idempotentEventId(key, fingerprint, index) : deps.ids.uuid();
      const metadata = sealMetadata(
        {
          streamId: spec.streamId,
          revision: revision + 1 + index,
          eventId,
          type: event.type,
          data: event.data,
          metadata: {
            schemaVersion: EVENT_SCHEMA_VERSION,
            effectiveOn: event.effectiveOn ?? command.effectiveOn,
            recordedAt,
            recordedBy: context.principal,
            correlationId: context.correlationId,
            causationId: context.causationId ?? context.correlationId,
            ...(key !== undefined ? { idempotencyKey: key } : {}),
          },
        },
        prevHash,
      );
      prevHash = metadata.hash;
      return { eventId, type: event.type, data: event.data as JsonObject, metadata };
    });

    try {
      const appended = await deps.store.append(spec.streamId, toAppend, revision < 0 ? 'no_stream' : revision);
      if (appended.idempotentReplay && key !== undefined) return resultOf(await earlierOwnEvents(deps.store, key, context.principal));
      if (!appended.idempotentReplay) {
        rememberAppended(cache, folded, spec, toAppend, appended.events);
        noteRecorded(deps.store, recordedAt);
      }
      return {
        streamId: spec.streamId,
        revision: appended.revision,
        position: appended.position,
        recordedAt,
        events: appended.events.map(({ eventId, type, revision: r }) => ({ eventId, type, revision: r })),
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      cache.forget(spec.streamId);
      if (context.ifMatch !== undefined && context.ifMatch !== '*') {
        throw new PreconditionFailedError('revision-mismatch', `${spec.subject} changed while this command was decided: reload it and decide again`);
      }
      if (Date.now() >= deadline) {
        throw new ConflictError('concurrent-writes', `${spec.subject} is being changed by others right now: try again`);
      }
      await backoff(attempt);
    }
  }
};
