import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { CompleteActionItem } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type CompleteActionItemInput = Omit<CompleteActionItem, 'type' | 'sessionId' | 'effectiveOn' | 'actionItemId'> & { readonly effectiveOn?: string };

export class CompleteActionItemCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly actionItemId: string,
    readonly input: CompleteActionItemInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CompleteActionItemCommand)
export class CompleteActionItemHandler implements ICommandHandler<CompleteActionItemCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, actionItemId, input, context }: CompleteActionItemCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, (session) => ({
      type: 'CompleteActionItem' as const,
      sessionId,
      actionItemId,
      ...input,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
