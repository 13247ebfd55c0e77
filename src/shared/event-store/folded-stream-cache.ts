import type { DomainEvent, FoldedEvent } from '../domain/decider.js';
import { GENESIS_HASH, type LedgerMetadata } from './envelope.js';
import { upcastData } from './event-schema.js';
import { StreamNotFoundError } from './event-store.errors.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from './event-store.port.js';

/** The last event of a stream, as much of it as a command answer and the hash chain need. */
export interface StreamHead {
  readonly revision: number;
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly hash: string;
}

/** A stream folded up to `revision` (-1 and no head: the stream has no events). */
export interface FoldedStream<State> {
  readonly streamId: string;
  readonly revision: number;
  readonly state: State;
  readonly head: StreamHead | undefined;
  /** The prevHash of the next event. */
  readonly lastHash: string;
}

export type Evolve<State, Event extends DomainEvent> = (state: State, event: FoldedEvent<Event>) => State;

interface Entry {
  readonly evolve: Evolve<unknown, DomainEvent>;
  readonly folded: FoldedStream<unknown>;
}

/** A stored event as a decider folds it: its payload in this build's shape (event-schema.ts). */
export const foldedEvent = <E extends DomainEvent>(event: RecordedEvent): FoldedEvent<E> =>
  ({
    type: event.type,
    data: upcastData(event, event.metadata['schemaVersion'], event.data),
    eventId: event.eventId,
    revision: event.revision,
    effectiveOn: (event.metadata as LedgerMetadata).effectiveOn,
    recordedAt: (event.metadata as LedgerMetadata).recordedAt,
  }) as unknown as FoldedEvent<E>;

const headOf = (event: RecordedEvent): StreamHead => {
  const metadata = event.metadata as LedgerMetadata;
  return { revision: event.revision, position: event.position, eventId: event.eventId, type: event.type, recordedAt: metadata.recordedAt, hash: metadata.hash };
};

/** Default bound: streams kept folded per store instance. */
export const DEFAULT_MAX_STREAMS = 10_000;

/**
 * Folded streams kept per store instance, so that a command reads only what was appended since the
 * last fold instead of the whole stream. Nothing rests on it for correctness: every load asks the
 * store for the tail, starting AT the cached head so that the store confirms the head is still the
 * event it was (same id at the same revision; anything else refolds from the start), and the append
 * that follows still carries the exact expected revision. Another instance's writes are therefore
 * seen on the next load, exactly as a full read would see them.
 *
 * Folds must be pure (evolve returns a new state and never changes the one it is given): cached
 * states are shared by every load of the stream.
 */
