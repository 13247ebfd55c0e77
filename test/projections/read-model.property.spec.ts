import fc from 'fast-check';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { boardOf, matrixOf, subjectDetailOf } from '../../src/projections/projections/board.projection.js';
import { NO_CUT, resolveCut, type ResolvedCut } from '../../src/projections/projections/cut.js';
import type { LedgerEvent } from '../../src/projections/projections/ledger-event.js';
import { sessionRegisterOf } from '../../src/projections/projections/register.projection.js';
import { registryAnswerOf } from '../../src/projections/projections/registry.projection.js';
import { foldTrack, trackListOf } from '../../src/projections/projections/track.projection.js';
import { openReadModelDb, type ReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { ReadModelProjection } from '../../src/projections/read-model/read-model.projection.js';
import { RawJson, ReadModelQueries } from '../../src/projections/read-model/read-model.queries.js';
import { buildReadModels } from '../../src/projections/read-model/rebuild.js';
import { appendAll, cutsOf, historyOf, readLog, stepArb, TRACKS } from './read-model.support.js';

const TODAY = '2026-02-01';
const plain = (answer: unknown): unknown => (answer instanceof RawJson ? JSON.parse(answer.json) : JSON.parse(JSON.stringify(answer)));

/** Every answer of the read models for one cut, next to what the reference folds give. */
const compare = (queries: ReadModelQueries, events: readonly LedgerEvent[], cut: ResolvedCut): void => {
  expect(plain(queries.trackList(cut))).toEqual(plain(trackListOf(events, cut)));
  for (const trackId of TRACKS) {
    const reference = foldTrack(trackId, events, cut);
    // Before the track's earliest record (its own, its sessions', its subjects') under the cut, its board, matrix and register do not exist (404), as the track itself.
    const established = reference.registry !== null;
    expect(plain(queries.board(trackId, cut))).toEqual(established ? plain(boardOf(reference)) : null);
    expect(plain(queries.matrix(trackId, cut))).toEqual(established ? plain(matrixOf(reference)) : null);
    expect(plain(queries.registry(trackId, cut))).toEqual(reference.registry === null ? null : plain(registryAnswerOf(reference.registry, cut)));
    expect(plain(queries.sessionRegister(trackId, cut, TODAY))).toEqual(established ? plain(sessionRegisterOf(reference, { today: TODAY })) : null);
    for (const subject of reference.subjects) {
      expect(plain(queries.subjectDetail(subject.kind, subject.id, cut))).toEqual(plain(subjectDetailOf(reference, subject.kind, subject.id)));
    }
  }
};

const project = async (store: SqliteEventStore, db: ReadModelDb, batchSize: number): Promise<ReadModelProjection> => {
  const projection = new ReadModelProjection(store, db, { batchSize });
  await projection.catchUp();
  return projection;
};

describe('read models: property', () => {
  it('for random histories, live answers equal the fold, indexed answers under random cuts equal the fold under that cut, and a rebuild equals both', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 70 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.nat(10_000), { minLength: 6, maxLength: 6 }), async (steps, batchSize, seeds) => {
        const store = new SqliteEventStore({ file: ':memory:' });
        const live = openReadModelDb(':memory:');
        const rebuilt = openReadModelDb(':memory:');
        // A rebuild that writes every closed version as soon as it is closed (a huge track's build does so every 16 MB of them).
        const flushing = openReadModelDb(':memory:');
        try {
          const ledger = historyOf(steps);
          // Half the history first, then the rest: the live model sees it in two catch-ups, as a running server would.
          const half = Math.floor(ledger.events.length / 2);
          await appendAll(store, ledger.events.slice(0, half));
          const projection = await project(store, live, batchSize);
          await appendAll(store, ledger.events.slice(half));
          await projection.catchUp();
          const events = await readLog(store);
          await buildReadModels(store, rebuilt, { batchSize: 7 });
          await buildReadModels(store, flushing, { closedCharsHeld: 0 });
          for (const db of [live, rebuilt, flushing]) {
            const queries = new ReadModelQueries(db);
            compare(queries, events, NO_CUT);
            for (const cut of cutsOf(events, seeds)) compare(queries, events, resolveCut(cut));
          }
        } finally {
          live.close();
          rebuilt.close();
          flushing.close();
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
    // 60 histories take about 10 s on an idle machine; a starved shared one once needed more than 30 s.
  }, 180_000);
});
