import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type E2eApp, newDataDir, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from '../e2e/support/fixtures.js';
import { position, scaleOutScenarios } from './support/scale-out-scenarios.js';

/*
 * Issue 6 item 5: several instances against one store behave as one ledger. Two Nest apps in this
 * process open the SAME SQLite event store file, each through its own SqliteEventStore (own
 * connection, own group-commit queue, own per-stream lock), and each has its own data directory
 * (its own read models), as with several instances against one EventStoreDB cluster: B's
 * ledger.sqlite is a symlink to A's, which SQLite resolves, so the WAL is shared too. Whatever holds
 * here holds only through the store: deterministic event ids from the Idempotency-Key, the exact
 * expected revision on append, the hash chain read back from the stream, the shared log that each
 * instance's read models follow.
 */

describe('scale-out: two app instances on one store behave as one ledger', () => {
  let a: E2eApp;
  let b: E2eApp;
  const dataDirs: string[] = [];

  beforeAll(async () => {
    const [dirA, dirB] = [newDataDir(), newDataDir()];
    dataDirs.push(dirA, dirB);
    // A creates the store; B opens the same file through its own data directory.
    a = await startApp(dirA);
    symlinkSync(join(dirA, 'ledger.sqlite'), join(dirB, 'ledger.sqlite'));
    b = await startApp(dirB);
    await givenTrack(a, 'seg');
    await givenHeldSession(b, 'seg', 's1', 1, '2026-02-10');
    await ok(a, '/tracks/seg/norms', { normId: 'n1', title: 'Norm one', summary: 'A norm.', proposedBy: ['us'] });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    for (const dir of dataDirs) removeDataDir(dir);
  });

  it('shares one store file: B writes through the symlink into A\'s WAL, not one of its own', async () => {
    await ok(b, '/norms/n1/positions', position('st-through-b'));
    expect(existsSync(join(dataDirs[1]!, 'ledger.sqlite-wal'))).toBe(false);
    expect(existsSync(join(dataDirs[0]!, 'ledger.sqlite-wal'))).toBe(true);
  });

  scaleOutScenarios(() => ({ a, b }));
});
