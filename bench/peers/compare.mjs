// Issue 9 item 4: the same workload on Emmett's SQLite event store and on ours, in one run.
// Position statements appended one per command (read the stream, fold, decide, append with the
// expected version) to 1,000 streams, with 1 and with 8 commands in flight; after the 1-in-flight
// phase every stream is read and folded, one at a time. Durable settings on both:
// ours SqliteEventStore synchronous=FULL (WAL); Emmett 0.38.5 opens a new sqlite3 connection per
// operation with journal_mode=WAL and no synchronous pragma, so the driver's default applies, which
// this bench reads back and prints (sqlite3 5.1.7 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=2 = FULL).
// Emmett's options offer no hook to set pragmas on the connections it opens.
//
//   npm run bench:peers                 # builds dist, installs bench/peers deps if missing, runs this
//   node bench/peers/compare.mjs [--quick] [--runs=N] [--per-stream=K] [--concurrency=C] [--phase-seconds=S]
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CommandHandler } from '@event-driven-io/emmett';
import { getSQLiteEventStore, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import { closeStore, fmt, importDist, load, makeTempDir, median, parseArgs, printTable, Verdicts } from '../lib/bench-kit.mjs';

const flags = parseArgs();
const extra = process.argv.slice(2);
const numberFlag = (name, fallback) => {
  const arg = extra.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`--${name} must be a positive integer`);
  return value;
};
const STREAMS = 1000;
const PER_STREAM = numberFlag('per-stream', flags.quick ? 1 : 2);
const CONCURRENCY = numberFlag('concurrency', 8);
const runs = flags.runs ?? (flags.quick ? 1 : 3);
/**
 * No new command after this many seconds of a concurrent phase (twice as long with 1 in flight, so
 * that Emmett's log is complete for the fold): a store that stalls still ends the run, and the rate
 * counts what completed.
 */
const PHASE_SECONDS = numberFlag('phase-seconds', flags.quick ? 15 : 30);
const capOf = (limit) => (limit === 1 ? 2 : 1) * PHASE_SECONDS;

const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { handleCommand, fold, readStreamOrEmpty } = await importDist('shared/event-store/handle-command.js');
const { systemClock, randomIds } = await importDist('shared/event-store/clock.js');

/** The position decider both stores run: refuse a statement id twice, keep each party's latest stance. */
const decider = {
  initialState: () => ({ statements: new Set(), stances: {}, count: 0 }),
  decide: (command, state) => {
    if (state.statements.has(command.data.statementId)) throw new Error(`statement ${command.data.statementId} already recorded`);
    return [{ type: 'PositionStated', data: command.data }];
  },
  evolve: (state, event) => {
    if (event.type !== 'PositionStated') return state;
    state.statements.add(event.data.statementId);
    return { statements: state.statements, stances: { ...state.stances, [event.data.partyId]: event.data.stance }, count: state.count + 1 };
  },
};

const TEXT = 'Supports the draft, on the understanding that the 9,000-troop threshold applies per exercise.';
const streamId = (i) => `norm-n${String(i).padStart(4, '0')}`;
const positionOf = (i, k) => ({
  normId: `n${String(i).padStart(4, '0')}`,
  statementId: `st-${i}-${k}`,
  partyId: k % 2 === 0 ? 'us' : 'cn',
  delegateId: k % 2 === 0 ? 'us-d1' : 'cn-d1',
  stance: k % 3 === 0 ? 'reserves' : 'supports',
  text: TEXT,
  channel: 'oral',
  sessionId: 'gge-13',
});

