import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { ReportImplementation } from '../domain/cbm.commands.js';
import { defaultEffectiveOn, onExistingSubject, sessionNamed, withSession } from './subject-stream.js';

export type ReportImplementationInput = ReportImplementation['data'] & { readonly effectiveOn?: string };

export class ReportImplementationCommand extends Command<CommandResult> {
  constructor(
    readonly cbmId: string,
    readonly input: ReportImplementationInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReportImplementationCommand)
export class ReportImplementationHandler implements ICommandHandler<ReportImplementationCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ cbmId, input: { effectiveOn, ...data }, context }: ReportImplementationCommand): Promise<CommandResult> {
    return onExistingSubject<'cbm', ReportImplementation>(this.deps, 'cbm', cbmId, context, async ({ track }) => {
      const session = await sessionNamed(this.deps, data.sessionId);
      return { type: 'ReportImplementation', data, track, ...withSession(session), effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session) };
    });
  }
}
