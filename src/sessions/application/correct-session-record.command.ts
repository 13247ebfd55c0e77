import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import type { CorrectSessionRecord } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type CorrectSessionRecordInput = Omit<CorrectSessionRecord, 'type' | 'sessionId' | 'effectiveOn' | 'track' | 'effectiveOnGiven'> & { readonly effectiveOn?: string };

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
      effectiveOnGiven: input.effectiveOn !== undefined,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
