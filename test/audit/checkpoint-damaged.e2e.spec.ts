import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jest } from '@jest/globals';
import request from 'supertest';
import { loadConfig } from '../../src/config/app-config.js';
import { removeDir, tempDir } from './support/ledger-fixture.js';

// As in the e2e harness: Swagger UI's static assets need an ESM-only module Jest cannot require.
jest.unstable_mockModule('@fastify/static', () => ({ default: async () => {} }));
const { createApp } = await import('../../src/bootstrap.js');

const CLERK = 'damaged-e2e-clerk-token-0123456789';
const AUDITOR = 'damaged-e2e-auditor-token-0123456789';

/* README (Audit): no checkpoint is signed over a damaged event, including one an earlier checkpoint covers. */
describe('POST /audit/checkpoints over a damaged ledger (e2e)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;
  const post = (path: string, token = AUDITOR) => request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${token}`);
  const events = async () => (await request(app.getHttpServer()).get('/audit/events?limit=1000').set('Authorization', `Bearer ${AUDITOR}`).expect(200)).body.events as Array<{ position: string }>;

  beforeAll(async () => {
    dataDir = tempDir();
    const config = loadConfig({ LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', LEDGER_TOKENS: `clerk:${CLERK},auditor:${AUDITOR}` });
    app = await createApp(config, { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const clerk = (path: string, body: object) => request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${CLERK}`).send(body).expect(201);
    await clerk('/tracks', { trackId: 'us-cn-seg', name: 'US-China expert group', effectiveOn: '2026-01-10' });
    await clerk('/tracks/us-cn-seg/parties', { partyId: 'us', name: 'United States', effectiveOn: '2026-01-10' });
    await clerk('/tracks/us-cn-seg/parties', { partyId: 'cn', name: 'China', effectiveOn: '2026-01-10' });
  });
  afterAll(async () => {
    await app.close();
    removeDir(dataDir);
  });

  it('answers 409 ledger-damaged naming the first problem, appends nothing, and signs again once repaired', async () => {
    await post('/audit/checkpoints').expect(201);
    const tamper = new Database(join(dataDir, 'ledger.sqlite'));
    const original = (tamper.prepare('SELECT data FROM events WHERE position = 2').get() as { data: string }).data;
    try {
      // Position 2 (track-us-cn-seg revision 1) is covered by the checkpoint just issued.
      tamper.prepare('UPDATE events SET data = ? WHERE position = 2').run(original.replace('United States', 'United Statez'));
      const before = await events();
      const refused = await post('/audit/checkpoints').expect(409);
      expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(refused.body).toEqual({
        type: 'https://norms-ledger.dev/problems/ledger-damaged',
        title: expect.any(String),
        status: 409,
        detail: expect.stringMatching(/^cannot issue a checkpoint: verify finds \d+ problems? in the ledger, the first: track-us-cn-seg revision 1, event [0-9a-f-]+, position 2: hash-mismatch: .*; run verify for the full report$/),
      });
      expect(await events()).toEqual(before);
    } finally {
      tamper.prepare('UPDATE events SET data = ? WHERE position = 2').run(original);
      tamper.close();
    }
    await post('/audit/checkpoints').expect(201);
    expect((await post('/audit/verify').expect(200)).body).toMatchObject({ ok: true, checkpointsChecked: 2 });
  });
});
