import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { LaunchSilenceProcedure } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type LaunchSilenceProcedureInput = Omit<LaunchSilenceProcedure, 'type' | 'sessionId' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class LaunchSilenceProcedureCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: LaunchSilenceProcedureInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(LaunchSilenceProcedureCommand)
export class LaunchSilenceProcedureHandler implements ICommandHandler<LaunchSilenceProcedureCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: LaunchSilenceProcedureCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, (session) => ({
      type: 'LaunchSilenceProcedure' as const,
      sessionId,
      ...input,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
