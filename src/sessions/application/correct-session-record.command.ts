import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { upcastData } from '../../shared/event-store/event-schema.js';
import type { CorrectSessionRecord } from '../domain/session.commands.js';
import { type StatementAtSession, StatementsAtSession } from '../domain/statements-at-session.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type CorrectSessionRecordInput = Omit<CorrectSessionRecord, 'type' | 'sessionId' | 'effectiveOn' | 'track' | 'effectiveOnGiven' | 'statements'> & {
  readonly effectiveOn?: string;
};

/** The streams positions are stated in (DESIGN §3). */
const SUBJECT_STREAM_PREFIXES = ['norm-', 'cbm-', 'topic-'];

/**
 * The statements made at the session, as corrected, read only when a change touches the attendance
 * (a rare command): one filtered scan of the log, as no stream lists the statements of a session;
 * only the statements made at this session are kept meanwhile.
 */
const statementsAt = async (store: EventStore, sessionId: string, input: CorrectSessionRecordInput): Promise<StatementAtSession[]> => {
  if (!input.changes.some(({ field }) => field === 'attendance' || field.startsWith('attendance.'))) return [];
  const fold = new StatementsAtSession(sessionId);
  for await (const event of store.readAll({ filter: { streamPrefixes: SUBJECT_STREAM_PREFIXES, eventTypes: ['PositionStated', 'RecordCorrected'] } })) {
    fold.add({ streamId: event.streamId, eventId: event.eventId, type: event.type, data: upcastData(event, event.metadata['schemaVersion'], event.data) });
  }
  return fold.statements;
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

  execute({ sessionId, input, context }: CorrectSessionRecordCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, async (session) => ({
      type: 'CorrectRecord' as const,
      sessionId,
      ...input,
      track: await requireTrackFacts(this.deps.store, session.trackId),
      statements: await statementsAt(this.deps.store, sessionId, input),
      effectiveOnGiven: input.effectiveOn !== undefined,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
