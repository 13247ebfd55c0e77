import { CLERK_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

/*
 * DESIGN §4-§5: a delegate who stated a position at a session attended it, and a correction must
 * leave the record satisfying its guards. Removing such a delegate from the attendance is refused,
 * naming the statements (in any subject stream) whose delegateId must be corrected first; once they
 * are, the attendance correction is recorded.
 */
describe('attendance corrections and the statements made at the session (e2e)', () => {
  let t: E2eApp;
  let heldEventId: string;
  const auth = { Authorization: `Bearer ${CLERK_TOKEN}` };
  const correction = (correctionId: string, changes: unknown[]) => ({ correctionId, target: { eventId: heldEventId }, changes, reason: 'The attendance list was wrong.', requestedBy: 'us' });
  const position = (statementId: string, delegateId: string, sessionId = 's1') => ({ statementId, partyId: 'us', delegateId, stance: 'supports', text: 'We support it.', channel: 'oral', sessionId });

  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-01-05T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    await givenHeldSession(t, 'seg', 's2', 2, '2026-03-10');
    heldEventId = (await t.store.readStream('session-s1'))[1]!.eventId;
    t.fixClock('2026-02-11T09:00:00.000Z');
    await ok(t, '/sessions/s1/corrections', correction('c-add', [{ field: 'attendance.us', from: ['us-d1'], to: ['us-d1', 'us-d2'] }]));
    await ok(t, '/tracks/seg/norms', { normId: 'n1', title: 'Protect critical infrastructure', summary: 'A norm.', proposedBy: ['us'], sessionId: 's1' });
    await ok(t, '/tracks/seg/topics', { topicId: 't1', title: 'Internet governance', sessionId: 's1' });
    await ok(t, '/norms/n1/positions', position('st-1', 'us-d2'));
    await ok(t, '/topics/t1/positions', position('st-2', 'us-d2'));
    await ok(t, '/topics/t1/positions', position('st-3', 'us-d1', 's2'));
  });

  afterAll(async () => {
    const dir = t.dataDir;
    await t.close();
    removeDataDir(dir);
  });

  it('refuses to remove a delegate who made statements there, naming them, and records nothing', async () => {
    const head = await t.store.headPosition();
    const response = await t.http().post('/sessions/s1/corrections').set(auth).send(correction('c-remove', [{ field: 'attendance.us', from: ['us-d1', 'us-d2'], to: ['us-d1'] }]));
    expect({ status: response.status, contentType: response.headers['content-type'], body: response.body }).toEqual({
      status: 422,
      contentType: PROBLEM_JSON,
      body: {
        type: problemType('statements-by-absent-delegate'),
        title: expect.any(String),
        status: 422,
        detail: 'session s1: after correction c-remove, delegate us-d2 would not have attended it, yet made st-1 (norm-n1), st-2 (topic-t1) at it: correct the delegateId of those statements first',
      },
    });
    expect(await t.store.headPosition()).toBe(head);
  });

  it('records it once those statements name another delegate who attended, or none', async () => {
    await ok(t, '/norms/n1/corrections', { correctionId: 'c-st1', target: { statementId: 'st-1' }, changes: [{ field: 'delegateId', from: 'us-d2', to: 'us-d1' }], reason: 'It was us-d1.', requestedBy: 'us' });
    const stillOne = await t.http().post('/sessions/s1/corrections').set(auth).send(correction('c-remove', [{ field: 'attendance.us', from: ['us-d1', 'us-d2'], to: ['us-d1'] }]));
    expect(stillOne.status).toBe(422);
    expect(stillOne.body.detail).toBe('session s1: after correction c-remove, delegate us-d2 would not have attended it, yet made st-2 (topic-t1) at it: correct the delegateId of that statement first');
    await ok(t, '/topics/t1/corrections', { correctionId: 'c-st2', target: { statementId: 'st-2' }, changes: [{ field: 'delegateId', from: 'us-d2', to: null }], reason: 'No delegate was named.', requestedBy: 'us' });
    await ok(t, '/sessions/s1/corrections', correction('c-remove', [{ field: 'attendance.us', from: ['us-d1', 'us-d2'], to: ['us-d1'] }]));
    const session = await t.http().get('/sessions/s1').set(auth).expect(200);
    expect(session.body.attendance).toEqual({ cn: ['cn-d1'], us: ['us-d1'] });
  });

  it('never records both a correction removing a delegate and a statement by that delegate sent at the same time', async () => {
    for (let trial = 0; trial < 6; trial++) {
      const sessionId = `s-race-${trial}`;
      await givenHeldSession(t, 'seg', sessionId, 10 + trial, `2026-04-1${trial}`);
      const held = (await t.store.readStream(`session-${sessionId}`))[1]!.eventId;
      const change = (correctionId: string, from: string[], to: string[]) =>
        ({ correctionId, target: { eventId: held }, changes: [{ field: 'attendance.us', from, to }], reason: 'The attendance list was wrong.', requestedBy: 'us' });
      await ok(t, `/sessions/${sessionId}/corrections`, change('c-add', ['us-d1'], ['us-d1', 'us-d2']));
      const [removal, statement] = await Promise.all([
        t.http().post(`/sessions/${sessionId}/corrections`).set(auth).send(change('c-remove', ['us-d1', 'us-d2'], ['us-d1'])),
        t.http().post('/norms/n1/positions').set(auth).send(position(`st-race-${trial}`, 'us-d2', sessionId)),
      ]);
      // Whichever is decided first is recorded; the other is then refused by the rule it would break.
      expect([removal.status, statement.status].sort()).toEqual([201, 422]);
      const attendance = (await t.http().get(`/sessions/${sessionId}`).set(auth).expect(200)).body.attendance as Record<string, string[]>;
      const recorded = (await t.store.readStream('norm-n1')).some((event) => (event.data as { statementId?: string }).statementId === `st-race-${trial}`);
      expect(recorded).toBe(statement.status === 201);
      expect(attendance.us).toEqual(removal.status === 201 ? ['us-d1'] : ['us-d1', 'us-d2']);
    }
  });
});
