import { type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

describe('sessions (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-03-12T09:30:00.000Z');
    await givenTrack(t, 'seg');
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('schedules, holds, decides, circulates and adopts', async () => {
    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    const decision = await ok(t, '/sessions/s1/decisions', { decisionId: 'dec-1', kind: 'procedural', text: 'Agenda adopted.' });
    expect(decision.body.events[0].type).toBe('DecisionRecorded');
    const [stored] = await t.store.readStream('session-s1', { fromRevision: decision.body.revision });
    expect(stored!.metadata.effectiveOn).toBe('2026-02-10');
    await ok(t, '/sessions/s1/minutes/circulate', { effectiveOn: '2026-02-12' });
    const adopted = await ok(t, '/sessions/s1/minutes/adopt', { procedure: 'in_session', atSessionId: 's1', effectiveOn: '2026-02-13' });
    expect(adopted.headers.etag).toBe(`W/"${adopted.body.revision}"`);
  });
});
