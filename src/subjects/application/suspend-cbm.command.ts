import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { SuspendCbm } from '../domain/cbm.commands.js';
import { defaultEffectiveOn, onExistingSubject, sessionNamed, withSession } from './subject-stream.js';

export type SuspendCbmInput = SuspendCbm['data'] & { readonly effectiveOn?: string };

export class SuspendCbmCommand extends Command<CommandResult> {
  constructor(
    readonly cbmId: string,
    readonly input: SuspendCbmInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(SuspendCbmCommand)
export class SuspendCbmHandler implements ICommandHandler<SuspendCbmCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ cbmId, input: { effectiveOn, ...data }, context }: SuspendCbmCommand): Promise<CommandResult> {
    return onExistingSubject<'cbm', SuspendCbm>(this.deps, 'cbm', cbmId, context, async ({ track }) => {
      const session = await sessionNamed(this.deps, data.sessionId);
      return { type: 'SuspendCbm', data, track, ...withSession(session), effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session) };
    });
  }
}
