import { availableParallelism } from 'node:os';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { CHECKPOINT_ISSUED, CHECKPOINT_STREAM } from '../domain/checkpoint.events.js';
import type { PublicKeyInfo } from '../domain/checkpoint.js';
import { LedgerVerifier, type StoredEventText, type VerificationReport } from '../domain/verifier.js';
import { type CheckpointSigner, SIGNING_KEY, trustedPublicKeys } from '../infrastructure/signing-key.js';
import { checkRangesInParallel } from '../infrastructure/sqlite-range-check.js';
import { parseRaw, rawEventPages, storedTextProblem } from './ledger-source.js';
import { VerificationGate } from './verification-gate.js';

/** Called every `PROGRESS_EVERY` events with the number checked so far. */
export type ProgressListener = (eventsChecked: number) => void;
export const PROGRESS_EVERY = 1000;

/** Which pass a report comes from: across worker threads, the fast path on one thread, or the full path. */
export type VerifyPass = 'parallel' | 'fast' | 'full';

export interface ParallelVerifyOptions {
  /** Below this many positions up to the last checkpoint, one thread is faster than starting workers. */
  readonly minEvents?: number;
  /** Worker threads; fewer than 2 means one thread. Default: the cores available, at most 4. */
  readonly threads?: number;
  /** Positions per chunk handed to a worker. Default: an eighth of each worker's share, at least 10,000. */
  readonly chunkSize?: number;
}

export interface VerifyStoreOptions {
  /** False forces the full path (parse + canonicalize + SHA-256) for every event. */
  readonly fastPath?: boolean;
  /** The fast path across worker threads (SQLite files only); false keeps it on one thread. */
  readonly parallel?: ParallelVerifyOptions | false;
  /** Told as each pass begins; the report comes from the last one. */
  readonly onPass?: (pass: VerifyPass) => void;
}

export const PARALLEL_MIN_EVENTS = 50_000;

/** The `upTo` of the last checkpoint at or before `head`, if any: how far the fast path may go. */
const lastCheckpointUpTo = async (store: EventStore, head: string): Promise<string | undefined> => {
  let recent: RecordedEvent[];
  try {
    recent = await store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 4 });
  } catch {
    // No checkpoint stream, or a damaged checkpoint row the port cannot parse: no fast path, and the
    // full path names the damage.
    return undefined;
  }
  const within = recent.find((event) => event.type === CHECKPOINT_ISSUED && BigInt(event.position) <= BigInt(head));
  const upTo = (within?.data as { upTo?: unknown } | undefined)?.upTo;
  return typeof upTo === 'string' && /^\d{1,30}$/.test(upTo) ? upTo.replace(/^0+(?=\d)/, '') : undefined;
};

/** One stored event on the verifier's fast path, or parsed onto its full path. */
const addRaw = (verifier: LedgerVerifier, raw: StoredEventText): void => {
  if (verifier.addStoredText(raw)) return;
  const parsed = parseRaw(raw);
  if (!parsed.ok) {
    verifier.unparseable(parsed.hash !== undefined ? { ...raw, hash: parsed.hash } : raw, parsed.detail);
    return;
  }
  verifier.add(parsed.event);
  const problem = storedTextProblem(raw, parsed.event);
  if (problem !== undefined) verifier.report({ streamId: raw.streamId, revision: raw.revision, eventId: raw.eventId, position: raw.position, problem: 'not-canonical', detail: problem });
};

/** Calls back every PROGRESS_EVERY events, and with the final count. */
const progressCounter = (onProgress: ProgressListener | undefined): { add(events: number): void; done(): void } => {
  let count = 0;
  let next = PROGRESS_EVERY;
  return {
    add: (events) => {
      count += events;
      if (onProgress !== undefined && count >= next) {
        onProgress(count);
        next = count + PROGRESS_EVERY;
      }
    },
    done: () => onProgress?.(count),
  };
};

const verifyPass = async (
  store: EventStore,
  head: string | null,
  publicKeys: readonly PublicKeyInfo[],
  onProgress: ProgressListener | undefined,
  fastUpTo: string | undefined,
): Promise<{ report: VerificationReport; verifier: LedgerVerifier }> => {
  const verifier = new LedgerVerifier(fastUpTo !== undefined ? { publicKeys, fastUpTo } : { publicKeys });
  const progress = progressCounter(onProgress);
  for await (const page of rawEventPages(store, { upTo: head })) {
    for (const raw of page) addRaw(verifier, raw);
    progress.add(page.length);
  }
  progress.done();
  return { report: verifier.finish(), verifier };
};

/** Every checkpoint's upTo, where the workers must end their runs; undefined if the checkpoints cannot be read. */
const checkpointCuts = async (store: EventStore): Promise<number[] | undefined> => {
  try {
    const cuts: number[] = [];
    for (const event of await store.readStream(CHECKPOINT_STREAM)) {
      const upTo = (event.data as { upTo?: unknown }).upTo;
      // An upTo that is no position is a bad checkpoint, which the verifier names.
      if (typeof upTo === 'string' && /^\d{1,15}$/.test(upTo)) cuts.push(Number(upTo));
    }
    return cuts;
  } catch {
    return undefined;
  }
};

/**
 * The fast pass with the hashing spread over worker threads: positions up to `fastUpTo` are
 * checked in chunks by the workers (see checkRangesInParallel), each chunk coming back as runs the
 * verifier stitches onto its chains in position order, with the checkpoint rows between them; the
 * rest of the log follows on this thread. The verifier ends up exactly where the one-thread fast
 * pass would, so a clean report is that pass's report. 'cannot-check': a worker met a row the fast
 * path does not take, so the one-thread fast pass must decide; 'damaged': the pass is not clean.
 */
