import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import type { BreakSilence } from '../domain/session.commands.js';
import { effectiveOnFor, onExistingSession } from './session-command.js';

export type BreakSilenceInput = Omit<BreakSilence, 'type' | 'sessionId' | 'effectiveOn' | 'track'> & { readonly effectiveOn?: string };

export class BreakSilenceCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: BreakSilenceInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(BreakSilenceCommand)
export class BreakSilenceHandler implements ICommandHandler<BreakSilenceCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: BreakSilenceCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, async (session) => ({
      type: 'BreakSilence' as const,
      sessionId,
      ...input,
      track: await requireTrackFacts(this.deps.store, session.trackId),
      effectiveOn: effectiveOnFor(this.deps, session, input.effectiveOn),
    }));
  }
}
