import { Worker } from 'node:worker_threads';
import { sqliteRawRangeWorkerSource } from '../../infrastructure/sqlite/sqlite-raw-log.js';
import { CHECKPOINT_STREAM } from '../domain/checkpoint.events.js';
import { type CheckedRun, FAST_PATH_TEXT, type StoredEventText } from '../domain/verifier.js';

/** A chunk's events in position order: runs checked in the worker, and checkpoint rows as stored, for the verifier itself. */
export type RangeSegment = { readonly run: CheckedRun } | { readonly row: StoredEventText };

export interface RangeCheckOptions {
  /** The SQLite file; each worker opens it read-only on its own connection. */
  readonly file: string;
  /** Positions 1..upTo are checked, in chunks of `chunkSize` handed to whichever worker is free. */
  readonly upTo: number;
  readonly chunkSize: number;
  readonly threads: number;
  /** Positions after which a run must end: every checkpoint's upTo, so that a checkpoint never cuts a run. */
  readonly cuts: readonly number[];
  /** Given each chunk's segments in position order, chunk after chunk; false stops the check. */
  readonly consume: (segments: readonly RangeSegment[]) => boolean;
  /** Rows scanned since the last call. */
  readonly onRows?: (rows: number) => void;
}

/**
 * checked: every chunk was consumed. cannot-check: a worker met a row the fast path does not take
 * (not canonical text, not matching its hash, a break in a chain within the chunk), which only the
 * verifier can name. refused: `consume` returned false.
 */
export type RangeCheckOutcome = 'checked' | 'cannot-check' | 'refused';

type Task = { readonly chunk: number; readonly from: number; readonly to: number } | null;
type Reply =
  | { readonly rows: number }
  | { readonly chunk: number; readonly rows: number; readonly segments: RangeSegment[] }
  | { readonly chunk: number; readonly rows: number; readonly cannotCheck: number }
  | { readonly chunk: number; readonly rows: number; readonly aborted: true };

/**
 * Plain JavaScript run with `eval`: a worker cannot load this project's TypeScript under the test
 * runner, so it requires nothing but Node built-ins, and reads the store through openRawRange, the
 * SQLite raw log's range read as plain JavaScript (sqliteRawRangeWorkerSource, put before it).
 * Per row it makes addStoredText's checks (flat metadata, no `,"eventId":` to split on, SHA-256 of
 * the rebuilt hash input equal to the stored hash) and, after a stream's first event in the run,
 * its revision and prevHash checks; the verifier checks each run's first events against the chains.
 * Keep unseal() here in step with the verifier's.
 */
const WORKER_BODY = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { hash: digest } = require('node:crypto');
const { cuts, checkpointStream, eventIdMember } = workerData;
const FLAT_OBJECT = new RegExp(workerData.flatObject);
const abort = new Int32Array(workerData.abort);
const PROGRESS_ROWS = 8192;
const PAGE_ROWS = 1000;
// Pages of rows, not iterate(): one call into SQLite per page instead of one per row.
const log = openRawRange(workerData.file, PAGE_ROWS);

const memberAt = (text, key) => {
  const at = text.indexOf(key);
  if (at < 0 || text.indexOf(key, at + key.length) >= 0) return -1;
  return text.charCodeAt(at + key.length) === 0x22 ? at : -1;
};

// unseal() of the verifier, written to these instead of returning an object per row.
let sealedHash = '';
let prevHash = '';
let unsealedText = '';
const unseal = (metadata) => {
  if (!FLAT_OBJECT.test(metadata)) return false;
  const at = memberAt(metadata, '"hash":');
  if (at < 0) return false;
  const close = metadata.indexOf('"', at + 8);
  sealedHash = metadata.slice(at + 8, close);
  unsealedText =
    metadata.charCodeAt(at - 1) === 0x2c
      ? metadata.slice(0, at - 1) + metadata.slice(close + 1)
      : metadata.charCodeAt(close + 1) === 0x2c
        ? '{' + metadata.slice(close + 2)
        : '{}';
  const prev = memberAt(unsealedText, '"prevHash":');
  if (prev < 0) return false;
  prevHash = unsealedText.slice(prev + 12, unsealedText.indexOf('"', prev + 12));
  return true;
};