const parallelPass = async (
  store: EventStore,
  file: string,
  head: string,
  fastUpTo: string,
  publicKeys: readonly PublicKeyInfo[],
  onProgress: ProgressListener | undefined,
  options: { threads: number; chunkSize: number },
): Promise<VerificationReport | 'cannot-check' | 'damaged'> => {
  const cuts = await checkpointCuts(store);
  if (cuts === undefined) return 'cannot-check';
  const verifier = new LedgerVerifier({ publicKeys, fastUpTo });
  const progress = progressCounter(onProgress);
  let outcome;
  try {
    outcome = await checkRangesInParallel({
      file,
      upTo: Number(fastUpTo),
      chunkSize: options.chunkSize,
      threads: options.threads,
      cuts,
      onRows: progress.add,
      consume: (segments) => {
        for (const segment of segments) {
          if (!('run' in segment)) addRaw(verifier, segment.row);
          else if (!verifier.addCheckedRun(segment.run)) return false;
        }
        return true;
      },
    });
  } catch {
    // A worker could not run (the file went away, no thread could start): one thread can still verify.
    return 'cannot-check';
  }
  if (outcome === 'cannot-check') return 'cannot-check';
  if (outcome === 'refused') return 'damaged';
  for await (const page of rawEventPages(store, { after: fastUpTo, upTo: head })) {
    for (const raw of page) addRaw(verifier, raw);
    progress.add(page.length);
  }
  progress.done();
  const report = verifier.finish();
  return report.ok && coversPosition(verifier.checkpointedUpTo, fastUpTo) ? report : 'damaged';
};

const parallelSettings = (
  store: EventStore,
  fastUpTo: string,
  options: ParallelVerifyOptions | false | undefined,
): { file: string; threads: number; chunkSize: number } | undefined => {
  if (options === false) return undefined;
  // The workers open the raw log's file themselves: there is none for a log in memory.
  const file = store.rawLog?.().file;
  const upTo = Number(fastUpTo);
  const threads = options?.threads ?? Math.min(availableParallelism(), 4);
  if (file === undefined || threads < 2 || !Number.isSafeInteger(upTo) || upTo < Math.max(1, options?.minEvents ?? PARALLEL_MIN_EVENTS)) return undefined;
  const chunkSize = options?.chunkSize ?? Math.max(10_000, Math.ceil(upTo / (threads * 8)));
  return { file, threads, chunkSize: Math.max(1, Math.floor(chunkSize)) };
};

/**
 * Verifies the whole stored log, up to the head as it was when verification began. Events covered
 * by the last checkpoint take the verifier's fast path (the stored canonical text hashed as it is),
 * on a SQLite file with enough events spread over worker threads; the report of that pass is kept
 * only when it is clean and that checkpoint was checked. Otherwise (damage, a checkpoint that does
 * not verify, rows without canonical text) the log is verified again on the full path, so every
 * problem is named exactly as the full path names it. When the workers meet rows the fast path
 * does not take (rows written before the stores kept canonical text), the one-thread fast pass
 * decides first, as it did before there were workers.
 */
export const verifyStore = async (
  store: EventStore,
  publicKeys: readonly PublicKeyInfo[],
  onProgress?: ProgressListener,
  options: VerifyStoreOptions = {},
): Promise<VerificationReport> => {
  const head = await store.headPosition();
  const fastUpTo = head !== null && options.fastPath !== false ? await lastCheckpointUpTo(store, head) : undefined;
  if (head !== null && fastUpTo !== undefined) {
    const parallel = parallelSettings(store, fastUpTo, options.parallel);
    let outcome: VerificationReport | 'cannot-check' | 'damaged' = 'cannot-check';
    if (parallel !== undefined) {
      options.onPass?.('parallel');
      outcome = await parallelPass(store, parallel.file, head, fastUpTo, publicKeys, onProgress, parallel);
      if (typeof outcome === 'object') return outcome;
    }
    // Not clean in parallel means not clean on one thread either: the verifier was in the same state.
    if (outcome === 'cannot-check') {
      options.onPass?.('fast');
      const { report, verifier } = await verifyPass(store, head, publicKeys, onProgress, fastUpTo);
      if (report.ok && coversPosition(verifier.checkpointedUpTo, fastUpTo)) return report;
    }
  }
  options.onPass?.('full');
  return (await verifyPass(store, head, publicKeys, onProgress, undefined)).report;
};

/** Positions are canonical decimal strings: longer is larger, equal lengths compare as text. */
const coversPosition = (upTo: string | undefined, position: string): boolean =>
  upTo !== undefined && (upTo.length > position.length || (upTo.length === position.length && upTo >= position));

export class VerifyLedgerQuery extends Query<VerificationReport> {}

/**
 * POST /audit/verify. Requests share runs (VerificationGate.shared): one arriving while a run is
 * under way waits for it, then shares the next run with every request that arrived meanwhile, so
 * however many auditors ask at once, one verification runs at a time, and each report still covers
 * every event appended before its request.
 */
@QueryHandler(VerifyLedgerQuery)
export class VerifyLedgerHandler implements IQueryHandler<VerifyLedgerQuery, VerificationReport> {
  private readonly verify: () => Promise<VerificationReport>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SIGNING_KEY) private readonly signer: CheckpointSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(VerificationGate) gate: VerificationGate,
  ) {
    this.verify = gate.shared(() => verifyStore(this.store, trustedPublicKeys(this.config, this.signer)));
  }

  execute(): Promise<VerificationReport> {
    return this.verify();
  }
}
