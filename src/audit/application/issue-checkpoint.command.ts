import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError } from '../../shared/domain/domain-error.js';
import { transactionTime } from '../../shared/event-store/transaction-time.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator, utcDay } from '../../shared/event-store/clock.js';
import { computeEventHash } from '../../shared/event-store/envelope.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { type CommandContext, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import { checkpointDecider, type CheckpointState } from '../domain/checkpoint.decider.js';
import { CHECKPOINT_STREAM, type CheckpointIssuedData, type CheckpointPayload } from '../domain/checkpoint.events.js';
import { ledgerRoot, type StreamHead } from '../domain/merkle.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { PublicKeyInfo } from '../domain/checkpoint.js';
import { plural } from '../../shared/plural.js';
import { describeProblem, problemCountOf, type VerificationReport } from '../domain/verifier.js';
import { type CheckpointSigner, SIGNING_KEY, trustedPublicKeys } from '../infrastructure/signing-key.js';
import { parseRaw, type RawEvent, rawEvents, storedTextProblem } from './ledger-source.js';
import { readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { VerificationGate } from './verification-gate.js';
import { verifyStore } from './verify-ledger.query.js';

export interface IssuedCheckpoint extends CommandResult {
  /** The checkpoint appended (or, on an Idempotency-Key replay, the one first appended). */
  readonly checkpoint: CheckpointIssuedData;
}

export interface CheckpointDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly signer: CheckpointSigner;
  /**
   * Keys, besides the signer's, that earlier checkpoints may be signed with (trustedPublicKeys: an
   * imported ledger's, a key used before a rotation). A checkpoint signed by none of them is a
   * problem verify names, so no checkpoint is issued over it.
   */
  readonly trustedKeys?: readonly PublicKeyInfo[];
}

export type LedgerTree = Pick<CheckpointPayload, 'upTo' | 'eventCount' | 'streamCount' | 'root'>;

/** The full path's check of one event: its stored hash is the SHA-256 of its canonical form, which is what is stored. */
const matchesItsHash = (raw: RawEvent, hash: string): boolean => {
  const parsed = parseRaw(raw);
  if (!parsed.ok || storedTextProblem(raw, parsed.event) !== undefined) return false;
  try {
    return computeEventHash(parsed.event) === hash;
  } catch {
    return false;
  }
};

/**
 * The tree over every stream but `ledger-checkpoints`, as of the head when the read began. upTo is
 * the last event covered ("0" for an empty ledger), never a checkpoint, so a checkpoint issued when
 * nothing changed covers exactly what the previous one did.
 *
 * Events after `checkAfter` (those the verification before this read did not reach) must match their hashes on the full
 * path (parse, canonicalize, SHA-256) before they are signed for: this is what lets the verifier's
 * fast path trust that every event a checkpoint covers was sealed over canonical text.
 */
export const computeLedgerTree = async (store: EventStore, checkAfter?: string): Promise<LedgerTree> => {
  const head = await store.headPosition();
  const heads = new Map<string, StreamHead>();
  const check = checkAfter !== undefined;
  const after = BigInt(checkAfter ?? 0);
  let upTo = '0';
  let eventCount = 0;
  for await (const raw of rawEvents(store, { upTo: head })) {
    // Checkpoints are in no tree, and the verifier's fast path never takes them.
    if (raw.streamId === CHECKPOINT_STREAM) continue;
    let hash: unknown;
    try {
      hash = (JSON.parse(raw.metadata) as { hash?: unknown }).hash;
    } catch {
      hash = undefined;
    }
    if (typeof hash !== 'string') {
      throw new ConflictError(
        'ledger-damaged',
        `cannot issue a checkpoint: the event at position ${raw.position} (${raw.streamId} revision ${raw.revision}) has no readable hash; run verify`,
      );
    }
    if (check && BigInt(raw.position) > after && !matchesItsHash(raw, hash)) {
      throw new ConflictError(
        'ledger-damaged',
        `cannot issue a checkpoint: the event at position ${raw.position} (${raw.streamId} revision ${raw.revision}) does not match its hash; run verify`,
      );
    }
    heads.set(raw.streamId, { streamId: raw.streamId, lastRevision: raw.revision, lastHash: hash });
    upTo = raw.position;
    eventCount++;
  }
  return { upTo, eventCount, streamCount: heads.size, root: ledgerRoot(heads.values()) };
};

/**
 * A checkpoint signed by a key neither held nor trusted here (the key file was replaced, or a key
 * changed without trusting the old one): named with what to do, rather than as the unknown-key
 * problems of verify.
 */
const untrustedSigner = async (store: EventStore, signer: PublicKeyInfo, keys: readonly PublicKeyInfo[]): Promise<ConflictError | undefined> => {
  const known = new Set(keys.map((key) => key.keyId));
  for (const event of (await readStreamOrEmpty(store, CHECKPOINT_STREAM)).reverse()) {
    const keyId = (event.data as { keyId?: unknown }).keyId;
    if (typeof keyId !== 'string' || known.has(keyId)) continue;
    return new ConflictError(
      'ledger-damaged',
      `cannot issue a checkpoint: checkpoint ${event.revision} of ${CHECKPOINT_STREAM} is signed by key ${keyId}, but the signing key is ${signer.keyId} and key ${keyId} is not trusted here: ` +
        `put back the key file that holds key ${keyId}, or, if the key was changed on purpose, trust the old key's public half (norms-ledger trust-key --in FILE)`,
    );
  }
  return undefined;
};

