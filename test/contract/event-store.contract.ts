import { randomUUID } from 'node:crypto';
import {
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../../src/shared/event-store/event-store.errors.js';
import {
  comparePositions,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
  type Subscription,
} from '../../src/shared/event-store/event-store.port.js';

/**
 * The event store contract, written once against the port. Every adapter runs it unchanged:
 * SQLite always (in a temp file and in :memory:), EventStoreDB when ESDB_CONNECTION_STRING is set.
 */
export interface ContractSubject {
  readonly store: EventStore;
  /** Closes the store and opens a new instance on the same data, as a process restart would. */
  readonly reopen?: () => Promise<EventStore>;
  readonly dispose: () => Promise<void>;
}

let counter = 0;
/** Stream ids unique per test run, so the suite also runs against a shared, non-empty server. */
const uniqueStream = (prefix = 'contract'): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

export const anEvent = (type = 'SomethingHappened', data: Record<string, unknown> = { n: counter }): EventToAppend => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { effectiveOn: '2026-01-01', note: 'contract' },
});

const events = (n: number, type?: string): EventToAppend[] => Array.from({ length: n }, (_, i) => anEvent(type, { i }));

const collect = async (iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
};

const catchError = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
};

/** Idempotency-Keys unique per test run (visible ASCII, as the Idempotency-Key header allows). */
const uniqueKey = (prefix = 'key'): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

/** `n` events carrying metadata.idempotencyKey `key`, as the write path seals them (plus `extra` metadata). */
const keyed = (key: string, n: number, extra: Record<string, unknown> = {}, type?: string): EventToAppend[] =>
  events(n, type).map((event) => ({ ...event, metadata: { ...event.metadata, idempotencyKey: key, ...extra } }));

/** Reads the next `n` events of a subscription without ending it. */
const take = async (iterator: AsyncIterator<RecordedEvent>, n: number): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  while (out.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
};

export interface ContractOptions {
  /** False for an in-memory store, which has no restart to survive. */
  readonly restartable: boolean;
  /** Whether the adapter offers the optional streamHead (checked: an adapter must say what it offers). */
  readonly streamHead: boolean;
}

