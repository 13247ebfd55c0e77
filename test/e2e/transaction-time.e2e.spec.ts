import { AUDITOR_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

/**
 * Transaction time never goes backwards (src/shared/event-store/transaction-time.ts): an outside
 * audit set the server's clock back 60 days under libfaketime, and the ledger dated a correction
 * before the statement it corrected, so "what the ledger said at T" showed the correction without
 * it, and signed a checkpoint dated before the events it covered; verify saw nothing.
 */
const position = (statementId: string, extra: object = {}) => ({
  statementId, partyId: 'cn', delegateId: 'cn-d1', stance: 'supports', text: 'China supports it.', channel: 'oral', sessionId: 's1', ...extra,
});

describe('transaction time never goes backwards (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-03-12T10:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-03-10');
    await ok(t, '/tracks/seg/norms', { normId: 'n1', title: 'Norm one', summary: 'A norm.', proposedBy: ['us'] });
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  const recordedAtOf = async (streamId: string): Promise<string[]> =>
    (await t.store.readStream(streamId)).map((event) => (event.metadata as { recordedAt: string }).recordedAt);

  it('records at the latest recorded instant when the clock is behind it by less than a minute (an NTP step)', async () => {
    t.fixClock('2026-03-12T11:00:00.000Z');
    await ok(t, '/norms/n1/positions', position('st-1', { stance: 'opposes', text: 'China opposes it.' }));
    t.fixClock('2026-03-12T10:59:30.000Z');
    const correction = await ok(t, '/norms/n1/corrections', {
      correctionId: 'corr-1', target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'opposes', to: 'supports' }], reason: 'misheard', requestedBy: 'cn',
    });
    expect(correction.body.recordedAt).toBe('2026-03-12T11:00:00.000Z');
    const times = await recordedAtOf('norm-n1');
    expect([...times].sort()).toEqual(times);
    // "What the ledger said at T" never shows the correction without the statement it corrects.
    const cnStance = async (knownAt: string) => {
      const board = await t.http().get(`/tracks/seg/board?knownAt=${knownAt}`).set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(200);
      return (board.body.rows as Array<{ id: string; stances: Record<string, { stance: string }> }>).find((r) => r.id === 'n1')?.stances.cn?.stance;
    };
    expect(await cnStance('2026-03-12T10:59:59Z')).toBeUndefined();
    expect(await cnStance('2026-03-12T11:00:00Z')).toBe('supports');
  });

  it('refuses to record, with 503 clock-behind naming both instants, when the clock is behind by more than a minute; nothing is appended', async () => {
    const before = (await t.store.readStream('norm-n1')).length;
    t.fixClock('2026-01-11T11:00:00.000Z');
    const refused = await t.post('/norms/n1/positions', position('st-2')).expect(503);
    expect(refused.headers['content-type']).toBe(PROBLEM_JSON);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body).toMatchObject({ type: problemType('clock-behind'), status: 503 });
    expect(refused.body.detail).toContain('2026-01-11T11:00:00.000Z');
    expect(refused.body.detail).toContain('2026-03-12T11:00:00.000Z');
    // On another stream too: the floor is the log's, not only the stream's.
    await t.post('/tracks', { trackId: 'other', name: 'Another track', effectiveOn: '2026-01-05' }).expect(503);
    // And a checkpoint would be signed before the events it covers.
    const checkpoint = await t.http().post('/audit/checkpoints').set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(503);
    expect(checkpoint.body.type).toBe(problemType('clock-behind'));
    expect((await t.store.readStream('norm-n1')).length).toBe(before);
    expect(await t.store.readStream('track-other').catch(() => [])).toEqual([]);
  });

  it('knows the floor after a restart (read from the log), and records again once the clock is right', async () => {
    const dataDir = t.dataDir;
    await t.close();
    t = await startApp(dataDir);
    t.fixClock('2026-01-11T11:00:00.000Z');
    await t.post('/tracks', { trackId: 'other', name: 'Another track', effectiveOn: '2026-01-05' }).expect(503);
    t.fixClock('2026-03-12T10:59:45.000Z');
    const recorded = await ok(t, '/tracks', { trackId: 'other', name: 'Another track', effectiveOn: '2026-01-05' });
    expect(recorded.body.recordedAt).toBe('2026-03-12T11:00:00.000Z');
    const checkpoint = await t.http().post('/audit/checkpoints').set('Authorization', `Bearer ${AUDITOR_TOKEN}`).expect(201);
    expect(checkpoint.body.checkpoint.issuedAt >= '2026-03-12T11:00:00.000Z').toBe(true);
  });
});
