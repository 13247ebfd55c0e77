import { jest } from '@jest/globals';
import { openEventStoreDb } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store.js';
import { type ContractSubject, eventStoreContract } from './event-store.contract.js';

// Read here, not through src/config: this suite is pointed at a server by whoever runs it.
const connectionString = process.env.ESDB_CONNECTION_STRING;

const onServer = async (): Promise<ContractSubject> => {
  let current = await openEventStoreDb(connectionString!, { connectTimeoutMs: 5000, resubscribeDelayMs: 50 });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = await openEventStoreDb(connectionString!, { connectTimeoutMs: 5000, resubscribeDelayMs: 50 });
      return current;
    },
    dispose: () => current.close(),
  };
};

if (connectionString) {
  jest.setTimeout(30_000);
  eventStoreContract(`EventStoreDB at ${connectionString.replace(/:[^:@/]*@/, ':***@')}`, onServer, { restartable: true, streamHead: false });
} else {
  const why = 'EventStoreDB contract tests NOT RUN: ESDB_CONNECTION_STRING is not set (e.g. ESDB_CONNECTION_STRING="esdb://localhost:2113?tls=false" after `docker compose up -d eventstore`)';
  console.warn(why);
  describe('event store contract: EventStoreDB', () => {
    it.skip(why, () => undefined);
  });
}
