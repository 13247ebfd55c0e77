import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { boardOf, matrixOf, subjectDetailOf } from '../../src/projections/projections/board.projection.js';
import { NO_CUT, resolveCut, type Cut } from '../../src/projections/projections/cut.js';
import { foldTrack } from '../../src/projections/projections/track.projection.js';
import type { IncomingEvent } from '../../src/projections/read-model/projector.js';
import { openReadModelDb, type ReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { ReadModelProjection } from '../../src/projections/read-model/read-model.projection.js';
import { RawJson, ReadModelQueries } from '../../src/projections/read-model/read-model.queries.js';
import { rebuildReadModels } from '../../src/projections/read-model/rebuild.js';
import { seededTrack, type LedgerBuilder } from './ledger-builder.js';
import { appendAll, cutsOf, expectEqualToFreshBuild, historyOf, incomingOf, readLog, type Step } from './read-model.support.js';

const plain = (answer: unknown): unknown => (answer instanceof RawJson ? JSON.parse(answer.json) : JSON.parse(JSON.stringify(answer)));

interface Harness {
  store: SqliteEventStore;
  db: ReadModelDb;
  projection: ReadModelProjection;
  queries: ReadModelQueries;
}

const harness = async (ledger: LedgerBuilder, batchSize = 2): Promise<Harness> => {
  const store = new SqliteEventStore({ file: ':memory:' });
  await appendAll(store, ledger.events);
  const db = openReadModelDb(':memory:');
  const projection = new ReadModelProjection(store, db, { batchSize });
  await projection.catchUp();
  return { store, db, projection, queries: new ReadModelQueries(db) };
};

const close = async (h: Harness): Promise<void> => {
  await h.projection.stop();
  h.db.close();
  await h.store.close();
};

/** The read model's board for `cut` next to the reference fold of the same log. */
const boards = async (h: Harness, cut: Cut) => {
  const resolved = resolveCut(cut);
  const reference = foldTrack('seg', await readLog(h.store), resolved);
  // Before the track is established under the cut there is no board (404), as there is no track.
  return { actual: plain(h.queries.board('seg', resolved)), expected: reference.registry === null ? null : plain(boardOf(reference)) };
};

describe('read models: rules the incremental path must not miss', () => {
  it('a party registered later but effective before a decision flags it, from the moment it is recorded, in both views', async () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.today('2026-03-12').position('norm-n1', 'st-1', 'us', 'supports');
    ledger.position('norm-n1', 'st-2', 'cn', 'supports');
    ledger.today('2026-03-15').decision('norm-n1', 'd1', 's1');
    ledger.today('2026-04-01').party('seg', 'ru', { on: '2026-03-01' });
    const h = await harness(ledger);
    try {
      for (const cut of [{}, { asOf: '2026-03-20' }, { asOf: '2026-03-20', knownAt: '2026-03-20' }, { knownAt: '2026-04-01' }, { knownAt: '2026-03-31' }]) {
        const { actual, expected } = await boards(h, cut);
        expect(actual).toEqual(expected);
      }
      const flags = (cut: Cut) => (plain(h.queries.board('seg', resolveCut(cut))) as { rows: Array<{ flags: string[] }> }).rows[0]!.flags;
      expect(flags({})).toEqual(['decision-without-consensus']);
      expect(flags({ asOf: '2026-03-20', knownAt: '2026-03-20' })).toEqual([]);
      expect(flags({ asOf: '2026-03-20' })).toEqual(['decision-without-consensus']);
    } finally {
      await close(h);
    }
  });

  it('a CBM status change re-renders the rows of the norms it links to, live and under a cut', async () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.cbm('seg', 'c1', { linkedNorms: ['n1'] });
    ledger.today('2026-03-12').position('cbm-c1', 'st-1', 'us', 'supports');
    ledger.today('2026-03-13').subjectEvent('cbm-c1', 'CbmWithdrawn', { partyIds: ['us'] });
    const h = await harness(ledger, 1);
    try {
      const linked = (cut: Cut) => (plain(h.queries.board('seg', resolveCut(cut))) as { rows: Array<{ id: string; linkedCbms?: unknown }> }).rows.find((r) => r.id === 'n1')!.linkedCbms;
      expect(linked({})).toEqual([{ id: 'c1', status: 'withdrawn' }]);
      expect(linked({ asOf: '2026-03-12' })).toEqual([{ id: 'c1', status: 'under_discussion' }]);
      expect(plain(h.queries.subjectDetail('norm', 'n1', NO_CUT))).toMatchObject({ linkedCbms: [{ id: 'c1', status: 'withdrawn' }] });
      // Under a cut the norm's detail reads the CBMs' states from the index (theirs alone).
      expect(plain(h.queries.subjectDetail('norm', 'n1', resolveCut({ asOf: '2026-03-12' })))).toMatchObject({ linkedCbms: [{ id: 'c1', status: 'under_discussion' }] });
    } finally {
      await close(h);
    }
  });

  it("a CBM's proposal links from its own date though the CBM exists earlier: the index, the live tables and a rebuild equal the fold", async () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1', {}, { on: '2026-02-01' });
    ledger.today('2026-03-11').cbm('seg', 'c1', { linkedNorms: ['n1'] }, { on: '2026-03-01' });
    ledger.today('2026-03-12').position('cbm-c1', 'st-1', 'us', 'supports', { channel: 'written' }, { on: '2026-02-15' });
    ledger.today('2026-03-13').position('cbm-c1', 'st-2', 'cn', 'supports');
    const h = await harness(ledger, 1);
    try {
      const log = await readLog(h.store);
      for (const cut of [{}, { asOf: '2026-02-20' }, { asOf: '2026-03-01' }, { asOf: '2026-02-20', knownAt: '2026-03-12T12:00:00.000Z' }, ...cutsOf(log, [0, 1, 2, 3, 4, 5, 6, 7, 8])]) {
        const { actual, expected } = await boards(h, cut);
        expect({ cut, board: actual }).toEqual({ cut, board: expected });
      }
      const linked = (cut: Cut) => (plain(h.queries.board('seg', resolveCut(cut))) as { rows: Array<{ id: string; linkedCbms?: unknown; linkedNorms?: unknown }> }).rows;
      expect(linked({ asOf: '2026-02-20' }).find((r) => r.id === 'c1')!.linkedNorms).toEqual([]);
      expect(linked({ asOf: '2026-03-01' }).find((r) => r.id === 'n1')!.linkedCbms).toEqual([{ id: 'c1', status: 'under_discussion' }]);
      await expectEqualToFreshBuild(h.store, h.db);
    } finally {
      await close(h);
    }
  });

  it('a party registered late counts from its capital response or implementation report, on consensus too, in every read model alike', async () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.cbm('seg', 'c1');
    for (const subject of ['norm-n1', 'cbm-c1']) {
      ledger.position(subject, `${subject}-us`, 'us', 'supports');
      ledger.position(subject, `${subject}-cn`, 'cn', 'supports');
      ledger.decision(subject, `${subject}-d`, 's1');
    }
    // eu is registered in June, recorded in April; its acts are dated in March.
    ledger.today('2026-04-01').party('seg', 'eu', { on: '2026-06-01' });
    ledger.today('2026-04-02').capital('n1', 'cap-eu', 'eu', 'declined', { on: '2026-03-20' });
    ledger.today('2026-04-03').subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: 'r-eu', partyId: 'eu', text: 'done' }, { on: '2026-03-20' });
    const h = await harness(ledger, 1);
    try {
      const log = await readLog(h.store);
      for (const cut of [{}, { asOf: '2026-03-15' }, { asOf: '2026-03-20' }, { asOf: '2026-05-01' }, ...cutsOf(log, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])]) {
        const { actual, expected } = await boards(h, cut);
        expect({ cut, board: actual }).toEqual({ cut, board: expected });
      }
      const rows = (cut: Cut) => (plain(h.queries.board('seg', resolveCut(cut))) as { rows: Array<Record<string, unknown>> }).rows;
      expect(rows({ asOf: '2026-03-20' })).toEqual([
        expect.objectContaining({ id: 'n1', status: 'under_discussion', blockingParties: ['eu'], consensusPossible: false }),
        expect.objectContaining({ id: 'c1', status: 'implementing', implementationReportedBy: ['eu'], blockingParties: ['eu'], consensusPossible: false }),
      ]);
      expect(rows({ asOf: '2026-03-15' })).toEqual([
        expect.objectContaining({ id: 'n1', status: 'agreed_ad_referendum', blockingParties: [], pendingConfirmations: ['cn', 'us'] }),
        expect.objectContaining({ id: 'c1', status: 'agreed', blockingParties: [] }),
      ]);
      await expectEqualToFreshBuild(h.store, h.db);
    } finally {
      await close(h);
    }
  });

  it('a correction moving a statement to the other party, and a late entry, in both views', async () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.today('2026-03-12').position('norm-n1', 'st-1', 'us', 'opposes');
    ledger.today('2026-03-20').position('norm-n1', 'st-2', 'cn', 'supports', {}, { on: '2026-03-11' });
    ledger.today('2026-03-25').correct('norm-n1', 'corr-1', { statementId: 'st-1' }, [{ field: 'partyId', from: 'us', to: 'cn' }]);
    const h = await harness(ledger, 3);
    try {
      const log = await readLog(h.store);
      for (const cut of [{}, ...cutsOf(log, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])]) {
        const { actual, expected } = await boards(h, cut);
        expect(actual).toEqual(expected);
      }
    } finally {
      await close(h);
    }
  });
});

