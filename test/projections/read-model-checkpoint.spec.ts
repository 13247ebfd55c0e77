import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { openEventStoreDb } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { lastAppliedEvent, readModelsNotOfLog } from '../../src/projections/read-model/read-model.checkpoint.js';
import { openReadModelDb, type ReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { ReadModelProjection } from '../../src/projections/read-model/read-model.projection.js';
import { buildReadModels } from '../../src/projections/read-model/rebuild.js';
import type { EventStore, RecordedEvent } from '../../src/shared/event-store/event-store.port.js';
import { seededTrack } from './ledger-builder.js';
import { appendAll, uuidOf } from './read-model.support.js';
import { startEsdbFake } from '../support/esdb-fake.js';

/*
 * The event at the checkpoint is kept beside it, whichever way the read models were built, and at
 * start-up it tells read models of this log from read models of another copy of the ledger.
 */

/** A seeded track, a norm, and last an event of a stream no read model shows (the checkpoint's event all the same). */
const ledgerStore = async (): Promise<SqliteEventStore> => {
  const store = new SqliteEventStore({ file: ':memory:' });
  const ledger = seededTrack();
  ledger.norm('seg', 'n1');
  await appendAll(store, ledger.events);
  await store.append('audit-notes', [{ eventId: randomUUID(), type: 'NoteTaken', data: { text: 'not projected' }, metadata: {} }], 'any');
  return store;
};

const lastOf = async (store: EventStore): Promise<RecordedEvent> => {
  let last: RecordedEvent | undefined;
  for await (const event of store.readAll()) last = event;
  return last!;
};

/** A store whose readAll is all it reads with (as EventStoreDB): the projection takes the RecordedEvent path. */
const withoutRawPages = (store: SqliteEventStore): EventStore =>
  new Proxy(store, {
    get: (target, key) => {
      if (key === 'rawLog') return undefined;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });

const builds: ReadonlyArray<[string, (store: SqliteEventStore, db: ReadModelDb) => Promise<unknown>]> = [
  ['the bulk build', (store, db) => buildReadModels(store, db)],
  ['the projection, from raw pages', (store, db) => new ReadModelProjection(store, db, { batchSize: 3 }).catchUp()],
  ['the projection, from recorded events', (store, db) => new ReadModelProjection(withoutRawPages(store), db, { batchSize: 3 }).catchUp()],
];

describe('the event at the checkpoint', () => {
  it.each(builds)('is kept with the checkpoint by %s, and tells the log’s read models as such', async (_how, build) => {
    const store = await ledgerStore();
    const db = openReadModelDb(':memory:');
    try {
      await build(store, db);
      const last = await lastOf(store);
      expect(lastAppliedEvent(db)).toEqual({ position: last.position, streamId: 'audit-notes', revision: 0, eventId: last.eventId });
      await expect(readModelsNotOfLog(store, db)).resolves.toBeUndefined();
    } finally {
      db.close();
      await store.close();
    }
  });

  it('tells read models ahead of the log, or of a log since emptied', async () => {
    const store = await ledgerStore();
    const db = openReadModelDb(':memory:');
    const shorter = new SqliteEventStore({ file: ':memory:' });
    const empty = new SqliteEventStore({ file: ':memory:' });
    try {
      await buildReadModels(store, db);
      const ledger = seededTrack();
      await appendAll(shorter, ledger.events.slice(0, 3));
      await expect(readModelsNotOfLog(shorter, db)).resolves.toBe(
        `they are at position ${(await lastOf(store)).position}, beyond the end of the log (position 3): they were built from another copy of the ledger`,
      );
      await expect(readModelsNotOfLog(empty, db)).resolves.toMatch(/beyond the end of the log \(it is empty\)/);
    } finally {
      db.close();
      await Promise.all([store.close(), shorter.close(), empty.close()]);
    }
  });

  it('tells read models of another history at the same position, by event id or by stream', async () => {
    const store = await ledgerStore();
    const db = openReadModelDb(':memory:');
    const sameStreams = new SqliteEventStore({ file: ':memory:' });
    const otherStreams = new SqliteEventStore({ file: ':memory:' });
    try {
      await buildReadModels(store, db);
      const ledger = seededTrack();
      ledger.norm('seg', 'n1');
      await appendAll(sameStreams, ledger.events);
      await appendAll(otherStreams, ledger.events);
      // The same stream and revision, another event.
      await sameStreams.append('audit-notes', [{ eventId: randomUUID(), type: 'NoteTaken', data: { text: 'another' }, metadata: {} }], 'any');
      await otherStreams.append('track-other', [{ eventId: randomUUID(), type: 'TrackEstablished', data: { trackId: 'other', name: 'Other' }, metadata: {} }], 'any');
      const at = (await lastOf(store)).position;
      await expect(readModelsNotOfLog(sameStreams, db)).resolves.toMatch(
        new RegExp(`^the event they applied at position ${at} \\(audit-notes revision 0, event [0-9a-f-]+\\) is not in the log \\(it has audit-notes revision 0, event [0-9a-f-]+ at position ${at}\\): they were built from another history of the ledger$`),
      );
      await expect(readModelsNotOfLog(otherStreams, db)).resolves.toMatch(/is not in the log \(it has no such event\)/);
    } finally {
      db.close();
      await Promise.all([store.close(), sameStreams.close(), otherStreams.close()]);
    }
  });

  it('costs nothing without a checkpoint, and in a file from before it was kept falls back on the last event the read models hold', async () => {
    const store = await ledgerStore();
    const db = openReadModelDb(':memory:');
    try {
      await expect(readModelsNotOfLog(store, db)).resolves.toBeUndefined();
      await buildReadModels(store, db);
      db.prepare("DELETE FROM meta WHERE key = 'checkpoint_event'").run();
      const [seq, position, streamId, revision, eventId] = db.prepare('SELECT seq, position, stream_id, revision, event_id FROM ledger_events ORDER BY seq DESC LIMIT 1').raw().get() as [number, string, string, number, string];
      expect(lastAppliedEvent(db)).toEqual({ position, streamId, revision, eventId });
      await expect(readModelsNotOfLog(store, db)).resolves.toBeUndefined();
      db.prepare('UPDATE ledger_events SET event_id = ? WHERE seq = ?').run(randomUUID(), seq);
      await expect(readModelsNotOfLog(store, db)).resolves.toMatch(/another history/);
    } finally {
      db.close();
      await store.close();
    }
  });

  it('is looked up with one read of one event on the EventStoreDB adapter too (against the in-process protocol fake, not EventStoreDB)', async () => {
    const [fake, otherFake] = await Promise.all([startEsdbFake(), startEsdbFake()]);
    const store = await openEventStoreDb(fake.connectionString, { connectTimeoutMs: 5000 });
    const other = await openEventStoreDb(otherFake.connectionString, { connectTimeoutMs: 5000 });
    const db = openReadModelDb(':memory:');
    try {
      const ledger = seededTrack();
      ledger.norm('seg', 'n1');
      await appendAll(store, ledger.events);
      await new ReadModelProjection(store, db).catchUp();
      const last = ledger.events[ledger.events.length - 1]!;
      expect(lastAppliedEvent(db)).toMatchObject({ streamId: 'norm-n1', revision: 0, eventId: uuidOf(last.eventId) });
      const readStream = jest.spyOn(store, 'readStream');
      const readAll = jest.spyOn(store, 'readAll');
      await expect(readModelsNotOfLog(store, db)).resolves.toBeUndefined();
      expect(readStream.mock.calls).toEqual([['norm-n1', { fromRevision: 0, maxCount: 1 }]]);
      expect(readAll).not.toHaveBeenCalled();

      // Another history: the same events but the last, recorded under another id, and more after it.
      await appendAll(other, ledger.events.slice(0, -1));
      await other.append('norm-n1', [{ eventId: randomUUID(), type: last.type, data: last.data as never, metadata: { ...last.metadata } as never }], 'any');
      await other.append('audit-notes', [{ eventId: randomUUID(), type: 'NoteTaken', data: { text: 'more' }, metadata: {} }], 'any');
      await expect(readModelsNotOfLog(other, db)).resolves.toMatch(/they were built from another (copy|history) of the ledger$/);
    } finally {
      db.close();
      await Promise.all([store.close(), other.close()]);
      await Promise.all([fake.stop(), otherFake.stop()]);
    }
  });
});
