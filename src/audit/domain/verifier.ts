import { hash as digest } from 'node:crypto';
import { computeEventHash, GENESIS_HASH, hashInputFromCanonicalText } from '../../shared/event-store/envelope.js';
import { plural } from '../../shared/plural.js';
import { checkpointShapeProblem, checkpointSignatureValid, extraCheckpointKeys, type PublicKeyInfo } from './checkpoint.js';
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
  | 'not-canonical'
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

/** What a report covered: `11 events in 5 streams, 2 checkpoints`. */
export const countsOf = (report: Pick<VerificationReport, 'eventsChecked' | 'streamsChecked' | 'checkpointsChecked'>): string =>
  `${plural(report.eventsChecked, 'event')} in ${plural(report.streamsChecked, 'stream')}, ${plural(report.checkpointsChecked, 'checkpoint')}`;

/** Every problem a report found: those it lists and those it left out. */
export const problemCountOf = (report: Pick<VerificationReport, 'problems' | 'problemsOmitted'>): number => report.problems.length + (report.problemsOmitted ?? 0);

/** One line naming a problem: where (bundle line, stream and revision, event, position), then what broke. */
export const describeProblem = (problem: VerificationProblem): string => {
  const where = [
    problem.line !== undefined ? `line ${problem.line}` : undefined,
    problem.streamId !== null ? `${problem.streamId}${problem.revision !== null ? ` revision ${problem.revision}` : ''}` : undefined,
    problem.eventId !== null ? `event ${problem.eventId}` : undefined,
    problem.position !== undefined ? `position ${problem.position}` : undefined,
  ].filter((part) => part !== undefined);
  return `${where.length > 0 ? `${where.join(', ')}: ` : ''}${problem.problem}: ${problem.detail}`;
};

export interface VerificationReport {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly streamsChecked: number;
  readonly checkpointsChecked: number;
  readonly problems: VerificationProblem[];
  /** Problems found beyond `maxProblems`, counted but not listed. */
  readonly problemsOmitted?: number;
  /** Bundles only: the keyIds whose signatures on checkpoints verified, sorted. */
  readonly signedBy?: readonly string[];
  /**
   * The signed coverage: the `upTo` of the last checkpoint whose root, counts and signature all
   * hold (null when none does), as a position of this log (for a checkpoint made before the ledger
   * moved to a store of other positions, that of the last event it covers), and how many events
   * (checkpoints not counted) come after it, covered by no checkpoint. Nothing but an outside copy
   * of a checkpoint shows that such events, or the last checkpoint itself, were not deleted.
   */
  readonly signedUpTo?: string | null;
  readonly unsignedEvents?: number;
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
  /**
   * Events at or before this position may take the fast path (see addStoredText): set it to the
   * `upTo` of the last checkpoint of the log, and trust a report that uses it only when it is ok and
   * a checkpoint covering that position was checked (`checkpointedUpTo`).
   */
  readonly fastUpTo?: string;
}

