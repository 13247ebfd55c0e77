import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { DecisionFields, RecordDecision } from '../domain/subject.commands.js';
import { defaultEffectiveOn, onExistingSubject, sessionNamed, withSession } from './subject-stream.js';

export type RecordSubjectDecisionInput = DecisionFields & { readonly effectiveOn?: string };

/** A decision to agree on a norm (agree_ad_referendum) or a CBM (agree_cbm). */
export class RecordSubjectDecisionCommand extends Command<CommandResult> {
  constructor(
    readonly kind: 'norm' | 'cbm',
    readonly subjectId: string,
    readonly input: RecordSubjectDecisionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordSubjectDecisionCommand)
export class RecordSubjectDecisionHandler implements ICommandHandler<RecordSubjectDecisionCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ kind, subjectId, input: { effectiveOn, ...data }, context }: RecordSubjectDecisionCommand): Promise<CommandResult> {
    return onExistingSubject<'norm' | 'cbm', RecordDecision>(this.deps, kind, subjectId, context, async ({ track }) => {
      const session = await sessionNamed(this.deps, data.sessionId);
      return { type: 'RecordDecision', data, track, ...withSession(session), effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session) };
    });
  }
}