describe('read models: a party registered after asOf that took part before it', () => {
  it('counts under that asOf in the index, the fold, the subject answer and the matrix alike', async () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.today('2026-03-12').position('norm-n1', 'st-us', 'us', 'supports');
    ledger.position('norm-n1', 'st-cn', 'cn', 'supports');
    ledger.decision('norm-n1', 'd1', 's1');
    // ru is registered effective in June, and its written opposition dated 1 March is entered after it.
    ledger.today('2026-06-10').party('seg', 'ru');
    ledger.position('norm-n1', 'st-ru', 'ru', 'opposes', {}, { on: '2026-03-01' });
    const h = await harness(ledger, 2);
    try {
      for (const cut of [{}, { asOf: '2026-04-01' }, { asOf: '2026-03-05' }, { asOf: '2026-04-01', knownAt: '2026-06-10' }]) {
        const { actual, expected } = await boards(h, cut);
        expect(actual).toEqual(expected);
        const resolved = resolveCut(cut);
        const reference = foldTrack('seg', await readLog(h.store), resolved);
        expect(plain(h.queries.matrix('seg', resolved))).toEqual(plain(matrixOf(reference)));
        expect(plain(h.queries.subjectDetail('norm', 'n1', resolved))).toEqual(plain(subjectDetailOf(reference, 'norm', 'n1')));
      }
      const at = resolveCut({ asOf: '2026-04-01' });
      expect(plain(h.queries.board('seg', at))).toMatchObject({ rows: [{ id: 'n1', flags: ['decision-without-consensus'], blockingParties: ['ru'] }] });
      expect(plain(h.queries.matrix('seg', at))).toMatchObject({ parties: ['cn', 'ru', 'us'], rows: [{ cells: { ru: { stance: 'opposes' } } }] });
    } finally {
      await close(h);
    }
  });
});

