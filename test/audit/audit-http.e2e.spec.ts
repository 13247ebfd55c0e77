import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jest } from '@jest/globals';
import request from 'supertest';
import { verifyBundle } from '../../src/audit/application/bundle.js';
import { keyIdOf } from '../../src/audit/domain/checkpoint.js';
import { loadConfig } from '../../src/config/app-config.js';
import { removeDir, tempDir } from './support/ledger-fixture.js';
import { asText } from '../e2e/support/streaming.js';

// As in the e2e harness: Swagger UI's static assets need an ESM-only module Jest cannot require.
jest.unstable_mockModule('@fastify/static', () => ({ default: async () => {} }));
const { createApp } = await import('../../src/bootstrap.js');

const CLERK = 'audit-e2e-clerk-token-0123456789';
const AUDITOR = 'audit-e2e-auditor-token-0123456789';

describe('audit routes (e2e)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;
  const get = (path: string) => request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${AUDITOR}`);
  const post = (path: string, token = AUDITOR) => request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    dataDir = tempDir();
    const config = loadConfig({
      LEDGER_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL',
      LEDGER_TOKENS: `clerk:${CLERK},auditor:${AUDITOR}`,
    });
    app = await createApp(config, { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const clerk = (path: string, body: object) => request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${CLERK}`).send(body).expect(201);
    await clerk('/tracks', { trackId: 'us-cn-seg', name: 'US-China expert group', effectiveOn: '2026-01-10' });
    await clerk('/tracks/us-cn-seg/parties', { partyId: 'us', name: 'United States', effectiveOn: '2026-01-10' });
    await clerk('/tracks/us-cn-seg/parties', { partyId: 'cn', name: 'China', effectiveOn: '2026-01-10' });
    await clerk('/tracks', { trackId: 'eu-in', name: 'EU-India dialogue', effectiveOn: '2026-01-11' });
  });
  afterAll(async () => {
    await app.close();
    removeDir(dataDir);
  });

  it('documents the signed coverage of the verify report (signedUpTo, unsignedEvents) in the served OpenAPI document', async () => {
    const document = (await request(app.getHttpServer()).get('/docs/openapi.json').expect(200)).body;
    const report = document.components.schemas.VerificationReportDto;
    expect(report.required).toEqual(expect.arrayContaining(['ok', 'eventsChecked', 'streamsChecked', 'checkpointsChecked', 'problems']));
    expect(report.required).not.toContain('signedUpTo');
    expect(report.properties.signedUpTo).toMatchObject({ type: 'string', nullable: true });
    expect(report.properties.unsignedEvents).toMatchObject({ type: 'integer' });
  });

  it('creates the signing key on first start, owner-only', () => {
    expect(statSync(join(dataDir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('pages the global log', async () => {
    const first = await get('/audit/events?limit=3').expect(200);
    expect(first.body.events.map((event: { streamId: string; revision: number }) => [event.streamId, event.revision])).toEqual([
      ['track-us-cn-seg', 0],
      ['track-us-cn-seg', 1],
      ['track-us-cn-seg', 2],
    ]);
    expect(Object.keys(first.body.events[0])).toEqual(['streamId', 'revision', 'position', 'eventId', 'type', 'data', 'metadata']);
    expect(first.body.next).toBe(first.body.events[2].position);
    const rest = await get(`/audit/events?after=${first.body.next}&limit=3`).expect(200);
    expect(rest.body.events.map((event: { type: string }) => event.type)).toEqual(['TrackEstablished']);
    expect(rest.body.next).toBeNull();
  });

  it('takes the parameters of DESIGN §7 sent empty (?after=&limit=&streamId=&type=) as absent', async () => {
    const all = await get('/audit/events').expect(200);
    expect(all.body.events.length).toBeGreaterThan(0);
    expect((await get('/audit/events?after=&limit=&streamId=&type=').expect(200)).body).toEqual(all.body);
    expect((await get(`/audit/events?after=${all.body.events[0].position}&limit=&type=`).expect(200)).body.events).toEqual(all.body.events.slice(1));
  });

  it('filters by stream and by type', async () => {
    const byStream = await get('/audit/events?streamId=track-eu-in').expect(200);
    expect(byStream.body.events.map((event: { streamId: string }) => event.streamId)).toEqual(['track-eu-in']);
    const byType = await get('/audit/events?type=PartyRegistered').expect(200);
    expect(byType.body.events.map((event: { data: { partyId: string } }) => event.data.partyId)).toEqual(['us', 'cn']);
  });

  it.each([['limit=1001'], ['limit=0'], ['limit=ten'], ['limit=1e2'], ['limit=0x10'], ['limit=%2010'], ['limit=10.0'], ['after=-1'], ['colour=blue']])('answers 400 to %s', async (query) => {
    const response = await get(`/audit/events?${query}`).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toHaveLength(1);
  });

  it('streams the whole log as NDJSON when asked', async () => {
    const response = await get('/audit/events').set('Accept', 'application/x-ndjson').buffer(true).parse(asText).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (response.body as string).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((event) => event.type)).toEqual(['TrackEstablished', 'PartyRegistered', 'PartyRegistered', 'TrackEstablished']);
  });

  it('takes the NDJSON media type in any case (RFC 9110: media types are case-insensitive)', async () => {
    const response = await get('/audit/events').set('Accept', 'APPLICATION/X-NDJSON').buffer(true).parse(asText).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect((response.body as string).trim().split('\n')).toHaveLength(4);
  });

  it.each(['streamId=a&streamId=b', 'type=A&type=B', 'after=1&after=2', 'limit=1&limit=2'])('answers %s with a 400 saying the parameter is given twice', async (query) => {
    const response = await get(`/audit/events?${query}`).expect(400);
    expect(response.body.errors).toEqual([{ field: query.split('=')[0], message: 'is given more than once: send it once' }]);
  });

  it('returns one stream with its chain, or 404', async () => {
    const response = await get('/audit/streams/track-us-cn-seg').expect(200);
    expect(response.body).toMatchObject({ streamId: 'track-us-cn-seg', revision: 2, chain: { ok: true, problems: [] } });
    expect(response.body.events).toHaveLength(3);
    const missing = await get('/audit/streams/track-nope').expect(404);
    expect(missing.body).toMatchObject({ status: 404, detail: 'stream track-nope does not exist' });
  });

  it('serves the public key with its keyId', async () => {
    const { body } = await get('/audit/public-key').expect(200);
    expect(body).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), algorithm: 'Ed25519', spki: expect.any(String) });
    expect(keyIdOf(Buffer.from(body.spki, 'base64'))).toBe(body.keyId);
  });

  it('issues a checkpoint (clerk or auditor), lists it and verifies the ledger', async () => {
    const issued = await post('/audit/checkpoints', CLERK).expect(201);
    expect(issued.headers.etag).toBe('W/"0"');
    expect(issued.body).toMatchObject({ streamId: 'ledger-checkpoints', revision: 0, checkpoint: { upTo: '4', eventCount: 4, streamCount: 2 } });
    expect(issued.body.events).toEqual([{ eventId: expect.any(String), type: 'CheckpointIssued', revision: 0 }]);
    // Nothing changed since: a second request still creates (and names) a checkpoint of the same tree.
    const again = await post('/audit/checkpoints', AUDITOR).expect(201);
    expect(again.headers.etag).toBe('W/"1"');
    expect(again.body.events).toEqual([{ eventId: expect.any(String), type: 'CheckpointIssued', revision: 1 }]);
    expect(again.body.events[0].eventId).not.toBe(issued.body.events[0].eventId);
    const { issuedAt: _first, signature: _firstSignature, ...tree } = issued.body.checkpoint;
    expect(again.body.checkpoint).toMatchObject(tree);
    const listed = await get('/audit/checkpoints').expect(200);
    expect(listed.body.checkpoints).toEqual([
      expect.objectContaining({ ...issued.body.checkpoint, position: issued.body.position, revision: 0 }),
      expect.objectContaining({ ...again.body.checkpoint, position: again.body.position, revision: 1 }),
    ]);
    const report = await post('/audit/verify').expect(200);
    expect(report.body).toEqual({ ok: true, eventsChecked: 6, streamsChecked: 3, checkpointsChecked: 2, signedUpTo: '4', unsignedEvents: 0, problems: [] });
  });

  it.each([
    ['/audit/verify', AUDITOR],
    ['/audit/checkpoints', CLERK],
    ['/projections/rebuild', AUDITOR],
  ])('POST %s takes no body: unknown fields are a 400 naming each, nothing appended', async (path, token) => {
    const head = await get('/audit/events?limit=1000');
    const response = await post(path, token).send({ x: 1, options: { full: true } }).expect(400);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toEqual({
      type: 'https://norms-ledger.dev/problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      detail: 'the request has 2 invalid fields: x, options',
      errors: [{ field: 'x', message: 'is not a field of this request' }, { field: 'options', message: 'is not a field of this request' }],
    });
    expect((await get('/audit/events?limit=1000')).body).toEqual(head.body);
    const notObject = await post(path, token).send([]).expect(400);
    expect(notObject.body.errors).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it.each([
    ['GET', '/audit/streams/track-us-cn-seg'],
    ['GET', '/audit/checkpoints'],
    ['GET', '/audit/public-key'],
    ['GET', '/audit/bundle'],
    ['POST', '/audit/verify'],
    ['POST', '/audit/checkpoints'],
    ['POST', '/projections/rebuild'],
  ])('%s %s takes no query parameter: one with a value is a 400 naming it, one sent empty is absent', async (method, path) => {
    const head = await get('/audit/events?limit=1000');
    const call = (query: string) => (method === 'GET' ? get(`${path}${query}`) : post(`${path}${query}`, path === '/audit/checkpoints' ? CLERK : AUDITOR));
    const refused = await call('?foo=1&bar=2').expect(400);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(refused.body.errors).toEqual([
      { field: 'foo', message: 'is not a field of this request' },
      { field: 'bar', message: 'is not a field of this request' },
    ]);
    expect((await get('/audit/events?limit=1000')).body).toEqual(head.body);
    // (Not for checkpoints: each one answered appends one, which the bundle test below counts.)
    if (path !== '/audit/checkpoints') expect((await call('?foo=')).status).toBeLessThan(300);
  });

  it('POST /audit/verify and /projections/rebuild answer {} as they answer no body', async () => {
    expect((await post('/audit/verify').send({}).expect(200)).body).toEqual((await post('/audit/verify').expect(200)).body);
    expect((await post('/projections/rebuild').send({}).expect(200)).body).toMatchObject({ events: expect.any(Number) });
  });

  it('serves a bundle that verifies offline', async () => {
    const response = await get('/audit/bundle').buffer(true).parse(asText).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const file = join(dataDir, 'downloaded.ndjson');
    writeFileSync(file, response.body as string);
    expect(await verifyBundle(file)).toMatchObject({ ok: true, checkpointsChecked: 2 });
  });
});
