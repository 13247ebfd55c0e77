import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { VerifyOnStart } from '../../src/audit/application/verify-on-start.service.js';
import { type E2eApp, newDataDir, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { givenTrack } from '../e2e/support/fixtures.js';

/*
 * LEDGER_VERIFY_ON_START (on by default): once started, the server verifies the whole ledger in
 * the background and logs what it found, so that a ledger changed behind its back is named at start
 * and not only when an auditor next asks. It serves meanwhile, damaged or not.
 */
describe('verification of the ledger at start', () => {
  let dataDir: string;
  let t: E2eApp | undefined;
  const logs = { log: [] as string[], error: [] as string[] };

  beforeAll(async () => {
    dataDir = newDataDir();
    const first = await startApp(dataDir, { LEDGER_VERIFY_ON_START: 'false' });
    await givenTrack(first, 'seg');
    await first.close();
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logs.log.push(String(message)));
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logs.error.push(String(message)));
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    logs.log.length = 0;
    logs.error.length = 0;
  });
  afterAll(() => {
    jest.restoreAllMocks();
    removeDataDir(dataDir);
  });

  // The test apps turn the check off (e2e-app.ts): here it is on, as the product's default is.
  const started = async (env: Record<string, string> = {}): Promise<E2eApp> => {
    t = await startApp(dataDir, { LEDGER_VERIFY_ON_START: 'true', ...env });
    await t.app.get(VerifyOnStart).done;
    return t;
  };

  it('logs that an intact ledger verifies, with what it checked', async () => {
    await started();
    expect(logs.log.filter((line) => line.startsWith('the ledger verifies'))).toEqual([expect.stringMatching(/^the ledger verifies: 9 events in 1 stream, 0 checkpoints \(checked at start in \d+\.\d s\)$/)]);
    expect(logs.error).toEqual([]);
  });

  it('does not verify when LEDGER_VERIFY_ON_START=false', async () => {
    await started({ LEDGER_VERIFY_ON_START: 'false' });
    expect(logs.log.filter((line) => line.startsWith('the ledger'))).toEqual([]);
  });

  it('names the first problem of a ledger changed behind its back, and serves meanwhile', async () => {
    const db = new Database(join(dataDir, 'ledger.sqlite'));
    const row = db.prepare("SELECT position, data FROM events WHERE stream_id = 'track-seg' AND revision = 1").get() as { position: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('United States', 'Untied States'), row.position);
    db.close();
    const app = await started();
    expect(logs.error).toEqual([
      expect.stringMatching(/^the ledger does not verify: 1 problem in 9 events in 1 stream, 0 checkpoints; the first: track-seg revision 1, event .+ hash-mismatch.*; POST \/audit\/verify \(or norms-ledger verify\) names every one, and no checkpoint is signed until it is mended$/),
    ]);
    expect((await app.http().get('/health')).status).toBe(200);
  });
});
