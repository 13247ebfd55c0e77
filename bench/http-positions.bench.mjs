// Issue 3 item 6: HTTP throughput of POST /norms/:id/positions over 1,000 norms at 32 connections,
// against the real server (`node dist/main.js`, SQLite WAL + synchronous=FULL, clerk token, rate
// limits off), next to a bare NestJS/Fastify app with the same DTO and global validation pipe and no
// store (bench/http/bare-server.mjs), both measured in the same run with autocannon in this process.
//
//   node --expose-gc bench/http-positions.bench.mjs [--quick] [--runs=N] [--seconds=S] [--profile] [--no-floor] [--synchronous=NORMAL]
//
// --profile profiles the ledger's main thread during the measured runs (bench/http/profiled-main.mjs)
// and prints where its CPU time went; the .cpuprofile stays in data/ for Chrome DevTools.
// Each run also measures a floor (--no-floor skips it): the bare app whose route seals the event and
// durably appends it to the ledger's own SQLite store, and does nothing else (bench/http/floor-server.mjs).
// It prices durability and the hash chain alone, which no ledger can go below, next to the target's 0.6×.
// bench/http/command-path.mjs measures the same command without HTTP (through the command bus).
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, fmt, load, makeTempDir, median, parseArgs, printTable } from './lib/bench-kit.mjs';
import { cpuAccount, formatAccount, freePort, hammer, seedTrack, startServer } from './http/http-kit.mjs';
import { summarizeProfile } from './http/profile-summary.mjs';

const flags = parseArgs();
const extra = process.argv.slice(2);
const secondsFlag = extra.find((arg) => arg.startsWith('--seconds='));
const profile = extra.includes('--profile');
const floor = !extra.includes('--no-floor');
// Diagnosis only (what the fsync costs): the targets are defined for FULL.
const synchronous = extra.find((arg) => arg.startsWith('--synchronous='))?.slice('--synchronous='.length) ?? 'FULL';
if (!['FULL', 'NORMAL'].includes(synchronous)) throw new RangeError('--synchronous must be FULL or NORMAL');
const SECONDS = secondsFlag ? Number(secondsFlag.slice('--seconds='.length)) : flags.quick ? 4 : 12;
const WARMUP_SECONDS = flags.quick ? 1 : 3;
const runs = flags.runs ?? (flags.quick ? 2 : 3);
const NORMS = 1000;
const CONNECTIONS = 32;
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 50;
const TOKEN = 'bench-clerk-token-0123456789abcdef';
const TRACK = 'bench';
const SESSION = 'bench-s1';

if (!(Number.isFinite(SECONDS) && SECONDS > 0)) throw new RangeError('--seconds must be a positive number');

const { dir } = makeTempDir('http');
const ledgerPort = await freePort();
const barePort = await freePort();
const floorPort = floor ? await freePort() : undefined;
const ledgerEnv = {
  ...process.env,
  PORT: String(ledgerPort),
  HOST: '127.0.0.1',
  LEDGER_STORE: 'sqlite',
  LEDGER_DATA_DIR: join(dir, 'ledger'),
  LEDGER_TOKENS: `clerk:${TOKEN}`,
  LEDGER_SQLITE_SYNCHRONOUS: synchronous,
  LEDGER_RATE_LIMIT_PER_ADDRESS: '0',
  LEDGER_RATE_LIMIT_PER_TOKEN: '0',
  LOG_LEVEL: 'warn',
};
delete ledgerEnv.LEDGER_TOKENS_FILE;
delete ledgerEnv.LEDGER_CORS_ORIGINS;

let profileDir;
let ledgerArgs = [join(REPO_ROOT, 'dist/main.js')];
if (profile) {
  profileDir = join(REPO_ROOT, 'data', `cpu-profile-${Date.now()}`);
  mkdirSync(profileDir, { recursive: true });
  ledgerArgs = [join(REPO_ROOT, 'bench/http/profiled-main.mjs')];
}

