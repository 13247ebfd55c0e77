import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import type { DomainEvent, FoldedEvent } from '../../src/shared/domain/decider.js';
import { GENESIS_HASH } from '../../src/shared/event-store/envelope.js';
import type { EventStore, EventToAppend, ReadStreamOptions } from '../../src/shared/event-store/event-store.port.js';
import { FoldedStreamCache, foldedStreamCacheFor, memoizeByState } from '../../src/shared/event-store/folded-stream-cache.js';

type Added = DomainEvent<'Added', { n: number }>;
type Sum = { total: number; revisions: number[] };
const initial = (): Sum => ({ total: 0, revisions: [] });
const evolve = (state: Sum, event: FoldedEvent<Added>): Sum => ({ total: state.total + event.data.n, revisions: [...state.revisions, event.revision] });

const added = (n: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'Added',
  data: { n },
  metadata: { effectiveOn: '2026-01-01', recordedAt: '2026-01-01T00:00:00.000Z', hash: `h-${n}` },
});

/** Counts what the cache asks of the store. */
const counting = (store: EventStore) => {
  const reads: Array<{ streamId: string; options: ReadStreamOptions | undefined; returned: number }> = [];
  const heads: string[] = [];
  const spy: EventStore = Object.create(store) as EventStore;
  spy.readStream = async (streamId, options) => {
    const events = await store.readStream(streamId, options);
    reads.push({ streamId, options, returned: events.length });
    return events;
  };
  spy.streamHead = async (streamId) => {
    heads.push(streamId);
    return store.streamHead!(streamId);
  };
  return { spy, reads, heads };
};

