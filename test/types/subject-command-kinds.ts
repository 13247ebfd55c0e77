/*
 * Compile-time checks, run by `npm test`'s typecheck (tsc -p test/tsconfig.json): each line marked
 * @ts-expect-error must fail to compile, or the typecheck fails. onExistingSubject takes only a
 * command that every kind it may be sent to takes; before, such a call compiled and reached the
 * decider's `never` branch at run time (a 500).
 */
import type { CommandContext, CommandDeps } from '../../src/shared/event-store/handle-command.js';
import type { LinkCbmToNorm } from '../../src/subjects/domain/cbm.commands.js';
import type { RecordCapitalResponse } from '../../src/subjects/domain/norm.commands.js';
import type { RecordDecision, StatePosition } from '../../src/subjects/domain/subject.commands.js';
import type { onExistingSubject } from '../../src/subjects/application/subject-stream.js';

declare const on: typeof onExistingSubject;
declare const deps: CommandDeps;
declare const context: CommandContext;
declare const normOrCbm: 'norm' | 'cbm';
declare const anyKind: 'norm' | 'cbm' | 'topic';
const build = <C>() => async (): Promise<C> => ({}) as C;

export const taken = [
  on<'norm' | 'cbm', RecordDecision>(deps, normOrCbm, 'x', context, build<RecordDecision>()),
  on<'norm' | 'cbm' | 'topic', StatePosition>(deps, anyKind, 'x', context, build<StatePosition>()),
  on<'cbm', LinkCbmToNorm>(deps, 'cbm', 'x', context, build<LinkCbmToNorm>()),
];

export const refused = [
  // @ts-expect-error a norm's decider does not link CBMs
  on<'norm', LinkCbmToNorm>(deps, 'norm', 'x', context, build<LinkCbmToNorm>()),
  // @ts-expect-error a CBM's decider takes no capital response
  on<'norm' | 'cbm', RecordCapitalResponse>(deps, normOrCbm, 'x', context, build<RecordCapitalResponse>()),
  // @ts-expect-error a topic's decider takes no decision
  on<'norm' | 'cbm' | 'topic', RecordDecision>(deps, anyKind, 'x', context, build<RecordDecision>()),
];