export class FoldedStreamCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: EventStore,
    readonly maxStreams: number = DEFAULT_MAX_STREAMS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async load<State, Event extends DomainEvent>(
    streamId: string,
    evolve: Evolve<State, Event>,
    initialState: () => State,
  ): Promise<FoldedStream<State>> {
    const cached = this.entries.get(streamId);
    const base = cached !== undefined && cached.evolve === evolve ? (cached.folded as FoldedStream<State>) : undefined;
    let folded = base === undefined ? undefined : await this.extend(base, evolve);
    if (folded === undefined) folded = this.foldFrom(streamId, evolve, initialState(), await this.read(streamId));
    this.remember(streamId, evolve as Evolve<unknown, DomainEvent>, folded);
    return folded;
  }

  /**
   * After this instance appended `events` right after `base` (the fold it decided on): the stream
   * folded up to the last of them, remembered so that the next command on the stream reads nothing.
   * Each event is exactly what a read would give back: its data round-trips through JSON as stored.
   */
  advance<State, Event extends DomainEvent>(base: FoldedStream<State>, evolve: Evolve<State, Event>, events: readonly RecordedEvent[]): FoldedStream<State> {
    const folded = events.length === 0 ? base : this.foldFrom(base.streamId, evolve, base.state, events, base);
    this.remember(base.streamId, evolve as Evolve<unknown, DomainEvent>, folded);
    return folded;
  }

  /** Drops what is known of a stream (after losing a race for it, say). */
  forget(streamId: string): void {
    this.entries.delete(streamId);
  }

  /** The tail after `base`, folded in; undefined when the store no longer has base's head. */
  private async extend<State, Event extends DomainEvent>(base: FoldedStream<State>, evolve: Evolve<State, Event>): Promise<FoldedStream<State> | undefined> {
    if (this.store.streamHead !== undefined) {
      // The common case, a stream nobody else moved: confirmed by its head alone, no events read.
      const head = await this.store.streamHead(base.streamId);
      if (head === undefined ? base.head === undefined : base.head !== undefined && head.revision === base.revision && head.eventId === base.head.eventId) return base;
    }
    if (base.head === undefined) {
      const events = await this.read(base.streamId);
      return events.length === 0 ? base : this.foldFrom(base.streamId, evolve, base.state, events);
    }
    const events = await this.read(base.streamId, { fromRevision: base.revision });
    const first = events[0];
    if (first === undefined || first.revision !== base.revision || first.eventId !== base.head.eventId) return undefined;
    return events.length === 1 ? base : this.foldFrom(base.streamId, evolve, base.state, events.slice(1), base);
  }

  private foldFrom<State, Event extends DomainEvent>(
    streamId: string,
    evolve: Evolve<State, Event>,
    initial: State,
    events: readonly RecordedEvent[],
    base?: FoldedStream<State>,
  ): FoldedStream<State> {
    let state = initial;
    let expected = base === undefined ? 0 : base.revision + 1;
    for (const event of events) {
      // Revisions are gap-free; a tail that is not is a store fault, never papered over.
      if (event.revision !== expected++) throw new Error(`stream ${streamId}: expected revision ${expected - 1}, read ${event.revision}`);
      state = evolve(state, foldedEvent<Event>(event));
    }
    const last = events[events.length - 1];
    if (last === undefined) return base ?? { streamId, revision: -1, state, head: undefined, lastHash: GENESIS_HASH };
    const head = headOf(last);
    return { streamId, revision: head.revision, state, head, lastHash: head.hash };
  }

  private async read(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(streamId, options);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private remember(streamId: string, evolve: Evolve<unknown, DomainEvent>, folded: FoldedStream<unknown>): void {
    const current = this.entries.get(streamId);
    // A concurrent load may already have stored a later fold of the same stream: keep the later one.
    if (current !== undefined && current.evolve === evolve && current.folded.revision > folded.revision) return;
    // Delete first so that the entry moves to the end: Map order is the recency order.
    this.entries.delete(streamId);
    this.entries.set(streamId, { evolve, folded });
    if (this.entries.size > this.maxStreams) this.entries.delete(this.entries.keys().next().value!);
  }
}

const caches = new WeakMap<EventStore, FoldedStreamCache>();

/** The cache of this store instance (one per instance: another store, even on the same file, has its own). */
export const foldedStreamCacheFor = (store: EventStore): FoldedStreamCache => {
  let cache = caches.get(store);
  if (cache === undefined) caches.set(store, (cache = new FoldedStreamCache(store)));
  return cache;
};

/** A stream's current fold, through the store's cache. */
export const loadFolded = <State, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  evolve: Evolve<State, Event>,
  initialState: () => State,
): Promise<FoldedStream<State>> => foldedStreamCacheFor(store).load(streamId, evolve, initialState);

/**
 * `derive` remembered per state object: a cached fold hands out the same state object until its
 * stream moves, so facts built from it are built once per revision, not once per command.
 */
export const memoizeByState = <State, Derived>(derive: (state: State) => Derived): ((state: State) => Derived) => {
  const memo = new WeakMap<object, Derived>();
  return (state) => {
    if (state === null || typeof state !== 'object') return derive(state);
    if (memo.has(state)) return memo.get(state)!;
    const derived = derive(state);
    memo.set(state, derived);
    return derived;
  };
};
