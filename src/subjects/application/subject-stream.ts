import { today } from '../../shared/application/command-deps.js';
import type { Decider, DomainEvent } from '../../shared/domain/decider.js';
import type { SessionFacts, TrackFacts } from '../../shared/domain/facts.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { handleCommand } from '../../shared/event-store/handle-command.js';
import { loadSessionFacts } from '../../sessions/application/session-facts.loader.js';
import { requireTrackFacts } from '../../tracks/application/track-facts.loader.js';
import type { CbmCommand } from '../domain/cbm.commands.js';
import { cbmDecider } from '../domain/cbm.decider.js';
import { cbmStreamId } from '../domain/cbm.events.js';
import type { NormCommand } from '../domain/norm.commands.js';
import { normDecider } from '../domain/norm.decider.js';
import { normStreamId } from '../domain/norm.events.js';
import type { SubjectCore, SubjectState } from '../domain/subject-core.js';
import type { SubjectKind } from '../domain/subject.errors.js';
import type { TopicCommand } from '../domain/topic.commands.js';
import { topicDecider } from '../domain/topic.decider.js';
import { topicStreamId } from '../domain/topic.events.js';

/** The commands of each kind: a command is sent only to a kind whose decider takes it. */
interface SubjectCommands {
  readonly norm: NormCommand;
  readonly cbm: CbmCommand;
  readonly topic: TopicCommand;
}

/** true for each kind in K whose decider takes C, false for each that does not. */
type TakenBy<K extends SubjectKind, C> = { [P in K]: C extends SubjectCommands[P] ? true : false }[K];

/** A subject of any kind as the shared commands (positions, decisions, withdrawals, corrections) see it. */
type AnySubjectDecider = Decider<never, SubjectState, DomainEvent>;

/** The one table from a subject kind to its decider and stream. */
export const SUBJECT_STREAMS: Readonly<Record<SubjectKind, { decider: AnySubjectDecider; streamId: (id: string) => string }>> = {
  norm: { decider: normDecider as unknown as AnySubjectDecider, streamId: normStreamId },
  cbm: { decider: cbmDecider as unknown as AnySubjectDecider, streamId: cbmStreamId },
  topic: { decider: topicDecider as unknown as AnySubjectDecider, streamId: topicStreamId },
};

export type ExistingSubject = SubjectState & { readonly core: SubjectCore };

/** The facts every subject command carries, read fresh on each attempt. */
export interface SubjectContext {
  readonly state: ExistingSubject;
  readonly track: TrackFacts;
}

/**
 * Every command on an existing norm, cbm or topic goes through here. The shared command shapes
 * (StatePosition, RecordDecision, ...) belong to each kind's command union, hence the one cast in
 * SUBJECT_STREAMS.
 */
export const onExistingSubject = <K extends SubjectKind, C extends SubjectCommands[K]>(
  deps: CommandDeps,
  // A command must be one that every kind it may be sent to takes (`'norm' | 'cbm'`: both deciders).
  kind: K & (false extends TakenBy<K, C> ? never : unknown),
  id: string,
  context: CommandContext,
  build: (subject: SubjectContext) => Promise<C>,
): Promise<CommandResult> => {
  const { decider, streamId } = SUBJECT_STREAMS[kind];
  return handleCommand(deps, {
    decider: decider as unknown as Decider<C, SubjectState, DomainEvent>,
    streamId: streamId(id),
    subject: `${kind} ${id}`,
    expectation: 'existing',
    // handleCommand has already answered 404 when the stream does not exist, so the core is there.
    command: async ({ state }) => {
      const existing = state as ExistingSubject;
      return build({ state: existing, track: await requireTrackFacts(deps.store, existing.core.trackId) });
    },
    context,
  });
};

/** Facts of the session named in the body, when one is. */
export const sessionNamed = async (deps: CommandDeps, sessionId: string | undefined): Promise<SessionFacts | undefined> =>
  sessionId === undefined ? undefined : loadSessionFacts(deps.store, sessionId);

/** DESIGN §7: the heldOn of the given session, else the day of recording. */
export const defaultEffectiveOn = (deps: CommandDeps, given: string | undefined, session: SessionFacts | undefined): string =>
  given ?? session?.heldOn ?? today(deps);

/** `session` set only when found, so the command's optional field stays absent otherwise. */
export const withSession = (session: SessionFacts | undefined): { session?: SessionFacts } => (session === undefined ? {} : { session });
