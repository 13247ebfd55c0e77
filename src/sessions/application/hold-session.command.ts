import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import type { HoldSession } from '../domain/session.commands.js';
import { onExistingSession } from './session-command.js';

export type HoldSessionInput = Omit<HoldSession, 'type' | 'sessionId' | 'effectiveOn' | 'track'> & { readonly effectiveOn?: string };

export class HoldSessionCommand extends Command<CommandResult> {
  constructor(
    readonly sessionId: string,
    readonly input: HoldSessionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(HoldSessionCommand)
export class HoldSessionHandler implements ICommandHandler<HoldSessionCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ sessionId, input, context }: HoldSessionCommand): Promise<CommandResult> {
    return onExistingSession(this.deps, sessionId, context, async (session) => ({
      type: 'HoldSession' as const,
      sessionId,
      ...input,
      track: await requireTrackFacts(this.deps.store, session.trackId),
      // DESIGN §7: /held defaults to its own heldOn.
      effectiveOn: input.effectiveOn ?? input.heldOn,
    }));
  }
}
