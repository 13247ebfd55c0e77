import type { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenTrack, ok } from './support/fixtures.js';

/**
 * A command the ledger's disk refuses (full) answers 503 store-unavailable saying so (an outside
 * operations audit filled a tmpfs: the clerk read only "unavailable; try again later"), records
 * nothing, and the next command once there is room is recorded.
 */
describe('a full disk under the ledger (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
    await givenTrack(t, 'seg');
    await ok(t, '/tracks/seg/norms', { normId: 'n1', title: 'Norm one', summary: 'A norm.', proposedBy: ['us'] });
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('answers 503 store-unavailable naming the full disk, records nothing, and records again once there is room', async () => {
    const database = (t.store as SqliteEventStore).database;
    const pages = database.pragma('page_count', { simple: true }) as number;
    // A database that may not grow is what a full disk looks like to SQLite.
    database.pragma(`max_page_count = ${pages}`);
    const statement = { statementId: 'st-big', partyId: 'us', delegateId: 'us-d1', stance: 'supports', text: 'x'.repeat(100_000), channel: 'written' };
    const before = (await t.store.readStream('norm-n1')).length;
    const refused = await t.post('/norms/n1/positions', statement).expect(503);
    expect(refused.headers['content-type']).toBe(PROBLEM_JSON);
    // As every other 503 that passes (read-models-behind, shutting-down, a rebuild's full disk).
    expect(refused.headers['retry-after']).toBe('10');
    expect(refused.body).toEqual({
      type: problemType('store-unavailable'),
      title: 'Store unavailable',
      status: 503,
      detail: 'the event store cannot write: the disk that holds it is full; nothing was recorded: try again once space is freed',
    });
    expect((await t.store.readStream('norm-n1')).length).toBe(before);
    database.pragma(`max_page_count = ${pages * 1000}`);
    await ok(t, '/norms/n1/positions', statement);
  });
});