/** One command per task, `limit` in flight; failures are counted by code, never retried. */
const runCommands = async (execute, limit) => {
  const tasks = [];
  for (let k = 0; k < PER_STREAM; k++) for (let i = 0; i < STREAMS; i++) tasks.push([i, k]);
  let next = 0;
  let ok = 0;
  const failures = {};
  const samples = {};
  const started = process.hrtime.bigint();
  const deadline = Date.now() + capOf(limit) * 1000;
  await Promise.all(
    Array.from({ length: limit }, async (_, worker) => {
      while (next < tasks.length && Date.now() < deadline) {
        const [i, k] = tasks[next++];
        try {
          await execute(streamId(i), positionOf(i, k), worker);
          ok++;
        } catch (error) {
          const code = error?.code ?? error?.name ?? 'Error';
          failures[code] = (failures[code] ?? 0) + 1;
          samples[code] ??= String(error?.message ?? error).slice(0, 120);
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ok, failures, samples, seconds, perSecond: ok / seconds, attempted: next };
};

const runFold = async (foldStream) => {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < STREAMS; i++) events += await foldStream(streamId(i));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, seconds, perSecond: events / seconds };
};

const sides = {
  async ours(dir, limit) {
    const store = new SqliteEventStore({ file: join(dir, 'ours.sqlite'), synchronous: 'FULL' });
    const deps = { store, clock: systemClock, ids: randomIds };
    try {
      const append = await runCommands(
        (id, data) =>
          handleCommand(deps, {
            decider,
            streamId: id,
            subject: id,
            expectation: 'any',
            command: () => ({ data, effectiveOn: '2026-02-10' }),
            context: { principal: 'bench', correlationId: randomUUID() },
          }),
        limit,
      );
      const folded = limit === 1 ? await runFold(async (id) => fold(decider, await readStreamOrEmpty(store, id)).count) : undefined;
      return { append, folded, synchronous: String(store.database.pragma('synchronous', { simple: true })) };
    } finally {
      await closeStore(store);
    }
  },
  async emmett(dir, limit) {
    const fileName = join(dir, 'emmett.sqlite');
    // One store instance per command in flight: an instance shares one connection between the
    // operations in flight and closes it when the first finishes, so 8 concurrent commands on one
    // instance fail with SQLITE_MISUSE (measured: 1,000 of 1,000). Separate instances are what several
    // app instances or a pool would be: separate connections on one file (no busy_timeout is set).
    const stores = Array.from({ length: limit }, () => getSQLiteEventStore({ fileName, schema: { autoMigration: 'CreateOrUpdate' } }));
    const store = stores[0];
    const handle = CommandHandler({ evolve: decider.evolve, initialState: decider.initialState });
    // Emmett's withTransaction console.logs every failed transaction (SQLITE_BUSY); counted, not printed.
    const log = console.log;
    let logged = 0;
    console.log = () => void logged++;
    try {
      const append = await runCommands((id, data, worker) => handle(stores[worker], id, (state) => decider.decide({ data }, state)), limit);
      const folded = limit === 1 ? await runFold(async (id) => (await store.aggregateStream(id, { evolve: decider.evolve, initialState: decider.initialState })).state.count) : undefined;
      return { append, folded, synchronous: await emmettSynchronous(fileName), logged };
    } finally {
      console.log = log;
    }
  },
};

/** What a connection opened the way Emmett opens it reports for PRAGMA synchronous (0 OFF, 1 NORMAL, 2 FULL). */
const emmettSynchronous = async (fileName) => {
  const connection = sqliteConnection({ fileName });
  try {
    const row = await connection.querySingle('PRAGMA synchronous');
    return String(row.synchronous);
  } finally {
    connection.close();
  }
};

const SYNC_NAMES = { 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' };
const failuresText = (f, samples = {}) => Object.entries(f).map(([code, n]) => `${code} ×${n}${samples[code] ? ` ("${samples[code]}")` : ''}`).join(', ') || '0';

console.log(`# peers: ${STREAMS} streams × ${PER_STREAM} position statements, one per command (read, fold, decide, append at the expected version), then every stream folded`);
console.log(`# modes: 1 command in flight, and ${CONCURRENCY} in flight; at most ${capOf(1)} s (1 in flight) and ${capOf(CONCURRENCY)} s (${CONCURRENCY} in flight) of commands per phase; ${runs} run(s), sides alternated; load average at start ${load()}`);
console.log('# ours: SqliteEventStore (dist) + handleCommand (hash chain sealed per event), WAL synchronous=FULL');
console.log('# Emmett: @event-driven-io/emmett-sqlite 0.38.5 + @event-driven-io/emmett 0.38.5 CommandHandler, sqlite3 5.1.7, WAL, driver-default synchronous; one store instance per command in flight');

const results = { 1: { ours: [], emmett: [] }, [CONCURRENCY]: { ours: [], emmett: [] } };
const { dir: root } = makeTempDir('peers');
let phase = 0;
for (let run = 0; run < runs; run++) {
  for (const limit of [1, CONCURRENCY]) {
    const order = run % 2 === 0 ? ['emmett', 'ours'] : ['ours', 'emmett'];
    for (const side of order) {
      const dir = join(root, `${side}-${phase++}`);
      mkdirSync(dir);
      const r = await sides[side](dir, limit);
      rmSync(dir, { recursive: true, force: true });
      results[limit][side].push(r);
      const lost = r.append.attempted - r.append.ok;
      console.log(
        `  run ${run + 1}, ${limit} in flight, ${side.padEnd(6)}: append ${fmt(r.append.perSecond)} events/s (${r.append.ok} ok in ${r.append.seconds.toFixed(2)} s, failed: ${failuresText(r.append.failures, r.append.samples)}), ` +
          `${r.append.attempted < STREAMS * PER_STREAM ? `stopped at the ${capOf(limit)} s cap after ${r.append.attempted} commands, ` : ''}` +
          (r.folded ? `fold ${fmt(r.folded.perSecond)} events/s (${r.folded.events} events), folded = appended: ${r.folded.events === r.append.ok ? 'yes' : `NO (${r.folded.events} vs ${r.append.ok})`}, ` : '') +
          `synchronous ${SYNC_NAMES[r.synchronous] ?? r.synchronous}${lost ? `, ${lost} commands failed` : ''}${r.logged ? `, ${r.logged} failed transactions logged by Emmett` : ''}`,
      );
    }
  }
}

console.log('');
const rows = [];
const verdicts = new Verdicts();
for (const limit of [1, CONCURRENCY]) {
  const ours = results[limit].ours;
  const emmett = results[limit].emmett;
  const med = (rs, pick) => median(rs.map(pick));
  const appendRatio = med(ours, (r) => r.append.perSecond) / med(emmett, (r) => r.append.perSecond);
  const ratioText = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a (Emmett recorded nothing)');
  if (!Number.isFinite(appendRatio)) verdicts.check(`appends/s vs Emmett, ${limit} in flight: Emmett recorded nothing`, 1, 1);
  const folds = limit === 1;
  const foldRatio = folds ? med(ours, (r) => r.folded.perSecond) / med(emmett, (r) => r.folded.perSecond) : Number.NaN;
  const failed = (rs) => rs.reduce((sum, r) => sum + (r.append.attempted - r.append.ok), 0);
  const foldCell = (rs) => (folds ? fmt(med(rs, (r) => r.folded.perSecond)) : '');
  rows.push([`Emmett SQLite, ${limit} in flight`, fmt(med(emmett, (r) => r.append.perSecond)), foldCell(emmett), failed(emmett), '', '']);
  rows.push([`ours, ${limit} in flight`, fmt(med(ours, (r) => r.append.perSecond)), foldCell(ours), failed(ours), ratioText(appendRatio), folds ? ratioText(foldRatio) : '']);
  if (Number.isFinite(appendRatio)) verdicts.check(`appends/s vs Emmett, ${limit} in flight`, appendRatio, 1, 'baseline = Emmett in the same run');
  if (folds) verdicts.check('fold events/s vs Emmett (every stream read and folded, one at a time)', foldRatio, 1, 'baseline = Emmett in the same run');
  const ourFailures = failed(ours);
  if (ourFailures > 0) verdicts.check(`ours: every command recorded (${ourFailures} failed)`, 0, 1);
}
printTable(['', 'append events/s', 'fold events/s', 'failed commands', 'append ratio', 'fold ratio'], rows);
console.log('medians of the runs; ratio = ours / Emmett; failed commands summed over the runs (never retried)');
console.log(`load average at end ${load()}`);
verdicts.finish();