/** One stored event as text, exactly as stored (a store row, or the parts of a bundle line). */
export interface StoredEventText {
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/**
 * Consecutive events checked elsewhere (a worker thread) exactly as addStoredText checks each one,
 * summed up per stream: every event matched its hash over its stored canonical text and, after the
 * first of its stream in the run, continued that stream's revisions and links. What is left to
 * check here is how each stream's first event in the run continues its chain before the run. One
 * entry per stream, in parallel arrays.
 */
export interface CheckedRun {
  readonly firstPosition: string;
  readonly lastPosition: string;
  readonly events: number;
  readonly streamIds: readonly string[];
  readonly firstRevisions: readonly number[];
  readonly firstPrevHashes: readonly string[];
  readonly lastRevisions: readonly number[];
  readonly lastHashes: readonly string[];
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

/** A stream's head, one object per stream, updated in place (no allocation per event). */
interface ChainState {
  readonly streamId: string;
  revision: number;
  /** null when the event could not be parsed: the next link cannot be checked. */
  hash: string | null;
}

type HeadState = Pick<ChainState, 'revision' | 'hash'>;

interface PendingSignature {
  readonly data: CheckpointIssuedData;
  readonly where: Omit<VerificationProblem, 'problem' | 'detail'>;
  /** Set once its root and counts hold: the events (checkpoints not counted) up to its upTo. */
  coveredEvents?: number;
  /** Set with coveredEvents: the position, in this log, of the last event it covers. */
  upTo?: string;
}

/** The log as it stood at a position: what a checkpoint with that upTo must claim. */
interface Cut {
  readonly upTo: string;
  readonly eventCount: number;
  readonly streamCount: number;
  readonly root: string;
}

const cutHolds = (cut: Cut | { readonly problem: string }, checkpoint: CheckpointIssuedData): cut is Cut =>
  !('problem' in cut) && cut.root === checkpoint.root && cut.eventCount === checkpoint.eventCount && cut.streamCount === checkpoint.streamCount;

const CANONICAL_POSITION = /^(0|[1-9]\d*)$/;

/** Positions are canonical decimal strings: longer is larger, equal lengths compare as text. */
const comparePosition = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * A flat JSON object of scalars whose strings hold no escape and no control character: every `"`
 * in it delimits a string, so a key found by text search is a top-level key. Stored metadata has
 * this shape; anything else takes the full path.
 */
const FLAT_STRING = '"[^"\\\\\\u0000-\\u001f]*"';
const FLAT_VALUE = `(?:${FLAT_STRING}|-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null)`;
const FLAT_MEMBER = `${FLAT_STRING}:${FLAT_VALUE}`;
const FLAT_OBJECT = new RegExp(`^\\{(?:${FLAT_MEMBER}(?:,${FLAT_MEMBER})*)?\\}$`);

/** The top-level separator before eventId in the hash input; see addStoredText for why it is searched for. */
const EVENT_ID_MEMBER = ',"eventId":';

/** What addStoredText's text checks are made of, for a checker that runs where this module cannot be loaded (a worker thread). */
export const FAST_PATH_TEXT = { flatObject: FLAT_OBJECT.source, eventIdMember: EVENT_ID_MEMBER } as const;

interface Unsealed {
  readonly hash: string;
  readonly prevHash: string;
  /** The metadata text without its `hash` member. */
  readonly text: string;
}

/** The value of the one string member `key` of flat metadata, or undefined if absent, repeated or not a string. */
const memberAt = (text: string, key: string): number => {
  const at = text.indexOf(key);
  if (at < 0 || text.indexOf(key, at + key.length) >= 0) return -1;
  return text.charCodeAt(at + key.length) === 0x22 ? at : -1;
};

/** Splits stored metadata text into its hash, its prevHash and the text the hash covers; undefined if not flat. */
const unseal = (metadata: string): Unsealed | undefined => {
  if (!FLAT_OBJECT.test(metadata)) return undefined;
  const at = memberAt(metadata, '"hash":');
  if (at < 0) return undefined;
  const close = metadata.indexOf('"', at + 8);
  const hash = metadata.slice(at + 8, close);
  // The member goes with the comma before it, or, when first, with the comma after it.
  const text =
    metadata.charCodeAt(at - 1) === 0x2c
      ? metadata.slice(0, at - 1) + metadata.slice(close + 1)
      : metadata.charCodeAt(close + 1) === 0x2c
        ? `{${metadata.slice(close + 2)}`
        : '{}';
  const prev = memberAt(text, '"prevHash":');
  if (prev < 0) return undefined;
  const prevHash = text.slice(prev + 12, text.indexOf('"', prev + 12));
  return { hash, prevHash, text };
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Verifies a ledger from its events in global order, knowing nothing of the domain: any stream and
 * event type verifies if its hashes, links, revisions and checkpoints hold. Memory is constant in
 * the number of events: per stream its last revision and hash, plus a bounded undo log that lets a
 * checkpoint be checked against the streams as of its `upTo` even when later events precede it.
 */
export class LedgerVerifier {
  private readonly chains = new Map<string, ChainState>();
  private readonly verifiedSigners = new Set<string>();
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
  // The undo log, one slot per event in parallel arrays (no object per event, so nothing
  // long-lived is allocated per event): its position, its stream, the stream's revision (-1: this
  // event opened the stream) and hash before it, and how many events the slot stands for (1, or a
  // stream's events in a checked run, whose slot takes the run's last position).
  private undoPositions: string[] = [];
  private undoStates: ChainState[] = [];
  private undoRevisions: number[] = [];
  private undoHashes: Array<string | null> = [];
  private undoWeights: number[] = [];
  private undoStart = 0;
  /** Events the undo log holds from undoStart on. */
  private undoEvents = 0;
  /** First and last positions of the checked runs a checkpoint may still roll back: a checkpoint's upTo must not cut one. */
  private runSpans: Array<readonly [string, string]> = [];
  /** Highest position whose undo entry was dropped for lack of room (not because a checkpoint covered it). */
  private droppedUpTo: string | undefined;
  private lastCheckpointUpTo: string | undefined;
  private finished = false;
  /** After finish(): the last checkpoint whose root, counts and signature hold. */
  private signed: { upTo: string; events: number } | undefined;
  private readonly fastUpTo: string | undefined;
  private fastEvents = 0;

  constructor(options: VerifierOptions = {}) {
    for (const key of options.publicKeys ?? []) this.keys.set(key.keyId, key);
    this.checkCheckpoints = options.checkCheckpoints ?? true;
    this.maxProblems = options.maxProblems ?? 1000;
    this.maxLag = options.maxCheckpointLag ?? 100_000;
    this.fastUpTo = options.fastUpTo !== undefined && CANONICAL_POSITION.test(options.fastUpTo) ? options.fastUpTo : undefined;
  }

  /** The `upTo` of the last checkpoint checked (its signature is checked by finish()). */
  get checkpointedUpTo(): string | undefined {
    return this.lastCheckpointUpTo;
  }

  /** How many events the fast path accepted. */
  get fastPathEvents(): number {
    return this.fastEvents;
  }

  /**
   * The fast path: hashes the stored text as it is, arranged as the hash input, with nothing parsed.
   * Returns false, having recorded nothing, whenever the event must take the full path (add): past
   * `fastUpTo`, a checkpoint, anything out of order, a broken link, text that is not canonical
   * (rows written before the stores kept canonical text), and every damaged event.
   *
   * Why a match proves what the full path proves: the input is `{"data":D,"eventId":E,"metadata":M,
   * "revision":R,"streamId":S,"type":T}` with E, S, T from JSON.stringify and R digits. If its
   * SHA-256 is the hash the chain and a signed checkpoint commit to, it is (SHA-256 being collision
   * resistant) the very string the writer hashed, the JCS text of the event it sealed. Could the
   * same string split into different parts? D ends where the literal `,"eventId":` begins; E, R, S
   * and T are single tokens, fixed from either end. A split anywhere else needs `,"eventId":` inside
   * D or M, which we refuse; so D and M are the sealed canonical texts and parse to the sealed
   * values. M is flat (FLAT_OBJECT), so the hash and prevHash found by text search are its top-level
   * members. What vouches that the writer hashed canonical text is the checkpoint: issueCheckpoint
   * checks every event it newly covers on the full path before signing, and the chain links and the
   * signed root tie each covered event's hash to that moment. Events after the last checkpoint
   * (`fastUpTo`) are vouched for by nothing but their own hash, so they take the full path; so does
   * everything when the caller cannot trust the signer (an unpinned bundle key).
   */
  addStoredText(event: StoredEventText): boolean {
    const fastUpTo = this.fastUpTo;
    if (fastUpTo === undefined || event.streamId === CHECKPOINT_STREAM) return false;
    const position = event.position;
    if (comparePosition(position, fastUpTo) > 0) return false;
    if (this.lastPosition !== undefined && comparePosition(position, this.lastPosition) <= 0) return false;
    const prior = this.chains.get(event.streamId);
    if (event.revision !== (prior === undefined ? 0 : prior.revision + 1)) return false;
    const unsealed = unseal(event.metadata);
    if (unsealed === undefined || unsealed.prevHash !== (prior === undefined ? GENESIS_HASH : prior.hash)) return false;
    if (event.data.includes(EVENT_ID_MEMBER) || unsealed.text.includes(EVENT_ID_MEMBER)) return false;
    const input = hashInputFromCanonicalText(event.streamId, event.revision, event.eventId, event.type, event.data, unsealed.text);
    const computed = digest('sha256', input, 'hex');
    if (computed !== unsealed.hash) return false;
    this.eventsChecked++;
    this.fastEvents++;
    // The computed copy, not the slice: a slice would keep the whole metadata text alive in the undo log.
    this.advance(event.streamId, event.revision, computed, position);
    return true;
  }

  /**
   * Takes a run of events checked elsewhere as addStoredText checks them (see CheckedRun), as if
   * each had been given to addStoredText: every stream's first event in the run must continue its
   * chain (next revision, prevHash the stream's last hash, 64 zeros at revision 0). Returns false,
   * having recorded nothing, when the run does not continue the log or may not take the fast path
   * (past `fastUpTo`, a checkpoint); the caller then gives those events one by one. A checkpoint
   * whose upTo falls inside a run cannot be checked against it: the caller cuts runs at every upTo.
   */
  addCheckedRun(run: CheckedRun): boolean {
    const fastUpTo = this.fastUpTo;
    const { firstPosition, lastPosition, streamIds, firstRevisions, firstPrevHashes, lastRevisions, lastHashes } = run;
    if (fastUpTo === undefined || !CANONICAL_POSITION.test(firstPosition) || !CANONICAL_POSITION.test(lastPosition)) return false;
    if (comparePosition(firstPosition, lastPosition) > 0 || comparePosition(lastPosition, fastUpTo) > 0) return false;
    if (this.lastPosition !== undefined && comparePosition(firstPosition, this.lastPosition) <= 0) return false;
    const streams = streamIds.length;
    if (firstRevisions.length !== streams || firstPrevHashes.length !== streams || lastRevisions.length !== streams || lastHashes.length !== streams) return false;
    const seen = new Set<string>();
    let events = 0;
    for (let i = 0; i < streams; i++) {
      const streamId = streamIds[i]!;
      const first = firstRevisions[i]!;
      const last = lastRevisions[i]!;
      if (streamId === CHECKPOINT_STREAM || seen.has(streamId) || !Number.isSafeInteger(last) || last < first) return false;
      seen.add(streamId);
      const prior = this.chains.get(streamId);
      if (first !== (prior === undefined ? 0 : prior.revision + 1)) return false;
      if (firstPrevHashes[i] !== (prior === undefined ? GENESIS_HASH : prior.hash)) return false;
      events += last - first + 1;
    }
    if (events !== run.events) return false;

    this.eventsChecked += events;
    this.fastEvents += events;
    this.ledgerEvents += events;
    for (let i = 0; i < streams; i++) {
      const streamId = streamIds[i]!;
      let state = this.chains.get(streamId);
      const priorRevision = state === undefined ? -1 : state.revision;
      const priorHash = state === undefined ? null : state.hash;
      if (state === undefined) {
        this.chains.set(streamId, (state = { streamId, revision: lastRevisions[i]!, hash: lastHashes[i]! }));
        this.ledgerStreams++;
      } else {
        state.revision = lastRevisions[i]!;
        state.hash = lastHashes[i]!;
      }
      if (this.checkCheckpoints) this.pushUndo(lastPosition, state, priorRevision, priorHash, lastRevisions[i]! - firstRevisions[i]! + 1);
    }
    this.lastPosition = lastPosition;
    if (this.checkCheckpoints) this.runSpans.push([firstPosition, lastPosition]);
    return true;
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
      this.advance(event.streamId, event.revision, event.hash ?? null, event.position);
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

    this.advance(streamIdS, revisionN, typeof storedHash === 'string' ? storedHash : (computed ?? null), positionS);

    if (this.checkCheckpoints && streamIdS === CHECKPOINT_STREAM && type === CHECKPOINT_ISSUED) {
      this.checkpoint(data, positionS, where);
    }
  }

  private advance(streamId: string, revision: number, hash: string | null, position: string | undefined): void {
    let state = this.chains.get(streamId);
    const priorRevision = state === undefined ? -1 : state.revision;
    const priorHash = state === undefined ? null : state.hash;
    if (state === undefined) this.chains.set(streamId, (state = { streamId, revision, hash }));
    else {
      state.revision = revision;
      state.hash = hash;
    }
    if (position !== undefined && CANONICAL_POSITION.test(position)) {
      if (this.lastPosition === undefined || comparePosition(position, this.lastPosition) > 0) this.lastPosition = position;
    }
    if (streamId === CHECKPOINT_STREAM) return;
    this.ledgerEvents++;
    if (priorRevision < 0) this.ledgerStreams++;
    if (!this.checkCheckpoints || position === undefined) return;
    this.pushUndo(position, state, priorRevision, priorHash, 1);
  }

  /** Keeps at least maxLag events in the log, and no slot more than that needs: memory stays bounded. */
  private pushUndo(position: string, state: ChainState, priorRevision: number, priorHash: string | null, events: number): void {
    this.undoPositions.push(position);
    this.undoStates.push(state);
    this.undoRevisions.push(priorRevision);
    this.undoHashes.push(priorHash);
    this.undoWeights.push(events);
    this.undoEvents += events;
    while (this.undoStart < this.undoPositions.length && this.undoEvents - this.undoWeights[this.undoStart]! >= this.maxLag) {
      this.undoEvents -= this.undoWeights[this.undoStart]!;
      this.droppedUpTo = this.undoPositions[this.undoStart++]!;
    }
    this.compactUndo();
  }

  private compactUndo(): void {
    if (this.undoStart > 4096 && this.undoStart * 2 > this.undoPositions.length) {
      const start = this.undoStart;
      this.undoPositions = this.undoPositions.slice(start);
      this.undoStates = this.undoStates.slice(start);
      this.undoRevisions = this.undoRevisions.slice(start);
      this.undoHashes = this.undoHashes.slice(start);
      this.undoWeights = this.undoWeights.slice(start);
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
    const pending: PendingSignature = { data: checkpoint, where };
    this.pendingSignatures.push(pending);
    const extra = extraCheckpointKeys(checkpoint);
    if (extra.length > 0) {
      this.report({
        ...where,
        problem: 'bad-checkpoint',
        detail: `checkpoint data has ${extra.length === 1 ? 'a key' : 'keys'} ${extra.map((key) => JSON.stringify(key)).join(', ')} besides the seven of DESIGN §6, signed by nothing`,
      });
    }
    const upTo = checkpoint.upTo.replace(/^0+(?=\d)/, '');
    let cut = this.cutAt(upTo, position);
    if (!cutHolds(cut, checkpoint)) {
      // A ledger moved into a store that gave its events positions of its own (EventStoreDB, or
      // positions past 2^53): the checkpoint's upTo names the old store's position. What it signs
      // holds wherever its eventCount first events of the log, in the same order, end: there.
      const moved = this.positionAfterEvents(checkpoint.eventCount);
      const there = moved === undefined || moved === upTo ? undefined : this.cutAt(moved, position);
      if (there !== undefined && cutHolds(there, checkpoint)) cut = there;
    }
    if ('problem' in cut) {
      this.report({ ...where, problem: 'bad-checkpoint', detail: cut.problem });
      return;
    }
    if (checkpoint.eventCount !== cut.eventCount || checkpoint.streamCount !== cut.streamCount) {
      this.report({
        ...where,
        problem: 'bad-counts',
        detail: `claims ${checkpoint.eventCount} events in ${checkpoint.streamCount} streams up to position ${upTo}; the log has ${cut.eventCount} events in ${cut.streamCount} streams`,
      });
    }
    if (cut.root !== checkpoint.root) {
      this.report({ ...where, problem: 'bad-root', detail: `root ${checkpoint.root} is not the Merkle root up to position ${upTo} (${cut.root})` });
    } else if (checkpoint.eventCount === cut.eventCount && checkpoint.streamCount === cut.streamCount && extra.length === 0) {
      pending.coveredEvents = cut.eventCount;
      pending.upTo = cut.upTo;
    }

    this.lastCheckpointUpTo = cut.upTo;
    while (this.undoStart < this.undoPositions.length && comparePosition(this.undoPositions[this.undoStart]!, cut.upTo) <= 0) {
      this.undoEvents -= this.undoWeights[this.undoStart++]!;
    }
    // Later checkpoints cover at least this upTo (or are refused before the spans are looked at).
    if (this.runSpans.length > 0) this.runSpans = this.runSpans.filter(([, last]) => comparePosition(last, cut.upTo) > 0);
    this.compactUndo();
  }

  /**
   * The log as it stood at position `upTo` (every event after it rolled back), for a checkpoint
   * appended at `position`; or why it cannot be told. Records nothing.
   */
  private cutAt(upTo: string, position: string): Cut | { readonly problem: string } {
    if (comparePosition(upTo, position) > 0) return { problem: `covers up to position ${upTo}, beyond its own position ${position}` };
    if (this.lastCheckpointUpTo !== undefined && comparePosition(upTo, this.lastCheckpointUpTo) < 0) {
      return { problem: `covers up to position ${upTo}, before the previous checkpoint's ${this.lastCheckpointUpTo}` };
    }
    const tooFarBack = { problem: `covers up to position ${upTo}, more than ${this.maxLag} events before itself: too far back to check` };
    if (this.droppedUpTo !== undefined && comparePosition(this.droppedUpTo, upTo) > 0) return tooFarBack;
    const run = this.runSpans.find(([first, last]) => comparePosition(first, upTo) <= 0 && comparePosition(upTo, last) < 0);
    if (run !== undefined) return { problem: `covers up to position ${upTo}, inside positions ${run[0]}..${run[1]} checked as one run: verify event by event` };

    // Roll back, newest first, every event after upTo: the oldest prior state of a stream wins.
    const overlay = new Map<string, HeadState | undefined>();
    let laterEvents = 0;
    let laterStreams = 0;
    for (let i = this.undoPositions.length - 1; i >= this.undoStart && comparePosition(this.undoPositions[i]!, upTo) > 0; i--) {
      const opened = this.undoRevisions[i]! < 0;
      overlay.set(this.undoStates[i]!.streamId, opened ? undefined : { revision: this.undoRevisions[i]!, hash: this.undoHashes[i]! });
      laterEvents += this.undoWeights[i]!;
      if (opened) laterStreams++;
    }
    // Only runs can get here: single events never leave more than maxLag in the log.
    if (laterEvents > this.maxLag) return tooFarBack;
    const heads: StreamHead[] = [];
    for (const [streamId, current] of this.chains) {
      if (streamId === CHECKPOINT_STREAM) continue;
      const state: HeadState | undefined = overlay.has(streamId) ? overlay.get(streamId) : current;
      if (state !== undefined) heads.push({ streamId, lastRevision: state.revision, lastHash: state.hash ?? '' });
    }
    return { upTo, eventCount: this.ledgerEvents - laterEvents, streamCount: this.ledgerStreams - laterStreams, root: ledgerRoot(heads) };
  }

  /**
   * The position of the log's `events`-th event (checkpoints not counted), if the undo log can
   * tell it: the last event still in it once the newest are rolled back to leave `events`, or the
   * previous checkpoint's cut when exactly the events after it are rolled back.
   */
  private positionAfterEvents(events: number): string | undefined {
    let later = this.ledgerEvents - events;
    if (later < 0) return undefined;
    for (let i = this.undoPositions.length - 1; i >= this.undoStart; i--) {
      if (later === 0) return this.undoPositions[i];
      later -= this.undoWeights[i]!;
      if (later < 0) return undefined;
    }
    // Everything in the undo log rolled back: what is left ends at the previous checkpoint's cut,
    // unless events were dropped from the log for lack of room since.
    return later === 0 && this.lastCheckpointUpTo !== undefined && (this.droppedUpTo === undefined || comparePosition(this.droppedUpTo, this.lastCheckpointUpTo) <= 0)
      ? this.lastCheckpointUpTo
      : undefined;
  }

  /** After finish(): the keyIds whose signatures on checkpoints verified, sorted. */
  get signedBy(): string[] {
    return [...this.verifiedSigners].sort();
  }

  finish(): VerificationReport {
    if (!this.finished) {
      this.finished = true;
      for (const { data, where, coveredEvents, upTo } of this.pendingSignatures) {
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
        } else {
          this.verifiedSigners.add(data.keyId);
          if (coveredEvents !== undefined && upTo !== undefined && (this.signed === undefined || comparePosition(upTo, this.signed.upTo) >= 0)) {
            this.signed = { upTo, events: coveredEvents };
          }
        }
      }
      this.problems.sort(problemOrder);
    }
    return {
      ok: this.problems.length === 0 && this.omitted === 0,
      eventsChecked: this.eventsChecked,
      streamsChecked: this.chains.size,
      checkpointsChecked: this.checkpointsChecked,
      signedUpTo: this.signed?.upTo ?? null,
      unsignedEvents: this.ledgerEvents - (this.signed?.events ?? 0),
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
