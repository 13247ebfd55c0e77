import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AdoptMinutesCommand } from '../sessions/application/adopt-minutes.command.js';
import { AssignActionItemCommand } from '../sessions/application/assign-action-item.command.js';
import { BreakSilenceCommand } from '../sessions/application/break-silence.command.js';
import { CancelSessionCommand } from '../sessions/application/cancel-session.command.js';
import { CirculateMinutesCommand } from '../sessions/application/circulate-minutes.command.js';
import { CompleteActionItemCommand } from '../sessions/application/complete-action-item.command.js';
import { HoldSessionCommand } from '../sessions/application/hold-session.command.js';
import { LaunchSilenceProcedureCommand } from '../sessions/application/launch-silence-procedure.command.js';
import { RecordProceduralDecisionCommand } from '../sessions/application/record-procedural-decision.command.js';
import { RescheduleSessionCommand } from '../sessions/application/reschedule-session.command.js';
import { ScheduleSessionCommand } from '../sessions/application/schedule-session.command.js';
import { CLOCK, type Clock } from '../shared/event-store/clock.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import type { CommandContext, CommandResult } from '../shared/event-store/handle-command.js';
import { CorrectSubjectRecordCommand } from '../subjects/application/correct-subject-record.command.js';
import { LinkCbmToNormCommand } from '../subjects/application/link-cbm-to-norm.command.js';
import { OpenTopicCommand } from '../subjects/application/open-topic.command.js';
import { ProposeCbmCommand } from '../subjects/application/propose-cbm.command.js';
import { ProposeNormCommand } from '../subjects/application/propose-norm.command.js';
import { RecordCapitalResponseCommand } from '../subjects/application/record-capital-response.command.js';
import { RecordSubjectDecisionCommand } from '../subjects/application/record-subject-decision.command.js';
import { ReportImplementationCommand } from '../subjects/application/report-implementation.command.js';
import { ResumeCbmCommand } from '../subjects/application/resume-cbm.command.js';
import { StatePositionCommand } from '../subjects/application/state-position.command.js';
import { SuspendCbmCommand } from '../subjects/application/suspend-cbm.command.js';
import { WithdrawSubjectCommand } from '../subjects/application/withdraw-subject.command.js';
import { EstablishTrackCommand } from '../tracks/application/establish-track.command.js';
import { RegisterAgencyCommand } from '../tracks/application/register-agency.command.js';
import { RegisterDelegateCommand } from '../tracks/application/register-delegate.command.js';
import { RegisterPartyCommand } from '../tracks/application/register-party.command.js';
import { DemoClock } from './demo.module.js';
import { DEMO_STEPS, DEMO_TRACK_ID, type DemoAction, type DemoStep } from './demo-track.js';

/** The principal named in every demo event's `recordedBy`. */
export const DEMO_PRINCIPAL = 'demo-loader';

/** The demo writes only into an empty store: it would otherwise mix invented records with real ones. */
export class DemoStoreNotEmptyError extends Error {
  constructor(readonly headPosition: string) {
    super(`the store is not empty (last position ${headPosition}); the demo loads only into an empty store: point LEDGER_DATA_DIR at a new directory`);
    this.name = 'DemoStoreNotEmptyError';
  }
}

/** A demo action the command path refused: the data and the guards disagree, a bug to fix in demo-track.ts. */
export class DemoStepFailedError extends Error {
  constructor(
    readonly index: number,
    readonly step: DemoStep,
    cause: unknown,
  ) {
    super(`demo step ${index + 1} (${describeAction(step.action)}, recorded ${step.recordedOn}) was refused: ${(cause as Error).message ?? String(cause)}`, { cause });
    this.name = 'DemoStepFailedError';
  }
}

export interface DemoProgress {
  /** 1-based count of steps done. */
  readonly done: number;
  readonly total: number;
  readonly step: DemoStep;
  readonly result: CommandResult;
}

export interface DemoReport {
  readonly trackId: string;
  readonly commands: number;
  readonly events: number;
  readonly streams: number;
  readonly durationMs: number;
}

export interface LoadDemoOptions {
  readonly onProgress?: (progress: DemoProgress) => void;
  /** The actions to dispatch; the demo track unless given. */
  readonly steps?: readonly DemoStep[];
  /** Correlates every event of one demo load. */
  readonly correlationId?: string;
}

/** What the loader needs; a Nest application context with the write side wired provides all three. */
export interface DemoTarget {
  readonly commandBus: CommandBus;
  readonly store: EventStore;
  readonly clock?: Clock;
}

const isAppContext = (target: INestApplicationContext | DemoTarget): target is INestApplicationContext =>
  typeof (target as INestApplicationContext).get === 'function';

/** Recorded at 09:00 UTC on the story's day; DemoClock adds a millisecond per event so they stay increasing. */
const recordingInstant = (day: string): Date => new Date(`${day}T09:00:00.000Z`);

/**
 * Dispatches every demo action in order through the command bus (the HTTP path minus HTTP), after
 * checking that the store is empty. Stops at the first refusal: every step must append at least one
 * event, or the demo would silently show less than it claims.
 */
