import { CLERK_TOKEN, type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';
import { givenTrack, ok } from './support/fixtures.js';

/**
 * A secretariat entering last March's session in June, leaving out every optional date: the
 * scheduling and the proposal take effect on the day they are recorded (DESIGN.md §7), the held
 * session, the positions and the decision on the session's date. "What was true" in April must
 * still show the session held and the norm agreed since the decision.
 */
describe('backfilling a past session with the default dates (e2e)', () => {
  let t: E2eApp;
  const get = (path: string) => t.http().get(path).set({ Authorization: `Bearer ${CLERK_TOKEN}` }).expect(200);

  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-06-01T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await ok(t, '/tracks/seg/sessions', { sessionId: 's1', number: 1, place: 'Geneva', scheduledFor: '2026-03-10' });
    await ok(t, '/sessions/s1/held', { heldOn: '2026-03-10', place: 'Geneva', agenda: [{ itemId: 'item-1', title: 'Norms' }], attendance: { us: ['us-d1'], cn: ['cn-d1'] } });
    await ok(t, '/tracks/seg/norms', { normId: 'n1', title: 'Protect critical infrastructure', summary: 'A norm.', proposedBy: ['us'] });
    for (const partyId of ['us', 'cn']) {
      await ok(t, '/norms/n1/positions', { statementId: `st-${partyId}`, partyId, delegateId: `${partyId}-d1`, stance: 'supports', text: 'We support it.', channel: 'oral', sessionId: 's1' });
    }
    await ok(t, '/norms/n1/decisions', { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' });
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('the board, now and as of April: agreed ad referendum since the session', async () => {
    for (const query of ['', '?asOf=2026-04-01', '?asOf=2026-03-10']) {
      const board = await get(`/tracks/seg/board${query}`);
      expect(board.body.rows).toEqual([expect.objectContaining({ id: 'n1', status: 'agreed_ad_referendum', statusSince: '2026-03-10', blockingParties: [] })]);
    }
    expect((await get('/tracks/seg/board?asOf=2026-03-09')).body.rows).toEqual([]);
  });

  it('the register as of April: the session held, with its attendance', async () => {
    const session = await get('/sessions/s1?asOf=2026-04-01');
    expect(session.body).toMatchObject({ status: 'held', heldOn: '2026-03-10', scheduledFor: '2026-03-10', attendance: { cn: ['cn-d1'], us: ['us-d1'] } });
    expect((await get('/tracks/seg/sessions?asOf=2026-04-01')).body.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(['s1']);
  });

  it('the norm as of April: its history in effective order at each record\'s own date, without the June proposal; today, the proposal at its date', async () => {
    const norm = await get('/norms/n1?asOf=2026-04-01');
    expect(norm.body).toMatchObject({ status: 'agreed_ad_referendum', statusSince: '2026-03-10', createdOn: '2026-03-10', title: expect.any(String) });
    expect(norm.body.history.map((e: { type: string; effectiveOn: string }) => [e.type, e.effectiveOn])).toEqual([
      ['PositionStated', '2026-03-10'],
      ['PositionStated', '2026-03-10'],
      ['DecisionRecorded', '2026-03-10'],
    ]);
    const today = await get('/norms/n1');
    expect(today.body.history.map((e: { type: string; effectiveOn: string; status: string }) => [e.type, e.effectiveOn, e.status])).toEqual([
      ['PositionStated', '2026-03-10', 'under_discussion'],
      ['PositionStated', '2026-03-10', 'under_discussion'],
      ['DecisionRecorded', '2026-03-10', 'agreed_ad_referendum'],
      ['NormProposed', '2026-06-01', 'agreed_ad_referendum'],
    ]);
  });
});

/** Track `trackId` established today (2026-11-27), with us and cn, an agency and a delegate each, all registered today. */
const givenTrackSetUpToday = async (t: E2eApp, trackId: string): Promise<void> => {
  await ok(t, '/tracks', { trackId, name: 'Track set up today', effectiveOn: '2026-11-27' });
  for (const partyId of ['us', 'cn']) {
    await ok(t, `/tracks/${trackId}/parties`, { partyId, name: partyId.toUpperCase(), effectiveOn: '2026-11-27' });
    await ok(t, `/tracks/${trackId}/agencies`, { agencyId: `${partyId}-mfa`, partyId, name: 'Ministry', effectiveOn: '2026-11-27' });
    await ok(t, `/tracks/${trackId}/delegates`, { delegateId: `${partyId}-d1`, partyId, agencyId: `${partyId}-mfa`, effectiveOn: '2026-11-27' });
  }
};

/**
 * The same, on a track set up today: every registration is dated today, after the March session
 * whose attendance, statements, decision and capital responses are then entered. The parties' own
 * records show they took part in March, so their acts are recorded and counted from then.
 */
describe('backfilling onto a track set up after the sessions it records (e2e)', () => {
  let t: E2eApp;
  const get = (path: string) => t.http().get(path).set({ Authorization: `Bearer ${CLERK_TOKEN}` }).expect(200);

  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-11-27T09:00:00.000Z');
    await givenTrackSetUpToday(t, 'trk');
    await ok(t, '/tracks/trk/sessions', { sessionId: 'm1', number: 1, place: 'Geneva', scheduledFor: '2026-03-10' });
    await ok(t, '/sessions/m1/held', { heldOn: '2026-03-10', place: 'Geneva', agenda: [{ itemId: 'i1', title: 'Norms' }], attendance: { us: ['us-d1'], cn: ['cn-d1'] } });
    await ok(t, '/tracks/trk/norms', { normId: 'n1', title: 'Protect critical infrastructure', summary: 'A norm.', proposedBy: ['us'], sessionId: 'm1' });
    for (const partyId of ['us', 'cn']) {
      await ok(t, '/norms/n1/positions', { statementId: `st-${partyId}`, partyId, delegateId: `${partyId}-d1`, stance: 'supports', text: 'We support it.', channel: 'oral', sessionId: 'm1' });
    }
    await ok(t, '/norms/n1/decisions', { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 'm1' });
    await ok(t, '/norms/n1/capital-responses', { responseId: 'cap-us', partyId: 'us', response: 'confirmed', effectiveOn: '2026-04-01' });
    await ok(t, '/norms/n1/capital-responses', { responseId: 'cap-cn', partyId: 'cn', response: 'confirmed', effectiveOn: '2026-04-15' });
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('every act is recorded, and the norm is adopted on the last confirmation, with no flag', async () => {
    const [row] = (await get('/tracks/trk/board')).body.rows;
    expect(row).toMatchObject({ id: 'n1', status: 'adopted', statusSince: '2026-04-15', blockingParties: [], consensusPossible: true, flags: [] });
    expect((await get('/norms/n1')).body).toMatchObject({ adoptedOn: '2026-04-15', decisions: [expect.objectContaining({ decisionId: 'dec-1', consensusHeld: true })] });
  });

  it('what was true in spring: the track exists from its earliest record, the March session, though established today', async () => {
    expect((await get('/tracks/trk/board?asOf=2026-05-01')).body.rows).toEqual([expect.objectContaining({ id: 'n1', status: 'adopted', statusSince: '2026-04-15' })]);
    expect((await get('/tracks/trk/board?asOf=2026-04-10')).body.rows).toEqual([
      expect.objectContaining({ id: 'n1', status: 'agreed_ad_referendum', statusSince: '2026-03-10', pendingConfirmations: ['cn'] }),
    ]);
    expect((await get('/tracks/trk/matrix?asOf=2026-04-10')).body).toMatchObject({ parties: ['cn', 'us'], rows: [{ id: 'n1', cells: { us: { statementId: 'st-us' }, cn: { statementId: 'st-cn' } } }] });
    expect((await get('/tracks?asOf=2026-04-10')).body).toEqual({ tracks: [{ trackId: 'trk', name: 'Track set up today' }] });
    // The registry as it stood: the track's own record, and no registration yet.
    expect((await get('/tracks/trk?asOf=2026-04-10')).body).toMatchObject({ trackId: 'trk', establishedOn: '2026-11-27', parties: [], agencies: [], delegates: [] });
    // The agencies present follow from the delegates present, whenever those were registered.
    expect((await get('/sessions/m1?asOf=2026-04-10')).body).toMatchObject({ status: 'held', heldOn: '2026-03-10', agenciesPresent: { us: ['us-mfa'], cn: ['cn-mfa'] } });
    expect((await get('/tracks/trk/sessions?asOf=2026-04-10')).body.sessions).toEqual([expect.objectContaining({ sessionId: 'm1', status: 'held' })]);
    // What the ledger said then: nothing had been recorded yet.
    const auth = { Authorization: `Bearer ${CLERK_TOKEN}` };
    await t.http().get('/tracks/trk/board?asOf=2026-04-10&knownAt=2026-04-10').set(auth).expect(404);
    expect((await get('/tracks?asOf=2026-04-10&knownAt=2026-04-10')).body).toEqual({ tracks: [] });
    // Before its earliest record the track does not exist.
    for (const path of ['/tracks/trk/board', '/tracks/trk/matrix', '/tracks/trk/sessions', '/tracks/trk']) {
      await t.http().get(`${path}?asOf=2026-03-09`).set(auth).expect(404);
    }
    expect((await get('/tracks?asOf=2026-03-09')).body).toEqual({ tracks: [] });
  });
});

/**
 * The earliest record of a track set up today may be one a correction moved earlier: a written
 * statement whose effectiveOn was corrected, a session whose heldOn was. Under asOf the track
 * exists from that corrected date, not from the dates the records were first given.
 */
describe('a track whose earliest record is a corrected one (e2e)', () => {
  let t: E2eApp;
  const auth = { Authorization: `Bearer ${CLERK_TOKEN}` };
  const status = async (path: string): Promise<number> => (await t.http().get(path).set(auth)).status;

  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-11-27T09:00:00.000Z');
    await givenTrackSetUpToday(t, 'trc');
    await ok(t, '/tracks/trc/norms', { normId: 'nc', title: 'Notify incidents', summary: 'A norm.', proposedBy: ['us'] });
    await ok(t, '/norms/nc/positions', { statementId: 'st-w', partyId: 'cn', stance: 'supports', text: 'By note verbale.', channel: 'written', effectiveOn: '2026-03-10' });
    await ok(t, '/tracks/trc/sessions', { sessionId: 'mc', number: 1, place: 'Geneva', scheduledFor: '2026-06-10' });
    await ok(t, '/sessions/mc/held', { heldOn: '2026-06-10', place: 'Geneva', agenda: [{ itemId: 'i1', title: 'Norms' }], attendance: { us: ['us-d1'], cn: ['cn-d1'] } });
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('exists from a statement dated earlier by correction, and from a session whose heldOn was corrected earlier', async () => {
    expect(await status('/tracks/trc/board?asOf=2026-02-15')).toBe(404);
    await ok(t, '/norms/nc/corrections', {
      correctionId: 'corr-date',
      target: { statementId: 'st-w' },
      changes: [{ field: 'effectiveOn', from: '2026-03-10', to: '2026-02-01' }],
      reason: 'the note is dated 1 February',
      requestedBy: 'cn',
    });
    const board = await t.http().get('/tracks/trc/board?asOf=2026-02-15').set(auth).expect(200);
    expect(board.body.rows).toEqual([expect.objectContaining({ id: 'nc', stances: { cn: expect.objectContaining({ statementId: 'st-w', effectiveOn: '2026-02-01' }) } })]);
    // us proposed it: a party then, whatever its registration's date, and without a stance it blocks; the matrix has its column.
    expect(board.body.rows[0]).toMatchObject({ blockingParties: ['us'], consensusPossible: false });
    expect((await t.http().get('/tracks/trc/matrix?asOf=2026-02-15').set(auth).expect(200)).body).toMatchObject({ parties: ['cn', 'us'], rows: [{ id: 'nc', cells: { us: null } }] });
    expect((await t.http().get('/tracks?asOf=2026-02-15').set(auth).expect(200)).body.tracks).toEqual([{ trackId: 'trc', name: 'Track set up today' }]);
    expect(await status('/tracks/trc/board?asOf=2026-01-31')).toBe(404);

    const held = (await t.store.readStream('session-mc'))[1]!;
    await ok(t, '/sessions/mc/corrections', {
      correctionId: 'corr-held',
      target: { eventId: held.eventId },
      changes: [{ field: 'heldOn', from: '2026-06-10', to: '2026-01-20' }],
      reason: 'the session met in January',
      requestedBy: 'us',
    });
    expect((await t.http().get('/tracks/trc/sessions?asOf=2026-01-25').set(auth).expect(200)).body.sessions).toEqual([
      expect.objectContaining({ sessionId: 'mc', status: 'held', heldOn: '2026-01-20' }),
    ]);
    expect(await status('/tracks/trc?asOf=2026-01-25')).toBe(200);
    expect(await status('/tracks/trc/sessions?asOf=2026-01-19')).toBe(404);
  });
});
