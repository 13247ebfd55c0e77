import { jest } from '@jest/globals';
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
      // A real node writes $statsCollected every 30 s; more often here, so system events interleave with the contract's.
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
};

jest.setTimeout(30_000);
suite('client using BatchAppend (what ServerFeatures makes it use on EventStoreDB 21.10 and later)', true);
suite('client falling back to Append (server without BatchAppend)', false);
