import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AUDITOR_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from '../e2e/support/e2e-app.js';

/* README (Audit): no checkpoint is signed over a damaged event, including one an earlier checkpoint covers. */
describe('POST /audit/checkpoints over a damaged ledger (e2e)', () => {
  let t: E2eApp;
  const asAuditor = (method: 'get' | 'post', path: string) => t.http()[method](path).set('Authorization', `Bearer ${AUDITOR_TOKEN}`);
  const events = async () => (await asAuditor('get', '/audit/events?limit=1000').expect(200)).body.events as Array<{ position: string }>;

  beforeAll(async () => {
    t = await startApp();
    await t.post('/tracks', { trackId: 'us-cn-seg', name: 'US-China expert group', effectiveOn: '2026-01-10' }).expect(201);
    await t.post('/tracks/us-cn-seg/parties', { partyId: 'us', name: 'United States', effectiveOn: '2026-01-10' }).expect(201);
    await t.post('/tracks/us-cn-seg/parties', { partyId: 'cn', name: 'China', effectiveOn: '2026-01-10' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('answers 409 ledger-damaged naming the first problem, appends nothing, and signs again once repaired', async () => {
    await asAuditor('post', '/audit/checkpoints').expect(201);
    const tamper = new Database(join(t.dataDir, 'ledger.sqlite'));
    const original = (tamper.prepare('SELECT data FROM events WHERE position = 2').get() as { data: string }).data;
    try {
      // Position 2 (track-us-cn-seg revision 1) is covered by the checkpoint just issued.
      tamper.prepare('UPDATE events SET data = ? WHERE position = 2').run(original.replace('United States', 'United Statez'));
      const before = await events();
      const refused = await asAuditor('post', '/audit/checkpoints').expect(409);
      expect(refused.headers['content-type']).toBe(PROBLEM_JSON);
      expect(refused.body).toEqual({
        type: problemType('ledger-damaged'),
        title: expect.any(String),
        status: 409,
        detail: expect.stringMatching(/^cannot issue a checkpoint: verify finds \d+ problems? in the ledger, the first: track-us-cn-seg revision 1, event [0-9a-f-]+, position 2: hash-mismatch: .*; run verify for the full report$/),
      });
      expect(await events()).toEqual(before);
    } finally {
      tamper.prepare('UPDATE events SET data = ? WHERE position = 2').run(original);
      tamper.close();
    }
    await asAuditor('post', '/audit/checkpoints').expect(201);
    expect((await asAuditor('post', '/audit/verify').expect(200)).body).toMatchObject({ ok: true, checkpointsChecked: 2 });
  });
});
