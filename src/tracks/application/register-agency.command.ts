import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS, today } from '../../shared/application/command-deps.js';
import { type CommandContext, type CommandDeps, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import type { RegisterAgency } from '../domain/track.commands.js';
import { trackDecider } from '../domain/track.decider.js';
import { trackStreamId } from '../domain/track.events.js';

export type RegisterAgencyInput = Omit<RegisterAgency, 'type' | 'trackId' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class RegisterAgencyCommand extends Command<CommandResult> {
  constructor(
    readonly trackId: string,
    readonly input: RegisterAgencyInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterAgencyCommand)
export class RegisterAgencyHandler implements ICommandHandler<RegisterAgencyCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ trackId, input, context }: RegisterAgencyCommand): Promise<CommandResult> {
    return handleCommand(this.deps, {
      decider: trackDecider,
      streamId: trackStreamId(trackId),
      subject: `track ${trackId}`,
      expectation: 'existing',
      command: () => ({ type: 'RegisterAgency' as const, trackId, ...input, effectiveOn: input.effectiveOn ?? today(this.deps) }),
      context,
      // Parties, agencies and delegates are what other streams' commands are decided on (consensus,
      // a delegate of that party): a registration runs alone in this process, as session changes do.
      exclusive: true,
    });
  }
}
