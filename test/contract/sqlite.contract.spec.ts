import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { type ContractSubject, eventStoreContract } from './event-store.contract.js';

const onFile = async (): Promise<ContractSubject> => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-contract-'));
  const file = join(dir, 'ledger.sqlite');
  let current = new SqliteEventStore({ file, pollIntervalMs: 20 });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = new SqliteEventStore({ file, pollIntervalMs: 20 });
      return current;
    },
    dispose: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const inMemory = async (): Promise<ContractSubject> => {
  const store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 20 });
  return { store, dispose: () => store.close() };
};

eventStoreContract('SQLite in a temp file', onFile, { restartable: true, streamHead: true });
eventStoreContract('SQLite in :memory:', inMemory, { restartable: false, streamHead: true });
