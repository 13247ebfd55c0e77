import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { openReadModelDb, type ReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { ReadModelProjection } from '../../src/projections/read-model/read-model.projection.js';
import { seededTrack } from './ledger-builder.js';
import { appendAll, expectEqualToFreshBuild } from './read-model.support.js';

/*
 * A write of the live projection that fails for a reason that passes (a full disk: SQLITE_FULL, made
 * here by capping the read-model database with PRAGMA max_page_count) is tried again from the
 * checkpoint with a doubling pause, and the projection goes on by itself once it succeeds; any other
 * failure stops it, as before.
 */

const LONG = 'A summary that needs pages of its own. '.repeat(400);
const NO_CAP = 4_294_967_294;

const cap = (db: ReadModelDb): void => {
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
};

describe('the live projection after a failed write', () => {
  it('tries again from its checkpoint with a doubling, bounded pause, and applies each event once when the disk has room again', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const db = openReadModelDb(':memory:');
    const retries: Array<[code: string, delayMs: number, attempt: number]> = [];
    let recoveredAfter: number | undefined;
    const errors: unknown[] = [];
    const projection = new ReadModelProjection(store, db, {
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      onRetry: (error, delayMs, attempt) => retries.push([(error as { code: string }).code, delayMs, attempt]),
      onRecovered: (attempts) => (recoveredAfter = attempts),
      onError: (error) => errors.push(error),
    });
    try {
      const ledger = seededTrack();
      await appendAll(store, ledger.events);
      await projection.start();
      cap(db);
      const more = ledger.events.length;
      for (let i = 1; i <= 6; i++) ledger.norm('seg', `n${i}`, { summary: LONG });
      await appendAll(store, ledger.events.slice(more));
      const head = (await store.headPosition())!;
      const caughtUp = projection.whenCaughtUp(head);

      while (retries.length < 5) await new Promise((wake) => setTimeout(wake, 5));
      expect(projection.running).toBe(true);
      expect(projection.failedWith).toBeUndefined();
      expect(projection.retrying).toMatchObject({ error: expect.objectContaining({ code: 'SQLITE_FULL' }), attempts: expect.any(Number) });
      expect(retries.slice(0, 5)).toEqual([
        ['SQLITE_FULL', 5, 1],
        ['SQLITE_FULL', 10, 2],
        ['SQLITE_FULL', 20, 3],
        ['SQLITE_FULL', 20, 4],
        ['SQLITE_FULL', 20, 5],
      ]);

      db.pragma(`max_page_count = ${NO_CAP}`);
      await caughtUp;
      expect(projection.checkpoint).toBe(head);
      expect(projection.retrying).toBeUndefined();
      expect(recoveredAfter).toBe(retries.length);
      expect(errors).toEqual([]);

      // It follows the log live again.
      ledger.norm('seg', 'after');
      await appendAll(store, ledger.events.slice(-1));
      await projection.whenCaughtUp((await store.headPosition())!, 5_000);

      await expectEqualToFreshBuild(store, db);
    } finally {
      await projection.stop();
      db.close();
      await store.close();
    }
  });

  it('stops, as before, on a failure that waiting does not cure', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const db = openReadModelDb(':memory:');
    const retries: unknown[] = [];
    const errors: unknown[] = [];
    const projection = new ReadModelProjection(store, db, { retryDelayMs: 5, onRetry: (error) => retries.push(error), onError: (error) => errors.push(error) });
    try {
      const ledger = seededTrack();
      await appendAll(store, ledger.events);
      await projection.start();
      db.exec('DROP TABLE versions');
      ledger.norm('seg', 'n1');
      await appendAll(store, ledger.events.slice(-1));
      // By shape: the SqliteError may come from another test file's realm (better-sqlite3's addon is loaded once per process).
      await expect(projection.whenCaughtUp((await store.headPosition())!, 5_000)).rejects.toMatchObject({ message: 'no such table: versions' });
      expect(projection.running).toBe(false);
      expect(projection.retrying).toBeUndefined();
      expect(retries).toEqual([]);
      expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('no such table: versions') })]);
    } finally {
      await projection.stop();
      db.close();
      await store.close();
    }
  });
});
