import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import { type CommandContext, type CommandDeps, type CommandResult, handleCommand } from '../../shared/event-store/handle-command.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import { topicDecider } from '../domain/topic.decider.js';
import { type TopicOpenedData, topicStreamId } from '../domain/topic.events.js';
import { defaultEffectiveOn, sessionNamed, withSession } from './subject-stream.js';

export type OpenTopicInput = Omit<TopicOpenedData, 'trackId'> & { readonly effectiveOn?: string };

export class OpenTopicCommand extends Command<CommandResult> {
  constructor(
    readonly trackId: string,
    readonly input: OpenTopicInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(OpenTopicCommand)
export class OpenTopicHandler implements ICommandHandler<OpenTopicCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  async execute({ trackId, input: { effectiveOn, ...data }, context }: OpenTopicCommand): Promise<CommandResult> {
    await requireTrackFacts(this.deps.store, trackId);
    return handleCommand(this.deps, {
      decider: topicDecider,
      streamId: topicStreamId(data.topicId),
      subject: `topic ${data.topicId}`,
      expectation: 'new',
      command: async () => {
        const session = await sessionNamed(this.deps, data.sessionId);
        return {
          type: 'OpenTopic' as const,
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
