import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';
import { givenTrack, ok } from './support/fixtures.js';

/**
 * An operator audit filled the disk and read one ERROR "Health Check has failed!" per probe: with a
 * probe every 5 s, thousands of lines a day about one condition. A change of state is logged once.
 */
describe('the health probes log a change of state once (e2e)', () => {
  let t: E2eApp;
  const logged: Array<{ level: string; message: string }> = [];

  beforeAll(async () => {
    t = await startApp();
    await givenTrack(t, 'hl');
    await ok(t, '/tracks/hl/norms', { normId: 'hl-n1', title: 'Norm one', summary: 'A norm.', proposedBy: ['us'] });
    for (const level of ['log', 'warn', 'error'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => void logged.push({ level, message: String(message) }));
    }
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
    removeDataDir(t.dataDir);
  });

  const healthLines = () => logged.filter(({ message }) => /health|event store is|read models are/i.test(message));

  it('down: one error naming the event store and why; up again: one line; nothing for the probes between', async () => {
    const database = (t.store as SqliteEventStore).database;
    const pages = database.pragma('page_count', { simple: true }) as number;
    database.pragma(`max_page_count = ${pages}`);
    const statement = { statementId: 'st-big', partyId: 'us', delegateId: 'us-d1', stance: 'supports', text: 'x'.repeat(100_000), channel: 'written' };
    await t.post('/norms/hl-n1/positions', statement).expect(503);
    for (let probe = 0; probe < 3; probe++) {
      await t.http().get('/health').expect(503);
      await t.http().get('/health/ready').expect(503);
    }
    expect(healthLines()).toEqual([
      { level: 'error', message: expect.stringMatching(/^the event store is down \(\{"store":"sqlite","lastWriteRefused":\{"code":"SQLITE_FULL".*\): \/health and \/health\/ready answer 503 until it is up again; logged once$/) },
    ]);

    database.pragma(`max_page_count = ${pages * 1000}`);
    await ok(t, '/norms/hl-n1/positions', statement);
    for (let probe = 0; probe < 3; probe++) {
      await t.http().get('/health').expect(200);
      await t.http().get('/health/ready').expect(200);
    }
    expect(healthLines().slice(1)).toEqual([{ level: 'log', message: 'the event store is up again' }]);
  });
});
