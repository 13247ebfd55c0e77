import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { CirculateMinutes } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type CirculateMinutesInput = Omit<CirculateMinutes, 'type' | 'sessionId' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class CirculateMinutesCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: CirculateMinutesInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CirculateMinutesCommand)
export class CirculateMinutesHandler implements ICommandHandler<CirculateMinutesCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: CirculateMinutesCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, (session) => ({
      type: 'CirculateMinutes' as const,
      sessionId,
      ...input,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
