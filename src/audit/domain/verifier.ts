import { computeEventHash, GENESIS_HASH } from '../../shared/event-store/envelope.js';
import { checkpointShapeProblem, checkpointSignatureValid, type PublicKeyInfo } from './checkpoint.js';
import { CHECKPOINT_ISSUED, CHECKPOINT_STREAM, type CheckpointIssuedData } from './checkpoint.events.js';
import { ledgerRoot, type StreamHead } from './merkle.js';

export type ProblemKind =
  | 'hash-mismatch'
  | 'broken-link'
  | 'revision-gap'
  | 'position-order'
  | 'bad-root'
  | 'bad-counts'
  | 'bad-signature'
  | 'unknown-key'
  | 'bad-checkpoint'
  | 'malformed'
  | 'unparseable'
  | 'missing-key'
  | 'bad-key';

export interface VerificationProblem {
  readonly streamId: string | null;
  readonly revision: number | null;
  readonly eventId: string | null;
  readonly position?: string;
  /** 1-based line of a bundle file. */
  readonly line?: number;
  readonly problem: ProblemKind;
  readonly detail: string;
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly streamsChecked: number;
  readonly checkpointsChecked: number;
  readonly problems: VerificationProblem[];
  /** Problems found beyond `maxProblems`, counted but not listed. */
  readonly problemsOmitted?: number;
}

export interface VerifierOptions {
  /** Keys checkpoints may be signed with; more can be added before `finish()` (a bundle names its key last). */
  readonly publicKeys?: readonly PublicKeyInfo[];
  /** False to check chains only (one stream on its own cannot prove a checkpoint's root). */
  readonly checkCheckpoints?: boolean;
  readonly maxProblems?: number;
  /**
   * How many events a checkpoint may lag behind itself (events appended between reading the head and
   * appending the checkpoint). Bounds the undo log, so memory stays constant in the number of events.
   */
  readonly maxCheckpointLag?: number;
}

/** Where an event came from, to name it in problems. */
export interface EventSource {
  readonly line?: number;
}

/** What is known of an event that could not be parsed (raw columns, or a bundle line). */
export interface UnparseableEvent {
  readonly streamId?: string;
  readonly revision?: number;
  readonly eventId?: string;
  readonly position?: string;
  readonly line?: number;
  /** The stored hash, when the part holding it could still be read. */
  readonly hash?: string;
}

interface ChainState {
  readonly revision: number;
  /** null when the event could not be parsed: the next link cannot be checked. */
  readonly hash: string | null;
}

interface UndoEntry {
  readonly position: string;
  readonly streamId: string;
  /** The stream's state before this event; undefined when this event opened the stream. */
  readonly prior: ChainState | undefined;
}

interface PendingSignature {
  readonly data: CheckpointIssuedData;
  readonly where: Omit<VerificationProblem, 'problem' | 'detail'>;
}

const CANONICAL_POSITION = /^(0|[1-9]\d*)$/;

/** Positions are canonical decimal strings: longer is larger, equal lengths compare as text. */
const comparePosition = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Verifies a ledger from its events in global order, knowing nothing of the domain: any stream and
 * event type verifies if its hashes, links, revisions and checkpoints hold. Memory is constant in
 * the number of events: per stream its last revision and hash, plus a bounded undo log that lets a
 * checkpoint be checked against the streams as of its `upTo` even when later events precede it.
 */
export class LedgerVerifier {
  private readonly chains = new Map<string, ChainState>();
  private readonly keys = new Map<string, PublicKeyInfo>();
  private readonly problems: VerificationProblem[] = [];
  private readonly pendingSignatures: PendingSignature[] = [];
  private readonly checkCheckpoints: boolean;
  private readonly maxProblems: number;
  private readonly maxLag: number;
  private omitted = 0;
  private eventsChecked = 0;
  private checkpointsChecked = 0;
  private ledgerEvents = 0;
  private ledgerStreams = 0;
  private lastPosition: string | undefined;
  private undo: UndoEntry[] = [];
  private undoStart = 0;
  /** Highest position whose undo entry was dropped for lack of room (not because a checkpoint covered it). */
  private droppedUpTo: string | undefined;
  private lastCheckpointUpTo: string | undefined;
  private finished = false;

