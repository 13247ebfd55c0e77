import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { CancelSession } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type CancelSessionInput = Omit<CancelSession, 'type' | 'sessionId' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class CancelSessionCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: CancelSessionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CancelSessionCommand)
export class CancelSessionHandler implements ICommandHandler<CancelSessionCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: CancelSessionCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, (session) => ({
      type: 'CancelSession' as const,
      sessionId,
      ...input,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
