// Issue 4 item 7: read models over a generated store of 1M events (20 tracks × 500 subjects, two
// parties, ~400-700-byte events, ten sessions over five years, late entries and corrections).
//
//   (a) rebuild events/s: rebuildReadModels in a child process (as `norms-ledger rebuild` and the
//       server run it: the build itself on a worker thread of that process),
//       next to the baseline: a raw better-sqlite3 scan of the same file + JSON.parse of data and
//       metadata + a trivial fold (count and last effective date per stream). Target ≥ 200,000/s.
//   (b) RSS of that process after the rebuild and a GC (what a server keeps once it has rebuilt).
//       Target < 300 MB. Its peak RSS during the build (worker included) is printed next to it.
//   (c) current board of one track (live tables), p50/p99. Target p50 < 5 ms.
//   (d) as-of board and as-of + as-recorded board of one track at several dates, through
//       ReadModelQueries, serialised; p50/p99. Target p50 < 20 ms. Baseline for (c) and (d): the
//       reference fold of the same track under the same cut (what the index spares a request).
//
//   node --expose-gc bench/read-models.bench.mjs [--quick] [--runs=N] [--events=N] [--threads=N] [--cpu-prof]
// --threads: threads the rebuild may use (default: as the server, one per core, at most 4).
// --quick: 100k events. The store is generated once and cached in os.tmpdir() (generate.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { cpuMeter, fmt, gc, importDist, load, makeTempDir, median, parseArgs, printTable } from './lib/bench-kit.mjs';
import { ensureStore, rawScan, sessionDates } from './read-models/generate.mjs';

const flags = parseArgs();
const eventsArg = process.argv.find((arg) => arg.startsWith('--events='));
const EVENTS = eventsArg ? Number(eventsArg.slice('--events='.length)) : flags.quick ? 100_000 : 1_000_000;
const runs = flags.runs ?? 3;
const cpuProf = process.argv.includes('--cpu-prof');
const threadsArg = process.argv.find((arg) => arg.startsWith('--threads='));
const THREADS = threadsArg ? Number(threadsArg.slice('--threads='.length)) : undefined;
if (THREADS !== undefined && !(Number.isSafeInteger(THREADS) && THREADS >= 1 && THREADS <= 4)) throw new RangeError('--threads must be 1 to 4');
const TRACK = 't07';
const QUERY_ITERATIONS = flags.quick ? 100 : 200;

const { dir, cleanup } = makeTempDir('read-models');
const child = fileURLToPath(new URL('./read-models/rebuild-child.mjs', import.meta.url));

console.log(`# read models: ${fmt(EVENTS)} events, 20 tracks; ${runs} runs${flags.quick ? ' (--quick)' : ''}; load average at start ${load()}`);
const store = await ensureStore(EVENTS, (line) => console.log(line));
console.log(store.generated ? `# generated ${store.file} in ${store.seconds.toFixed(1)} s` : `# reusing ${store.file} (cached; delete it to regenerate)`);

/** The baseline: one statement over the whole log, raw rows, both JSON columns parsed, a trivial fold. */
const measureRaw = () => {
  const db = new Database(store.file, { readonly: true });
  gc();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const count = rawScan(db);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  db.close();
  return { count, rate: count / seconds, cpuRate: count / ((used.user + used.system) / 1e6) };
};

const outFile = join(dir, 'read-models.sqlite');
const profDir = join(tmpdir(), 'norms-bench-read-models-prof');
const measureRebuild = (profile) => {
  const args = ['--expose-gc', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), child, store.file, outFile, ...(THREADS === undefined ? [] : [String(THREADS)])];
  if (profile) mkdirSync(profDir, { recursive: true });
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (out.status !== 0) throw new Error(`rebuild child failed (${out.status ?? out.signal}): ${out.stderr}`);
  const line = out.stdout.trim().split('\n').pop();
  const parsed = JSON.parse(line);
  if (parsed.result.events !== EVENTS) throw new Error(`rebuild read ${parsed.result.events} events, not ${EVENTS}`);
  return { ...parsed, rate: parsed.result.events / (parsed.wallMs / 1000), cpuRate: parsed.result.events / (parsed.cpuMs / 1000) };
};