describe('FoldedStreamCache: per-instance folds brought up to date from the store on every load', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-fold-cache-'));
    file = join(dir, 'ledger.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('folds a new stream from the start, then reads only the tail (from the cached head on)', async () => {
    const store = new SqliteEventStore({ file });
    const { spy, reads, heads } = counting(store);
    const cache = new FoldedStreamCache(spy);
    await store.append('s-1', [added(1), added(2)], 'no_stream');

    const first = await cache.load('s-1', evolve, initial);
    expect(first).toMatchObject({ revision: 1, state: { total: 3, revisions: [0, 1] }, lastHash: 'h-2' });

    await store.append('s-1', [added(10)], 1);
    const second = await cache.load('s-1', evolve, initial);
    expect(second).toMatchObject({ revision: 2, state: { total: 13, revisions: [0, 1, 2] }, lastHash: 'h-10' });
    expect(second.head).toMatchObject({ revision: 2, type: 'Added', recordedAt: '2026-01-01T00:00:00.000Z' });
    expect(reads.map((read) => [read.options?.fromRevision ?? 0, read.returned])).toEqual([[0, 2], [1, 2]]);

    // Nothing new: the store's head (revision and event id, no payload) confirms it, nothing is
    // read, and the very same fold is handed out.
    const headsBefore = heads.length;
    const third = await cache.load('s-1', evolve, initial);
    expect(third).toBe(second);
    expect(heads.length).toBe(headsBefore + 1);
    expect(reads).toHaveLength(2);

    // Without streamHead (an adapter that cannot answer it cheaply): a read of the head event alone.
    const plain: EventStore = Object.create(spy) as EventStore;
    (plain as { streamHead?: unknown }).streamHead = undefined;
    const plainCache = new FoldedStreamCache(plain);
    await plainCache.load('s-1', evolve, initial);
    expect(await plainCache.load('s-1', evolve, initial)).toMatchObject({ revision: 2, state: { total: 13 } });
    expect(reads.at(-1)).toMatchObject({ options: { fromRevision: 2 }, returned: 1 });
    await store.close();
  });

  it('knows an empty stream, and sees its first events on the next load', async () => {
    const store = new SqliteEventStore({ file });
    const cache = new FoldedStreamCache(store);
    expect(await cache.load('s-2', evolve, initial)).toMatchObject({ revision: -1, head: undefined, lastHash: GENESIS_HASH, state: { total: 0 } });
    await store.append('s-2', [added(5)], 'no_stream');
    expect(await cache.load('s-2', evolve, initial)).toMatchObject({ revision: 0, state: { total: 5 } });
    await store.close();
  });

  it('sees a write made through another store instance on the same file (another app instance)', async () => {
    const a = new SqliteEventStore({ file });
    const b = new SqliteEventStore({ file });
    await a.append('s-3', [added(1)], 'no_stream');
    const cacheA = foldedStreamCacheFor(a);
    expect((await cacheA.load('s-3', evolve, initial)).state.total).toBe(1);
    await b.append('s-3', [added(2), added(3)], 0);
    expect(await cacheA.load('s-3', evolve, initial)).toMatchObject({ revision: 2, state: { total: 6, revisions: [0, 1, 2] } });
    expect(foldedStreamCacheFor(b)).not.toBe(cacheA);
    await Promise.all([a.close(), b.close()]);
  });

  it('refolds from the start when the cached head is no longer the event the store holds at its revision', async () => {
    const store = new SqliteEventStore({ file });
    const cache = new FoldedStreamCache(store);
    await store.append('s-4', [added(1), added(2)], 'no_stream');
    expect((await cache.load('s-4', evolve, initial)).state.total).toBe(3);
    // A stale entry that no read could have produced: only a refold from revision 0 gives the truth.
    const other = new SqliteEventStore({ file: ':memory:' });
    await other.append('s-4', [added(100), added(200)], 'no_stream');
    const staleCache = new FoldedStreamCache(store);
    (staleCache as unknown as { entries: Map<string, unknown> }).entries.set('s-4', {
      evolve,
      folded: await new FoldedStreamCache(other).load('s-4', evolve, initial),
    });
    // Same revision as the store's head, another event there: the head check must not take it.
    expect(await staleCache.load('s-4', evolve, initial)).toMatchObject({ revision: 1, state: { total: 3, revisions: [0, 1] } });
    (staleCache as unknown as { entries: Map<string, unknown> }).entries.set('s-4', {
      evolve,
      folded: await new FoldedStreamCache(other).load('s-4', evolve, initial),
    });
    await store.append('s-4', [added(4)], 1);
    expect(await staleCache.load('s-4', evolve, initial)).toMatchObject({ revision: 2, state: { total: 7, revisions: [0, 1, 2] } });
    await Promise.all([store.close(), other.close()]);
  });

  it('keeps one fold per stream for one evolve: another evolve on the same stream folds on its own', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const cache = new FoldedStreamCache(store);
    await store.append('s-5', [added(2), added(3)], 'no_stream');
    const product = (state: { p: number }, event: FoldedEvent<Added>) => ({ p: state.p * event.data.n });
    expect((await cache.load('s-5', evolve, initial)).state.total).toBe(5);
    expect((await cache.load('s-5', product, () => ({ p: 1 }))).state.p).toBe(6);
    expect((await cache.load('s-5', evolve, initial)).state.total).toBe(5);
    await store.close();
  });

  it('evicts the least recently used stream beyond its bound', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const { spy, reads } = counting(store);
    const cache = new FoldedStreamCache(spy, 2);
    for (const id of ['a', 'b', 'c']) await store.append(id, [added(1)], 'no_stream');
    await cache.load('a', evolve, initial);
    await cache.load('b', evolve, initial);
    await cache.load('a', evolve, initial); // a is now the most recent
    await cache.load('c', evolve, initial); // evicts b
    expect(cache.size).toBe(2);
    reads.length = 0;
    await cache.load('a', evolve, initial);
    await cache.load('b', evolve, initial);
    // a is cached (confirmed by its head, nothing read); b was evicted: a full read.
    expect(reads.map((read) => [read.streamId, read.options])).toEqual([['b', undefined]]);
    await store.close();
  });

  it('forget drops a stream: the next load reads it whole', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const { spy, reads } = counting(store);
    const cache = new FoldedStreamCache(spy);
    await store.append('s-6', [added(1), added(1)], 'no_stream');
    await cache.load('s-6', evolve, initial);
    cache.forget('s-6');
    await cache.load('s-6', evolve, initial);
    expect(reads.map((read) => read.returned)).toEqual([2, 2]);
    await store.close();
  });

  it('memoizeByState derives once per state object', () => {
    let calls = 0;
    const derive = memoizeByState((state: Sum) => {
      calls++;
      return state.total * 2;
    });
    const state = initial();
    expect([derive(state), derive(state), derive({ ...state, total: 4 })]).toEqual([0, 0, 8]);
    expect(calls).toBe(2);
  });
});
