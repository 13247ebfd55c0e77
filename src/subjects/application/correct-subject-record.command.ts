import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS, today } from '../../shared/application/command-deps.js';
import type { CorrectionFields } from '../../shared/domain/corrections.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { recordOf } from '../domain/subject-core.js';
import type { CorrectRecord } from '../domain/subject.commands.js';
import type { SubjectKind } from '../domain/subject.errors.js';
import { onExistingSubject, sessionNamed } from './subject-stream.js';

export type CorrectSubjectRecordInput = CorrectionFields & { readonly effectiveOn?: string };

export class CorrectSubjectRecordCommand extends Command<CommandResult> {
  constructor(
    readonly kind: SubjectKind,
    readonly subjectId: string,
    readonly input: CorrectSubjectRecordInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CorrectSubjectRecordCommand)
export class CorrectSubjectRecordHandler implements ICommandHandler<CorrectSubjectRecordCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ kind, subjectId, input: { effectiveOn, ...data }, context }: CorrectSubjectRecordCommand): Promise<CommandResult> {
    return onExistingSubject<SubjectKind, CorrectRecord>(this.deps, kind, subjectId, context, async ({ state, track }) => {
      // DESIGN §7: a correction takes its target's effective date unless told otherwise.
      const target = recordOf(state, data.target);
      const targetSession = await sessionNamed(this.deps, target?.sessionId);
      return {
        type: 'CorrectRecord',
        data,
        track,
        ...(targetSession === undefined ? {} : { targetSession }),
        effectiveOn: effectiveOn ?? target?.effectiveOn ?? today(this.deps),
      };
    });
  }
}
