import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { runDemo } from '../../src/cli/commands/demo.command.js';
import { loadConfig } from '../../src/config/app-config.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { availableParallelism } from 'node:os';
import { defaultRebuildThreads, MAX_REBUILD_THREADS } from '../../src/projections/read-model/parallel-build.js';
import { buildReadModelsFile } from '../../src/projections/read-model/rebuild.js';
import { seededTrack } from './ledger-builder.js';
import { appendAll, historyOf, stepArb } from './read-model.support.js';

/**
 * The rebuild's worker thread exists only in the compiled build (dist/, which `npm test` compiles
 * first): these tests drive dist/ in a child process and compare what it wrote with a build on the
 * test's own thread (the TypeScript source has no worker file, so it builds inline).
 */
const DIST_REBUILD = resolve('dist/projections/read-model/rebuild.js');
const TABLES = ['meta', 'ledger_events', 'streams', 'tracks', 'subjects', 'sessions', 'cbm_links', 'versions', 'knowledge', 'untrusted_windows'];

const quietIo = () => {
  const sink = { isTTY: false, write: () => true, on: () => undefined, once: () => undefined, removeListener: () => undefined } as unknown as NodeJS.WriteStream;
  return { out: sink, err: sink };
};

/** Every row of every read-model table, in a stable order. */
const dump = (file: string): Record<string, unknown[]> => {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      TABLES.map((table) => {
        const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
        // A table with a hidden rowid shows it too: the order rows were written in is compared.
        const rowid = table === 'untrusted_windows' ? 'rowid, ' : '';
        return [table, db.prepare(`SELECT ${rowid}* FROM ${table} ORDER BY ${rowid}${columns.join(', ')}`).raw().all()];
      }),
    );
  } finally {
    db.close();
  }
};

