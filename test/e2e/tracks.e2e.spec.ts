import { CLERK_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';

describe('tracks (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-03-12T09:30:00.000Z');
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('establishes a track', async () => {
    const response = await t.post('/tracks', { trackId: 'us-cn-seg', name: 'US-China expert group', effectiveOn: '2026-01-10' }).expect(201);
    expect(response.headers.etag).toBe('W/"0"');
    expect(response.body).toEqual({
      streamId: 'track-us-cn-seg',
      revision: 0,
      position: expect.stringMatching(/^\d+$/),
      recordedAt: '2026-03-12T09:30:00.000Z',
      events: [{ eventId: expect.any(String), type: 'TrackEstablished', revision: 0 }],
    });
  });

  it('answers a bad body with every invalid field', async () => {
    const response = await t.post('/tracks', { trackId: 'US', name: '', effectiveOn: '2026-02-30', extra: 1 }).expect(400);
    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body).toEqual({
      type: problemType('invalid-request'),
      title: 'Invalid request',
      status: 400,
      detail: 'the request has 4 invalid fields: extra, trackId, name, effectiveOn',
      errors: [
        { field: 'extra', message: 'is not a field of this request' },
        { field: 'trackId', message: 'must be a slug: 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit' },
        { field: 'name', message: 'must not be blank' },
        { field: 'effectiveOn', message: 'must be a real calendar date written YYYY-MM-DD' },
      ],
    });
  });

  const register = async (trackId: string): Promise<void> => {
    await t.post('/tracks', { trackId, name: `Track ${trackId}`, effectiveOn: '2026-01-10' }).expect(201);
    await t.post(`/tracks/${trackId}/parties`, { partyId: 'us', name: 'United States', effectiveOn: '2026-01-10' }).expect(201);
    await t.post(`/tracks/${trackId}/agencies`, { agencyId: 'us-dos', partyId: 'us', name: 'Department of State', effectiveOn: '2026-01-10' }).expect(201);
    await t.post(`/tracks/${trackId}/delegates`, { delegateId: 'us-d1', partyId: 'us', agencyId: 'us-dos', effectiveOn: '2026-01-10' }).expect(201);
  };

  it('keeps party, agency and delegate ids per track, and session ids across the ledger', async () => {
    await register('t-one');
    // The same state, agency and delegate ids on a second track: entries of that track's registry.
    await register('t-two');
    for (const trackId of ['t-one', 't-two']) {
      const registry = await t.http().get(`/tracks/${trackId}`).set({ Authorization: `Bearer ${CLERK_TOKEN}` }).expect(200);
      expect(registry.body).toMatchObject({ trackId, name: `Track ${trackId}` });
      expect(JSON.stringify(registry.body)).toContain('"us-d1"');
    }

    // Within one track each is unique.
    const party = await t.post('/tracks/t-two/parties', { partyId: 'us', name: 'Again', effectiveOn: '2026-01-11' }).expect(409);
    expect(party.body.type).toBe(problemType('party-already-registered'));
    const agency = await t.post('/tracks/t-two/agencies', { agencyId: 'us-dos', partyId: 'us', name: 'Again', effectiveOn: '2026-01-11' }).expect(409);
    expect(agency.body.type).toBe(problemType('agency-already-registered'));
    const delegate = await t.post('/tracks/t-two/delegates', { delegateId: 'us-d1', partyId: 'us', agencyId: 'us-dos', effectiveOn: '2026-01-11' }).expect(409);
    expect(delegate.body.type).toBe(problemType('delegate-already-registered'));

    // A session id names a stream: once in the whole ledger.
    const session = { sessionId: 's1', number: 1, place: 'Geneva', scheduledFor: '2026-04-01' };
    await t.post('/tracks/t-one/sessions', session).expect(201);
    const again = await t.post('/tracks/t-two/sessions', session).expect(409);
    expect(again.body.type).toBe(problemType('already-exists'));
  });
});
