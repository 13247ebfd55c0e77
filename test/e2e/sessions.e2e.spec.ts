import { type E2eApp, PROBLEM_JSON, removeDataDir, startApp } from './support/e2e-app.js';
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

  it('refuses to hold a cancelled session (409) and to schedule on an unknown track (404)', async () => {
    await ok(t, '/tracks/seg/sessions', { sessionId: 's-off', number: 7, place: 'Vienna', scheduledFor: '2026-06-01' });
    await ok(t, '/sessions/s-off/cancel', { reason: 'postponed', effectiveOn: '2026-05-01' });
    const before = (await t.store.readStream('session-s-off')).length;
    const held = await t.post('/sessions/s-off/held', { heldOn: '2026-06-01', place: 'Vienna', agenda: [], attendance: {} }).expect(409);
    expect(held.headers['content-type']).toBe(PROBLEM_JSON);
    expect((await t.store.readStream('session-s-off')).length).toBe(before);
    await t.post('/tracks/ghost/sessions', { sessionId: 's-x', number: 1, place: 'Vienna', scheduledFor: '2026-06-01' }).expect(404);
  });

  it('refuses attendance of a delegate not of the track (422)', async () => {
    await ok(t, '/tracks/seg/sessions', { sessionId: 's-bad', number: 8, place: 'Vienna', scheduledFor: '2026-06-01' });
    const response = await t.post('/sessions/s-bad/held', { heldOn: '2026-06-01', place: 'Vienna', agenda: [], attendance: { us: ['cn-d1'] } }).expect(422);
    expect(response.body.status).toBe(422);
  });

  it('needs a corrigendum to correct attendance after adoption (409), and takes one', async () => {
    const heldEventId = (await t.store.readStream('session-s1'))[1]!.eventId;
    const correction = {
      correctionId: 'corr-1',
      target: { eventId: heldEventId },
      changes: [{ field: 'attendance.cn', from: ['cn-d1'], to: ['cn-d1', 'cn-d2'] }],
      reason: 'cn-d2 was present',
      requestedBy: 'cn',
    };
    const refused = await t.post('/sessions/s1/corrections', correction).expect(409);
    expect(refused.body.detail).toMatch(/corrigendum/i);
    const accepted = await ok(t, '/sessions/s1/corrections', { ...correction, corrigendumId: 'SEG/1/Corr.1' });
    const [event] = await t.store.readStream('session-s1', { fromRevision: accepted.body.revision });
    expect(event!.metadata.effectiveOn).toBe('2026-02-10');
    const stale = await t.post('/sessions/s1/corrections', { ...correction, correctionId: 'corr-2', corrigendumId: 'SEG/1/Corr.2' }).expect(409);
    expect(stale.body.type).toMatch(/^https:\/\/norms-ledger\.dev\/problems\//);
  });

  it('echoes X-Correlation-Id and records it', async () => {
    const response = await ok(t, '/tracks/seg/sessions', { sessionId: 's-corr', number: 11, place: 'Rome', scheduledFor: '2026-07-01' }, { 'X-Correlation-Id': 'corr-abc-123' });
    expect(response.headers['x-correlation-id']).toBe('corr-abc-123');
    const [event] = await t.store.readStream('session-s-corr');
    expect(event!.metadata.correlationId).toBe('corr-abc-123');
  });
});