const check = (from, to) => {
  const segments = [];
  let run;
  let k = 0;
  while (k < cuts.length && cuts[k] <= from) k++;
  let rows = 0;
  let reported = 0;
  const closeRun = () => {
    if (run === undefined) return;
    segments.push({
      run: {
        firstPosition: String(run.first),
        lastPosition: String(run.last),
        events: run.events,
        streamIds: run.streamIds,
        firstRevisions: run.firstRevisions,
        firstPrevHashes: run.firstPrevHashes,
        lastRevisions: run.lastRevisions,
        lastHashes: run.lastHashes,
      },
    });
    run = undefined;
  };
  for (let after = from; ; ) {
    if (Atomics.load(abort, 0) !== 0) return { rows: rows - reported, aborted: true };
    if (rows - reported >= PROGRESS_ROWS) {
      parentPort.postMessage({ rows: rows - reported });
      reported = rows;
    }
    const batch = log.range(after, to);
    for (let r = 0; r < batch.length; r++) {
      const row = batch[r];
      const position = row[0];
      const streamId = row[1];
      const revision = row[2];
      const eventId = row[3];
      const type = row[4];
      const data = row[5];
      const metadata = row[6];
      rows++;
      while (k < cuts.length && cuts[k] < position) {
        if (run !== undefined && cuts[k] >= run.last) closeRun();
        k++;
      }
      if (streamId === checkpointStream) {
        closeRun();
        segments.push({ row: { position: String(position), streamId, revision, eventId, type, data, metadata } });
        continue;
      }
      if (
        typeof streamId !== 'string' || typeof eventId !== 'string' || typeof type !== 'string' || typeof data !== 'string' ||
        typeof metadata !== 'string' || !Number.isSafeInteger(revision) || revision < 0 ||
        !unseal(metadata) || data.includes(eventIdMember) || unsealedText.includes(eventIdMember)
      ) {
        return { rows: rows - reported, cannotCheck: position };
      }
      const input =
        '{"data":' + data + ',"eventId":' + JSON.stringify(eventId) + ',"metadata":' + unsealedText + ',"revision":' + revision +
        ',"streamId":' + JSON.stringify(streamId) + ',"type":' + JSON.stringify(type) + '}';
      const computed = digest('sha256', input, 'hex');
      if (computed !== sealedHash) return { rows: rows - reported, cannotCheck: position };
      if (run === undefined) {
        run = { first: position, last: position, events: 0, index: new Map(), streamIds: [], firstRevisions: [], firstPrevHashes: [], lastRevisions: [], lastHashes: [] };
      }
      const i = run.index.get(streamId);
      if (i === undefined) {
        run.index.set(streamId, run.streamIds.length);
        run.streamIds.push(streamId);
        run.firstRevisions.push(revision);
        run.firstPrevHashes.push(prevHash);
        run.lastRevisions.push(revision);
        run.lastHashes.push(computed);
      } else {
        if (revision !== run.lastRevisions[i] + 1 || prevHash !== run.lastHashes[i]) return { rows: rows - reported, cannotCheck: position };
        run.lastRevisions[i] = revision;
        run.lastHashes[i] = computed;
      }
      run.events++;
      run.last = position;
    }
    if (batch.length < PAGE_ROWS) break;
    after = batch[batch.length - 1][0];
  }
  closeRun();
  return { rows: rows - reported, segments };
};

parentPort.on('message', (task) => {
  if (task === null) {
    log.close();
    parentPort.close();
    return;
  }
  parentPort.postMessage({ chunk: task.chunk, ...check(task.from, task.to) });
});
`;

let workerSource: string | undefined;
const workerSourceOf = (): string => (workerSource ??= "'use strict';\n" + sqliteRawRangeWorkerSource() + WORKER_BODY);

/**
 * Checks positions 1..upTo of a SQLite store across worker threads, each scanning the chunks it
 * is handed with its own read-only connection; the chunks' segments are consumed in position
 * order as they complete. Resolves with the outcome once every worker has exited; rejects if a
 * worker failed (the file could not be opened, ...), so that the caller can verify on one thread.
 */
export const checkRangesInParallel = (options: RangeCheckOptions): Promise<RangeCheckOutcome> => {
  const chunks: Array<readonly [number, number]> = [];
  for (let from = 0; from < options.upTo; from += options.chunkSize) chunks.push([from, Math.min(from + options.chunkSize, options.upTo)]);
  if (chunks.length === 0) return Promise.resolve('checked');
  const abort = new SharedArrayBuffer(4);
  const workerData = {
    file: options.file,
    cuts: [...options.cuts].sort((a, b) => a - b),
    checkpointStream: CHECKPOINT_STREAM,
    flatObject: FAST_PATH_TEXT.flatObject,
    eventIdMember: FAST_PATH_TEXT.eventIdMember,
    abort,
  };
  return new Promise<RangeCheckOutcome>((resolve, reject) => {
    const completed = new Map<number, RangeSegment[]>();
    let handedOut = 0;
    let consumed = 0;
    let outcome: RangeCheckOutcome | undefined;
    let failure: unknown;
    const closed = new Set<Worker>();
    const workers: Worker[] = [];
    const stop = (result: RangeCheckOutcome): void => {
      outcome ??= result;
      Atomics.store(new Int32Array(abort), 0, 1);
      for (const worker of workers) handOut(worker);
    };
    const handOut = (worker: Worker): void => {
      if (closed.has(worker)) return;
      if (outcome === undefined && handedOut < chunks.length) {
        const [from, to] = chunks[handedOut]!;
        worker.postMessage({ chunk: handedOut++, from, to } satisfies Task);
      } else {
        closed.add(worker);
        worker.postMessage(null satisfies Task);
      }
    };
    const drain = (): void => {
      while (outcome === undefined && completed.has(consumed)) {
        const segments = completed.get(consumed)!;
        completed.delete(consumed++);
        if (!options.consume(segments)) stop('refused');
      }
      if (outcome === undefined && consumed === chunks.length) stop('checked');
    };
    const count = Math.max(1, Math.min(options.threads, chunks.length));
    let running = count;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerSourceOf(), { eval: true, workerData });
      workers.push(worker);
      worker.on('message', (reply: Reply) => {
        try {
          if (reply.rows > 0) options.onRows?.(reply.rows);
          if (!('chunk' in reply)) return;
          if ('cannotCheck' in reply) stop('cannot-check');
          else if ('segments' in reply) {
            completed.set(reply.chunk, reply.segments);
            drain();
          }
          handOut(worker);
        } catch (error) {
          failure ??= error;
          stop('refused');
        }
      });
      worker.on('error', (error) => {
        failure ??= error;
        closed.add(worker);
        stop('refused');
      });
      worker.on('exit', () => {
        closed.add(worker);
        if (--running > 0) return;
        if (failure !== undefined) reject(failure instanceof Error ? failure : new Error(String(failure)));
        else if (outcome === undefined) reject(new Error('range check: every worker exited before the check was done'));
        else resolve(outcome);
      });
      handOut(worker);
    }
  });
};
