// Issue 2 item 7 (a) and (b): durable appends through SqliteEventStore against a raw better-sqlite3
// loop of one INSERT per transaction, both WAL + synchronous=FULL, in one temp dir on the repo's file system.
//
//   node --expose-gc bench/event-store-append.bench.mjs [--quick] [--runs=N] [--only=a,b]
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Verdicts, closeStore, eventBytes, cpuMeter, fmt, gc, importDist, load, makeEvent, makeTempDir, median, parseArgs, printTable } from './lib/bench-kit.mjs';

const flags = parseArgs();
const STREAMS = 1000;
const CALLERS = 32;
const runs = flags.runs ?? (flags.quick ? 3 : 5);
const counts = flags.quick ? { baseline: 1_500, a: 8_000, b: 1_500 } : { baseline: 8_000, a: 40_000, b: 8_000 };
const WARMUP = flags.quick ? 200 : 500;
const wanted = (key) => !flags.only || flags.only.has(key);

const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { migrate } = await importDist('infrastructure/sqlite/sqlite-schema.js');
const { dir, cleanup } = makeTempDir('append');
let fileSeq = 0;
const nextFile = (label) => join(dir, `${label}-${++fileSeq}.sqlite`);

/** One INSERT per transaction (autocommit), into the store's own schema, with its two unique indexes. */
const measureBaseline = (count) => {
  const file = nextFile('raw');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db, file);
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const revisions = new Int32Array(STREAMS).fill(-1);
  const once = (i) => {
    const stream = i % STREAMS;
    const streamId = `norm-${stream}`;
    const event = makeEvent(streamId, revisions[stream] + 1);
    insert.run(streamId, ++revisions[stream], event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
  };
  for (let i = 0; i < WARMUP; i++) once(i);
  gc();
  const started = process.hrtime.bigint();
  for (let i = WARMUP; i < WARMUP + count; i++) once(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return count / seconds;
};

/**
 * `callers` concurrent loops, each owning the streams ≡ its index (mod callers), appending one event
 * per call with the exact expected revision of the stream (no_stream for its first event).
 */
const measureStore = async (count, callers) => {
  const store = new SqliteEventStore({ file: nextFile(`store-${callers}`) });
  const revisions = new Int32Array(STREAMS).fill(-1);
  const caller = async (index, appends) => {
    let stream = index;
    for (let i = 0; i < appends; i++) {
      const streamId = `norm-${stream}`;
      const current = revisions[stream];
      await store.append(streamId, [makeEvent(streamId, current + 1)], current < 0 ? 'no_stream' : current);
      revisions[stream] = current + 1;
      stream += callers;
      if (stream >= STREAMS) stream = index;
    }
  };
  const all = (total) => Promise.all(Array.from({ length: callers }, (_, index) => caller(index, Math.ceil(total / callers))));
  await all(WARMUP);
  gc();
  const perCaller = Math.ceil(count / callers);
  const started = process.hrtime.bigint();
  await all(count);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await closeStore(store);
  return (perCaller * callers) / seconds;
};

const sample = makeEvent('norm-1', 0);
console.log(`# event store appends: ${eventBytes(sample)}-byte events (data + metadata JSON), ${STREAMS} streams, WAL, synchronous=FULL`);
console.log(`# temp dir ${dir}; ${runs} runs${flags.quick ? ' (--quick)' : ''}; load average at start ${load()}`);
console.log(`# baseline: raw better-sqlite3, one INSERT per transaction (autocommit, default wal_autocheckpoint), ${fmt(counts.baseline)} events/run`);

const results = { baseline: [], a: [], b: [], ratioA: [], ratioB: [] };
const overall = cpuMeter();
for (let run = 0; run < runs; run++) {
  const meter = cpuMeter();
  // Rotate the order so that a slow phase of the machine does not always hit the same side.
  const steps = [
    ['baseline', () => measureBaseline(counts.baseline)],
    ...(wanted('a') ? [['a', () => measureStore(counts.a, CALLERS)]] : []),
    ...(wanted('b') ? [['b', () => measureStore(counts.b, 1)]] : []),
  ];
  const rotated = [...steps.slice(run % steps.length), ...steps.slice(0, run % steps.length)];
  const perRun = {};
  for (const [key, measure] of rotated) perRun[key] = await measure();
  for (const key of Object.keys(perRun)) results[key].push(perRun[key]);
  if (perRun.a) results.ratioA.push(perRun.a / perRun.baseline);
  if (perRun.b) results.ratioB.push(perRun.b / perRun.baseline);
  console.log(
    `  run ${run + 1}: baseline ${fmt(perRun.baseline)} ev/s` +
      (perRun.a ? `, (a) ${fmt(perRun.a)} ev/s` : '') +
      (perRun.b ? `, (b) ${fmt(perRun.b)} ev/s` : '') +
      `  [${meter()}]`,
  );
}

console.log('');
const row = (label, values, ratios, target) => [
  label,
  fmt(median(values)),
  ratios ? `${median(ratios).toFixed(2)}×` : '',
  target ?? '',
  values.map((v) => fmt(v)).join(' '),
];
printTable(
  ['', 'median ev/s', 'ratio', 'target', 'per run (ev/s)'],
  [
    row('baseline: raw INSERT, 1 per tx', results.baseline),
    ...(wanted('a') ? [row(`(a) store, ${CALLERS} callers, 1 ev/append`, results.a, results.ratioA, '≥ 3×')] : []),
    ...(wanted('b') ? [row('(b) store, 1 caller, 1 ev/append', results.b, results.ratioB, '≥ 0.8×')] : []),
  ],
);
console.log('ratio = median of per-run ratios (each run measures baseline and store back to back)');

const verdicts = new Verdicts();
if (wanted('a')) verdicts.check(`(a) ${CALLERS} concurrent callers, ${STREAMS} streams`, median(results.ratioA), 3, `${fmt(median(results.a))} ev/s`);
if (wanted('b')) verdicts.check('(b) single caller', median(results.ratioB), 0.8, `${fmt(median(results.b))} ev/s`);
console.log(`# machine during the measured runs: ${overall()}`);
cleanup();
verdicts.finish();
