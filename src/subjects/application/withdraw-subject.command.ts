import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { WithdrawalFields, WithdrawSubject } from '../domain/subject.commands.js';
import { defaultEffectiveOn, onExistingSubject, sessionNamed, withSession } from './subject-stream.js';

export type WithdrawSubjectInput = WithdrawalFields & { readonly effectiveOn?: string };

export class WithdrawSubjectCommand extends Command<CommandResult> {
  constructor(
    readonly kind: 'norm' | 'cbm',
    readonly subjectId: string,
    readonly input: WithdrawSubjectInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(WithdrawSubjectCommand)
export class WithdrawSubjectHandler implements ICommandHandler<WithdrawSubjectCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ kind, subjectId, input: { effectiveOn, ...data }, context }: WithdrawSubjectCommand): Promise<CommandResult> {
    return onExistingSubject<'norm' | 'cbm', WithdrawSubject>(this.deps, kind, subjectId, context, async ({ track }) => {
      const session = await sessionNamed(this.deps, data.sessionId);
      return { type: 'WithdrawSubject', data, track, ...withSession(session), effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session) };
    });
  }
}
