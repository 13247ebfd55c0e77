import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import { type CommandContext, type CommandDeps, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import { normDecider } from '../domain/norm.decider.js';
import { type NormProposedData, normStreamId } from '../domain/norm.events.js';
import { defaultEffectiveOn, sessionNamed, withSession } from './subject-stream.js';

export type ProposeNormInput = Omit<NormProposedData, 'trackId'> & { readonly effectiveOn?: string };

export class ProposeNormCommand extends Command<CommandResult> {
  constructor(
    readonly trackId: string,
    readonly input: ProposeNormInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ProposeNormCommand)
export class ProposeNormHandler implements ICommandHandler<ProposeNormCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  async execute({ trackId, input: { effectiveOn, ...data }, context }: ProposeNormCommand): Promise<CommandResult> {
    await requireTrackFacts(this.deps.store, trackId);
    return handleCommand(this.deps, {
      decider: normDecider,
      streamId: normStreamId(data.normId),
      subject: `norm ${data.normId}`,
      expectation: 'new',
      command: async () => {
        const session = await sessionNamed(this.deps, data.sessionId);
        return {
          type: 'ProposeNorm' as const,
          data: { trackId, ...data },
          track: await requireTrackFacts(this.deps.store, trackId),
          ...withSession(session),
          effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session),
        };
      },
      context,
    });
  }
}
