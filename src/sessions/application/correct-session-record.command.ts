import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import { type CommandContext, type CommandDeps, type CommandResult, keyAlreadyUsed } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import { StreamNotFoundError } from '../../shared/event-store/event-store.errors.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { upcastData } from '../../shared/event-store/event-schema.js';
import type { CorrectSessionRecord } from '../domain/session.commands.js';
import { sessionStreamId } from '../domain/session.events.js';
import { type StatementAtSession, StatementsAtSession } from '../domain/statements-at-session.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type CorrectSessionRecordInput = Omit<CorrectSessionRecord, 'type' | 'sessionId' | 'effectiveOn' | 'track' | 'effectiveOnGiven' | 'statements'> & {
  readonly effectiveOn?: string;
};

/** The streams positions are stated in (DESIGN §3). */
const SUBJECT_STREAM_PREFIXES = ['norm-', 'cbm-', 'topic-'];

const touchesAttendance = (input: CorrectSessionRecordInput): boolean =>
  input.changes.some(({ field }) => field === 'attendance' || field.startsWith('attendance.'));

/**
 * The statements made at the session, as corrected, for a change that touches the attendance (a
 * rare command): one filtered scan of the log, as no stream lists the statements of a session; only
 * the statements made at this session are kept meanwhile. The scan runs before the command takes
 * the process-wide lock (session commands run alone, and a scan of 1M events takes seconds that
 * every other command would wait), and `catchUp` inside it reads only what was recorded since.
 */
class StatementsScan {
  private readonly fold: StatementsAtSession;
  private after = 'start';

  constructor(
    private readonly store: EventStore,
    sessionId: string,
  ) {
    this.fold = new StatementsAtSession(sessionId);
  }

  async catchUp(): Promise<StatementAtSession[]> {
    const filter = { streamPrefixes: SUBJECT_STREAM_PREFIXES, eventTypes: ['PositionStated', 'RecordCorrected'] };
    for await (const event of this.store.readAll({ after: this.after, filter })) {
      this.fold.add({ streamId: event.streamId, eventId: event.eventId, type: event.type, data: upcastData(event, event.metadata['schemaVersion'], event.data) });
      this.after = event.position;
    }
    return this.fold.statements;
  }
}

/** Whether the session's stream exists (else the command answers 404 without a scan). */
const exists = async (store: EventStore, streamId: string): Promise<boolean> => {
  try {
    await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return true;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return false;
    throw error;
  }
};

export class CorrectSessionRecordCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: CorrectSessionRecordInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CorrectSessionRecordCommand)
export class CorrectSessionRecordHandler implements ICommandHandler<CorrectSessionRecordCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  async execute({ sessionId, input, context }: CorrectSessionRecordCommand): Promise<CommandResult> {
    const scan = touchesAttendance(input) ? new StatementsScan(this.deps.store, sessionId) : undefined;
    // Not for a request about to be answered without it: a retry with its Idempotency-Key, a 404.
    if (scan !== undefined && !(await keyAlreadyUsed(this.deps.store, context)) && (await exists(this.deps.store, sessionStreamId(sessionId)))) await scan.catchUp();
    return onExistingSession(this.deps, sessionId, context, async (session) => ({
      type: 'CorrectRecord' as const,
      sessionId,
      ...input,
      track: await requireTrackFacts(this.deps.store, session.trackId),
      statements: scan === undefined ? [] : await scan.catchUp(),
      effectiveOnGiven: input.effectiveOn !== undefined,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
