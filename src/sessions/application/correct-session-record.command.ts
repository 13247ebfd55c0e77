import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import type { CorrectSessionRecord } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';
import { scanBeforeTheLock } from './session-statements.loader.js';

export type CorrectSessionRecordInput = Omit<CorrectSessionRecord, 'type' | 'sessionId' | 'effectiveOn' | 'track' | 'effectiveOnGiven' | 'statements'> & {
  readonly effectiveOn?: string;
};

const touchesAttendance = (input: CorrectSessionRecordInput): boolean =>
  input.changes.some(({ field }) => field === 'attendance' || field.startsWith('attendance.'));

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
    // The statements made at the session matter only to a change of its attendance.
    const scan = touchesAttendance(input) ? await scanBeforeTheLock(this.deps.store, sessionId, context) : undefined;
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
