import { randomUUID } from 'node:crypto';
import { openEventStoreDb } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store.js';
import { InvalidAppendError } from '../../src/shared/event-store/event-store.errors.js';
import { FakeLog, MAX_APPEND_SIZE, startEsdbFake } from './esdb-fake.js';

/** The EventStoreDB rules the fake reproduces (IndexWriter.CheckCommit), checked on its log directly. */
describe('EventStoreDB protocol fake (not EventStoreDB): append rules', () => {
  const event = (id = randomUUID()) => ({ id, type: 'T', contentType: 'application/json', data: new Uint8Array([123, 125]), metadata: new Uint8Array() });

  it('answers a retry of the same ids at the same expected revision with the original result, writing nothing', () => {
    const log = new FakeLog();
    const [a, b] = [event(), event()];
    const first = log.append('s', 'no_stream', [a, b]);
    expect(log.append('s', 'no_stream', [a, b])).toEqual({ ...first, kind: 'idempotent' });
    log.append('s', 1n, [event()]);
    expect(log.append('s', 'no_stream', [a])).toMatchObject({ kind: 'idempotent', lastRevision: 0 });
    expect(log.append('s', 0n, [a])).toEqual({ kind: 'wrong-expected-version', current: 2 });
    expect(log.stream('s')).toHaveLength(3);
  });

  it('with any or stream_exists, decides idempotency on the first id; a later miss is a wrong expected version', () => {
    const log = new FakeLog();
    const [a, b] = [event(), event()];
    log.append('s', 'any', [a, b]);
    expect(log.append('s', 'any', [a, b])).toMatchObject({ kind: 'idempotent', lastRevision: 1 });
    expect(log.append('s', 'stream_exists', [a, event()])).toEqual({ kind: 'wrong-expected-version', current: 1 });
    expect(log.append('s', 'any', [event(), a])).toMatchObject({ kind: 'written', lastRevision: 3 });
    expect(log.append('missing', 'stream_exists', [event()])).toEqual({ kind: 'wrong-expected-version', current: -1 });
  });

  it('inside the unreplicated window, answers an identical append neither idempotent nor written (IdempotentNotReady), then idempotent', () => {
    const log = new FakeLog();
    log.unreplicatedWindowMs = 60_000;
    const [a, b] = [event(), event()];
    log.append('s', 'no_stream', [a, b]);
    expect(log.append('s', 'no_stream', [a, b])).toEqual({ kind: 'not-ready' });
    expect(log.append('s', 'any', [a, b])).toEqual({ kind: 'not-ready' });
    expect(log.append('s', 1n, [event()])).toMatchObject({ kind: 'written', lastRevision: 2 });
    log.unreplicatedWindowMs = 0;
    expect(log.append('s', 'no_stream', [a, b])).toMatchObject({ kind: 'idempotent', lastRevision: 1 });
    expect(log.stream('s')).toHaveLength(3);
  });

  it('refuses an append over MaxAppendSize (1 MiB, type counted twice), which the adapter reports as event-too-large', async () => {
    const fake = await startEsdbFake();
    const store = await openEventStoreDb(fake.connectionString, { connectTimeoutMs: 5000 });
    try {
      const big = () => ({ eventId: randomUUID(), type: 'Big', data: { text: 'x'.repeat(MAX_APPEND_SIZE / 2) }, metadata: {} });
      const error = await store.append('big-1', [big(), big()], 'no_stream').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidAppendError);
      expect(error).toMatchObject({ reason: 'event-too-large' });
      expect(fake.log.stream('big-1')).toHaveLength(0);
    } finally {
      await store.close();
      await fake.stop();
    }
  });
});
