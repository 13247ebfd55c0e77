// Diagnosis for issue 4 item 7(a) (not a target, so not a *.bench.mjs): the floor of a rebuild that
// keeps a bitemporal index of one row per event, on one thread. It scans the 1M-event bench store as
// the baseline does (rawScan: raw rows, both JSON columns parsed, a trivial fold) and writes one versions row
// per event (stream, effective date, recorded time, "known to", and the event's own data JSON standing
// in for a state, so no fold and no serialisation), in 10,000-row transactions, journal and sync off:
//   - heap:     no index (a table nothing can be asked of);
//   - key:      the (stream, effective_from, known_from) key an as-of probe needs, kept while loading;
//   - deferred: the same key built once the rows are in (what the rebuild does with its indexes).
// Whatever a real rebuild adds (folding, state JSON, closing versions in transaction time, the live
// tables, the events it keeps for cut queries) comes on top of this.
//
//   node bench/read-models/floor.mjs [--events=N]      # the store is generated and cached as by read-models.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fmt } from '../lib/bench-kit.mjs';
import { ensureStore, rawScan } from './generate.mjs';

const eventsArg = process.argv.find((arg) => arg.startsWith('--events='));
const EVENTS = eventsArg ? Number(eventsArg.slice('--events='.length)) : 1_000_000;
const store = await ensureStore(EVENTS, (line) => console.log(line));
const dir = mkdtempSync(join(tmpdir(), 'norms-bench-rebuild-floor-'));

const KEY = 'stream_id, effective_from, known_from';
const COLUMNS = 'stream_id TEXT NOT NULL, effective_from TEXT NOT NULL, known_from TEXT NOT NULL, known_to TEXT NOT NULL, state TEXT NOT NULL';
const variants = {
  heap: { table: `(${COLUMNS})` },
  key: { table: `(${COLUMNS}, PRIMARY KEY (${KEY})) WITHOUT ROWID` },
  deferred: { table: `(${COLUMNS})`, after: `CREATE INDEX versions_key ON versions (${KEY})` },
};

const measure = (name) => {
  const { table, after } = variants[name];
  const source = new Database(store.file, { readonly: true });
  const out = new Database(join(dir, `${name}-${Date.now()}.sqlite`));
  out.pragma('journal_mode = OFF');
  out.pragma('synchronous = OFF');
  out.exec(`CREATE TABLE versions ${table}`);
  const insert = out.prepare('INSERT OR REPLACE INTO versions VALUES (?, ?, ?, ?, ?)');
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  out.exec('BEGIN');
  const count = rawScan(source, (row, metadata, n) => {
    insert.run(row[1], metadata.effectiveOn, metadata.recordedAt, '9999-12-31T23:59:59.999Z', row[5]);
    if (n % 10_000 === 0) out.exec('COMMIT; BEGIN');
  });
  out.exec('COMMIT');
  if (after !== undefined) out.exec(after);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  source.close();
  out.close();
  console.log(`${name.padEnd(8)} ${fmt(Math.round(count / seconds)).padStart(9)} ev/s wall, ${fmt(Math.round(count / ((used.user + used.system) / 1e6))).padStart(9)} ev per CPU-second (${fmt(count)} events)`);
};

console.log(`# rebuild floor on one thread: scan + parse + one versions row per event (${store.file})`);
try {
  for (let run = 0; run < 2; run++) for (const name of Object.keys(variants)) measure(name);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
