import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Database from 'better-sqlite3';
import { runRebuild } from '../../src/cli/commands/rebuild.command.js';
import { loadConfig } from '../../src/config/app-config.js';
import { ReadModels } from '../../src/projections/application/read-models.service.js';
import { readModelConnectionHooks } from '../../src/projections/read-model/read-model.database.js';
import { CLERK_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from '../e2e/support/fixtures.js';

/*
 * The read models on a full disk (audit defects 2 and 3). A full disk is simulated without root or
 * a tmpfs: PRAGMA max_page_count caps a read-model file, and SQLite then refuses writes with
 * SQLITE_FULL ("database or disk is full") exactly as on a full disk, rolling back the transaction
 * itself as it does there. The cap goes on the rebuild's new file through readModelConnectionHooks,
 * or on the live connection of the running app.
 */

const AUTH = { Authorization: `Bearer ${CLERK_TOKEN}` };
const NO_CAP = 4_294_967_294;
/** A summary long enough to need pages of its own (overflow pages): every command grows the files. */
const LONG = 'A norm whose summary fills pages. '.repeat(500);

const norm = (normId: string) => ({ normId, title: `Norm ${normId}`, summary: LONG, proposedBy: ['us'], sessionId: 's1' });

/** Caps every rebuild's new file at `pages` pages (1: not even its tables fit). */
const capRebuilds = (pages: number): void => {
  readModelConnectionHooks.onOpen = (db, path) => {
    if (path.endsWith('.rebuild')) db.pragma(`max_page_count = ${pages}`);
  };
};

const leftovers = (dataDir: string): string[] => readdirSync(dataDir).filter((name) => name.startsWith('read-models.sqlite.'));
const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

const seed = async (t: E2eApp, norms: number): Promise<void> => {
  t.fixClock('2026-01-05T09:00:00.000Z');
  await givenTrack(t, 'seg');
  await givenHeldSession(t, 'seg', 's1', 1, '2026-03-10');
  t.fixClock('2026-03-10T15:00:00.000Z');
  for (let i = 1; i <= norms; i++) await ok(t, '/tracks/seg/norms', norm(`n-${i}`));
};

describe('a rebuild on a full disk', () => {
  let t: E2eApp;
  const get = (path: string) => t.http().get(path).set(AUTH);

  beforeAll(async () => {
    t = await startApp();
    await seed(t, 12);
  });
  afterEach(() => {
    delete readModelConnectionHooks.onOpen;
  });
  afterAll(async () => {
    await t?.close();
    if (t !== undefined) removeDataDir(t.dataDir);
  });

  it.each([
    ['half-way (SQLite rolled the transaction back itself)', 40],
    ['before its file holds its tables', 1],
  ])('fails %s with a 503 naming the full disk and the file, leaves nothing behind, and the old read models keep answering', async (_when, pages) => {
    const board = await get('/tracks/seg/board');
    expect(board.status).toBe(200);
    capRebuilds(pages);

    const answer = await t.post('/projections/rebuild');
    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toBe(PROBLEM_JSON);
    expect(answer.headers['retry-after']).toBe('60');
    expect(answer.body).toEqual({
      type: problemType('store-unavailable'),
      title: 'Store unavailable',
      status: 503,
      detail: `the disk is full: cannot write the read models to ${join(t.dataDir, 'read-models.sqlite.rebuild')} (database or disk is full); free space on that disk, then rebuild them; the read models in place are unchanged`,
    });
    expect(leftovers(t.dataDir)).toEqual([]);
    expect(await get('/tracks/seg/board')).toMatchObject({ status: 200, body: board.body });

    delete readModelConnectionHooks.onOpen;
    expect((await t.post('/projections/rebuild')).status).toBe(200);
    expect(await get('/tracks/seg/board')).toMatchObject({ status: 200, body: board.body });
  });

  it('norms-ledger rebuild says in one line that the disk is full and where, exits 2, and leaves the read models as they were', async () => {
    const dataDir = t.dataDir;
    await t.close();
    const file = join(dataDir, 'read-models.sqlite');
    const before = digest(file);
    capRebuilds(40);
    const io = { out: new PassThrough(), err: new PassThrough() };
    let err = '';
    io.err.on('data', (chunk: Buffer) => (err += chunk.toString()));
    try {
      expect(await runRebuild(loadConfig({ LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), io)).toBe(2);
    } finally {
      t = await startApp(dataDir);
    }
    expect(err).toBe(
      `norms-ledger rebuild: the disk is full: cannot write the read models to ${file}.rebuild (database or disk is full); free space on that disk, then rebuild them; the read models in place are unchanged\n`,
    );
    expect(leftovers(dataDir)).toEqual([]);
    expect(digest(file)).toBe(before);
  });
});

describe('the live read models on a full disk', () => {
  let t: E2eApp;
  const get = (path: string) => t.http().get(path).set(AUTH);

  beforeAll(async () => {
    t = await startApp();
    await seed(t, 2);
  });
  afterAll(async () => {
    await t?.close();
    if (t !== undefined) removeDataDir(t.dataDir);
  });

  it('answer 503 while the disk is full, and catch up by themselves once space is freed, each event applied once', async () => {
    const readModels = t.app.get(ReadModels);
    const db = (readModels as unknown as { db: Database.Database }).db;
    expect((await get('/norms/n-2')).status).toBe(200);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);

    // Commands go on (the ledger has room); the read models cannot follow.
    let recorded = 0;
    let answer = await get('/norms/n-2');
    while (readModels.state.status === 'up' && recorded < 20) {
      await ok(t, '/tracks/seg/norms', norm(`full-${++recorded}`));
      answer = await get(`/norms/full-${recorded}`);
    }
    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toBe(PROBLEM_JSON);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answer.body.type).toBe(problemType('read-models-behind'));
    expect(answer.body.detail).toMatch(/the read models cannot write \(database or disk is full\) and try again by themselves, next in \d+ s \(\d+ failed tr(y|ies) so far\); they catch up once a write succeeds, with no rebuild; try again shortly$/);
    const ready = await t.http().get('/health/ready').set(AUTH);
    expect(ready.status).toBe(503);
    expect(ready.body.details.readModels).toMatchObject({ status: 'down', reason: expect.stringContaining('database or disk is full') });
    await ok(t, '/tracks/seg/norms', norm('while-full'));

    // Space is freed: the next try succeeds from the checkpoint, with no rebuild.
    db.pragma(`max_page_count = ${NO_CAP}`);
    const head = (await t.store.headPosition())!;
    await readModels.whenCaughtUp(head, 45_000);
    expect(readModels.state).toEqual({ status: 'up', checkpoint: head });
    expect((await t.http().get('/health/ready')).status).toBe(200);
    for (let i = 1; i <= recorded; i++) expect((await get(`/norms/full-${i}`)).status).toBe(200);
    expect((await get('/norms/while-full')).status).toBe(200);

    // Exactly once: no event twice, and the same board as read models built from nothing.
    const projected = db.prepare("SELECT COUNT(*) AS events, COUNT(DISTINCT event_id) AS distinctEvents FROM ledger_events").get() as { events: number; distinctEvents: number };
    expect(projected.events).toBe(projected.distinctEvents);
    const board = await get('/tracks/seg/board');
    expect(board.status).toBe(200);
    expect((await t.post('/projections/rebuild')).status).toBe(200);
    expect((await get('/tracks/seg/board')).body).toEqual(board.body);
  }, 60_000);
});