const { defaultRebuildThreads } = await importDist('projections/read-model/parallel-build.js');
console.log(`# rebuild threads: ${THREADS ?? `${defaultRebuildThreads()} (the default: one per core, at most 4)`}; the store has 20 tracks`);

// A first untimed pass, so that neither side pays for pulling the store into the page cache.
measureRaw();
const results = { raw: [], rebuild: [], ratio: [], rss: [], maxRss: [], rawCpu: [], rebuildCpu: [], ratioCpu: [] };
const overall = cpuMeter();
for (let run = 0; run < runs; run++) {
  const meter = cpuMeter();
  const rebuildFirst = run % 2 === 1;
  let raw;
  let rebuild;
  if (rebuildFirst) {
    rebuild = measureRebuild(false);
    raw = measureRaw();
  } else {
    raw = measureRaw();
    rebuild = measureRebuild(false);
  }
  results.raw.push(raw.rate);
  results.rebuild.push(rebuild.rate);
  results.ratio.push(rebuild.rate / raw.rate);
  results.rawCpu.push(raw.cpuRate);
  results.rebuildCpu.push(rebuild.cpuRate);
  results.ratioCpu.push(rebuild.cpuRate / raw.cpuRate);
  results.rss.push(rebuild.rss / 2 ** 20);
  results.maxRss.push(rebuild.maxRss / 2 ** 20);
  console.log(
    `  run ${run + 1}: raw ${fmt(raw.rate)} ev/s (${fmt(raw.cpuRate)} per CPU-s), rebuild ${fmt(rebuild.rate)} ev/s (${fmt(rebuild.cpuRate)} per CPU-s; ${fmt(rebuild.wallMs)} ms, ${fmt(rebuild.result.streams)} streams), RSS after ${fmt(rebuild.rss / 2 ** 20)} MB, peak ${fmt(rebuild.maxRss / 2 ** 20)} MB  [${meter()}]`,
  );
}
if (cpuProf) {
  measureRebuild(true);
  console.log(`# CPU profile of one more rebuild in ${profDir} `);
}

// Queries over the read models the last rebuild left.
const { openReadModelDb } = await importDist('projections/read-model/read-model.database.js');
const { ReadModelQueries, RawJson } = await importDist('projections/read-model/read-model.queries.js');
const { resolveCut, NO_CUT } = await importDist('projections/projections/cut.js');
const { foldTrack } = await importDist('projections/projections/track.projection.js');
const { boardOf } = await importDist('projections/projections/board.projection.js');
const { ledgerEventOfRow, EVENT_COLUMNS } = await importDist('projections/read-model/projector.js');
const db = openReadModelDb(outFile);
const queries = new ReadModelQueries(db);
const trackEvents = db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE track_id = ? ORDER BY seq`).raw();
const serialise = (answer) => (answer instanceof RawJson ? answer.json : JSON.stringify(answer));

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const time = (fn, iterations) => {
  for (let i = 0; i < Math.min(10, iterations); i++) fn();
  gc();
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    bytes = fn().length;
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), bytes };
};
/** The reference: fold the whole track under the cut from the read-model's own copy of the log. */
const reference = (cut) => () => serialise(boardOf(foldTrack(TRACK, trackEvents.all(TRACK).map(ledgerEventOfRow), cut)));

const dates = [sessionDates[1], sessionDates[4], sessionDates[7], '2025-12-31'].map((d) => d);
const cases = [
  { name: 'current board (live tables)', cut: NO_CUT },
  ...dates.map((asOf) => ({ name: `as-of ${asOf}`, cut: resolveCut({ asOf }), asOf: true })),
  ...dates.map((asOf) => ({ name: `as-of ${asOf} as recorded then`, cut: resolveCut({ asOf, knownAt: asOf }), asOf: true })),
  { name: `as-of ${dates[1]}, known at ${dates[2]}`, cut: resolveCut({ asOf: dates[1], knownAt: dates[2] }), asOf: true },
];
const rows = [];
const queryResults = [];
for (const c of cases) {
  const ours = time(() => serialise(queries.board(TRACK, c.cut)), QUERY_ITERATIONS);
  const check = JSON.parse(serialise(queries.board(TRACK, c.cut)));
  const ref = JSON.parse(reference(c.cut)());
  if (JSON.stringify(check.rows) !== JSON.stringify(ref.rows)) throw new Error(`${c.name}: the read model's board differs from the reference fold`);
  const base = time(reference(c.cut), 3);
  queryResults.push({ ...c, ours, base });
  rows.push([c.name, `${ours.p50.toFixed(2)} ms`, `${ours.p99.toFixed(2)} ms`, `${base.p50.toFixed(0)} ms`, `${(base.p50 / ours.p50).toFixed(0)}×`, c.asOf ? '< 20 ms' : '< 5 ms', `${check.rows.length} rows, ${fmt(ours.bytes / 1024)} KiB`]);
}
db.close();

