import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS, today } from '../../shared/application/command-deps.js';
import { type CommandContext, type CommandDeps, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import type { ScheduleSession } from '../domain/session.commands.js';
import { sessionDecider } from '../domain/session.decider.js';
import { sessionStreamId } from '../domain/session.events.js';

export type ScheduleSessionInput = Omit<ScheduleSession, 'type' | 'trackId' | 'track' | 'effectiveOn'> & { readonly effectiveOn?: string };

export class ScheduleSessionCommand extends Command<CommandResult> {
  constructor(
    readonly trackId: string,
    readonly input: ScheduleSessionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ScheduleSessionCommand)
export class ScheduleSessionHandler implements ICommandHandler<ScheduleSessionCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  async execute({ trackId, input, context }: ScheduleSessionCommand): Promise<CommandResult> {
    await requireTrackFacts(this.deps.store, trackId);
    return handleCommand(this.deps, {
      decider: sessionDecider,
      streamId: sessionStreamId(input.sessionId),
      subject: `session ${input.sessionId}`,
      expectation: 'new',
      command: async () => ({
        type: 'ScheduleSession' as const,
        trackId,
        ...input,
        track: await requireTrackFacts(this.deps.store, trackId),
        effectiveOn: input.effectiveOn ?? today(this.deps),
      }),
      context,
    });
  }
}
