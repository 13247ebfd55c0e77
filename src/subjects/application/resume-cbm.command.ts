import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { ResumeCbm } from '../domain/cbm.commands.js';
import { defaultEffectiveOn, onExistingSubject, sessionNamed, withSession } from './subject-stream.js';

export type ResumeCbmInput = ResumeCbm['data'] & { readonly effectiveOn?: string };

export class ResumeCbmCommand extends Command<CommandResult> {
  constructor(
    readonly cbmId: string,
    readonly input: ResumeCbmInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ResumeCbmCommand)
export class ResumeCbmHandler implements ICommandHandler<ResumeCbmCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ cbmId, input: { effectiveOn, ...data }, context }: ResumeCbmCommand): Promise<CommandResult> {
    return onExistingSubject<'cbm', ResumeCbm>(this.deps, 'cbm', cbmId, context, async ({ track }) => {
      const session = await sessionNamed(this.deps, data.sessionId);
      return { type: 'ResumeCbm', data, track, ...withSession(session), effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session) };
    });
  }
}