  constructor(options: VerifierOptions = {}) {
    for (const key of options.publicKeys ?? []) this.keys.set(key.keyId, key);
    this.checkCheckpoints = options.checkCheckpoints ?? true;
    this.maxProblems = options.maxProblems ?? 1000;
    this.maxLag = options.maxCheckpointLag ?? 100_000;
  }

  addPublicKey(key: PublicKeyInfo): void {
    this.keys.set(key.keyId, key);
  }

  report(problem: VerificationProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
    else this.omitted++;
  }

  /** An event whose stored form could not be parsed: named, and its stream's chain resumes after it. */
  unparseable(event: UnparseableEvent, detail: string): void {
    this.eventsChecked++;
    this.report({
      streamId: event.streamId ?? null,
      revision: event.revision ?? null,
      eventId: event.eventId ?? null,
      ...(event.position !== undefined ? { position: event.position } : {}),
      ...(event.line !== undefined ? { line: event.line } : {}),
      problem: 'unparseable',
      detail,
    });
    if (event.streamId !== undefined && event.revision !== undefined && Number.isSafeInteger(event.revision)) {
      this.advance(event.streamId, { revision: event.revision, hash: event.hash ?? null }, event.position);
    }
  }

  add(event: unknown, source: EventSource = {}): void {
    this.eventsChecked++;
    const line = source.line !== undefined ? { line: source.line } : {};
    if (!isObject(event)) {
      this.report({ streamId: null, revision: null, eventId: null, ...line, problem: 'malformed', detail: 'not a JSON object' });
      return;
    }
    const { streamId, revision, eventId, type, data, metadata } = event;
    const position = typeof event.position === 'number' && Number.isSafeInteger(event.position) ? String(event.position) : event.position;
    const where = {
      streamId: typeof streamId === 'string' ? streamId : null,
      revision: typeof revision === 'number' ? revision : null,
      eventId: typeof eventId === 'string' ? eventId : null,
      ...(typeof position === 'string' ? { position } : {}),
      ...line,
    };
    const shape =
      typeof streamId !== 'string' || streamId.length === 0
        ? 'streamId is not a non-empty string'
        : typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0
          ? 'revision is not a non-negative integer'
          : typeof position !== 'string' || !CANONICAL_POSITION.test(position)
            ? 'position is not a decimal integer string'
            : typeof eventId !== 'string'
              ? 'eventId is not a string'
              : typeof type !== 'string'
                ? 'type is not a string'
                : data === undefined
                  ? 'data is missing'
                  : !isObject(metadata)
                    ? 'metadata is not an object'
                    : undefined;
    if (shape !== undefined) {
      this.report({ ...where, problem: 'malformed', detail: shape });
      return;
    }
    const streamIdS = streamId as string;
    const revisionN = revision as number;
    const positionS = position as string;
    const meta = metadata as Record<string, unknown>;

    if (this.lastPosition !== undefined && comparePosition(positionS, this.lastPosition) <= 0) {
      this.report({ ...where, problem: 'position-order', detail: `position ${positionS} does not follow position ${this.lastPosition}` });
    }

    let computed: string | undefined;
    try {
      computed = computeEventHash({ streamId: streamIdS, revision: revisionN, eventId: eventId as string, type: type as string, data, metadata: meta });
    } catch (error) {
      this.report({ ...where, problem: 'malformed', detail: `no canonical form: ${(error as Error).message}` });
    }
    const storedHash = meta.hash;
    if (computed !== undefined && storedHash !== computed) {
      this.report({
        ...where,
        problem: 'hash-mismatch',
        detail: typeof storedHash === 'string' ? `stored hash ${storedHash}, recomputed ${computed}` : `metadata.hash is missing; recomputed ${computed}`,
      });
    }

    const prior = this.chains.get(streamIdS);
    const expected = prior === undefined ? 0 : prior.revision + 1;
    let gap = false;
    if (revisionN !== expected) {
      gap = true;
      this.report({
        ...where,
        problem: 'revision-gap',
        detail:
          prior === undefined
            ? `stream starts at revision ${revisionN}, not 0`
            : revisionN > expected
              ? `revision ${revisionN} follows revision ${prior.revision}: ${revisionN - expected === 1 ? `revision ${expected} is` : `revisions ${expected}..${revisionN - 1} are`} missing`
              : `revision ${revisionN} follows revision ${prior.revision}: out of order or repeated`,
      });
    }
    const expectedPrev = revisionN === 0 ? GENESIS_HASH : !gap && prior !== undefined ? prior.hash : null;
    if (expectedPrev !== null && meta.prevHash !== expectedPrev) {
      this.report({
        ...where,
        problem: 'broken-link',
        detail:
          revisionN === 0
            ? `prevHash ${String(meta.prevHash)} at revision 0 is not ${GENESIS_HASH}`
            : `prevHash ${String(meta.prevHash)} is not the hash of revision ${revisionN - 1} (${expectedPrev})`,
      });
    }

    this.advance(streamIdS, { revision: revisionN, hash: typeof storedHash === 'string' ? storedHash : (computed ?? null) }, positionS);

    if (this.checkCheckpoints && streamIdS === CHECKPOINT_STREAM && type === CHECKPOINT_ISSUED) {
      this.checkpoint(data, positionS, where);
    }
  }

