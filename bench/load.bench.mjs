// Issue 9 item 2: sustained mixed load against the real server (`node dist/main.js`, SQLite WAL,
// synchronous=FULL, rate limits off): 64 connections for 60 s, 60% POST /norms/:id/positions over 200
// norms (every statementId new), 40% GET /tracks/:id/board. Then the store is read back:
// zero 5xx, zero lost or duplicated events (201s = new events, each acknowledged eventId stored
// once, each statement once), the hash chain verifies; p50/p99 latency and throughput are reported.
// The targets are absolute (correctness under load), so there is no baseline to measure beside it.
//
//   node --expose-gc bench/load.bench.mjs [--quick] [--seconds=S] [--connections=C]
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT, fmt, load, makeTempDir, parseArgs, printTable } from './lib/bench-kit.mjs';
import { cpuAccount, formatAccount, freePort, seedTrack, startServer } from './http/http-kit.mjs';
import { closedLoop, percentile } from './load/closed-loop.mjs';

const flags = parseArgs();
const extra = process.argv.slice(2);
const numberFlag = (name, fallback) => {
  const arg = extra.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`--${name} must be a positive number`);
  return value;
};
const SECONDS = numberFlag('seconds', flags.quick ? 10 : 60);
const CONNECTIONS = numberFlag('connections', 64);
const NORMS = 200;
const COMMAND_SHARE = 0.6;
const CLERK = 'load-clerk-token-0123456789abcdef';
const AUDITOR = 'load-auditor-token-0123456789abcdef';
const TRACK = 'load';
const SESSION = 'load-s1';

const { dir } = makeTempDir('load');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  LEDGER_STORE: 'sqlite',
  LEDGER_DATA_DIR: join(dir, 'ledger'),
  LEDGER_TOKENS: `clerk:${CLERK},auditor:${AUDITOR}`,
  LEDGER_SQLITE_SYNCHRONOUS: 'FULL',
  LEDGER_RATE_LIMIT_PER_ADDRESS: '0',
  LEDGER_RATE_LIMIT_PER_TOKEN: '0',
  LOG_LEVEL: 'warn',
};
delete env.LEDGER_TOKENS_FILE;
delete env.LEDGER_CORS_ORIGINS;
delete env.LEDGER_SIGNING_KEY_FILE;

console.log(`# load: ${CONNECTIONS} connections for ${SECONDS} s${flags.quick ? ' (--quick)' : ''}: ${COMMAND_SHARE * 100}% POST positions over ${NORMS} norms, ${100 - COMMAND_SHARE * 100}% GET board`);
console.log(`# server: node dist/main.js, SQLite WAL synchronous=FULL in ${dir}, rate limits off; client: closed loop on node:http keep-alive in this process (bench/load/closed-loop.mjs); load average at start ${load()}`);

const server = await startServer('ledger', [join(REPO_ROOT, 'dist/main.js')], env);
const normId = (i) => `n-${String(i).padStart(3, '0')}`;

const seed = () => seedTrack({ base, token: CLERK, trackId: TRACK, sessionId: SESSION, norms: NORMS, normId, name: 'Load track' });

const STANCES = ['supports', 'reserves', 'opposes', 'abstains'];
const TEXT = 'Supports the draft, on the understanding that the 9,000-troop threshold applies per exercise.';
let sent = 0;
const acknowledged = [];
const commandHeaders = { 'content-type': 'application/json', authorization: `Bearer ${CLERK}` };
const queryHeaders = { authorization: `Bearer ${CLERK}` };

const nextRequest = () => {
  const n = sent++;
  if (Math.random() >= COMMAND_SHARE) return { kind: 'board', method: 'GET', path: `/tracks/${TRACK}/board`, headers: queryHeaders };
  const party = n & 1 ? 'cn' : 'us';
  const body = { statementId: `st-${n}`, partyId: party, delegateId: `${party}-d1`, stance: STANCES[n % STANCES.length], text: TEXT, channel: 'oral', sessionId: SESSION, agendaItemId: 'item-2' };
  return { kind: 'command', method: 'POST', path: `/norms/${normId(n % NORMS)}/positions`, headers: commandHeaders, body: JSON.stringify(body) };
};

const onAnswer = (request, answer) => {
  if (request.kind === 'command' && answer.status === 201) for (const event of JSON.parse(answer.body).events) acknowledged.push(event.eventId);
};

