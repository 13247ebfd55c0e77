import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { CLERK_TOKEN, type E2eApp, newDataDir, removeDataDir, startApp } from '../e2e/support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from '../e2e/support/fixtures.js';

/*
 * Read models from another copy of the ledger (audit defect 1): a data directory copied file by file
 * (the ledger first, the read models later), or an older ledger restored under newer read models.
 * Their checkpoint is beyond the log's head, or the log has other events at it. They must be rebuilt
 * at start, not served as truth with the commands recorded up to their checkpoint never applied.
 */

const AUTH = { Authorization: `Bearer ${CLERK_TOKEN}` };
const isReadModelFile = (name: string): boolean => name.startsWith('read-models.sqlite');

/** Copies the ledger's files (everything but the read models), or only the read models, from one data directory to another. */
const copyFiles = (from: string, to: string, which: 'ledger' | 'read models'): void => {
  for (const name of readdirSync(from)) {
    if (isReadModelFile(name) === (which === 'read models')) copyFileSync(join(from, name), join(to, name));
  }
};

const norm = (normId: string) => ({ normId, title: `Norm ${normId}`, summary: 'A norm.', proposedBy: ['us'], sessionId: 's1' });

describe('read models that are not the log’s, at start', () => {
  let warn: ReturnType<typeof jest.spyOn>;
  const dirs: string[] = [];
  const apps: E2eApp[] = [];

  const start = async (dataDir: string): Promise<E2eApp> => {
    const t = await startApp(dataDir);
    apps.push(t);
    t.fixClock('2026-03-10T15:00:00.000Z');
    return t;
  };
  const close = async (t: E2eApp): Promise<void> => {
    apps.splice(apps.indexOf(t), 1);
    await t.close();
  };
  const dir = (): string => {
    const d = newDataDir();
    dirs.push(d);
    return d;
  };
  const get = (t: E2eApp, path: string) => t.http().get(path).set(AUTH);
  const rebuildWarnings = (): string[] => warn.mock.calls.map((call: unknown[]) => String(call[0])).filter((line: string) => line.includes('are rebuilt from the log'));
  const readiness = async (t: E2eApp) => (await t.http().get('/health/ready').set(AUTH)).body as { info?: { readModels?: { status: string; checkpoint: string } } };

  /** A ledger with a track, a held session and norm `n-before`; closed. */
  const seeded = async (): Promise<string> => {
    const d = dir();
    const t = await start(d);
    t.fixClock('2026-01-05T09:00:00.000Z');
    await givenTrack(t, 'seg');
    await givenHeldSession(t, 'seg', 's1', 1, '2026-03-10');
    t.fixClock('2026-03-10T15:00:00.000Z');
    await ok(t, '/tracks/seg/norms', norm('n-before'));
    await close(t);
    return d;
  };

  /** `source`'s ledger in a new directory, and then `source` going on with norms `ahead-*`: returns the copy. */
  const copiedThenWentOn = async (source: string, ahead = 6): Promise<string> => {
    const copy = dir();
    copyFiles(source, copy, 'ledger');
    const t = await start(source);
    for (let i = 1; i <= ahead; i++) await ok(t, '/tracks/seg/norms', norm(`ahead-${i}`));
    await close(t);
    return copy;
  };

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(async () => {
    warn.mockRestore();
    for (const t of apps.splice(0)) await t.close();
    for (const d of dirs.splice(0)) removeDataDir(d);
  });

  it('rebuilds read models whose checkpoint is beyond the head of the log, and then applies every new command', async () => {
    const source = await seeded();
    const copy = await copiedThenWentOn(source);
    copyFiles(source, copy, 'read models');

    const t = await start(copy);
    const head = await t.store.headPosition();
    expect(rebuildWarnings()).toEqual([expect.stringMatching(/^the read models at .*read-models\.sqlite are rebuilt from the log: they are at position \d+, beyond the end of the log \(position \d+\)/)]);
    // Only what the ledger holds.
    expect((await get(t, '/norms/ahead-1')).status).toBe(404);
    expect((await get(t, '/norms/n-before')).status).toBe(200);
    expect((await readiness(t)).info?.readModels).toEqual({ status: 'up', checkpoint: head });
    // A command recorded at a position the stale checkpoint had already passed is applied.
    await ok(t, '/tracks/seg/norms', norm('after-restore'));
    expect((await get(t, '/norms/after-restore')).status).toBe(200);

    await close(t);
    warn.mockClear();
    const again = await start(copy);
    expect(rebuildWarnings()).toEqual([]);
    expect((await get(again, '/norms/after-restore')).status).toBe(200);
    expect((await get(again, '/norms/ahead-1')).status).toBe(404);
  }, 60_000);

  it.each([
    ['the event at their checkpoint', false],
    ['the last event they hold, for a file written before the checkpoint event was kept', true],
  ])('rebuilds read models of another history that the log has since passed, told by %s', async (_how, oldFile) => {
    const source = await seeded();
    const copy = await copiedThenWentOn(source);
    const sourceDb = new Database(join(source, 'read-models.sqlite'), { readonly: true });
    const sourceHead = Number(sourceDb.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").pluck().get());
    sourceDb.close();
    // The copy lives its own life, past the position the source's read models are at.
    const t = await start(copy);
    let n = 0;
    while (Number(await t.store.headPosition()) < sourceHead + 2) await ok(t, '/tracks/seg/norms', norm(`other-${++n}`));
    await close(t);
    copyFiles(source, copy, 'read models');
    if (oldFile) {
      const db = new Database(join(copy, 'read-models.sqlite'));
      db.prepare("DELETE FROM meta WHERE key = 'checkpoint_event'").run();
      db.close();
    }

    warn.mockClear();
    const restarted = await start(copy);
    expect(rebuildWarnings()).toEqual([expect.stringMatching(/rebuilt from the log: the event they applied at position \d+ \(.+\) is not in the log \(.+\): they were built from another history of the ledger$/)]);
    expect((await get(restarted, '/norms/ahead-1')).status).toBe(404);
    expect((await get(restarted, `/norms/other-${n}`)).status).toBe(200);
    expect((await readiness(restarted)).info?.readModels).toEqual({ status: 'up', checkpoint: await restarted.store.headPosition() });
  }, 60_000);

  it('keeps read models that are the log’s, also a file without the checkpoint event (it is written with the next batch)', async () => {
    const d = await seeded();
    const db = new Database(join(d, 'read-models.sqlite'));
    db.prepare("DELETE FROM meta WHERE key = 'checkpoint_event'").run();
    db.close();
    const t = await start(d);
    expect(rebuildWarnings()).toEqual([]);
    expect((await get(t, '/norms/n-before')).status).toBe(200);
    await ok(t, '/tracks/seg/norms', norm('next'));
    expect((await get(t, '/norms/next')).status).toBe(200);
    await close(t);
    const after = new Database(join(d, 'read-models.sqlite'), { readonly: true });
    try {
      const [checkpoint, recorded] = ['checkpoint', 'checkpoint_event'].map((key) => after.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string);
      expect(JSON.parse(recorded!)).toEqual({ streamId: 'norm-next', revision: 0, eventId: expect.any(String) });
      expect(after.prepare('SELECT position FROM ledger_events WHERE stream_id = ?').pluck().get('norm-next')).toBe(checkpoint);
    } finally {
      after.close();
    }
  }, 60_000);
});
