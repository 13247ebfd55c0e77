import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { loadSessionFacts } from './session-facts.loader.js';
import type { AdoptMinutes } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type AdoptMinutesInput = Omit<AdoptMinutes, 'type' | 'sessionId' | 'effectiveOn' | 'atSession'> & { readonly effectiveOn?: string };

export class AdoptMinutesCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: AdoptMinutesInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(AdoptMinutesCommand)
export class AdoptMinutesHandler implements ICommandHandler<AdoptMinutesCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: AdoptMinutesCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, async (session) => ({
      type: 'AdoptMinutes' as const,
      sessionId,
      ...input,
      ...(input.atSessionId !== undefined ? { atSession: await loadSessionFacts(this.deps.store, input.atSessionId) } : {}),
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