console.log(`# POST /norms/:id/positions over ${NORMS} norms, ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${runs} runs${flags.quick ? ' (--quick)' : ''}`);
console.log(`# ledger: node ${profile ? 'dist/main.js with an IPC-driven CPU profiler (bench/http/profiled-main.mjs)' : 'dist/main.js'}, SQLite WAL synchronous=${synchronous}${synchronous === 'FULL' ? '' : ' (DIAGNOSIS ONLY: the targets are for FULL)'} in ${dir}, clerk token, rate limits off`);
console.log('# baseline: bare NestJS + Fastify, StatePositionDto + LedgerValidationPipe, 201, no store/auth (bench/http/bare-server.mjs)');
if (floor) console.log(`# floor: the baseline app whose route also seals the event (JCS + SHA-256 chain) and appends it to SqliteEventStore, WAL synchronous=${synchronous}; nothing else (bench/http/floor-server.mjs)`);
console.log(`# client: autocannon in this process; load average at start ${load()}`);

const ledger = await startServer('ledger', ledgerArgs, ledgerEnv, { ipc: profile });
const bare = await startServer('bare', [join(REPO_ROOT, 'bench/http/bare-server.mjs')], { ...process.env, PORT: String(barePort) });
const floorServer = floor
  ? await startServer('floor', [join(REPO_ROOT, 'bench/http/floor-server.mjs')], { ...process.env, PORT: String(floorPort), DATA_DIR: dir, SYNCHRONOUS: synchronous })
  : undefined;

const ledgerBase = `http://127.0.0.1:${ledgerPort}`;
const normId = (i) => `n-${String(i).padStart(4, '0')}`;

/** A track with 2 parties (an agency and a delegate each), a held session and 1,000 norms, through the API. */
const seed = async () => {
  const started = Date.now();
  await seedTrack({ base: ledgerBase, token: TOKEN, trackId: TRACK, sessionId: SESSION, norms: NORMS, normId });
  return (Date.now() - started) / 1000;
};

const TEXT = 'Supports the draft, on the understanding that the 9,000-troop threshold applies per exercise.';
let sent = 0;
/** Rotates the norms and the two parties; every statementId is new. */
const nextPosition = () => {
  const n = sent++;
  const party = n & 1 ? 'cn' : 'us';
  return {
    path: `/norms/${normId(n % NORMS)}/positions`,
    body: JSON.stringify({
      statementId: `st-${n}`,
      partyId: party,
      delegateId: `${party}-d1`,
      stance: n % 3 === 0 ? 'reserves' : 'supports',
      text: TEXT,
      channel: 'oral',
      sessionId: SESSION,
      agendaItemId: 'item-2',
    }),
  };
};

const targets = {
  ledger: { url: ledgerBase, pid: ledger.pid, headers: { authorization: `Bearer ${TOKEN}` } },
  bare: { url: `http://127.0.0.1:${barePort}`, pid: bare.pid, headers: { authorization: `Bearer ${TOKEN}` } },
  ...(floor ? { floor: { url: `http://127.0.0.1:${floorPort}`, pid: floorServer.pid, headers: { authorization: `Bearer ${TOKEN}` } } } : {}),
};
const sides = floor ? ['bare', 'floor', 'ledger'] : ['bare', 'ledger'];
const measure = async (key, seconds) => {
  const account = cpuAccount(targets[key].pid);
  const result = await hammer({ url: targets[key].url, connections: CONNECTIONS, seconds, headers: targets[key].headers, nextRequest: nextPosition });
  const cpu = account();
  // Server CPU per request: unlike req/s, it barely moves when other processes take the cores.
  return { ...result, cpu, cpuMsPerRequest: (cpu.server * cpu.seconds * 1000) / result.total };
};
const describe = (r) =>
  `${fmt(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, server CPU ${r.cpuMsPerRequest.toFixed(3)} ms/req, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts} [${formatAccount(r.cpu)}]`;

