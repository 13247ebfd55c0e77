import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openEventStoreDb } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store.js';
import { type EsdbFake, startEsdbFake } from '../support/esdb-fake.js';
import { type ContractSubject, eventStoreContract } from './event-store.contract.js';

/**
 * The store contract against the real EventStoreDB adapter and the real @eventstore/db-client,
 * talking gRPC to an in-process protocol fake (test/support/esdb-fake.ts). It is no substitute
 * for eventstoredb.contract.spec.ts against a real server: it checks the adapter against the
 * server behaviour the fake reproduces (cited there), and nothing else.
 */
const options = { connectTimeoutMs: 5000, resubscribeDelayMs: 50 };

const suite = (mode: string, batchAppend: boolean): void => {
  describe(`${mode}`, () => {
    let fake: EsdbFake;
    beforeAll(async () => {
      // System events between the contract's in $all (on a real node: the standard projections' link events; see statsIntervalMs).
      fake = await startEsdbFake({ batchAppend, statsIntervalMs: 25 });
    });
    afterAll(async () => {
      expect(batchAppend ? fake.calls.batchAppend : fake.calls.append).toBeGreaterThan(0);
      expect(batchAppend ? fake.calls.append : fake.calls.batchAppend).toBe(0);
      await fake.stop();
    });

    const onFake = async (): Promise<ContractSubject> => {
      let current = await openEventStoreDb(fake.connectionString, options);
      return {
        store: current,
        reopen: async () => {
          await current.close();
          current = await openEventStoreDb(fake.connectionString, options);
          return current;
        },
        dispose: () => current.close(),
      };
    };

    eventStoreContract('EventStoreDB adapter against an in-process protocol fake (not EventStoreDB)', onFake, { restartable: true, streamHead: false });
  });

  describe(`${mode}: identical appends racing while the first is not yet indexed`, () => {
    // Two instances answering one Idempotency-Key append the same claim and the same events (ids
    // derived from the key) at once. The server drops the later one while the first is not yet
    // indexed (IdempotentNotReady) and answers it only with a timeout; see FakeLog.unreplicatedWindowMs.
    let fake: EsdbFake;
    beforeAll(async () => {
      fake = await startEsdbFake({ batchAppend, statsIntervalMs: 0, unreplicatedWindowMs: 150, writeTimeoutMs: 100 });
    });
    afterAll(async () => {
      await fake.stop();
    });

    it('both succeed with the same result, and the events are written once', async () => {
      const [a, b] = await Promise.all([openEventStoreDb(fake.connectionString, options), openEventStoreDb(fake.connectionString, options)]);
      try {
        for (let round = 0; round < 3; round++) {
          const stream = `race-${randomUUID()}`;
          const key = `race-key-${randomUUID()}`;
          await a.append(stream, [{ eventId: randomUUID(), type: 'Opened', data: {}, metadata: {} }], 'no_stream');
          const batch = [0, 1].map((i) => ({ eventId: randomUUID(), type: 'Raced', data: { i }, metadata: { idempotencyKey: key } }));
          const results = await Promise.all([a.append(stream, batch, 0), b.append(stream, batch, 0)]);
          const [first, second] = results.map(({ idempotentReplay: _, ...result }) => result);
          expect(second).toEqual(first);
          expect(first!.revision).toBe(2);
          expect(fake.log.stream(stream).map((event) => event.id)).toEqual([fake.log.stream(stream)[0]!.id, ...batch.map((event) => event.eventId)]);
          expect((await b.findByIdempotencyKey(key)).map((event) => event.eventId)).toEqual(batch.map((event) => event.eventId));
        }
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
};

jest.setTimeout(30_000);
suite('client using BatchAppend (what ServerFeatures makes it use on EventStoreDB 21.10 and later)', true);
suite('client falling back to Append (server without BatchAppend)', false);
