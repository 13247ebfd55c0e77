// Helpers shared by the *.bench.mjs files: arguments, temp files, the ~600-byte event, tables.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `--quick`, `--runs=N`, `--only=a,b`: the same flags for every bench. */
export const parseArgs = (argv = process.argv.slice(2)) => {
  const flags = { quick: false, runs: undefined, only: undefined };
  for (const arg of argv) {
    if (arg === '--quick') flags.quick = true;
    else if (arg.startsWith('--runs=')) flags.runs = Number(arg.slice('--runs='.length));
    else if (arg.startsWith('--only=')) flags.only = new Set(arg.slice('--only='.length).split(','));
  }
  if (flags.runs !== undefined && !(Number.isInteger(flags.runs) && flags.runs > 0)) {
    throw new RangeError(`--runs must be a positive integer`);
  }
  return flags;
};

/** Imports a module of the compiled app; benches measure what `npm start` runs. */
export const importDist = async (relative) => {
  const file = join(REPO_ROOT, 'dist', relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (or \`npm run bench\`)`);
  return import(pathToFileURL(file).href);
};

/**
 * A temp directory on the repo's file system (fsync cost is a property of the file system, so the
 * baseline and the store must share it). Removed on exit, including Ctrl-C.
 */
export const makeTempDir = (label) => {
  let parent = tmpdir();
  if (statSync(parent).dev !== statSync(REPO_ROOT).dev) parent = join(REPO_ROOT, 'data');
  const dir = mkdtempSync(join(parent, `norms-bench-${label}-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      cleanup();
      process.exit(code);
    });
  }
  return { dir, cleanup };
};

export const gc = () => globalThis.gc?.();

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const TEXT = 'Supports the draft, on the understanding that the 9,000-troop threshold applies per exercise.';

/**
 * A PositionStated event shaped as the ledger writes it (DESIGN §3 metadata with its hash chain):
 * about 600 bytes of data + metadata JSON. Hashes are random: these benches measure storage, not hashing.
 */
export const makeEvent = (streamId, revision) => ({
  eventId: randomUUID(),
  type: 'PositionStated',
  data: {
    normId: streamId,
    statementId: `st-${revision}`,
    partyId: 'party-cn',
    delegateId: 'delegate-cn-1',
    stance: 'supports',
    text: TEXT,
    channel: 'oral',
    sessionId: 'session-gge-13',
  },
  metadata: {
    schemaVersion: 1,
    effectiveOn: '2025-11-26',
    recordedAt: '2025-11-26T20:21:53.123Z',
    recordedBy: 'clerk@secretariat',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    prevHash: randomBytes(32).toString('hex'),
    hash: randomBytes(32).toString('hex'),
  },
});

/**
 * SqliteEventStore.close() waits for its checkpoint worker's exit, but that worker is unref'd: in a
 * plain script nothing else keeps the event loop alive and Node ends with code 13 mid-await.
 */
export const closeStore = async (store) => {
  const keepAlive = setInterval(() => {}, 1000);
  try {
    await store.close();
  } finally {
    clearInterval(keepAlive);
  }
};

export const eventBytes = (event) => Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));

export const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The machine's CPU ticks so far, all cores (undefined where /proc/stat is not readable). */
export const cpuTicks = () => {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    const ticks = fields.map(Number);
    return { total: ticks.reduce((a, b) => a + b, 0), idle: ticks[3] + ticks[4] };
  } catch {
    return undefined;
  }
};

/**
 * How busy the machine was while a bench ran, and how much of that was other processes (load
 * average counts tasks blocked in fsync, our own included, so it overstates an fsync bench's load).
 */
export const cpuMeter = () => {
  const start = cpuTicks();
  const own = process.cpuUsage();
  const wall = process.hrtime.bigint();
  return () => {
    const end = cpuTicks();
    if (!start || !end) return `load average ${load()}`;
    const cores = availableParallelism();
    const busy = 1 - (end.idle - start.idle) / (end.total - start.total);
    const used = process.cpuUsage(own);
    const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
    const ownShare = (used.user + used.system) / 1e6 / seconds / cores;
    return `CPU busy ${(busy * 100).toFixed(0)}% of ${cores} cores, of which other processes ${Math.max(0, (busy - ownShare) * 100).toFixed(0)}%; load average ${load()}`;
  };
};

/** Prints rows of cells as an aligned table; numbers right-aligned. */
export const printTable = (header, rows) => {
  const all = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, col) => Math.max(...all.map((row) => row[col]?.length ?? 0)));
  const line = (row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  console.log(line(all[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of all.slice(1)) console.log(line(row));
};

/** Collects targets and prints the closing PASS/FAIL lines; the exit code says whether all passed. */
export class Verdicts {
  #lines = [];
  #failed = false;

  check(name, ratio, target, detail) {
    const pass = ratio >= target;
    if (!pass) this.#failed = true;
    this.#lines.push(`${pass ? 'PASS' : 'FAIL'} ${name}: ${ratio.toFixed(2)}× baseline (target ≥ ${target}×)${detail ? `; ${detail}` : ''}`);
  }

  finish() {
    console.log('');
    for (const line of this.#lines) console.log(line);
    process.exitCode = this.#failed ? 1 : 0;
  }
}

/** A deterministic PRNG (mulberry32): generators give the same store for the same seed. */
export const rng = (seed) => () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Draws from `random` (rng): `pick`, one item of a list; `words`, min to max - 1 words of `vocabulary`, space-separated. */
export const drawing = (random, vocabulary) => {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const words = (min, max) => {
    const n = min + Math.floor(random() * (max - min));
    const out = [];
    for (let i = 0; i < n; i++) out.push(pick(vocabulary));
    return out.join(' ');
  };
  return { pick, words };
};

/** The day `n` days after `day` (YYYY-MM-DD). */
export const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * A generated store, cached at `file`: reused as it is when it exists, else written by
 * `write(partial)` to `<file>.partial` (emptied of any earlier attempt) and moved into place once
 * `write` has closed it, so an interrupted generation is never reused. Returns
 * {file, generated, seconds} and whatever `write` returns.
 */
export const cachedStore = async (file, write) => {
  if (existsSync(file)) return { file, generated: false, seconds: 0 };
  const started = process.hrtime.bigint();
  const partial = `${file}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  const extra = await write(partial);
  for (const suffix of ['-wal', '-shm']) rmSync(partial + suffix, { force: true });
  renameSync(partial, file);
  return { file, generated: true, seconds: Number(process.hrtime.bigint() - started) / 1e9, ...extra };
};