let exitCode = 0;
try {
  const seeded = await seed();
  console.log(`# seeded 1 track, 2 parties, 1 held session, ${NORMS} norms through the API in ${seeded.toFixed(1)} s`);

  for (const key of sides) {
    const warm = await measure(key, WARMUP_SECONDS);
    console.log(`  warm-up ${key}: ${describe(warm)}`);
  }

  if (profile) await ledger.request({ type: 'profile-start' }, 'profile-started');
  const results = { bare: [], floor: [], ledger: [], ratio: [], floorRatio: [], cpuRatio: [] };
  for (let run = 0; run < runs; run++) {
    // Alternate the order so that a slow phase of the machine does not always hit the same side.
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    const perRun = {};
    for (const key of order) perRun[key] = await measure(key, SECONDS);
    results.bare.push(perRun.bare);
    results.ledger.push(perRun.ledger);
    results.ratio.push(perRun.ledger.rps / perRun.bare.rps);
    results.cpuRatio.push(perRun.bare.cpuMsPerRequest / perRun.ledger.cpuMsPerRequest);
    if (floor) {
      results.floor.push(perRun.floor);
      results.floorRatio.push(perRun.floor.rps / perRun.bare.rps);
    }
    console.log(`  run ${run + 1}: bare    ${describe(perRun.bare)}`);
    if (floor) console.log(`  run ${run + 1}: floor   ${describe(perRun.floor)}`);
    console.log(`  run ${run + 1}: ledger  ${describe(perRun.ledger)}`);
  }
  if (profile) await ledger.request({ type: 'profile-stop', file: join(profileDir, 'ledger-main.cpuprofile') }, 'profile-written');

  console.log('');
  const row = (label, rs, ratio, target) => [
    label,
    fmt(median(rs.map((r) => r.rps))),
    median(rs.map((r) => r.p50)).toFixed(1),
    median(rs.map((r) => r.p99)).toFixed(1),
    rs.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    median(rs.map((r) => r.cpuMsPerRequest)).toFixed(3),
    median(rs.map((r) => r.cpu.server)).toFixed(2),
    median(rs.map((r) => r.cpu.others)).toFixed(2),
    ratio,
    target,
    rs.map((r) => fmt(r.rps)).join(' '),
  ];
  printTable(
    ['', 'median req/s', 'p50 ms', 'p99 ms', 'non-2xx+err', 'server CPU ms/req', 'server cores', 'others cores', 'ratio', 'target', 'per run (req/s)'],
    [
      row('bare NestJS + validation', results.bare, '', '', ''),
      ...(floor ? [row('floor: + sealed durable append', results.floor, `${median(results.floorRatio).toFixed(2)}×`, 'none (diagnosis)')] : []),
      row('ledger POST positions', results.ledger, `${median(results.ratio).toFixed(2)}×`, `≥ ${TARGET_RATIO}×, p99 < ${TARGET_P99_MS} ms`),
    ],
  );
  console.log('ratio = median of per-run ratios (each run measures bare and ledger back to back); latency = medians of per-run p50/p99');
  console.log(`CPU-bound ratio (bare server CPU per request / ledger's, median per run): ${median(results.cpuRatio).toFixed(2)}×, what the req/s ratio tends to when the server alone is the bottleneck`);
  console.log('"others cores" = CPU used by processes other than the server under test and autocannon (other engineers, builds)');

  const ratio = median(results.ratio);
  const p99 = median(results.ledger.map((r) => r.p99));
  const failures = results.ledger.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
  const verdicts = [
    [ratio >= TARGET_RATIO, `ledger throughput: ${ratio.toFixed(2)}× bare (target ≥ ${TARGET_RATIO}×); ${fmt(median(results.ledger.map((r) => r.rps)))} vs ${fmt(median(results.bare.map((r) => r.rps)))} req/s`],
    [p99 < TARGET_P99_MS, `ledger p99 latency: ${p99.toFixed(1)} ms (target < ${TARGET_P99_MS} ms)`],
    [failures === 0, `ledger answered every request 201: ${failures} non-2xx, errors or timeouts (target 0)`],
  ];
  console.log('');
  for (const [pass, line] of verdicts) console.log(`${pass ? 'PASS' : 'FAIL'} ${line}`);
  if (verdicts.some(([pass]) => !pass)) exitCode = 1;
} catch (error) {
  console.error(`bench failed: ${error.stack ?? error}\nledger output:\n${ledger.output()}`);
  exitCode = 2;
} finally {
  await Promise.all([ledger.stop(), bare.stop(), ...(floorServer ? [floorServer.stop()] : [])]);
}

if (profileDir) {
  const files = readdirSync(profileDir).filter((file) => file.endsWith('.cpuprofile'));
  console.log('');
  if (files.length === 0) console.log(`# no profile was written to ${profileDir}`);
  for (const file of files) {
    const lines = summarizeProfile(join(profileDir, file), {
      top: 30,
      byCount: true,
      inclusive: [
        'decideAndAppend@handle-command', 'readStream@sqlite-event-store', 'toRecorded@sqlite-event-store', 'flush@sqlite-event-store',
        'loadSessionFacts', 'requireTrackFacts', 'fold@handle-command', 'sealMetadata', 'transform@validation', 'check@access-control', 'applyBatch@projector',
      ],
    });
    for (const line of lines) console.log(`# ${line}`);
  }
}
process.exitCode = exitCode;