/** Why a ledger that does not verify gets no checkpoint (also said by the CLI before it makes a first key). */
export const ledgerDamaged = (report: VerificationReport): ConflictError => {
  const count = problemCountOf(report);
  return new ConflictError(
    'ledger-damaged',
    `cannot issue a checkpoint: verify finds ${plural(count, 'problem')} in the ledger, the first: ${describeProblem(report.problems[0]!)}; run verify for the full report`,
  );
};

/** Trees read again when another issuer's newer checkpoint lands between the read and the append. */
const CHECKPOINT_ATTEMPTS = 3;

/**
 * Appends a checkpoint over the ledger as it stands, once the whole ledger verifies (every hash,
 * link, revision, stored text and earlier checkpoint, as `verify` checks them: a checkpoint is a
 * signed statement that the ledger stood so, and is never signed over damage). Events appended
 * after that verification began are checked on the full path as the tree is read.
 */
export const issueCheckpoint = async (deps: CheckpointDeps, context: CommandContext): Promise<IssuedCheckpoint> => {
  const verifiedUpTo = (await deps.store.headPosition()) ?? '0';
  const keys = [deps.signer.publicKey, ...(deps.trustedKeys ?? []).filter((key) => key.keyId !== deps.signer.publicKey.keyId)];
  const untrusted = await untrustedSigner(deps.store, deps.signer.publicKey, keys);
  if (untrusted !== undefined) throw untrusted;
  const report = await verifyStore(deps.store, keys);
  if (!report.ok) throw ledgerDamaged(report);
  for (let attempt = 1; ; attempt++) {
    const tree = await computeLedgerTree(deps.store, verifiedUpTo);
    // Signed no earlier than the events it covers, even on a clock stepped back (see transaction-time.ts).
    const now = await transactionTime(deps.store, deps.clock);
    const payload: CheckpointPayload = { ...tree, issuedAt: now.toISOString(), keyId: deps.signer.publicKey.keyId };
    const checkpoint: CheckpointIssuedData = { ...payload, signature: deps.signer.sign(payload) };
    let seen: CheckpointState | undefined;
    const result = await handleCommand(deps, {
      decider: checkpointDecider,
      streamId: CHECKPOINT_STREAM,
      subject: 'the checkpoint stream',
      expectation: 'any',
      command: ({ state }) => {
        seen = state;
        return { checkpoint, effectiveOn: utcDay(now) };
      },
      context,
    });
    if (result.events.length > 0) {
      // An Idempotency-Key replay (or a race lost to the same key) answers an event recorded by an
      // earlier request, not the one computed above: the answer carries what was recorded.
      return { ...result, checkpoint: await recordedCheckpoint(deps.store, result.events[result.events.length - 1]!) };
    }
    // Another issuer's checkpoint, appended since the tree was read, covers more: read it again,
    // so that a 201 always names the checkpoint it created.
    if (attempt >= CHECKPOINT_ATTEMPTS) {
      throw new ConflictError(
        'checkpoint-superseded',
        `other checkpoints, issued meanwhile, cover more of the ledger (up to position ${seen?.lastUpTo ?? '?'}): ask again`,
      );
    }
  }
};

const recordedCheckpoint = async (store: EventStore, event: { eventId: string; revision: number }): Promise<CheckpointIssuedData> => {
  const [recorded] = await store.readStream(CHECKPOINT_STREAM, { fromRevision: event.revision, maxCount: 1 });
  if (recorded?.eventId !== event.eventId) throw new Error(`${CHECKPOINT_STREAM} revision ${event.revision} is not the event ${event.eventId} just answered`);
  return recorded.data as unknown as CheckpointIssuedData;
};

export class IssueCheckpointCommand extends Command<IssuedCheckpoint> {
  constructor(readonly context: CommandContext) {
    super();
  }
}

/**
 * POST /audit/checkpoints. Each request verifies on a run of its own, never shared (a checkpoint
 * signs for what its own verification found), and holds the VerificationGate for the whole
 * issuance: no other verification runs beside it, nor a second tree read, itself a read of the
 * whole ledger. Issuers asking at once take turns instead of racing to append over the same head.
 */
@CommandHandler(IssueCheckpointCommand)
export class IssueCheckpointHandler implements ICommandHandler<IssueCheckpointCommand, IssuedCheckpoint> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(SIGNING_KEY) private readonly signer: CheckpointSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(VerificationGate) private readonly gate: VerificationGate,
  ) {}

  execute(command: IssueCheckpointCommand): Promise<IssuedCheckpoint> {
    const trustedKeys = trustedPublicKeys(this.config, this.signer);
    return this.gate.exclusive(() => issueCheckpoint({ store: this.store, clock: this.clock, ids: this.ids, signer: this.signer, trustedKeys }, command.context));
  }
}
