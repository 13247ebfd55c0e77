import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS, today } from '../../shared/application/command-deps.js';
import { type CommandContext, type CommandDeps, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import type { EstablishTrack } from '../domain/track.commands.js';
import { trackDecider } from '../domain/track.decider.js';
import { trackStreamId } from '../domain/track.events.js';

export type EstablishTrackInput = Omit<EstablishTrack, 'type' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class EstablishTrackCommand extends Command<CommandResult> {
  constructor(
    readonly input: EstablishTrackInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(EstablishTrackCommand)
export class EstablishTrackHandler implements ICommandHandler<EstablishTrackCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ input, context }: EstablishTrackCommand): Promise<CommandResult> {
    return handleCommand(this.deps, {
      decider: trackDecider,
      streamId: trackStreamId(input.trackId),
      subject: `track ${input.trackId}`,
      expectation: 'new',
      command: () => ({ type: 'EstablishTrack' as const, ...input, effectiveOn: input.effectiveOn ?? today(this.deps) }),
      context,
    });
  }
}
