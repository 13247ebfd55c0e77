import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import { type CommandContext, type CommandDeps, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import { cbmDecider } from '../domain/cbm.decider.js';
import { type CbmProposedData, cbmStreamId } from '../domain/cbm.events.js';
import { loadNormFacts } from './subject-facts.loader.js';
import { defaultEffectiveOn, sessionNamed, withSession } from './subject-stream.js';

export type ProposeCbmInput = Omit<CbmProposedData, 'trackId'> & { readonly effectiveOn?: string };

export class ProposeCbmCommand extends Command<CommandResult> {
  constructor(
    readonly trackId: string,
    readonly input: ProposeCbmInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ProposeCbmCommand)
export class ProposeCbmHandler implements ICommandHandler<ProposeCbmCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  async execute({ trackId, input: { effectiveOn, ...data }, context }: ProposeCbmCommand): Promise<CommandResult> {
    await requireTrackFacts(this.deps.store, trackId);
    return handleCommand(this.deps, {
      decider: cbmDecider,
      streamId: cbmStreamId(data.cbmId),
      subject: `cbm ${data.cbmId}`,
      expectation: 'new',
      command: async () => {
        const session = await sessionNamed(this.deps, data.sessionId);
        return {
          type: 'ProposeCbm' as const,
          data: { trackId, ...data },
          track: await requireTrackFacts(this.deps.store, trackId),
          ...withSession(session),
          linkedNorms: (await Promise.all((data.linkedNorms ?? []).map((normId) => loadNormFacts(this.deps.store, normId)))).filter((norm) => norm !== undefined),
          effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session),
        };
      },
      context,
    });
  }
}
