import { DateField, EnumField, IntField, LIMITS, NestedListField, SlugField, SlugListRecordField, SlugRecordField, TextField } from '../../shared/http/validators.js';
import type { AdoptMinutesInput } from '../application/adopt-minutes.command.js';
import type { AssignActionItemInput } from '../application/assign-action-item.command.js';
import type { BreakSilenceInput } from '../application/break-silence.command.js';
import type { CancelSessionInput } from '../application/cancel-session.command.js';
import type { CirculateMinutesInput } from '../application/circulate-minutes.command.js';
import type { CompleteActionItemInput } from '../application/complete-action-item.command.js';
import type { HoldSessionInput } from '../application/hold-session.command.js';
import type { LaunchSilenceProcedureInput } from '../application/launch-silence-procedure.command.js';
import type { RecordProceduralDecisionInput } from '../application/record-procedural-decision.command.js';
import type { RescheduleSessionInput } from '../application/reschedule-session.command.js';
import type { ScheduleSessionInput } from '../application/schedule-session.command.js';

const DEFAULTS_TO_HELD_ON = "Defaults to the session's heldOn when it was held, else the day of recording (UTC)";
const DEFAULTS_TO_TODAY = 'Defaults to the day of recording (UTC)';

export class AgendaItemDto {
  @SlugField({ example: 'item-3' }) readonly itemId!: string;
  @TextField(LIMITS.title, { example: 'Responsible state behaviour in cyberspace' }) readonly title!: string;
}

export class ScheduleSessionDto implements ScheduleSessionInput {
  @SlugField({ example: 'seg-2026-1' }) readonly sessionId!: string;
  @IntField(1, 100_000, { example: 1, description: 'Ordinal of the session in its track' }) readonly number!: number;
  @TextField(LIMITS.name, { example: 'Geneva' }) readonly place!: string;
  @SlugField({ optional: true, example: 'us' }) readonly hostPartyId?: string;
  @DateField() readonly scheduledFor!: string;
  @NestedListField(AgendaItemDto, { optional: true, uniqueKey: 'itemId' }) readonly provisionalAgenda?: AgendaItemDto[];
  @DateField({ optional: true, description: DEFAULTS_TO_TODAY }) readonly effectiveOn?: string;
}

export class RescheduleSessionDto implements RescheduleSessionInput {
  @DateField() readonly scheduledFor!: string;
  @TextField(LIMITS.reason, { example: 'host venue unavailable' }) readonly reason!: string;
  @DateField({ optional: true, description: DEFAULTS_TO_TODAY }) readonly effectiveOn?: string;
}

export class CancelSessionDto implements CancelSessionInput {
  @TextField(LIMITS.reason, { example: 'postponed sine die' }) readonly reason!: string;
  @DateField() readonly effectiveOn!: string;
}

export class HoldSessionDto implements HoldSessionInput {
  @DateField() readonly heldOn!: string;
  @TextField(LIMITS.name, { example: 'Geneva' }) readonly place!: string;
  @NestedListField(AgendaItemDto, { uniqueKey: 'itemId' }) readonly agenda!: AgendaItemDto[];
  @SlugListRecordField('party', 'delegate', { description: 'partyId → the delegates of that party present' })
  readonly attendance!: Record<string, string[]>;
  @SlugRecordField('party', 'delegate', { optional: true, description: 'partyId → its head of delegation' })
  readonly headsOfDelegation?: Record<string, string>;
  @DateField({ optional: true, description: 'Defaults to heldOn' }) readonly effectiveOn?: string;
}

export class RecordProceduralDecisionDto implements RecordProceduralDecisionInput {
  @SlugField({ example: 'dec-01' }) readonly decisionId!: string;
  @EnumField(['procedural'] as const) readonly kind!: 'procedural';
  @SlugField({ optional: true, example: 'item-1' }) readonly agendaItemId?: string;
  @TextField(LIMITS.text, { example: 'The agenda was adopted.' }) readonly text!: string;
  @DateField({ optional: true, description: DEFAULTS_TO_HELD_ON }) readonly effectiveOn?: string;
}

export class AssignActionItemDto implements AssignActionItemInput {
  @SlugField({ example: 'ai-01' }) readonly actionItemId!: string;
  @TextField(LIMITS.name, { example: 'secretariat' }) readonly assignee!: string;
  @TextField(LIMITS.text, { example: 'circulate a revised draft' }) readonly text!: string;
  @DateField({ optional: true }) readonly dueOn?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_HELD_ON }) readonly effectiveOn?: string;
}

export class CompleteActionItemDto implements CompleteActionItemInput {
  @TextField(LIMITS.text, { optional: true, example: 'draft circulated as SEG/2026/2' }) readonly note?: string;
  @DateField() readonly effectiveOn!: string;
}

export class CirculateMinutesDto implements CirculateMinutesInput {
  @DateField() readonly effectiveOn!: string;
}

export class LaunchSilenceProcedureDto implements LaunchSilenceProcedureInput {
  @DateField({ description: 'Adoption by silence may be recorded on or after this day' }) readonly deadline!: string;
  @DateField() readonly effectiveOn!: string;
}

export class BreakSilenceDto implements BreakSilenceInput {
  @SlugField({ example: 'cn' }) readonly partyId!: string;
  @TextField(LIMITS.reason) readonly reason!: string;
  @DateField() readonly effectiveOn!: string;
}

export class AdoptMinutesDto implements AdoptMinutesInput {
  @EnumField(['in_session', 'silence'] as const) readonly procedure!: 'in_session' | 'silence';
  @SlugField({ optional: true, description: 'For in_session: the held session of the same track that adopted them', example: 'seg-2026-2' })
  readonly atSessionId?: string;
  @SlugField({ optional: true, example: 'item-1' }) readonly agendaItemId?: string;
  @DateField() readonly effectiveOn!: string;
}
