import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { RescheduleSession } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type RescheduleSessionInput = Omit<RescheduleSession, 'type' | 'sessionId' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class RescheduleSessionCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: RescheduleSessionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RescheduleSessionCommand)
export class RescheduleSessionHandler implements ICommandHandler<RescheduleSessionCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: RescheduleSessionCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, (session) => ({
      type: 'RescheduleSession' as const,
      sessionId,
      ...input,
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