export const eventStoreContract = (name: string, open: () => Promise<ContractSubject>, options: ContractOptions): void => {
  describe(`event store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('append with an expected revision', () => {
      it('starts a stream at revision 0 with no_stream and returns positions as decimal strings', async () => {
        const stream = uniqueStream();
        const batch = events(3);
        const result = await store.append(stream, batch, 'no_stream');
        expect(result).toMatchObject({ streamId: stream, revision: 2, idempotentReplay: false });
        expect(result.events.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(result.events.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
        for (const ref of result.events) expect(ref.position).toMatch(/^\d+$/);
        expect(result.position).toBe(result.events[2]!.position);
        const positions = result.events.map((e) => e.position);
        expect([...positions].sort(comparePositions)).toEqual(positions);
      });

      it('appends at the exact revision and refuses a stale one with the stream, expected and actual', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(2), 'no_stream');
        await expect(store.append(stream, events(1), 1)).resolves.toMatchObject({ revision: 2 });
        const error = await catchError(store.append(stream, events(1), 1));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream, expected: 1, actual: 2 });
      });

      it('refuses an exact revision on a missing stream with actual no_stream', async () => {
        const stream = uniqueStream();
        await expect(catchError(store.append(stream, events(1), 0))).resolves.toMatchObject({
          constructor: WrongExpectedRevisionError,
          streamId: stream,
          expected: 0,
          actual: 'no_stream',
        });
      });

      it('refuses no_stream on an existing stream, naming its last revision', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(2), 'no_stream');
        const error = await catchError(store.append(stream, events(1), 'no_stream'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream, expected: 'no_stream', actual: 1 });
      });

      it('refuses stream_exists on a missing stream and accepts it on an existing one', async () => {
        const stream = uniqueStream();
        const error = await catchError(store.append(stream, events(1), 'stream_exists'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream, expected: 'stream_exists', actual: 'no_stream' });
        await store.append(stream, events(1), 'no_stream');
        await expect(store.append(stream, events(1), 'stream_exists')).resolves.toMatchObject({ revision: 1 });
      });

      it('accepts any on a missing and on an existing stream', async () => {
        const stream = uniqueStream();
        await expect(store.append(stream, events(1), 'any')).resolves.toMatchObject({ revision: 0 });
        await expect(store.append(stream, events(2), 'any')).resolves.toMatchObject({ revision: 2 });
      });

      it('writes nothing of a refused append', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(1), 'no_stream');
        const head = await store.headPosition();
        await catchError(store.append(stream, events(3), 5));
        expect(await store.readStream(stream)).toHaveLength(1);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('idempotent retry by event id', () => {
      const retried = async (expectedFirst: 'no_stream' | number | 'any' | 'stream_exists', setup: number) => {
        const stream = uniqueStream();
        if (setup > 0) await store.append(stream, events(setup), 'no_stream');
        const batch = events(2);
        const first = await store.append(stream, batch, expectedFirst);
        const head = await store.headPosition();
        const again = await store.append(stream, batch, expectedFirst);
        return { stream, first, again, head, setup };
      };

      it.each([
        ['an exact revision', 1, 2],
        ['no_stream', 'no_stream', 0],
        ['any', 'any', 1],
        ['stream_exists', 'stream_exists', 1],
      ] as const)('with %s: succeeds, returns the original revisions and positions, writes nothing', async (_, expected, setup) => {
        const { stream, first, again, head } = await retried(expected, setup);
        expect(again.idempotentReplay).toBe(true);
        expect(again.events).toEqual(first.events);
        expect(again.revision).toBe(first.revision);
        expect(again.position).toBe(first.position);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(stream)).toHaveLength(setup + 2);
      });

      it('with any, never writes an event id twice even after other events followed it', async () => {
        const stream = uniqueStream();
        const batch = events(1);
        await store.append(stream, batch, 'any');
        await store.append(stream, events(5), 'any');
        const again = await store.append(stream, batch, 'any');
        expect(again).toMatchObject({ revision: 0, idempotentReplay: true });
        expect(await store.readStream(stream)).toHaveLength(6);
      });

      it('refuses the same ids at a different exact revision', async () => {
        const stream = uniqueStream();
        const batch = events(1);
        await store.append(stream, batch, 'no_stream');
        await store.append(stream, events(1), 0);
        expect(await catchError(store.append(stream, batch, 1))).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses a partial overlap', async () => {
        const stream = uniqueStream();
        const batch = events(2);
        await store.append(stream, batch, 'no_stream');
        const overlap = [batch[1]!, anEvent()];
        expect(await catchError(store.append(stream, overlap, 0))).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await catchError(store.append(stream, overlap, 'any'))).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards from a revision with maxCount, with data and metadata intact', async () => {
        const stream = uniqueStream();
        const batch = events(5);
        await store.append(stream, batch, 'no_stream');
        const all = await store.readStream(stream);
        expect(all.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
        expect(all.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
        expect(all[3]).toMatchObject({ streamId: stream, type: 'SomethingHappened', data: { i: 3 }, metadata: batch[3]!.metadata });
        expect((await store.readStream(stream, { fromRevision: 2, maxCount: 2 })).map((e) => e.revision)).toEqual([2, 3]);
        expect((await store.readStream(stream, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([4, 3]);
        expect((await store.readStream(stream, { direction: 'backwards', fromRevision: 1 })).map((e) => e.revision)).toEqual([1, 0]);
      });

      it('throws StreamNotFoundError for a missing stream, and returns [] past the end of an existing one', async () => {
        const stream = uniqueStream();
        const error = await catchError(store.readStream(stream));
        expect(error).toBeInstanceOf(StreamNotFoundError);
        expect(error).toMatchObject({ streamId: stream });
        await store.append(stream, events(1), 'no_stream');
        await expect(store.readStream(stream, { fromRevision: 5 })).resolves.toEqual([]);
      });

      it(`streamHead (optional in the port) is ${options.streamHead ? 'offered' : 'not offered (the folded-stream cache then reads the head event)'}`, () => {
        expect(typeof store.streamHead).toBe(options.streamHead ? 'function' : 'undefined');
      });

      (options.streamHead ? it : it.skip)(`streamHead names the last revision and event id, undefined for a missing stream${options.streamHead ? '' : ' (not run: not offered by this adapter)'}`, async () => {
        const stream = uniqueStream();
        await expect(store.streamHead!(stream)).resolves.toBeUndefined();
        const written = events(3);
        await store.append(stream, written, 'no_stream');
        await expect(store.streamHead!(stream)).resolves.toEqual({ revision: 2, eventId: written[2]!.eventId });
        const next = events(1);
        await store.append(stream, next, 2);
        await expect(store.streamHead!(stream)).resolves.toEqual({ revision: 3, eventId: next[0]!.eventId });
      });
    });

    describe('the global log', () => {
      it('names its last event (headEvent), as headPosition names its position', async () => {
        expect(typeof store.headEvent).toBe('function');
        const stream = uniqueStream('head');
        const written = events(2);
        await store.append(stream, written, 'no_stream');
        const head = await store.headEvent!();
        expect(head).toMatchObject({ streamId: stream, revision: 1, eventId: written[1]!.eventId, type: written[1]!.type, data: written[1]!.data });
        expect(head!.position).toBe(await store.headPosition());
      });

      it('orders events across streams by position, as appended', async () => {
        const a = uniqueStream('orda');
        const b = uniqueStream('ordb');
        const start = (await store.headPosition()) ?? 'start';
        await store.append(a, events(2), 'no_stream');
        await store.append(b, events(1), 'no_stream');
        await store.append(a, events(1), 1);
        const read = await collect(store.readAll({ after: start, filter: { streamPrefixes: [a, b] } }));
        expect(read.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.revision}`)).toEqual(['a0', 'a1', 'b0', 'a2']);
        const positions = read.map((e) => e.position);
        expect([...positions].sort(comparePositions)).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
      });

      it('knows, where it offers one, its local head: the position of the last append of this process, equal to the head when alone', async () => {
        const local = (store as EventStore & { localHeadPosition?: () => string | null }).localHeadPosition;
        const stream = uniqueStream('local');
        const appended = await store.append(stream, events(2), 'no_stream');
        if (local === undefined) {
          // SQLite's head is a cheap local read: queries ask it directly.
          expect(await store.headPosition()).toBe(appended.position);
          return;
        }
        expect(local.call(store)).toBe(appended.position);
        expect(await store.headPosition()).toBe(appended.position);
      });

      it('reads after a position exclusively, with maxCount', async () => {
        const stream = uniqueStream();
        const { events: refs } = await store.append(stream, events(5), 'no_stream');
        const read = await collect(store.readAll({ after: refs[1]!.position, maxCount: 2, filter: { streamPrefixes: [stream] } }));
        expect(read.map((e) => e.revision)).toEqual([2, 3]);
      });

      it('filters by stream prefix and by event type', async () => {
        const tag = uniqueStream('flt');
        await store.append(`${tag}-x-1`, [anEvent('Kept'), anEvent('Dropped')], 'no_stream');
        await store.append(`${tag}-y-1`, [anEvent('Kept')], 'no_stream');
        await store.append(`${tag}-x-2`, [anEvent('Kept')], 'no_stream');
        const byPrefix = await collect(store.readAll({ filter: { streamPrefixes: [`${tag}-x-`] } }));
        expect(byPrefix.map((e) => e.streamId)).toEqual([`${tag}-x-1`, `${tag}-x-1`, `${tag}-x-2`]);
        const byBoth = await collect(store.readAll({ filter: { streamPrefixes: [`${tag}-`], eventTypes: ['Kept'] } }));
        expect(byBoth.map((e) => e.streamId)).toEqual([`${tag}-x-1`, `${tag}-y-1`, `${tag}-x-2`]);
      });

      it('reports the head position', async () => {
        const stream = uniqueStream();
        const { position } = await store.append(stream, events(2), 'no_stream');
        expect(await store.headPosition()).toBe(position);
      });
    });

    describe('subscribing to the global log', () => {
      let subscription: Subscription | undefined;
      afterEach(async () => {
        await subscription?.unsubscribe();
        subscription = undefined;
      });

      it('starts after the given position (exclusive), catches up, then goes live', async () => {
        const stream = uniqueStream();
        const { events: refs } = await store.append(stream, events(3), 'no_stream');
        let caughtUp!: () => void;
        const caughtUpSignal = new Promise<void>((resolve) => (caughtUp = resolve));
        const seen: number[] = [];
        let seenAtCatchUp: number[] = [];
        let arrived!: () => void;
        const allArrived = new Promise<void>((resolve) => (arrived = resolve));
        subscription = store.subscribeToAll({
          after: refs[0]!.position,
          filter: { streamPrefixes: [stream] },
          onCaughtUp: () => {
            seenAtCatchUp = [...seen];
            caughtUp();
          },
        });
        const consumer = (async () => {
          for await (const event of subscription!) {
            seen.push(event.revision);
            if (seen.length === 4) arrived();
          }
        })();
        await caughtUpSignal;
        expect(seenAtCatchUp).toEqual([1, 2]);
        await store.append(stream, events(2), 2);
        await allArrived;
        expect(seen).toEqual([1, 2, 3, 4]);
        await subscription.unsubscribe();
        await consumer;
      });

      it('ends the iteration cleanly on unsubscribe', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(1), 'no_stream');
        subscription = store.subscribeToAll({ filter: { streamPrefixes: [stream] } });
        const seen: RecordedEvent[] = [];
        const consumer = (async () => {
          for await (const event of subscription!) {
            seen.push(event);
            if (seen.length === 1) await subscription!.unsubscribe();
          }
        })();
        await expect(consumer).resolves.toBeUndefined();
        expect(seen).toHaveLength(1);
      });

      it('wakes a waiting consumer when unsubscribed while idle', async () => {
        subscription = store.subscribeToAll({ after: (await store.headPosition()) ?? 'start', filter: { streamPrefixes: [uniqueStream()] } });
        const consumer = collect(subscription);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await subscription.unsubscribe();
        await expect(consumer).resolves.toEqual([]);
      });
    });

    describe('findByIdempotencyKey', () => {
      // What the write path (handle-command) relies on to answer an Idempotency-Key retry with the first
      // answer and append nothing: every event whose metadata.idempotencyKey is the key, whatever its
      // stream and whoever recorded it (the write path keeps its principal's own), in log order, as stored.
      const positionsAscend = (found: readonly RecordedEvent[]): void => {
        const positions = found.map((e) => e.position);
        expect([...positions].sort(comparePositions)).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
      };

      it('finds nothing for a key never used', async () => {
        await store.append(uniqueStream('idem'), keyed(uniqueKey(), 1), 'no_stream');
        await expect(store.findByIdempotencyKey(uniqueKey())).resolves.toEqual([]);
      });

      it('returns every event of a keyed append, whole (data and metadata as stored), in revision order', async () => {
        const stream = uniqueStream('idem');
        const key = uniqueKey();
        await store.append(stream, events(2), 'no_stream');
        const batch = keyed(key, 3, { recordedBy: 'alice', nested: { list: [1, 'two', null], flag: true } });
        const { events: refs } = await store.append(stream, batch, 1);
        const found = await store.findByIdempotencyKey(key);
        expect(found.map((e) => e.revision)).toEqual([2, 3, 4]);
        expect(found.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
        expect(found.map((e) => e.position)).toEqual(refs.map((r) => r.position));
        expect(found).toEqual(await store.readStream(stream, { fromRevision: 2 }));
        found.forEach((event, i) => {
          expect(event).toMatchObject({ streamId: stream, type: batch[i]!.type });
          expect(event.data).toEqual(batch[i]!.data);
          expect(event.metadata).toEqual(batch[i]!.metadata);
        });
      });

      it('returns the events of every append made with the key, across streams and principals, in log order', async () => {
        const a = uniqueStream('idema');
        const b = uniqueStream('idemb');
        const key = uniqueKey();
        const first = keyed(key, 2, { recordedBy: 'alice' });
        const second = keyed(key, 1, { recordedBy: 'bob' });
        const third = keyed(key, 2, { recordedBy: 'alice' });
        await store.append(a, first, 'no_stream');
        await store.append(b, events(1), 'no_stream');
        await store.append(b, second, 0);
        await store.append(a, events(1), 1);
        await store.append(a, third, 2);
        const found = await store.findByIdempotencyKey(key);
        expect(found.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.revision}`)).toEqual(['a0', 'a1', 'b1', 'a3', 'a4']);
        expect(found.map((e) => e.eventId)).toEqual([...first, ...second, ...third].map((e) => e.eventId));
        expect(found.map((e) => e.metadata.recordedBy)).toEqual(['alice', 'alice', 'bob', 'alice', 'alice']);
        positionsAscend(found);
      });

      it('never returns events without the key: unkeyed, other keys, the key in data or nested in metadata', async () => {
        const stream = uniqueStream('idem');
        const key = uniqueKey();
        const mine = keyed(key, 1);
        const other = uniqueKey('other');
        await store.append(stream, events(1), 'no_stream');
        await store.append(stream, [anEvent('Unkeyed', { idempotencyKey: key }), ...mine, ...keyed(other, 1)], 0);
        await store.append(stream, [{ ...anEvent(), metadata: { note: 'contract', nested: { idempotencyKey: key }, idempotencyKeys: [key] } }], 'any');
        const found = await store.findByIdempotencyKey(key);
        expect(found.map((e) => e.eventId)).toEqual([mine[0]!.eventId]);
        expect(found[0]).toMatchObject({ streamId: stream, revision: 2 });
        expect((await store.findByIdempotencyKey(other)).map((e) => e.revision)).toEqual([3]);
      });

      it('matches the key exactly: not a prefix, a suffix, another case or a pattern of it', async () => {
        const stream = uniqueStream('idem');
        const key = uniqueKey('Key');
        // Visible ASCII that means something to SQL, JSON paths, regexes and shells.
        const special = `${key}"'\\%_*?[x]$.{}`;
        const variants = [key, `${key}-more`, `pre-${key}`, key.toUpperCase(), key.toLowerCase(), special];
        const byVariant = new Map<string, EventToAppend[]>();
        let expected: number | 'no_stream' = 'no_stream';
        for (const variant of variants) {
          const batch = keyed(variant, 1);
          byVariant.set(variant, batch);
          expected = (await store.append(stream, batch, expected)).revision;
        }
        for (const variant of variants) {
          const found = await store.findByIdempotencyKey(variant);
          expect({ variant, ids: found.map((e) => e.eventId) }).toEqual({ variant, ids: [byVariant.get(variant)![0]!.eventId] });
        }
        for (const near of [key.slice(0, -1), `${key}-`, `${key}%`, `${key}_`, `%${key.slice(1)}`, `${key}*`, ` ${key}`, `${key} `, `"${key}"`]) {
          await expect(store.findByIdempotencyKey(near)).resolves.toEqual([]);
        }
      });

      it('finds nothing of a keyed append that was refused', async () => {
        const stream = uniqueStream('idem');
        const key = uniqueKey();
        await store.append(stream, events(2), 'no_stream');
        expect(await catchError(store.append(stream, keyed(key, 2), 0))).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await catchError(store.append(stream, keyed(key, 1), 'no_stream'))).toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.findByIdempotencyKey(key)).resolves.toEqual([]);
      });

      it('after losing a race with its key, finds the whole append that then succeeds with the same first event id', async () => {
        // The write path, on a lost race, decides again and appends events whose ids derive from the key
        // and their index: the same first id, and as many events as the fresh state calls for. The keyed
        // append is the second call, so it is the one refused, wherever the adapter finds the conflict
        // (on EventStoreDB, usually the server, after the adapter's own bookkeeping for the key).
        const stream = uniqueStream('idem');
        const key = uniqueKey();
        const lost = keyed(key, 1);
        const [winner, loser] = await Promise.allSettled([store.append(stream, events(1), 'no_stream'), store.append(stream, lost, 'no_stream')]);
        expect(winner.status).toBe('fulfilled');
        expect(loser.status === 'rejected' && loser.reason).toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.findByIdempotencyKey(key)).resolves.toEqual([]);
        const again = [lost[0]!, ...keyed(key, 2)];
        await store.append(stream, again, 0);
        const found = await store.findByIdempotencyKey(key);
        expect(found.map((e) => e.eventId)).toEqual(again.map((e) => e.eventId));
        expect(found.map((e) => e.revision)).toEqual([1, 2, 3]);
      });

      it('returns the events of an append retried by event id once, whatever followed', async () => {
        const stream = uniqueStream('idem');
        const key = uniqueKey();
        const batch = keyed(key, 2);
        await store.append(stream, batch, 'no_stream');
        await expect(store.append(stream, batch, 'no_stream')).resolves.toMatchObject({ idempotentReplay: true });
        await store.append(stream, events(2), 'any');
        await expect(store.append(stream, batch, 'any')).resolves.toMatchObject({ idempotentReplay: true });
        const found = await store.findByIdempotencyKey(key);
        expect(found.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
        expect(found.map((e) => e.revision)).toEqual([0, 1]);
      });

      it('keeps whatever the lookup needs out of the log: readAll, a subscription and headEvent show the appended events alone', async () => {
        const stream = uniqueStream('idem');
        const key = uniqueKey();
        const start = (await store.headPosition()) ?? 'start';
        const batch = [...keyed(key, 2), anEvent()];
        const { events: refs } = await store.append(stream, batch, 'no_stream');
        const again = keyed(key, 1);
        await store.append(uniqueStream('idem'), again, 'no_stream');
        const ours = new Set([...batch, ...again].map((e) => e.eventId));
        // Unfiltered, so that nothing the adapter writes beside the events can hide behind a filter; a
        // shared server may show others' events, but none of those mentions this test's key or ids.
        const mentions = (event: RecordedEvent): boolean =>
          ours.has(event.eventId) || event.streamId === stream || [...ours, key].some((text) => JSON.stringify([event.data, event.metadata]).includes(text));
        const logged = (await collect(store.readAll({ after: start }))).filter(mentions);
        expect(logged.map((e) => e.eventId)).toEqual([...batch, ...again].map((e) => e.eventId));
        expect(logged.every((e) => !e.type.startsWith('$') && !e.streamId.startsWith('$'))).toBe(true);
        expect(logged.slice(0, 3).map((e) => e.position)).toEqual(refs.map((r) => r.position));

        let caughtUp!: () => void;
        const caughtUpSignal = new Promise<void>((resolve) => (caughtUp = resolve));
        const subscription = store.subscribeToAll({ after: start, onCaughtUp: () => caughtUp() });
        const delivered: RecordedEvent[] = [];
        const consumer = (async () => {
          for await (const event of subscription) delivered.push(event);
        })();
        await caughtUpSignal;
        await subscription.unsubscribe();
        await consumer;
        expect(delivered.filter(mentions)).toEqual(logged);

        expect((await store.headEvent!())?.eventId).toBe(again[0]!.eventId);
      });

      (options.restartable ? it : it.skip)(
        `still finds a key's events after a restart, and those appended with it after${options.restartable ? '' : ' (not run: an in-memory store has no restart; the file-backed run covers it)'}`,
        async () => {
          const a = uniqueStream('idema');
          const b = uniqueStream('idemb');
          const key = uniqueKey();
          const before = keyed(key, 2);
          await store.append(a, before, 'no_stream');
          const foundBefore = await store.findByIdempotencyKey(key);
          expect(foundBefore).toHaveLength(2);

          store = await subject.reopen!();
          await expect(store.findByIdempotencyKey(key)).resolves.toEqual(foundBefore);
          const after = keyed(key, 1);
          await store.append(b, after, 'no_stream');
          const found = await store.findByIdempotencyKey(key);
          expect(found.slice(0, 2)).toEqual(foundBefore);
          expect(found.map((e) => e.eventId)).toEqual([...before, ...after].map((e) => e.eventId));
          positionsAscend(found);
          await expect(store.findByIdempotencyKey(uniqueKey())).resolves.toEqual([]);
        },
      );
    });

    (options.restartable ? it : it.skip)(
      `resumes a subscription from a stored checkpoint after a restart, delivering each event once${options.restartable ? '' : ' (not run: an in-memory store has no restart; the file-backed run covers it)'}`,
      async () => {
      const stream = uniqueStream();
      await store.append(stream, events(5), 'no_stream');
      let checkpoint = 'start';
      const first = store.subscribeToAll({ filter: { streamPrefixes: [stream] } });
      const firstSeen = await take(first[Symbol.asyncIterator](), 3);
      checkpoint = firstSeen[2]!.position;
      await first.unsubscribe();

      store = await subject.reopen!();
      await store.append(stream, events(2), 4);
      const resumed = store.subscribeToAll({ after: checkpoint, filter: { streamPrefixes: [stream] } });
      const rest = await take(resumed[Symbol.asyncIterator](), 4);
      await resumed.unsubscribe();
      expect([...firstSeen, ...rest].map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      },
    );

    it('lets exactly one of many concurrent writers win each revision, with no gaps', async () => {
      const stream = uniqueStream();
      await store.append(stream, events(1), 'no_stream');
      const writers = 16;
      const rounds = 5;
      const wins = new Map<number, number>();
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          for (let round = 0; round < rounds; round++) {
            const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
            try {
              const result = await store.append(stream, events(1), last!.revision);
              wins.set(result.revision, (wins.get(result.revision) ?? 0) + 1);
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
              conflicts++;
            }
          }
        }),
      );
      const all = await store.readStream(stream);
      expect(all.map((e) => e.revision)).toEqual(all.map((_, i) => i));
      expect([...wins.values()].every((count) => count === 1)).toBe(true);
      expect(wins.size + 1).toBe(all.length);
      expect(wins.size + conflicts).toBe(writers * rounds);
    });

    describe('bad input is refused before anything is written', () => {
      const refused = async (streamId: string, batch: EventToAppend[], reason: string) => {
        const head = await store.headPosition();
        const error = await catchError(store.append(streamId, batch, 'any'));
        expect(error).toBeInstanceOf(InvalidAppendError);
        expect(error).toMatchObject({ reason });
        expect(await store.headPosition()).toBe(head);
      };

      it.each(['', '$system', 'has space', 'x'.repeat(201), 'new\nline'])('an invalid stream id %j', async (id) => {
        await refused(id, events(1), 'invalid-stream-id');
      });

      it('an empty event list', async () => {
        await refused(uniqueStream(), [], 'no-events');
      });

      it('a payload that is not JSON-serialisable', async () => {
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        await refused(uniqueStream(), [{ ...anEvent(), data: circular }], 'not-serialisable');
        await refused(uniqueStream(), [{ ...anEvent(), data: { n: 10n } as never }], 'not-serialisable');
        await refused(uniqueStream(), [{ ...anEvent(), data: { n: Number.NaN } }], 'not-serialisable');
        await refused(uniqueStream(), [{ ...anEvent(), data: 'text' as never }], 'not-serialisable');
      });

      it('an event over 1 MiB', async () => {
        await refused(uniqueStream(), [anEvent('Big', { text: 'x'.repeat(1024 * 1024) })], 'event-too-large');
      });

      it('an event id that is not a UUID, or repeated within the append', async () => {
        await refused(uniqueStream(), [{ ...anEvent(), eventId: 'not-a-uuid' }], 'invalid-event');
        const one = anEvent();
        await refused(uniqueStream(), [one, one], 'duplicate-event-id');
      });
    });
  });
};
