import { type E2eApp, newDataDir, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from '../e2e/support/fixtures.js';
import { type EsdbFake, startEsdbFake } from '../support/esdb-fake.js';
import { scaleOutScenarios } from './support/scale-out-scenarios.js';

/*
 * The store-agnostic scenarios of scale-out.spec.ts with LEDGER_STORE=eventstoredb: two Nest apps,
 * each with its own EventStoreDB adapter, client and data directory (read models), against one
 * in-process protocol fake of EventStoreDB's gRPC API (test/support/esdb-fake.ts; NOT EventStoreDB).
 */

describe('scale-out on the EventStoreDB adapter, against an in-process protocol fake (not EventStoreDB)', () => {
  let fake: EsdbFake;
  let a: E2eApp;
  let b: E2eApp;
  const dataDirs: string[] = [];

  beforeAll(async () => {
    // With the server's unindexed window: the same keyed request on both instances at once makes the
    // later identical append wait for a timeout, as on EventStoreDB (see FakeLog.unreplicatedWindowMs).
    fake = await startEsdbFake({ statsIntervalMs: 100, unreplicatedWindowMs: 150, writeTimeoutMs: 100 });
    const env = { LEDGER_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: fake.connectionString };
    const [dirA, dirB] = [newDataDir(), newDataDir()];
    dataDirs.push(dirA, dirB);
    a = await startApp(dirA, env);
    b = await startApp(dirB, env);
    await givenTrack(a, 'seg');
    await givenHeldSession(b, 'seg', 's1', 1, '2026-02-10');
    await ok(a, '/tracks/seg/norms', { normId: 'n1', title: 'Norm one', summary: 'A norm.', proposedBy: ['us'] });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await fake?.stop();
    for (const dir of dataDirs) removeDataDir(dir);
  });

  scaleOutScenarios(() => ({ a, b }));
});
