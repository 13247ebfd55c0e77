import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { CommandBus } from '@nestjs/cqrs';
import { ReadModels } from '../../src/projections/application/read-models.service.js';
import { GENESIS_HASH, sealMetadata } from '../../src/shared/event-store/envelope.js';
import type { EventStore, EventToAppend } from '../../src/shared/event-store/event-store.port.js';
import { readModelConnectionHooks } from '../../src/projections/read-model/read-model.database.js';
import { StatePositionCommand } from '../../src/subjects/application/state-position.command.js';
import { CLERK_TOKEN, type E2eApp, removeDataDir, startApp } from './support/e2e-app.js';
import { givenTrack, ok } from './support/fixtures.js';

/*
 * POST /projections/rebuild builds a new read-model file up to the head it starts from, while the
 * old one keeps following the log. Swapped in as built, the new file was behind the old one: the
 * live board (which sends a row whenever a subject changes) sent rows older than those it had
 * already sent, and climbed back. The new file now catches up before the swap.
 */
describe('a rebuild swapped in while clerks record (e2e)', () => {
  let t: E2eApp;
  beforeAll(async () => {
    // Without an fsync per command, so that many are recorded while the rebuild runs.
    t = await startApp(undefined, { LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' });
    await givenTrack(t, 'seg');
    await ok(t, '/tracks/seg/topics', { topicId: 'tp', title: 'Internet governance', effectiveOn: '2026-01-05' });
    // Enough of a log that the build takes a while after it has read the head, appended straight to
    // the store (sealed as the write path seals them): 40 topics of 1,000 records each.
    for (let topic = 0; topic < 40; topic++) {
      const streamId = `topic-bulk-${topic}`;
      let prevHash = GENESIS_HASH;
      const events: EventToAppend[] = [];
      for (let revision = 0; revision < 1000; revision++) {
        const eventId = randomUUID();
        const [type, data] = revision === 0
          ? ['TopicOpened', { trackId: 'seg', topicId: `bulk-${topic}`, title: 'Bulk' }]
          : ['PositionStated', { topicId: `bulk-${topic}`, statementId: `b-${revision}`, partyId: 'cn', stance: 'supports', text: 'Said.', channel: 'written' }];
        const metadata = sealMetadata(
          { streamId, revision, eventId, type, data, metadata: { schemaVersion: 1, effectiveOn: '2026-01-06', recordedAt: '2026-01-06T09:00:00.000Z', recordedBy: 'clerk', correlationId: eventId, causationId: eventId } },
          prevHash,
        );
        prevHash = metadata.hash;
        events.push({ eventId, type, data, metadata });
      }
      await t.store.append(streamId, events, 'no_stream');
    }
    await ok(t, '/tracks/seg/topics', { topicId: 'tp-seeded', title: 'Seeded', effectiveOn: '2026-01-05' });
  }, 120_000);
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('never sends a board row again or older than one it sent: the statements of a subject only move on', async () => {
    const seen: string[] = [];
    const stop = t.app.get(ReadModels).onRows((changes) => {
      for (const change of changes) {
        const statementId = (JSON.parse(change.row) as { stances: Record<string, { statementId: string } | null> }).stances['us']?.statementId;
        if (statementId !== undefined) seen.push(statementId);
      }
    });
    try {
      let rebuilt = false;
      const rebuild = t.post('/projections/rebuild').then((answer) => {
        rebuilt = true;
        return answer;
      });
      let during = 0;
      for (let n = 0; !rebuilt; n++, during++) {
        await t.app.get(CommandBus).execute(new StatePositionCommand('topic', 'tp', { statementId: `st-${String(n).padStart(5, '0')}`, partyId: 'us', stance: n % 2 === 0 ? 'supports' : 'opposes', text: 'Said.', channel: 'written' }, { principal: 'clerk', correlationId: `during-${n}` }));
        // A command can complete without a turn of the event loop: let the rebuild's answer in.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect((await rebuild).status).toBe(200);
      // Recorded while the rebuild ran, so the old file moved on past the head the new one was built to.
      expect(during).toBeGreaterThan(2);
      const last = `st-${String(during - 1).padStart(5, '0')}`;
      await ok(t, '/tracks/seg/topics', { topicId: 'tp-after', title: 'After', effectiveOn: '2026-01-05' });
      expect(seen.at(-1)).toBe(last);
      // Each statement moved the row once: none sent again, none older after a newer one.
      const backwards = seen.filter((statementId, i) => i > 0 && statementId <= seen[i - 1]!);
      expect(backwards).toEqual([]);
      expect(seen).toHaveLength(during);
    } finally {
      stop();
    }
  }, 60_000);

  /**
   * From the moment the built file is opened on this thread (the build itself ran on a worker
   * thread with a connection of its own), the `nth` catch-up that reads the log here (each takes
   * the raw log once) finds it unreadable.
   */
  const failCatchUp = (nth: number): (() => void) => {
    const store = t.store as EventStore & { rawLog: NonNullable<EventStore['rawLog']> };
    const original = store.rawLog;
    readModelConnectionHooks.onOpen = (_db, path) => {
      if (!path.endsWith('.rebuild')) return;
      let calls = 0;
      store.rawLog = () => {
        const raw = original.call(store);
        if (++calls !== nth) return raw;
        return new Proxy(raw, {
          get: (target, key, receiver) => (key === 'page' ? () => { throw new Error('disk I/O error (test)'); } : Reflect.get(target, key, receiver) as unknown),
        });
      };
    };
    return () => {
      delete readModelConnectionHooks.onOpen;
      store.rawLog = original;
    };
  };

  const leftovers = (): string[] => readdirSync(t.dataDir).filter((name) => name.includes('.rebuild'));

  it('a catch-up that fails before the swap fails the rebuild, removes the built file, and the read models in use keep answering', async () => {
    const board = (await t.http().get('/tracks/seg/board').set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(200)).body;
    const restore = failCatchUp(1);
    try {
      const refused = await t.post('/projections/rebuild');
      expect(refused.status).toBe(500);
    } finally {
      restore();
    }
    expect(leftovers()).toEqual([]);
    expect((await t.http().get('/tracks/seg/board').set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(200)).body).toEqual(board);
    await ok(t, '/topics/tp/positions', { statementId: 'st-after-failure', partyId: 'us', stance: 'supports', text: 'Said.', channel: 'written' });
    expect((await t.post('/projections/rebuild')).status).toBe(200);
  });

  it('a catch-up that fails once the old read models have stopped is left to the new ones, which catch up on their own', async () => {
    const restore = failCatchUp(2);
    try {
      expect((await t.post('/projections/rebuild')).status).toBe(200);
    } finally {
      restore();
    }
    await ok(t, '/topics/tp/positions', { statementId: 'st-after-swap', partyId: 'us', stance: 'opposes', text: 'Said.', channel: 'written' });
    const row = (await t.http().get('/tracks/seg/board').set('Authorization', `Bearer ${CLERK_TOKEN}`).expect(200)).body.rows.find((r: { id: string }) => r.id === 'tp');
    expect(row.stances.us).toMatchObject({ statementId: 'st-after-swap', stance: 'opposes' });
    expect(leftovers()).toEqual([]);
  });
});
