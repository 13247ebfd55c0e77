import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_DEPS, today } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import type { LinkCbmToNorm } from '../domain/cbm.commands.js';
import { loadNormFacts } from './subject-facts.loader.js';
import { onExistingSubject } from './subject-stream.js';

export type LinkCbmToNormInput = LinkCbmToNorm['data'] & { readonly effectiveOn?: string };

export class LinkCbmToNormCommand extends Command<CommandResult> {
  constructor(
    readonly cbmId: string,
    readonly input: LinkCbmToNormInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(LinkCbmToNormCommand)
export class LinkCbmToNormHandler implements ICommandHandler<LinkCbmToNormCommand, CommandResult> {
  constructor(@Inject(COMMAND_DEPS) private readonly deps: CommandDeps) {}

  execute({ cbmId, input: { effectiveOn, ...data }, context }: LinkCbmToNormCommand): Promise<CommandResult> {
    return onExistingSubject<'cbm', LinkCbmToNorm>(this.deps, 'cbm', cbmId, context, async ({ track }) => {
      const norm = await loadNormFacts(this.deps.store, data.normId);
      return { type: 'LinkCbmToNorm', data, track, ...(norm === undefined ? {} : { norm }), effectiveOn: effectiveOn ?? today(this.deps) };
    });
  }
}
