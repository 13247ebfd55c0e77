import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS, today } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { CapitalResponseFields, RecordCapitalResponse } from '../domain/norm.commands.js';
import { onExistingSubject } from './subject-stream.js';

export type RecordCapitalResponseInput = CapitalResponseFields & { readonly effectiveOn?: string };

export class RecordCapitalResponseCommand extends Command<CommandResult> {
  constructor(
    readonly normId: string,
    readonly input: RecordCapitalResponseInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordCapitalResponseCommand)
export class RecordCapitalResponseHandler implements ICommandHandler<RecordCapitalResponseCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ normId, input: { effectiveOn, ...data }, context }: RecordCapitalResponseCommand): Promise<CommandResult> {
    return onExistingSubject<'norm', RecordCapitalResponse>(this.deps, 'norm', normId, context, async ({ track }) => ({
      type: 'RecordCapitalResponse',
      data,
      track,
      effectiveOn: effectiveOn ?? today(this.deps),
    }));
  }
}
