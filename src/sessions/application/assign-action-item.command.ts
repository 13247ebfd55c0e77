import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { AssignActionItem } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type AssignActionItemInput = Omit<AssignActionItem, 'type' | 'sessionId' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class AssignActionItemCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: AssignActionItemInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(AssignActionItemCommand)
export class AssignActionItemHandler implements ICommandHandler<AssignActionItemCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: AssignActionItemCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, (session) => ({
      type: 'AssignActionItem' as const,
      sessionId,
      ...input,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