console.log('');
printTable(
  ['rebuild', 'median', 'ratio', 'target', 'per run'],
  [
    ['baseline: raw scan + JSON.parse + trivial fold', `${fmt(median(results.raw))} ev/s`, '', '', results.raw.map((v) => fmt(v)).join(' ')],
    ['(a) rebuildReadModels', `${fmt(median(results.rebuild))} ev/s`, `${median(results.ratio).toFixed(2)}×`, '≥ 200,000 ev/s', results.rebuild.map((v) => fmt(v)).join(' ')],
    ['baseline per CPU-second', `${fmt(median(results.rawCpu))} ev/s`, '', '', results.rawCpu.map((v) => fmt(v)).join(' ')],
    ['(a) rebuild per CPU-second', `${fmt(median(results.rebuildCpu))} ev/s`, `${median(results.ratioCpu).toFixed(2)}×`, '', results.rebuildCpu.map((v) => fmt(v)).join(' ')],
    ['(b) process RSS after the rebuild + GC', `${fmt(median(results.rss))} MB`, '', '< 300 MB', results.rss.map((v) => fmt(v)).join(' ')],
    ['    peak RSS during it (worker included)', `${fmt(median(results.maxRss))} MB`, '', '', results.maxRss.map((v) => fmt(v)).join(' ')],
  ],
);
console.log('');
printTable(['board of one track (500 subjects)', 'p50', 'p99', 'baseline p50', 'ratio', 'target p50', ''], rows);
console.log(`baseline = foldTrack + boardOf of the same track under the same cut (${QUERY_ITERATIONS} timed requests each, serialised)`);
console.log(`# machine during the rebuild runs: ${overall()}`);

const verdicts = [];
const verdict = (name, pass, detail) => verdicts.push(`${pass ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
verdict(
  `(a) rebuild of ${fmt(EVENTS)} events`,
  median(results.rebuild) >= 200_000,
  `${fmt(median(results.rebuild))} ev/s wall (target ≥ 200,000), ${median(results.ratio).toFixed(2)}× baseline; per CPU-second ${fmt(median(results.rebuildCpu))} ev/s, ${median(results.ratioCpu).toFixed(2)}× baseline's`,
);
verdict('(b) process RSS after the rebuild (peak ' + fmt(median(results.maxRss)) + ' MB during it)', median(results.rss) < 300, `${fmt(median(results.rss))} MB (target < 300 MB)`);
const live = queryResults[0];
verdict('(c) current board p50', live.ours.p50 < 5, `${live.ours.p50.toFixed(2)} ms (target < 5 ms), p99 ${live.ours.p99.toFixed(2)} ms`);
const worstAsOf = Math.max(...queryResults.filter((q) => q.asOf).map((q) => q.ours.p50));
verdict('(d) as-of / as-recorded board p50 (worst date)', worstAsOf < 20, `${worstAsOf.toFixed(2)} ms (target < 20 ms)`);
console.log('');
for (const line of verdicts) console.log(line);
cleanup();
process.exitCode = verdicts.every((line) => line.startsWith('PASS')) ? 0 : 1;