/** Runs buildReadModelsFile from dist/ in a child process; prints what happened as one JSON line. */
/** `abortAfterMs`: aborts the build that long after it starts (what a server shutting down does). */
const buildWithDist = (scriptDir: string, storeFile: string, target: string, options: { workerHeapMb?: number; abortAfterMs?: number; abortAtProgress?: number; threads?: number } = {}) => {
  const script = `
    import { SqliteEventStore } from ${JSON.stringify(resolve('dist/infrastructure/sqlite/sqlite-event-store.js'))};
    import { buildReadModelsFile, rebuildRunsOnWorker } from ${JSON.stringify(DIST_REBUILD)};
    const store = new SqliteEventStore({ file: process.argv[2], synchronous: 'NORMAL' });
    const progress = [];
    const outOfMemory = [];
    const { workerHeapMb, abortAfterMs, abortAtProgress, threads } = JSON.parse(process.argv[4]);
    const aborting = new AbortController();
    if (abortAfterMs !== undefined) setTimeout(() => aborting.abort(new Error('stopped by the test')), abortAfterMs);
    try {
      const result = await buildReadModelsFile(store, process.argv[3], {
        onProgress: (done, total) => {
          progress.push([done, total]);
          if (progress.length === abortAtProgress) aborting.abort(new Error('stopped by the test'));
        },
        workerHeapMb,
        threads,
        signal: aborting.signal,
        onWorkerOutOfMemory: (mb) => outOfMemory.push(mb),
      });
      console.log(JSON.stringify({ ok: true, onWorker: rebuildRunsOnWorker(store), result, progress, outOfMemory }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, onWorker: rebuildRunsOnWorker(store), message: error.message }));
    } finally {
      await store.close();
    }`;
  const file = join(scriptDir, `build-${process.hrtime.bigint()}.mjs`);
  writeFileSync(file, script);
  const out = spawnSync(process.execPath, [file, storeFile, target, JSON.stringify(options)], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`child failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as {
    ok: boolean;
    onWorker: boolean;
    message?: string;
    result?: { events: number; streams: number; tracks: number };
    progress?: Array<[number, number]>;
    outOfMemory?: number[];
  };
};

describe('rebuild on a worker thread (compiled build)', () => {
  let dir: string;
  let storeFile: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'norms-ledger-rebuild-worker-'));
    expect(await runDemo(loadConfig({ LEDGER_DATA_DIR: dir, LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }), quietIo())).toBe(0);
    storeFile = join(dir, 'ledger.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the compiled build has its worker file', () => {
    expect(existsSync(DIST_REBUILD)).toBe(true);
    expect(existsSync(resolve('dist/projections/read-model/rebuild.worker.js'))).toBe(true);
  });

  it('writes exactly what a build on the calling thread writes, reporting progress up to the total', async () => {
    const fromWorker = join(dir, 'worker.sqlite');
    const child = buildWithDist(dir, storeFile, fromWorker);
    expect(child).toMatchObject({ ok: true, onWorker: true, outOfMemory: [] });

    const store = new SqliteEventStore({ file: storeFile });
    const inline = join(dir, 'inline.sqlite');
    try {
      const result = await buildReadModelsFile(store, inline);
      expect(child.result).toEqual(expect.objectContaining({ events: result.events, streams: result.streams, tracks: result.tracks }));
      expect(Number(await store.headPosition())).toBe(result.events);
    } finally {
      await store.close();
    }
    expect(child.progress!.at(-1)).toEqual([child.result!.events, child.result!.events]);
    const expected = dump(inline);
    expect(expected['versions']!.length).toBeGreaterThan(0);
    expect(dump(fromWorker)).toEqual(expected);
    // Closed as a single file: no WAL left next to it.
    expect(existsSync(`${fromWorker}-wal`)).toBe(false);
  });

  it('a worker that runs out of its first heap bound is told and tried again without it, with the same result', async () => {
    // One track of 6,000 statements: far more than a 1 MB heap holds while the track is folded.
    const ledger = seededTrack();
    for (let n = 0; n < 300; n++) ledger.norm('seg', `n${n}`);
    for (let i = 0; i < 6000; i++) ledger.position(`norm-n${i % 300}`, `st-${i}`, i % 2 === 0 ? 'us' : 'cn', i % 3 === 0 ? 'reserves' : 'supports');
    const bigStore = join(dir, 'big-ledger.sqlite');
    const store = new SqliteEventStore({ file: bigStore, synchronous: 'NORMAL' });
    try {
      await appendAll(store, ledger.events);
    } finally {
      await store.close();
    }
    const bounded = join(dir, 'bounded.sqlite');
    const unbounded = join(dir, 'unbounded.sqlite');
    expect(buildWithDist(dir, bigStore, bounded, { workerHeapMb: 1 })).toMatchObject({ ok: true, onWorker: true, outOfMemory: [1] });
    expect(buildWithDist(dir, bigStore, unbounded)).toMatchObject({ ok: true, onWorker: true, outOfMemory: [] });
    const rows = dump(unbounded);
    expect(rows['subjects']).toHaveLength(300);
    expect(dump(bounded)).toEqual(rows);
  }, 60_000);

  it('an abort (the server shutting down) stops the worker and leaves no file behind', () => {
    const target = join(dir, 'aborted.sqlite');
    expect(buildWithDist(dir, storeFile, target, { abortAfterMs: 5 })).toMatchObject({ ok: false, onWorker: true, message: 'stopped by the test' });
    expect(existsSync(target)).toBe(false);
  });

  it('a failure inside the worker rejects with its reason and leaves no file behind', () => {
    const notADirectory = join(dir, 'plain-file');
    writeFileSync(notADirectory, 'a file where the target expects a directory');
    const target = join(notADirectory, 'read-models.sqlite');
    const child = buildWithDist(dir, storeFile, target);
    expect(child).toMatchObject({ ok: false, onWorker: true });
    expect(child.message).toMatch(/plain-file is not a directory/);
    expect(existsSync(target)).toBe(false);
  });

  describe('on several threads (a log of several tracks)', () => {
    let tracksStore: string;
    let expected: Record<string, unknown[]>;
    beforeAll(async () => {
      // A random two-track history (corrections, late entries, parties registered late), then three
      // more tracks of different sizes, so that the runs of tracks given to each thread differ.
      const [steps] = fc.sample(fc.array(stepArb, { minLength: 400, maxLength: 400 }), { seed: 20261127, numRuns: 1 });
      const ledger = historyOf(steps!);
      for (const [trackId, norms] of [['t3', 3], ['t4', 12], ['t5', 40]] as const) {
        ledger.track(trackId);
        ledger.party(trackId, 'us');
        ledger.party(trackId, 'cn');
        for (let n = 0; n < norms; n++) {
          ledger.norm(trackId, `${trackId}-n${n}`);
          ledger.position(`norm-${trackId}-n${n}`, `${trackId}-st-${n}`, n % 2 === 0 ? 'us' : 'cn', 'supports');
          // Recorded before what the track already holds (a clock set back, say): windows the index cannot trust.
          if (n % 4 === 1) ledger.position(`norm-${trackId}-n${n}`, `${trackId}-st-${n}-back`, 'us', 'reserves', {}, { recordedAt: `2026-01-0${1 + (n % 9)}T08:00:00.000Z` });
        }
      }
      // The last track is the largest, so that its thread is still at work when the others report.
      for (let i = 0; i < 2000; i++) ledger.position(`norm-t5-n${i % 40}`, `t5-more-${i}`, i % 2 === 0 ? 'us' : 'cn', i % 3 === 0 ? 'reserves' : 'supports');
      tracksStore = join(dir, 'tracks-ledger.sqlite');
      const store = new SqliteEventStore({ file: tracksStore, synchronous: 'NORMAL' });
      const inline = join(dir, 'tracks-inline.sqlite');
      try {
        await appendAll(store, ledger.events);
        await buildReadModelsFile(store, inline);
      } finally {
        await store.close();
      }
      expected = dump(inline);
      expect(expected['tracks']).toHaveLength(5);
      expect(expected['versions']!.length).toBeGreaterThan(0);
      // In the tracks of the later threads too, more than one (their order is compared).
      expect(expected['untrusted_windows']!.filter((row) => (row as unknown[])[1] === 't4').length).toBeGreaterThan(1);
    });

    it.each([1, 2, 3, 4])('on %i thread(s) writes, row for row and rowid for rowid, what one thread writes, and reports progress up to the total', (threads) => {
      const target = join(dir, `tracks-${threads}.sqlite`);
      const child = buildWithDist(dir, tracksStore, target, { threads });
      expect(child).toMatchObject({ ok: true, onWorker: true, outOfMemory: [], result: { tracks: 5 } });
      const progress = child.progress!;
      expect(progress.at(-1)).toEqual([child.result!.events, child.result!.events]);
      for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);
      expect(dump(target)).toEqual(expected);
      for (let part = 0; part < 4; part++) expect(existsSync(`${target}.part-${part}`)).toBe(false);
    });

    it('a thread that runs out of its first heap bound makes the whole build run again without it, with the same result', () => {
      const target = join(dir, 'tracks-bounded.sqlite');
      expect(buildWithDist(dir, tracksStore, target, { threads: 3, workerHeapMb: 1 })).toMatchObject({ ok: true, onWorker: true, outOfMemory: [1] });
      expect(dump(target)).toEqual(expected);
    }, 60_000);

    it('an abort while the parts are built leaves neither the target nor a part file behind', async () => {
      const target = join(dir, 'tracks-aborted.sqlite');
      // Stopped at the third track reported: the thread of the largest track is still at it.
      expect(buildWithDist(dir, tracksStore, target, { threads: 3, abortAtProgress: 3 })).toMatchObject({ ok: false, onWorker: true, message: 'stopped by the test' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(existsSync(target)).toBe(false);
      for (let part = 0; part < 4; part++) expect(existsSync(`${target}.part-${part}`)).toBe(false);
    });

    it('a part that fails fails the whole build with its reason, stops the other threads, and leaves no file behind', () => {
      // A row of the last track that no fold can read (written around the store, say by a broken restore).
      const broken = join(dir, 'tracks-broken.sqlite');
      copyFileSync(tracksStore, broken);
      const db = new Database(broken);
      try {
        const next = (db.prepare("SELECT MAX(revision) + 1 FROM events WHERE stream_id = 'norm-t5-n0'").pluck().get() as number) ?? 0;
        db.prepare("INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES ('norm-t5-n0', ?, ?, 'PositionStated', '{not json', ?)").run(
          next,
          '00000000-0000-4000-8000-999999999999',
          JSON.stringify({ effectiveOn: '2026-06-01', recordedAt: '2026-06-01T09:00:00.000Z' }),
        );
      } finally {
        db.close();
      }
      for (const threads of [3, 1]) {
        const target = join(dir, `tracks-broken-${threads}.sqlite`);
        const child = buildWithDist(dir, broken, target, { threads });
        expect(child).toMatchObject({ ok: false, onWorker: true });
        expect(child.message).toMatch(/JSON/);
        expect(existsSync(target)).toBe(false);
        for (let part = 0; part < 4; part++) expect(existsSync(`${target}.part-${part}`)).toBe(false);
      }
    });

    it('refuses a thread count that is not a positive integer, and writes nothing', () => {
      const target = join(dir, 'tracks-zero.sqlite');
      expect(buildWithDist(dir, tracksStore, target, { threads: 0 })).toMatchObject({ ok: false, message: 'threads must be a positive integer, not 0' });
      expect(existsSync(target)).toBe(false);
    });
  });

  it('the default thread count: one per core within 1 to MAX_REBUILD_THREADS, with cores left spare for a running server', () => {
    const cores = availableParallelism();
    expect(MAX_REBUILD_THREADS).toBe(4);
    expect(defaultRebuildThreads()).toBe(Math.min(4, cores));
    expect(defaultRebuildThreads(1)).toBe(Math.max(1, Math.min(4, cores - 1)));
    // Never none, however many cores are to be left spare.
    expect(defaultRebuildThreads(64)).toBe(1);
  });
});