let failed = false;
const verdict = (pass, text) => {
  if (!pass) failed = true;
  return `${pass ? 'PASS' : 'FAIL'} ${text}`;
};

try {
  const seedStarted = Date.now();
  await seed();
  console.log(`# seeded 1 track, 2 parties, 1 held session, ${NORMS} norms through the API in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
  const storeFile = join(dir, 'ledger', 'ledger.sqlite');
  const eventsNow = () => {
    const db = new Database(storeFile, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT COUNT(*) FROM events').pluck().get();
    } finally {
      db.close();
    }
  };
  const before = eventsNow();

  const account = cpuAccount(server.pid);
  const result = await closedLoop({ port, connections: CONNECTIONS, seconds: SECONDS, next: nextRequest, onAnswer });
  const cpu = account();

  const verify = await fetch(`${base}/audit/verify`, { method: 'POST', headers: { authorization: `Bearer ${AUDITOR}` } }).then((r) => r.json());
  await server.stop();

  const db = new Database(storeFile, { readonly: true, fileMustExist: true });
  let after;
  let missing;
  let duplicateStatements;
  try {
    after = db.prepare('SELECT COUNT(*) FROM events').pluck().get();
    const times = db.prepare('SELECT COUNT(*) FROM events WHERE event_id = ?').pluck();
    missing = acknowledged.filter((eventId) => times.get(eventId) !== 1).length;
    duplicateStatements = db
      .prepare("SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE type = 'PositionStated' GROUP BY json_extract(data, '$.statementId') HAVING COUNT(*) > 1)")
      .pluck()
      .get();
  } finally {
    db.close();
  }

  const statuses = result.statuses;
  const all = Object.values(statuses).flatMap((byStatus) => Object.entries(byStatus));
  const fiveHundreds = all.filter(([code]) => code.startsWith('5')).reduce((sum, [, n]) => sum + n, 0);
  const total = (kind) => Object.values(statuses[kind] ?? {}).reduce((a, b) => a + b, 0);
  const commands = total('command');
  const created = statuses.command?.[201] ?? 0;
  const newEvents = after - before;
  const row = (label, kind, requests) => {
    const l = result.latencies[kind] ?? [];
    return [label, fmt(requests), fmt(requests / result.elapsed), percentile(l, 50).toFixed(1), percentile(l, 99).toFixed(1), (l[l.length - 1] ?? Number.NaN).toFixed(1), JSON.stringify(kind === 'all' ? Object.fromEntries(all.reduce((m, [c, n]) => m.set(c, (m.get(c) ?? 0) + n), new Map())) : statuses[kind] ?? {})];
  };

  console.log(`  ${formatAccount(cpu)}`);
  console.log('');
  printTable(
    ['', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'statuses'],
    [row('all', 'all', result.latencies.all.length), row('POST positions', 'command', commands), row('GET board', 'board', total('board'))],
  );
  console.log(`closed loop: ${CONNECTIONS} connections, ${result.elapsed.toFixed(1)} s including the requests in flight at the deadline; ${fmt(created / result.elapsed)} acknowledged commands/s; connection errors ${result.errors}`);
  console.log(`store: ${before} events before, ${after} after: ${newEvents} new; ${created} answered 201; verify: ok=${verify.ok}, ${verify.eventsChecked} events, ${verify.problems?.length ?? '?'} problems`);
  console.log('');
  console.log(verdict(fiveHundreds === 0 && result.errors === 0, `no 5xx, no connection errors: ${fiveHundreds} 5xx, ${result.errors} errors (target 0)`));
  console.log(verdict(created === commands, `every command acknowledged: ${created} of ${commands} POSTs answered 201`));
  console.log(verdict(newEvents === created && missing === 0, `no lost or duplicated events: ${newEvents} new events for ${created} 201s, ${missing} acknowledged eventIds not stored exactly once (target equal, 0)`));
  console.log(verdict(duplicateStatements === 0, `no statement stored twice: ${duplicateStatements} (target 0)`));
  console.log(verdict(verify.ok === true, `hash chain verifies after the load: ${verify.eventsChecked} events`));
} catch (error) {
  failed = true;
  console.error(error);
  console.error(server.output());
} finally {
  await server.stop();
  process.exitCode = failed ? 1 : 0;
}