export const loadDemo = async (target: INestApplicationContext | DemoTarget, options: LoadDemoOptions = {}): Promise<DemoReport> => {
  const { commandBus, store, clock } = isAppContext(target)
    ? { commandBus: target.get(CommandBus), store: target.get<EventStore>(EVENT_STORE), clock: target.get<Clock>(CLOCK) }
    : target;
  const head = await store.headPosition();
  if (head !== null) throw new DemoStoreNotEmptyError(head);

  const steps = options.steps ?? DEMO_STEPS;
  const demoClock = clock instanceof DemoClock ? clock : undefined;
  // A clock that is behind the story (a machine set in the past) would record days in the future.
  const lastDay = steps[steps.length - 1]?.recordedOn;
  const simulate = demoClock !== undefined && lastDay !== undefined && recordingInstant(lastDay) < new Date();
  const correlationId = options.correlationId ?? `demo-${new Date().toISOString()}`;
  const streams = new Set<string>();
  const started = performance.now();
  let events = 0;

  for (const [index, step] of steps.entries()) {
    if (simulate) demoClock.advanceTo(recordingInstant(step.recordedOn));
    const context: CommandContext = { principal: DEMO_PRINCIPAL, correlationId };
    let result: CommandResult;
    try {
      result = await commandBus.execute(commandOf(step.action, context));
    } catch (error) {
      throw new DemoStepFailedError(index, step, error);
    }
    if (result.events.length === 0) throw new DemoStepFailedError(index, step, new Error('it was already satisfied and recorded nothing'));
    events += result.events.length;
    streams.add(result.streamId);
    options.onProgress?.({ done: index + 1, total: steps.length, step, result });
  }
  return { trackId: DEMO_TRACK_ID, commands: steps.length, events, streams: streams.size, durationMs: performance.now() - started };
};

/** The CQRS command of an action: the same class the matching HTTP route sends. */
export const commandOf = (action: DemoAction, context: CommandContext) => {
  switch (action.kind) {
    case 'establish-track':
      return new EstablishTrackCommand(action.input, context);
    case 'register-party':
      return new RegisterPartyCommand(action.trackId, action.input, context);
    case 'register-agency':
      return new RegisterAgencyCommand(action.trackId, action.input, context);
    case 'register-delegate':
      return new RegisterDelegateCommand(action.trackId, action.input, context);
    case 'schedule-session':
      return new ScheduleSessionCommand(action.trackId, action.input, context);
    case 'reschedule-session':
      return new RescheduleSessionCommand(action.sessionId, action.input, context);
    case 'cancel-session':
      return new CancelSessionCommand(action.sessionId, action.input, context);
    case 'hold-session':
      return new HoldSessionCommand(action.sessionId, action.input, context);
    case 'procedural-decision':
      return new RecordProceduralDecisionCommand(action.sessionId, action.input, context);
    case 'assign-action-item':
      return new AssignActionItemCommand(action.sessionId, action.input, context);
    case 'complete-action-item':
      return new CompleteActionItemCommand(action.sessionId, action.actionItemId, action.input, context);
    case 'circulate-minutes':
      return new CirculateMinutesCommand(action.sessionId, action.input, context);
    case 'launch-silence-procedure':
      return new LaunchSilenceProcedureCommand(action.sessionId, action.input, context);
    case 'break-silence':
      return new BreakSilenceCommand(action.sessionId, action.input, context);
    case 'adopt-minutes':
      return new AdoptMinutesCommand(action.sessionId, action.input, context);
    case 'propose-norm':
      return new ProposeNormCommand(action.trackId, action.input, context);
    case 'propose-cbm':
      return new ProposeCbmCommand(action.trackId, action.input, context);
    case 'open-topic':
      return new OpenTopicCommand(action.trackId, action.input, context);
    case 'state-position':
      return new StatePositionCommand(action.subject, action.subjectId, action.input, context);
    case 'subject-decision':
      return new RecordSubjectDecisionCommand(action.subject, action.subjectId, action.input, context);
    case 'capital-response':
      return new RecordCapitalResponseCommand(action.normId, action.input, context);
    case 'withdraw-subject':
      return new WithdrawSubjectCommand(action.subject, action.subjectId, action.input, context);
    case 'link-cbm':
      return new LinkCbmToNormCommand(action.cbmId, action.input, context);
    case 'report-implementation':
      return new ReportImplementationCommand(action.cbmId, action.input, context);
    case 'suspend-cbm':
      return new SuspendCbmCommand(action.cbmId, action.input, context);
    case 'resume-cbm':
      return new ResumeCbmCommand(action.cbmId, action.input, context);
    case 'correct-subject':
      return new CorrectSubjectRecordCommand(action.subject, action.subjectId, action.input, context);
    default: {
      const unknown: never = action;
      throw new Error(`unknown demo action ${JSON.stringify(unknown)}`);
    }
  }
};

/** "hold-session seg-2", "state-position norm gge-13f seg1-cn-13f": names a step in progress and errors. */
export const describeAction = (action: DemoAction): string => {
  const input = action.input as unknown as Record<string, unknown>;
  const subjectOf = (a: DemoAction): string[] => {
    if ('subject' in a) return [a.subject, a.subjectId];
    for (const key of ['trackId', 'sessionId', 'normId', 'cbmId'] as const) if (key in a) return [String((a as Record<string, unknown>)[key])];
    return [];
  };
  const own = ['sessionId', 'normId', 'cbmId', 'topicId', 'statementId', 'decisionId', 'responseId', 'correctionId', 'actionItemId', 'reportId', 'partyId', 'delegateId', 'agencyId', 'trackId']
    .map((key) => input[key])
    .find((value) => typeof value === 'string');
  return [action.kind, ...subjectOf(action), ...(own !== undefined ? [own] : [])].filter((part, i, all) => all.indexOf(part) === i).join(' ');
};
