import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError } from '../../shared/domain/domain-error.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator, utcDay } from '../../shared/event-store/clock.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { type CommandContext, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import { checkpointDecider, type CheckpointState } from '../domain/checkpoint.decider.js';
import { CHECKPOINT_STREAM, type CheckpointIssuedData, type CheckpointPayload } from '../domain/checkpoint.events.js';
import { ledgerRoot, type StreamHead } from '../domain/merkle.js';
import { type CheckpointSigner, SIGNING_KEY } from '../infrastructure/signing-key.js';
import { rawEvents } from './ledger-source.js';

export interface IssuedCheckpoint extends CommandResult {
  /** The checkpoint appended, or the last one when it already covered every event (nothing appended). */
  readonly checkpoint: CheckpointIssuedData;
}

export interface CheckpointDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly signer: CheckpointSigner;
}

export type LedgerTree = Pick<CheckpointPayload, 'upTo' | 'eventCount' | 'streamCount' | 'root'>;

/**
 * The tree over every stream but `ledger-checkpoints`, as of the head when the read began. upTo is
 * the last event covered ("0" for an empty ledger), never a checkpoint, so a checkpoint issued when
 * nothing changed covers exactly what the previous one did.
 */
export const computeLedgerTree = async (store: EventStore): Promise<LedgerTree> => {
  const head = await store.headPosition();
  const heads = new Map<string, StreamHead>();
  let upTo = '0';
  let eventCount = 0;
  for await (const raw of rawEvents(store, { upTo: head })) {
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
    heads.set(raw.streamId, { streamId: raw.streamId, lastRevision: raw.revision, lastHash: hash });
    upTo = raw.position;
    eventCount++;
  }
  return { upTo, eventCount, streamCount: heads.size, root: ledgerRoot(heads.values()) };
};

export const issueCheckpoint = async (deps: CheckpointDeps, context: CommandContext): Promise<IssuedCheckpoint> => {
  const tree = await computeLedgerTree(deps.store);
  const now = deps.clock.now();
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
  return { ...result, checkpoint: result.events.length > 0 ? checkpoint : (seen?.last ?? checkpoint) };
};

export class IssueCheckpointCommand extends Command<IssuedCheckpoint> {
  constructor(readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(IssueCheckpointCommand)
export class IssueCheckpointHandler implements ICommandHandler<IssueCheckpointCommand, IssuedCheckpoint> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(SIGNING_KEY) private readonly signer: CheckpointSigner,
  ) {}

  execute(command: IssueCheckpointCommand): Promise<IssuedCheckpoint> {
    return issueCheckpoint({ store: this.store, clock: this.clock, ids: this.ids, signer: this.signer }, command.context);
  }
}
