// Issue 5 item 6: verify over 1M hash-chained events (10,000 streams, a signed checkpoint at the
// end) at >= 150,000 events/s (wall clock, verifyStore as the CLI and POST /audit/verify call it:
// on a SQLite file the hashing runs on one worker thread per core), next to two one-thread floors
// measured in the same run:
//   raw floor:  scan + JSON.parse + canonicalize (JCS) + SHA-256 of every event, no checks at all
//               (what the full path costs);
//   fast floor: scan + SHA-256 of the hash input rebuilt from the stored canonical text, no checks
//               (what the fast path cannot go below).
//
//   node --expose-gc bench/audit/verify.bench.mjs [--quick] [--runs=N] [--events=N]
//
// The store is generated once (every event sealed as handleCommand seals it, data and metadata
// stored as canonical text as validateAppend stores them) and cached under os.tmpdir(), keyed by
// GENERATOR_VERSION and the event count; delete the directory to regenerate.
import { createHash, randomUUID, hash as digest } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { Verdicts, closeStore, cpuMeter, fmt, gc, importDist, load, makeEvent, median, parseArgs, printTable } from '../lib/bench-kit.mjs';

/** Bump when the generated store changes shape (2: canonical stored text). */
const GENERATOR_VERSION = 2;
const flags = parseArgs();
const eventsArg = process.argv.find((arg) => arg.startsWith('--events='));
const EVENTS = eventsArg ? Number(eventsArg.slice('--events='.length)) : flags.quick ? 100_000 : 1_000_000;
const STREAMS = 10_000;
const BATCH = 10_000;
const TARGET = 150_000;
const runs = flags.runs ?? 3;

const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { sealMetadata, canonicalJson, hashInputFromCanonicalText, GENESIS_HASH } = await importDist('shared/event-store/envelope.js');
const { verifyStore } = await importDist('audit/application/verify-ledger.query.js');
const { issueCheckpoint } = await importDist('audit/application/issue-checkpoint.command.js');
const { loadOrCreateSigningKey } = await importDist('audit/infrastructure/signing-key.js');

const dir = join(tmpdir(), `norms-bench-verify-v${GENERATOR_VERSION}-${EVENTS}`);
const file = join(dir, 'ledger.sqlite');

/** Real chains: every event sealed as handleCommand seals it, inserted raw in big transactions. */
const generate = async () => {
  const started = process.hrtime.bigint();
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const signer = loadOrCreateSigningKey({ dataDir: partial, signingKeyFile: undefined });
  const store = new SqliteEventStore({ file: join(partial, 'ledger.sqlite'), synchronous: 'NORMAL' });
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
      insert.run(streamId, revision, eventId, type, canonicalJson(data), canonicalJson(sealed));
    }
  });
  for (let from = 0; from < EVENTS; from += BATCH) insertBatch(from, Math.min(from + BATCH, EVENTS));
  await issueCheckpoint(
    { store, clock: { now: () => new Date() }, ids: { uuid: () => randomUUID() }, signer },
    { principal: 'bench', correlationId: 'bench' },
  );
  db.pragma('wal_checkpoint(TRUNCATE)');
  await closeStore(store);
  renameSync(partial, dir);
  return Number(process.hrtime.bigint() - started) / 1e9;
};

/** CPU seconds this process used since `since` (all its threads: GC helpers included). */
const cpuSeconds = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

const SCAN = 'SELECT position, stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position';

