import { today } from '../../shared/application/command-deps.js';
import type { CommandContext, CommandDeps, CommandResult } from '../../shared/event-store/handle-command.js';
import { handleCommand } from '../../shared/event-store/handle-command.js';
import { sessionFactsOf } from '../domain/session-facts.js';
import type { SessionCommand } from '../domain/session.commands.js';
import { type ExistingSession, sessionDecider, type SessionState } from '../domain/session.decider.js';
import { sessionStreamId } from '../domain/session.events.js';

/** DESIGN §7: a date not given is the session's heldOn when it was held, else the day of recording. */
export const effectiveOnFor = (deps: CommandDeps, state: SessionState, given: string | undefined): string =>
  given ?? sessionFactsOf(state)?.heldOn ?? today(deps);

/**
 * Every command on an existing session's stream goes through here. Each is `exclusive`: the
 * session's facts (held, attendance, minutes adopted) are what other streams' commands are decided
 * on, so a change to them runs alone in this process (see handleCommand).
 */
export const onExistingSession = (
  deps: CommandDeps,
  sessionId: string,
  context: CommandContext,
  build: (session: ExistingSession) => SessionCommand | Promise<SessionCommand>,
): Promise<CommandResult> =>
  handleCommand(deps, {
    decider: sessionDecider,
    streamId: sessionStreamId(sessionId),
    subject: `session ${sessionId}`,
    expectation: 'existing',
    // handleCommand has already answered 404 for a stream that does not exist.
    command: ({ state }) => build(state as ExistingSession),
    context,
    exclusive: true,
  });
