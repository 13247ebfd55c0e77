// Issue 2 item 7 (c): SqliteEventStore.readAll over 1M events, each delivered parsed, against a raw
// better-sqlite3 scan of the same file that JSON.parses data and metadata of the same rows.
//
//   node --expose-gc bench/event-store-read-all.bench.mjs [--quick] [--runs=N] [--events=N]
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Verdicts, closeStore, eventBytes, cpuMeter, fmt, gc, importDist, load, makeEvent, makeTempDir, median, parseArgs, printTable } from './lib/bench-kit.mjs';

const flags = parseArgs();
const eventsArg = process.argv.find((arg) => arg.startsWith('--events='));
const EVENTS = eventsArg ? Number(eventsArg.slice('--events='.length)) : flags.quick ? 100_000 : 1_000_000;
const STREAMS = 10_000;
const BATCH = 50_000;
const runs = flags.runs ?? 3;

const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { dir, cleanup } = makeTempDir('read-all');
const file = join(dir, 'events.sqlite');

/**
 * Raw inserts in big transactions into the store's own schema, through its own connection; events
 * are built from a few templates (fresh ids, positions and revisions) so that generation stays fast.
 */
const generate = async () => {
  const started = process.hrtime.bigint();
  const store = new SqliteEventStore({ file });
  const db = store.database;
  // Room for the random-UUID event_id index: with the default 2 MB page cache, each insert misses.
  db.pragma('cache_size = -262144');
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const templates = Array.from({ length: 64 }, (_, i) => {
    const event = makeEvent(`norm-${i}`, i);
    return { type: event.type, data: JSON.stringify(event.data), metadata: event.metadata };
  });
  const insertBatch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const stream = i % STREAMS;
      const revision = Math.floor(i / STREAMS);
      const template = templates[i & 63];
      const metadata = JSON.stringify({ ...template.metadata, correlationId: crypto.randomUUID() });
      insert.run(`norm-${stream}`, revision, crypto.randomUUID(), template.type, template.data, metadata);
    }
  });
  for (let from = 0; from < EVENTS; from += BATCH) insertBatch(from, Math.min(from + BATCH, EVENTS));
  // Both sides then read the main database file rather than a WAL of hundreds of MB.
  db.pragma('wal_checkpoint(TRUNCATE)');
  await closeStore(store);
  return Number(process.hrtime.bigint() - started) / 1e9;
};

/** The baseline: one statement over the whole log, raw rows, both JSON columns parsed. */
const measureRaw = () => {
  const db = new Database(file, { readonly: true });
  const scan = db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position').raw();
  gc();
  const started = process.hrtime.bigint();
  let count = 0;
  let checksum = 0;
  for (const row of scan.iterate()) {
    const data = JSON.parse(row[5]);
    const metadata = JSON.parse(row[6]);
    checksum += row[2] + metadata.schemaVersion + data.stance.length;
    count++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return { count, checksum, rate: count / seconds };
};

const measureStore = async () => {
  const store = new SqliteEventStore({ file });
  gc();
  const started = process.hrtime.bigint();
  let count = 0;
  let checksum = 0;
  for await (const event of store.readAll()) {
    checksum += event.revision + event.metadata.schemaVersion + event.data.stance.length;
    count++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await closeStore(store);
  return { count, checksum, rate: count / seconds };
};

console.log(`# event store readAll: ${fmt(EVENTS)} events of ${eventBytes(makeEvent('norm-1', 0))} bytes (data + metadata JSON), ${fmt(STREAMS)} streams`);
console.log(`# temp file ${file}; ${runs} runs${flags.quick ? ' (--quick)' : ''}; load average at start ${load()}`);
const generationSeconds = await generate();
console.log(`# generated in ${generationSeconds.toFixed(1)} s (${fmt(EVENTS / generationSeconds)} events/s: raw INSERTs, ${fmt(BATCH)} per transaction, synchronous=FULL)`);
// A first untimed pass each, so that neither side pays for pulling the file into the page cache.
measureRaw();
await measureStore();

const results = { raw: [], store: [], ratio: [] };
const overall = cpuMeter();
for (let run = 0; run < runs; run++) {
  const meter = cpuMeter();
  const storeFirst = run % 2 === 1;
  const first = storeFirst ? await measureStore() : measureRaw();
  const second = storeFirst ? measureRaw() : await measureStore();
  const [raw, store] = storeFirst ? [second, first] : [first, second];
  if (raw.count !== EVENTS || store.count !== EVENTS || raw.checksum !== store.checksum) {
    throw new Error(`scans disagree: raw ${raw.count} rows (checksum ${raw.checksum}), store ${store.count} (checksum ${store.checksum})`);
  }
  results.raw.push(raw.rate);
  results.store.push(store.rate);
  results.ratio.push(store.rate / raw.rate);
  console.log(`  run ${run + 1}: raw ${fmt(raw.rate)} ev/s, store ${fmt(store.rate)} ev/s  [${meter()}]`);
}

console.log('');
printTable(
  ['', 'median ev/s', 'ratio', 'target', 'per run (ev/s)'],
  [
    ['baseline: raw scan + JSON.parse', fmt(median(results.raw)), '', '', results.raw.map((v) => fmt(v)).join(' ')],
    ['(c) store.readAll, parsed', fmt(median(results.store)), `${median(results.ratio).toFixed(2)}×`, '≥ 0.7×', results.store.map((v) => fmt(v)).join(' ')],
  ],
);
console.log('ratio = median of per-run ratios; generation time is not part of either figure');

const verdicts = new Verdicts();
verdicts.check(`(c) readAll over ${fmt(EVENTS)} events, parsed`, median(results.ratio), 0.7, `${fmt(median(results.store))} ev/s`);
console.log(`# machine during the measured runs: ${overall()}`);
cleanup();
verdicts.finish();