describe('read models: a subject exists from its earliest record', () => {
  it('records dated before the proposal (a norm proposed without a date after the session that agreed it), live, indexed, rebuilt and detailed', async () => {
    const ledger = seededTrack();
    ledger.today('2026-06-01').norm('seg', 'n1');
    ledger.position('norm-n1', 'st-us', 'us', 'supports', {}, { on: '2026-03-10' });
    ledger.today('2026-06-02').position('norm-n1', 'st-cn', 'cn', 'supports', {}, { on: '2026-03-10' });
    ledger.today('2026-06-03').append('norm-n1', 'DecisionRecorded', { normId: 'n1', decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' }, { on: '2026-03-12' });
    ledger.today('2026-06-04').position('norm-n1', 'st-us-2', 'us', 'supports', {}, { on: '2026-02-01' });
    const h = await harness(ledger, 1);
    try {
      const log = await readLog(h.store);
      const cuts: Cut[] = [{}, { asOf: '2026-01-31' }, { asOf: '2026-02-01' }, { asOf: '2026-03-11' }, { asOf: '2026-03-12' }, { asOf: '2026-03-12', knownAt: '2026-06-02' }, ...cutsOf(log, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])];
      for (const cut of cuts) {
        const { actual, expected } = await boards(h, cut);
        expect(actual).toEqual(expected);
      }
      const rowAt = (cut: Cut) => (plain(h.queries.board('seg', resolveCut(cut))) as { rows: Array<{ id: string; status: string; statusSince: string }> }).rows.find((r) => r.id === 'n1');
      expect(rowAt({ asOf: '2026-03-12' })).toMatchObject({ status: 'agreed_ad_referendum', statusSince: '2026-03-12' });
      expect(rowAt({ asOf: '2026-02-01' })).toMatchObject({ status: 'under_discussion', statusSince: '2026-02-01' });
      expect(rowAt({ asOf: '2026-01-31' })).toBeUndefined();
      // The history shows each record at its own date, in effective order: the June proposal is
      // not in it as of March, and comes last, leaving the status as it was, as of today.
      const detailAt = (cut: Cut) =>
        plain(h.queries.subjectDetail('norm', 'n1', resolveCut(cut))) as { createdOn: string; history: Array<{ type: string; effectiveOn: string; status: string }> };
      const march = detailAt({ asOf: '2026-03-11' });
      expect(march.createdOn).toBe('2026-02-01');
      expect(march.history.map((e) => [e.type, e.effectiveOn, e.status])).toEqual([
        ['PositionStated', '2026-02-01', 'under_discussion'],
        ['PositionStated', '2026-03-10', 'under_discussion'],
        ['PositionStated', '2026-03-10', 'under_discussion'],
      ]);
      expect(detailAt({}).history.map((e) => [e.type, e.effectiveOn, e.status])).toEqual([
        ['PositionStated', '2026-02-01', 'under_discussion'],
        ['PositionStated', '2026-03-10', 'under_discussion'],
        ['PositionStated', '2026-03-10', 'under_discussion'],
        ['DecisionRecorded', '2026-03-12', 'agreed_ad_referendum'],
        ['NormProposed', '2026-06-01', 'agreed_ad_referendum'],
      ]);
      await expectEqualToFreshBuild(h.store, h.db);
    } finally {
      await close(h);
    }
  });

  it('a rebuild equals the live read models when late entries follow a proposal recorded (and dated) after them', async () => {
    const ledger = seededTrack();
    ledger.today('2026-11-27').topic('seg', 't1');
    ledger.position('topic-t1', 'st-1', 'us', 'supports', {}, { on: '2026-03-01' });
    ledger.position('topic-t1', 'st-2', 'cn', 'supports', {}, { on: '2026-05-01' });
    ledger.position('topic-t1', 'st-3', 'us', 'opposes', {}, { on: '2026-04-01' });
    const h = await harness(ledger, 1);
    try {
      await expectEqualToFreshBuild(h.store, h.db);
    } finally {
      await close(h);
    }
  });
});

const STEPS: Step[] = [
  { op: 'propose', kind: 'norm', n: 1, track: 0 },
  { op: 'propose', kind: 'cbm', n: 1, track: 0 },
  { op: 'position', subject: 0, party: 0, stance: 0, lateBy: 0 },
  { op: 'wait', days: 2 },
  { op: 'position', subject: 0, party: 1, stance: 0, lateBy: 3 },
  { op: 'link', subject: 0, norm: 0 },
  { op: 'decide', subject: 0, lateBy: 0 },
  { op: 'wait', days: 1 },
  { op: 'correct', statement: 1, field: 'stance', value: 2 },
  { op: 'capital', subject: 0, party: 0, confirmed: true },
  { op: 'position', subject: 1, party: 0, stance: 0, lateBy: 0 },
  { op: 'decide', subject: 1, lateBy: 0 },
  { op: 'report', subject: 0, party: 1, lateBy: 1 },
  { op: 'party', track: 0, lateBy: 10 },
  { op: 'wait', days: 3 },
  { op: 'correct', statement: 0, field: 'effectiveOn', value: 1 },
  { op: 'propose', kind: 'topic', n: 1, track: 1 },
  { op: 'position', subject: 2, party: 1, stance: 3, lateBy: 2 },
];

describe('read models: restart and exactly once', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'norms-ledger-read-model-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stopped between batches and with its database closed, it resumes from the checkpoint and applies nothing twice', async () => {
    const ledger = historyOf(STEPS);
    const store = new SqliteEventStore({ file: ':memory:' });
    const file = join(dir, 'read-models.sqlite');
    try {
      const third = Math.floor(ledger.events.length / 3);
      await appendAll(store, ledger.events.slice(0, third));
      let db = openReadModelDb(file);
      let projection = new ReadModelProjection(store, db, { batchSize: 4 });
      await projection.start();
      await appendAll(store, ledger.events.slice(third, 2 * third));
      await projection.whenCaughtUp(String(2 * third), 5000);
      await projection.stop();
      db.close();

      await appendAll(store, ledger.events.slice(2 * third));
      db = openReadModelDb(file);
      projection = new ReadModelProjection(store, db, { batchSize: 3 });
      expect(projection.checkpoint).toBe(String(2 * third));
      await projection.start();
      await projection.whenCaughtUp(String(ledger.events.length), 5000);
      // A subscription that restarts from an older position must not apply those events again.
      const replayed: IncomingEvent[] = (await readLog(store)).slice(0, 5).map(incomingOf);
      expect(projection.projector.applyBatch(replayed)).toEqual([]);
      await projection.stop();

      expect(db.prepare('SELECT COUNT(*) FROM ledger_events').pluck().get()).toBe(ledger.events.length);
      await expectEqualToFreshBuild(store, db);
      db.close();
    } finally {
      await store.close();
    }
  });

  it('a catch-up that fails when the projection starts fails the projection: waiters are told at once, not at their timeout', async () => {
    const ledger = historyOf(STEPS);
    const store = new SqliteEventStore({ file: ':memory:' });
    try {
      await appendAll(store, ledger.events);
      const db = openReadModelDb(':memory:');
      const failures: unknown[] = [];
      const projection = new ReadModelProjection(store, db, { onError: (error) => failures.push(error) });
      db.exec('DROP TABLE versions');
      // SqliteError may come from another realm than the test's Error: matched by its message. The
      // expectation on the waiter is attached now: its rejection comes while start() is awaited.
      const failed = { message: expect.stringMatching(/no such table: versions/) };
      const waiting = expect(projection.whenCaughtUp(String(ledger.events.length), 60_000)).rejects.toMatchObject(failed);
      await expect(projection.start()).rejects.toMatchObject(failed);
      await waiting;
      await expect(projection.whenCaughtUp(String(ledger.events.length), 60_000)).rejects.toMatchObject(failed);
      expect(failures).toHaveLength(1);
      db.close();
    } finally {
      await store.close();
    }
  }, 10_000);

  it('a batch that fails half-way leaves nothing behind: the checkpoint and the tables are those of the batch before', async () => {
    const ledger = historyOf(STEPS);
    const store = new SqliteEventStore({ file: ':memory:' });
    try {
      await appendAll(store, ledger.events);
      const db = openReadModelDb(':memory:');
      const projection = new ReadModelProjection(store, db, { batchSize: 10 });
      const projector = projection.projector as unknown as { applyOne: (e: IncomingEvent) => void };
      const applyOne = projector.applyOne.bind(projector);
      let seen = 0;
      projector.applyOne = (e) => {
        seen += 1;
        if (seen === 15) throw new Error('crash in the middle of the second batch');
        applyOne(e);
      };
      await expect(projection.catchUp()).rejects.toThrow('crash in the middle');
      expect(projection.checkpoint).toBe('10');
      expect(db.prepare('SELECT COUNT(*) FROM ledger_events').pluck().get()).toBe(10);
      projector.applyOne = applyOne;
      await projection.catchUp();
      await expectEqualToFreshBuild(store, db);
      db.close();
    } finally {
      await store.close();
    }
  });

  it('rebuildReadModels writes a complete file and reports counts', async () => {
    const ledger = historyOf(STEPS);
    const store = new SqliteEventStore({ file: ':memory:' });
    try {
      await appendAll(store, ledger.events);
      const progress: Array<[number, number]> = [];
      const result = await rebuildReadModels(store, { dataDir: dir, batchSize: 5, onProgress: (done, total) => progress.push([done, total]) });
      expect(result).toEqual({ events: ledger.events.length, streams: expect.any(Number), tracks: 2, durationMs: expect.any(Number), eventsPerSecond: expect.any(Number) });
      expect(progress.at(-1)).toEqual([ledger.events.length, ledger.events.length]);
      const db = openReadModelDb(join(dir, 'read-models.sqlite'));
      const queries = new ReadModelQueries(db);
      const log = await readLog(store);
      expect(plain(queries.board('t1', NO_CUT))).toEqual(plain(boardOf(foldTrack('t1', log))));
      db.close();
    } finally {
      await store.close();
    }
  });
});