  private advance(streamId: string, state: ChainState, position: string | undefined): void {
    const prior = this.chains.get(streamId);
    this.chains.set(streamId, state);
    if (position !== undefined && CANONICAL_POSITION.test(position)) {
      if (this.lastPosition === undefined || comparePosition(position, this.lastPosition) > 0) this.lastPosition = position;
    }
    if (streamId === CHECKPOINT_STREAM) return;
    this.ledgerEvents++;
    if (prior === undefined) this.ledgerStreams++;
    if (!this.checkCheckpoints || position === undefined) return;
    this.undo.push({ position, streamId, prior });
    if (this.undo.length - this.undoStart > this.maxLag) this.droppedUpTo = this.undo[this.undoStart++]!.position;
    this.compactUndo();
  }

  private compactUndo(): void {
    if (this.undoStart > 4096 && this.undoStart * 2 > this.undo.length) {
      this.undo = this.undo.slice(this.undoStart);
      this.undoStart = 0;
    }
  }

  private checkpoint(data: unknown, position: string, where: Omit<VerificationProblem, 'problem' | 'detail'>): void {
    this.checkpointsChecked++;
    const shape = checkpointShapeProblem(data);
    if (shape !== undefined) {
      this.report({ ...where, problem: 'bad-checkpoint', detail: `checkpoint data: ${shape}` });
      return;
    }
    const checkpoint = data as CheckpointIssuedData;
    this.pendingSignatures.push({ data: checkpoint, where });
    const upTo = checkpoint.upTo.replace(/^0+(?=\d)/, '');
    if (comparePosition(upTo, position) > 0) {
      this.report({ ...where, problem: 'bad-checkpoint', detail: `covers up to position ${upTo}, beyond its own position ${position}` });
      return;
    }
    if (this.lastCheckpointUpTo !== undefined && comparePosition(upTo, this.lastCheckpointUpTo) < 0) {
      this.report({ ...where, problem: 'bad-checkpoint', detail: `covers up to position ${upTo}, before the previous checkpoint's ${this.lastCheckpointUpTo}` });
      return;
    }
    if (this.droppedUpTo !== undefined && comparePosition(this.droppedUpTo, upTo) > 0) {
      this.report({
        ...where,
        problem: 'bad-checkpoint',
        detail: `covers up to position ${upTo}, more than ${this.maxLag} events before itself: too far back to check`,
      });
      return;
    }

    // Roll back, newest first, every event after upTo: the oldest prior state of a stream wins.
    const overlay = new Map<string, ChainState | undefined>();
    let laterEvents = 0;
    let laterStreams = 0;
    for (let i = this.undo.length - 1; i >= this.undoStart && comparePosition(this.undo[i]!.position, upTo) > 0; i--) {
      const entry = this.undo[i]!;
      overlay.set(entry.streamId, entry.prior);
      laterEvents++;
      if (entry.prior === undefined) laterStreams++;
    }
    const eventCount = this.ledgerEvents - laterEvents;
    const streamCount = this.ledgerStreams - laterStreams;
    const heads: StreamHead[] = [];
    for (const [streamId, current] of this.chains) {
      if (streamId === CHECKPOINT_STREAM) continue;
      const state = overlay.has(streamId) ? overlay.get(streamId) : current;
      if (state !== undefined) heads.push({ streamId, lastRevision: state.revision, lastHash: state.hash ?? '' });
    }
    if (checkpoint.eventCount !== eventCount || checkpoint.streamCount !== streamCount) {
      this.report({
        ...where,
        problem: 'bad-counts',
        detail: `claims ${checkpoint.eventCount} events in ${checkpoint.streamCount} streams up to position ${upTo}; the log has ${eventCount} events in ${streamCount} streams`,
      });
    }
    const root = ledgerRoot(heads);
    if (root !== checkpoint.root) {
      this.report({ ...where, problem: 'bad-root', detail: `root ${checkpoint.root} is not the Merkle root up to position ${upTo} (${root})` });
    }

    this.lastCheckpointUpTo = upTo;
    while (this.undoStart < this.undo.length && comparePosition(this.undo[this.undoStart]!.position, upTo) <= 0) this.undoStart++;
    this.compactUndo();
  }

