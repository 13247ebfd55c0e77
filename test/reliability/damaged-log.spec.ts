import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITOR, disposeLedger, type RunningLedger, seedTrack, startedLedger } from './support/ledger-process.js';

/*
 * A log damaged behind the ledger's back (a stored event whose JSON no longer parses), on the real
 * server: it still starts, so that an auditor can reach /audit/verify; queries say why they cannot
 * answer (503), and the audit routes that meet the damaged event name it (500 ledger-damaged)
 * instead of an anonymous internal error.
 */
describe('a damaged log on the running server', () => {
  let ledger: RunningLedger | undefined;
  let damaged: { position: number; streamId: string; revision: number };

  beforeAll(async () => {
    ledger = await startedLedger();
    await seedTrack(ledger.client, 'dmg', 'dmg-s1', ['dmg-n1', 'dmg-n2']);
    await ledger.server.stop();
    const db = new Database(join(ledger.dataDir, 'ledger.sqlite'));
    const row = db.prepare("SELECT position, stream_id, revision, data FROM events WHERE stream_id = 'norm-dmg-n2'").get() as { position: number; stream_id: string; revision: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.slice(0, -1), row.position);
    db.close();
    damaged = { position: row.position, streamId: row.stream_id, revision: row.revision };
    // No read models: the start-up builds them from the log, and meets the damaged event.
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(ledger.dataDir, `read-models.sqlite${suffix}`), { force: true });
    await ledger.server.start();
  }, 180_000);

  afterAll(() => disposeLedger(ledger));

  it('starts, and verify names the damaged event', async () => {
    const { client } = ledger!;
    expect((await client.get('/health')).status).toBe(200);
    const report = await client.request('POST', '/audit/verify', { token: AUDITOR });
    expect(report.status).toBe(200);
    expect(report.body.ok).toBe(false);
    expect(report.body.problems).toEqual([expect.objectContaining({ streamId: damaged.streamId, revision: damaged.revision, position: String(damaged.position), problem: 'unparseable' })]);
  });

  it('queries answer 503 naming the damaged event, not a 500 or a partial board', async () => {
    const answer = await ledger!.client.get('/tracks/dmg/board');
    expect(answer.status).toBe(503);
    expect(answer.body.type).toBe('https://norms-ledger.dev/problems/read-models-behind');
    expect(answer.body.detail).toContain(`position ${damaged.position} (${damaged.streamId} revision ${damaged.revision}) cannot be read`);
  });

  it('GET /health stays 200 (a restart would not cure it) while GET /health/ready is 503 with the read models down and why', async () => {
    const { client } = ledger!;
    const live = await client.request('GET', '/health');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up', store: 'sqlite' } } });
    // Without a token the probes say what is up or down, and nothing of the ledger: no path, no head, no record named.
    const anonymous = await client.request('GET', '/health/ready');
    expect(anonymous.status).toBe(503);
    expect(anonymous.body).toEqual({
      status: 'error',
      info: { eventStore: { status: 'up', store: 'sqlite' } },
      error: { readModels: { status: 'down' } },
      details: { eventStore: { status: 'up', store: 'sqlite' }, readModels: { status: 'down' } },
    });
    expect(await client.request('GET', '/health/ready', { token: 'not-a-token-of-this-server-0123' })).toMatchObject({ status: 503, body: anonymous.body });
    const ready = await client.request('GET', '/health/ready', { token: AUDITOR });
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'error',
      info: { eventStore: { status: 'up', file: expect.stringMatching(/ledger\.sqlite$/), headPosition: expect.stringMatching(/^\d+$/) } },
      error: { readModels: { status: 'down', checkpoint: expect.any(String), reason: expect.stringContaining(`position ${damaged.position} (${damaged.streamId} revision ${damaged.revision}) cannot be read`) } },
    });
  });

  it('audit routes that read the damaged event answer 500 ledger-damaged naming it', async () => {
    for (const path of [`/audit/events?after=${damaged.position - 1}&limit=5`, `/audit/streams/${damaged.streamId}`]) {
      const answer = await ledger!.client.get(path);
      expect({ path, status: answer.status, type: answer.body.type }).toEqual({ path, status: 500, type: 'https://norms-ledger.dev/problems/ledger-damaged' });
      expect(answer.body.detail).toMatch(new RegExp(`^the stored event at position ${damaged.position} \\(${damaged.streamId} revision ${damaged.revision}\\) cannot be read: its data is not JSON`));
    }
  });
});