/** The full path's floor: the work every parsing verifier must do per event, and nothing else. */
const measureRaw = () => {
  const db = new Database(file, { readonly: true });
  const scan = db.prepare(SCAN).raw();
  gc();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let count = 0;
  let checksum = 0;
  for (const row of scan.iterate()) {
    const data = JSON.parse(row[5]);
    const { hash: _hash, ...metadata } = JSON.parse(row[6]);
    const digestBytes = createHash('sha256')
      .update(canonicalize({ streamId: row[1], revision: row[2], eventId: row[3], type: row[4], data, metadata }))
      .digest();
    checksum += digestBytes[0];
    count++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuRate = count / cpuSeconds(cpu);
  db.close();
  return { count, checksum, rate: count / seconds, cpuRate };
};

/** The fast path's floor: scan, cut the hash member out of the metadata text, rebuild the input, SHA-256. */
const measureFast = () => {
  const db = new Database(file, { readonly: true });
  const scan = db.prepare(SCAN).raw();
  gc();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let count = 0;
  let matches = 0;
  for (const row of scan.iterate()) {
    const metadata = row[6];
    const at = metadata.indexOf('"hash":"');
    const unsealed = metadata.charCodeAt(at - 1) === 0x2c ? metadata.slice(0, at - 1) + metadata.slice(at + 73) : `{${metadata.slice(at + 74)}`;
    const input = hashInputFromCanonicalText(row[1], row[2], row[3], row[4], row[5], unsealed);
    if (digest('sha256', input, 'hex') === metadata.slice(at + 8, at + 72)) matches++;
    count++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuRate = count / cpuSeconds(cpu);
  db.close();
  return { count, matches, rate: count / seconds, cpuRate };
};

const measureVerify = async (publicKey) => {
  const store = new SqliteEventStore({ file });
  const passes = [];
  gc();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const report = await verifyStore(store, [publicKey], undefined, { onPass: (pass) => passes.push(pass) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuRate = report.eventsChecked / cpuSeconds(cpu);
  await closeStore(store);
  if (!report.ok || report.checkpointsChecked !== 1) throw new Error(`verify failed on an untouched ledger: ${JSON.stringify(report).slice(0, 500)}`);
  return { count: report.eventsChecked, rate: report.eventsChecked / seconds, cpuRate, heapMb: process.memoryUsage().heapUsed / 2 ** 20, passes: passes.join(' → ') };
};

console.log(`# verify: ${fmt(EVENTS)} hash-chained events in ${fmt(STREAMS)} streams + 1 signed checkpoint`);
console.log(`# ${runs} runs${flags.quick ? ' (--quick)' : ''}; load average at start ${load()}`);
console.log(`# ${availableParallelism()} cores available: verify may use a worker thread per core (at most 4); both floors run on one thread`);
if (existsSync(file)) console.log(`# reusing ${dir} (generator v${GENERATOR_VERSION}; delete it to regenerate)`);
else console.log(`# generated ${dir} in ${(await generate()).toFixed(1)} s (sealing every event, canonical text, raw INSERTs)`);
const { publicKey } = loadOrCreateSigningKey({ dataDir: dir, signingKeyFile: undefined });

// An untimed pass of each, so that none pays for pulling the store into the page cache.
measureRaw();
const check = measureFast();
if (check.matches !== check.count) throw new Error(`fast floor: only ${check.matches} of ${check.count} stored hashes matched`);
console.log(`# verify's passes: ${(await measureVerify(publicKey)).passes}`);

const results = { raw: [], fast: [], verify: [], ratioRaw: [], ratioFast: [], rawCpu: [], fastCpu: [], verifyCpu: [] };
const overall = cpuMeter();
for (let run = 0; run < runs; run++) {
  const meter = cpuMeter();
  // Rotate the order so that no side always runs first (or last) on a machine whose load drifts.
  const order = [0, 1, 2].map((i) => (i + run) % 3);
  const measured = {};
  for (const which of order) {
    if (which === 0) measured.raw = measureRaw();
    else if (which === 1) measured.fast = measureFast();
    else measured.verify = await measureVerify(publicKey);
  }
  const { raw, fast, verify } = measured;
  results.raw.push(raw.rate);
  results.fast.push(fast.rate);
  results.verify.push(verify.rate);
  results.ratioRaw.push(verify.rate / raw.rate);
  results.ratioFast.push(verify.rate / fast.rate);
  results.rawCpu.push(raw.cpuRate);
  results.fastCpu.push(fast.cpuRate);
  results.verifyCpu.push(verify.cpuRate);
  console.log(
    `  run ${run + 1}: raw floor ${fmt(raw.rate)} ev/s, fast floor ${fmt(fast.rate)} ev/s, verify ${fmt(verify.rate)} ev/s (per CPU-second: ${fmt(raw.cpuRate)}, ${fmt(fast.cpuRate)}, ${fmt(verify.cpuRate)}), heap after ${verify.heapMb.toFixed(0)} MB  [${meter()}]`,
  );
}

console.log('');
printTable(
  ['', 'median ev/s', 'verify ÷ this', 'per run (ev/s)', 'median ev per CPU-s'],
  [
    ['raw floor: scan + parse + JCS + sha256', fmt(median(results.raw)), `${median(results.ratioRaw).toFixed(2)}×`, results.raw.map((v) => fmt(v)).join(' '), fmt(median(results.rawCpu))],
    ['fast floor: scan + sha256 of the rebuilt input', fmt(median(results.fast)), `${median(results.ratioFast).toFixed(2)}×`, results.fast.map((v) => fmt(v)).join(' '), fmt(median(results.fastCpu))],
    ['verify (hashes, links, revisions, checkpoint)', fmt(median(results.verify)), '', results.verify.map((v) => fmt(v)).join(' '), fmt(median(results.verifyCpu))],
  ],
);

const verdicts = new Verdicts();
verdicts.check(
  `verify over ${fmt(EVENTS)} events ≥ ${fmt(TARGET)} ev/s`,
  median(results.verify) / TARGET,
  1,
  `${fmt(median(results.verify))} ev/s; ${median(results.ratioRaw).toFixed(2)}× the raw floor, ${median(results.ratioFast).toFixed(2)}× the fast floor`,
);
console.log(`# machine during the measured runs: ${overall()}`);
console.log('# the verdict is on wall-clock ev/s; ev per CPU-second is what this process got done per second of its own CPU, all its threads counted (a loaded machine inflates both)');
verdicts.finish();
