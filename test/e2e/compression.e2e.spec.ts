import { get as httpGet, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { AUDITOR_TOKEN, CLERK_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenTrack } from './support/fixtures.js';
import { listeningPort, openLive } from './support/streaming.js';

/** GET `path` (as the clerk unless `headers` say otherwise) over a plain socket: the body as sent on the wire (supertest would decode it). */
const rawGet = async (t: E2eApp, path: string, acceptEncoding: string, headers: OutgoingHttpHeaders = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> => {
  const port = await listeningPort(t);
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${CLERK_TOKEN}`, 'Accept-Encoding': acceptEncoding, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
};

describe('compressed answers (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    t = await startApp();
    t.fixClock('2026-03-12T09:30:00.000Z');
    await givenTrack(t, 'seg');
    // Enough subjects for a board of more than 1 KiB.
    for (let n = 1; n <= 12; n++) {
      await t.post('/tracks/seg/norms', { normId: `n${n}`, title: `Norm ${n} on the protection of critical infrastructure`, summary: 'States should not harm it.', proposedBy: ['us'], effectiveOn: '2026-02-01' }).expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('an answer of 1 KiB or more is sent gzip or br compressed to a client that accepts it, the same JSON once decoded', async () => {
    const plain = await rawGet(t, '/tracks/seg/board', 'identity');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const json = JSON.parse(plain.body.toString('utf8')) as { rows: unknown[] };
    expect(json.rows).toHaveLength(12);
    expect(plain.body.length).toBeGreaterThan(1024);

    const gzip = await rawGet(t, '/tracks/seg/board', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(gzip.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(gunzipSync(gzip.body).toString('utf8'))).toEqual(json);
    expect(gzip.body.length).toBeLessThan(plain.body.length / 3);

    const br = await rawGet(t, '/tracks/seg/board', 'br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(json);
  });

  it('a small answer (a 201, the track list) goes as it is', async () => {
    const list = await t.http().get('/tracks').set('Authorization', `Bearer ${CLERK_TOKEN}`).set('Accept-Encoding', 'gzip').expect(200);
    expect(list.headers['content-encoding']).toBeUndefined();
    const created = await t.post('/tracks/seg/topics', { topicId: 'ig', title: 'Information exchange' }, { 'Accept-Encoding': 'gzip' }).expect(201);
    expect(created.headers['content-encoding']).toBeUndefined();
  });

  it('a compressed request body is still refused with 415 whatever its encoding, nothing appended (nothing decodes it)', async () => {
    const before = (await t.store.readStream('track-seg')).length;
    for (const encoding of ['gzip', 'br', 'deflate', 'x-unknown']) {
      const response = await t
        .http()
        .post('/tracks/seg/parties')
        .set('Authorization', `Bearer ${CLERK_TOKEN}`)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send(Buffer.from('not really compressed'))
        .expect(415);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(response.body).toMatchObject({ type: problemType('unsupported-media-type'), detail: `the body is sent with Content-Encoding ${encoding}, which this server does not decode: send it uncompressed` });
    }
    expect((await t.store.readStream('track-seg')).length).toBe(before);
  });

  it('the NDJSON streams (the log, the bundle) go as they are, line by line, to a client that accepts compression', async () => {
    const auditor = { Authorization: `Bearer ${AUDITOR_TOKEN}` };
    const events = await rawGet(t, '/audit/events', 'gzip, br', { ...auditor, Accept: 'application/x-ndjson' });
    const bundle = await rawGet(t, '/audit/bundle', 'gzip, br', auditor);
    for (const streamed of [events, bundle]) {
      expect(streamed.status).toBe(200);
      expect(streamed.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(streamed.headers['content-encoding']).toBeUndefined();
      // More than 1 KiB, so only the type keeps it from the compressor: every line is plain JSON.
      expect(streamed.body.length).toBeGreaterThan(1024);
      const lines = streamed.body.toString('utf8').trimEnd().split('\n');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
    // The whole log, as the JSON page has it.
    const page = await t.http().get('/audit/events?limit=1000').set(auditor).expect(200);
    expect(events.body.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line).eventId)).toEqual(page.body.events.map((e: { eventId: string }) => e.eventId));
  });

  it('the live board (server-sent events) is never compressed: each event must reach the client as it is written', async () => {
    const live = await openLive(t, '/tracks/seg/board/live', { Authorization: `Bearer ${CLERK_TOKEN}`, 'Accept-Encoding': 'gzip, br' });
    try {
      expect(live.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(live.response.headers['content-encoding']).toBeUndefined();
      expect(await live.frame(1)).toMatchObject({ event: 'snapshot', data: { trackId: 'seg' } });
    } finally {
      live.response.destroy();
    }
  });
});
