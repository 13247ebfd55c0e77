import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ReadModels } from '../../src/projections/application/read-models.service.js';
import type { EventStore } from '../../src/shared/event-store/event-store.port.js';
import { CLERK_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

const AUTH = { Authorization: `Bearer ${CLERK_TOKEN}` };

/**
 * Queries wait (briefly) for the read models to reach the log's head, so that a client reads its own
 * writes (test/reliability/read-your-writes.spec.ts shows it on the real server). Read models that
 * cannot get there answer 503 instead of a stale 200.
 */
describe('read models behind the log (e2e)', () => {
  let t: E2eApp;

  const get = (path: string) => t.http().get(path).set(AUTH);

  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-01-05T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-03-10');
    t.fixClock('2026-03-10T15:00:00.000Z');
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it("on a store whose head is a round trip away, queries wait for the position it says this process wrote, without asking the store", async () => {
    const readModels = t.app.get(ReadModels);
    const created = await ok(t, '/tracks/seg/norms', { normId: 'local-head', title: 'Local head', summary: 'A norm.', proposedBy: ['us'], sessionId: 's1' });
    const store = t.store as EventStore & { localHeadPosition?: () => string | null };
    const headPosition = jest.spyOn(t.store, 'headPosition');
    try {
      store.localHeadPosition = () => created.body.position;
      await expect(readModels.settledQueries(1_000)).resolves.toBe(readModels.queries);
      // A position beyond what the read models hold: the wait times out into a 503, the store is never asked.
      store.localHeadPosition = () => String(BigInt(created.body.position) + 1000n);
      await expect(readModels.settledQueries(50)).rejects.toMatchObject({ code: 'read-models-behind', retryAfterSeconds: 1 });
      expect(headPosition).not.toHaveBeenCalled();
    } finally {
      delete store.localHeadPosition;
      headPosition.mockRestore();
    }
  });

  it('read models that cannot catch up answer 503 read-models-behind (never a stale 200), and a rebuild brings them back', async () => {
    // Damage the read-model database behind the server's back: the next batch the projection applies fails.
    const side = new Database(join(t.dataDir, 'read-models.sqlite'));
    side.exec('DROP TABLE versions');
    side.close();
    await ok(t, '/tracks/seg/norms', { normId: 'late', title: 'Recorded after the damage', summary: 'A norm.', proposedBy: ['us'], sessionId: 's1' });

    const answer = await get('/norms/late');
    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toBe(PROBLEM_JSON);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.body).toMatchObject({ type: problemType('read-models-behind'), title: 'Read models behind', status: 503 });
    expect(answer.body.detail).toMatch(/the log is at \d+/);
    expect(answer.body.detail).toContain('POST /projections/rebuild');
    // Every query route says the same rather than answer from what was applied before the damage.
    expect((await get('/tracks/seg/board')).status).toBe(503);
    expect((await get('/tracks')).status).toBe(503);

    const rebuilt = await t.post('/projections/rebuild');
    expect(rebuilt.status).toBe(200);
    const after = await get('/norms/late');
    expect(after.status).toBe(200);
    expect(after.body.title).toBe('Recorded after the damage');
  });
});
