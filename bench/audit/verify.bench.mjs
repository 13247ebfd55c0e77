// Issue 5 item 6: verify over 1M hash-chained events (10,000 streams, a signed checkpoint at the
// end) at >= 150,000 events/s, next to the raw cost measured in the same run: scan + JSON.parse +
// canonicalize (JCS) + SHA-256 of every event, with no checks at all.
//
//   node --expose-gc bench/audit/verify.bench.mjs [--quick] [--runs=N] [--events=N]
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { Verdicts, closeStore, cpuMeter, fmt, gc, importDist, load, makeEvent, makeTempDir, median, parseArgs, printTable } from '../lib/bench-kit.mjs';

const flags = parseArgs();
const eventsArg = process.argv.find((arg) => arg.startsWith('--events='));
const EVENTS = eventsArg ? Number(eventsArg.slice('--events='.length)) : flags.quick ? 100_000 : 1_000_000;
const STREAMS = 10_000;
const BATCH = 10_000;
const TARGET = 150_000;
const runs = flags.runs ?? 3;

const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { sealMetadata, GENESIS_HASH } = await importDist('shared/event-store/envelope.js');
const { verifyStore } = await importDist('audit/application/verify-ledger.query.js');
const { issueCheckpoint } = await importDist('audit/application/issue-checkpoint.command.js');
const { loadOrCreateSigningKey } = await importDist('audit/infrastructure/signing-key.js');
const { dir, cleanup } = makeTempDir('verify');
const file = join(dir, 'ledger.sqlite');
const signer = loadOrCreateSigningKey({ dataDir: dir, signingKeyFile: undefined });

/** Real chains: every event sealed as handleCommand seals it, inserted raw in big transactions. */
const generate = async () => {
  const started = process.hrtime.bigint();
  const store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
  const db = store.database;
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const last = new Map();
  const insertBatch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const streamId = `norm-${i % STREAMS}`;
      const revision = Math.floor(i / STREAMS);
      const { eventId, type, data, metadata } = makeEvent(streamId, revision);
      const { prevHash: _p, hash: _h, ...unsealed } = metadata;
      const sealed = sealMetadata({ streamId, revision, eventId, type, data, metadata: unsealed }, last.get(streamId) ?? GENESIS_HASH);
      last.set(streamId, sealed.hash);
      insert.run(streamId, revision, eventId, type, JSON.stringify(data), JSON.stringify(sealed));
    }
  });
  for (let from = 0; from < EVENTS; from += BATCH) insertBatch(from, Math.min(from + BATCH, EVENTS));
  await issueCheckpoint(
    { store, clock: { now: () => new Date() }, ids: { uuid: () => randomUUID() }, signer },
    { principal: 'bench', correlationId: 'bench' },
  );
  db.pragma('wal_checkpoint(TRUNCATE)');
  await closeStore(store);
  return Number(process.hrtime.bigint() - started) / 1e9;
};

/** The floor: the work every verifier must do per event, and nothing else. */
const measureRaw = () => {
  const db = new Database(file, { readonly: true });
  const scan = db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position').raw();
  gc();
  const started = process.hrtime.bigint();
  let count = 0;
  let checksum = 0;
  for (const row of scan.iterate()) {
    const data = JSON.parse(row[5]);
    const { hash: _hash, ...metadata } = JSON.parse(row[6]);
    const digest = createHash('sha256')
      .update(canonicalize({ streamId: row[1], revision: row[2], eventId: row[3], type: row[4], data, metadata }))
      .digest();
    checksum += digest[0];
    count++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return { count, checksum, rate: count / seconds };
};

const measureVerify = async () => {
  const store = new SqliteEventStore({ file });
  gc();
  const started = process.hrtime.bigint();
  const report = await verifyStore(store, [signer.publicKey]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await closeStore(store);
  if (!report.ok || report.checkpointsChecked !== 1) throw new Error(`verify failed on an untouched ledger: ${JSON.stringify(report).slice(0, 500)}`);
  return { count: report.eventsChecked, rate: report.eventsChecked / seconds, heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
};

console.log(`# verify: ${fmt(EVENTS)} hash-chained events in ${fmt(STREAMS)} streams + 1 signed checkpoint`);
console.log(`# temp file ${file}; ${runs} runs${flags.quick ? ' (--quick)' : ''}; load average at start ${load()}`);
const generationSeconds = await generate();
console.log(`# generated in ${generationSeconds.toFixed(1)} s (sealing every event, raw INSERTs)`);
measureRaw();
await measureVerify();

const results = { raw: [], verify: [], ratio: [] };
const overall = cpuMeter();
for (let run = 0; run < runs; run++) {
  const meter = cpuMeter();
  const verifyFirst = run % 2 === 1;
  const first = verifyFirst ? await measureVerify() : measureRaw();
  const second = verifyFirst ? measureRaw() : await measureVerify();
  const [raw, verify] = verifyFirst ? [second, first] : [first, second];
  results.raw.push(raw.rate);
  results.verify.push(verify.rate);
  results.ratio.push(verify.rate / raw.rate);
  console.log(`  run ${run + 1}: raw ${fmt(raw.rate)} ev/s, verify ${fmt(verify.rate)} ev/s, heap after ${verify.heapMb.toFixed(0)} MB  [${meter()}]`);
}

console.log('');
printTable(
  ['', 'median ev/s', 'ratio', 'target', 'per run (ev/s)'],
  [
    ['raw: scan + parse + JCS + sha256', fmt(median(results.raw)), '', '', results.raw.map((v) => fmt(v)).join(' ')],
    ['verify (hashes, links, revisions, checkpoint)', fmt(median(results.verify)), `${median(results.ratio).toFixed(2)}×`, `≥ ${fmt(TARGET)} ev/s`, results.verify.map((v) => fmt(v)).join(' ')],
  ],
);

const verdicts = new Verdicts();
verdicts.check(`verify over ${fmt(EVENTS)} events`, median(results.verify) / TARGET, 1, `${fmt(median(results.verify))} ev/s (${median(results.ratio).toFixed(2)}× the raw cost)`);
console.log(`# machine during the measured runs: ${overall()}`);
cleanup();
verdicts.finish();
