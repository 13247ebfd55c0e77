import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { RecordProceduralDecision } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type RecordProceduralDecisionInput = Omit<RecordProceduralDecision, 'type' | 'sessionId' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class RecordProceduralDecisionCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: RecordProceduralDecisionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordProceduralDecisionCommand)
export class RecordProceduralDecisionHandler implements ICommandHandler<RecordProceduralDecisionCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: RecordProceduralDecisionCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, (session) => ({
      type: 'RecordProceduralDecision' as const,
      sessionId,
      ...input,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
