import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { PositionFields } from '../domain/position.events.js';
import type { StatePosition } from '../domain/subject.commands.js';
import type { SubjectKind } from '../domain/subject.errors.js';
import { defaultEffectiveOn, onExistingSubject, sessionNamed, withSession } from './subject-stream.js';

export type StatePositionInput = PositionFields & { readonly effectiveOn?: string };

export class StatePositionCommand extends Command<CommandResult> {
  constructor(
    readonly kind: SubjectKind,
    readonly subjectId: string,
    readonly input: StatePositionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(StatePositionCommand)
export class StatePositionHandler implements ICommandHandler<StatePositionCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ kind, subjectId, input: { effectiveOn, ...data }, context }: StatePositionCommand): Promise<CommandResult> {
    return onExistingSubject<SubjectKind, StatePosition>(this.deps, kind, subjectId, context, async ({ track }) => {
      const session = await sessionNamed(this.deps, data.sessionId);
      return { type: 'StatePosition', data, track, ...withSession(session), effectiveOn: defaultEffectiveOn(this.deps, effectiveOn, session) };
    });
  }
}