  finish(): VerificationReport {
    if (!this.finished) {
      this.finished = true;
      for (const { data, where } of this.pendingSignatures) {
        const key = this.keys.get(data.keyId);
        if (key === undefined) {
          const known = [...this.keys.keys()];
          this.report({
            ...where,
            problem: 'unknown-key',
            detail: `signed by key ${data.keyId}; ${known.length === 0 ? 'no public key is known' : `known keys: ${known.join(', ')}`}`,
          });
        } else if (!checkpointSignatureValid(data, key)) {
          this.report({ ...where, problem: 'bad-signature', detail: `signature does not verify with key ${data.keyId}` });
        }
      }
      this.problems.sort(problemOrder);
    }
    return {
      ok: this.problems.length === 0 && this.omitted === 0,
      eventsChecked: this.eventsChecked,
      streamsChecked: this.chains.size,
      checkpointsChecked: this.checkpointsChecked,
      problems: this.problems,
      ...(this.omitted > 0 ? { problemsOmitted: this.omitted } : {}),
    };
  }
}

/** Log order: by line, else by position; problems naming neither (a bundle's missing key) last. */
const problemOrder = (a: VerificationProblem, b: VerificationProblem): number => {
  if (a.line !== undefined || b.line !== undefined) return (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
  if (a.position !== undefined && b.position !== undefined) return comparePosition(a.position, b.position);
  return a.position !== undefined ? -1 : b.position !== undefined ? 1 : 0;
};

/** Verifies events given in global order, from any source. */
export const verifyEvents = async (
  events: AsyncIterable<unknown> | Iterable<unknown>,
  options: VerifierOptions = {},
): Promise<VerificationReport> => {
  const verifier = new LedgerVerifier(options);
  for await (const event of events) verifier.add(event);
  return verifier.finish();
};
