import { type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';

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
});
