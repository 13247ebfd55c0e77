import { ApiSchema } from '@nestjs/swagger';
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

/** The agenda of session seg-2026-1 in the examples (track.dtos.ts tells the story). */
const AGENDA = [
  { itemId: 'item-1', title: 'Adoption of the agenda' },
  { itemId: 'item-2', title: 'Norms, confidence-building measures and topics of common interest' },
  { itemId: 'item-3', title: 'Adoption of the report' },
];

export class AgendaItemDto {
  @SlugField({ example: 'item-2' }) readonly itemId!: string;
  @TextField(LIMITS.title, { example: 'Norms, confidence-building measures and topics of common interest' }) readonly title!: string;
}

export class ScheduleSessionDto implements ScheduleSessionInput {
  @SlugField({ example: 'seg-2026-1' }) readonly sessionId!: string;
  @IntField(1, 100_000, { example: 1, description: 'Ordinal of the session in its track' }) readonly number!: number;
  @TextField(LIMITS.name, { example: 'Honolulu' }) readonly place!: string;
  @SlugField({ optional: true, example: 'us' }) readonly hostPartyId?: string;
  @DateField({ example: '2026-03-10' }) readonly scheduledFor!: string;
  @NestedListField(AgendaItemDto, { optional: true, uniqueKey: 'itemId', example: AGENDA }) readonly provisionalAgenda?: AgendaItemDto[];
  @DateField({ optional: true, description: DEFAULTS_TO_TODAY, example: '2026-01-20' }) readonly effectiveOn?: string;
}

export class RescheduleSessionDto implements RescheduleSessionInput {
  @DateField({ example: '2026-03-12' }) readonly scheduledFor!: string;
  @TextField(LIMITS.reason, { example: 'the venue is unavailable on 10 March' }) readonly reason!: string;
  @DateField({ optional: true, description: DEFAULTS_TO_TODAY, example: '2026-02-16' }) readonly effectiveOn?: string;
}

@ApiSchema({ description: 'A cancelled session cannot be held: in the story of the examples this is the other ending, sent after the session is scheduled instead of holding it.' })
export class CancelSessionDto implements CancelSessionInput {
  @TextField(LIMITS.reason, { example: 'postponed sine die' }) readonly reason!: string;
  @DateField({ example: '2026-02-20' }) readonly effectiveOn!: string;
}

export class HoldSessionDto implements HoldSessionInput {
  @DateField({ example: '2026-03-12' }) readonly heldOn!: string;
  @TextField(LIMITS.name, { example: 'Honolulu' }) readonly place!: string;
  @NestedListField(AgendaItemDto, { uniqueKey: 'itemId', example: AGENDA }) readonly agenda!: AgendaItemDto[];
  @SlugListRecordField('party', 'delegate', { description: 'partyId → the delegates of that party present', example: { us: ['us-del-1'], cn: ['cn-del-1'] } })
  readonly attendance!: Record<string, string[]>;
  @SlugRecordField('party', 'delegate', { optional: true, description: 'partyId → its head of delegation', example: { us: 'us-del-1', cn: 'cn-del-1' } })
  readonly headsOfDelegation?: Record<string, string>;
  @DateField({ optional: true, description: 'Defaults to heldOn', example: '2026-03-12' }) readonly effectiveOn?: string;
}

export class RecordProceduralDecisionDto implements RecordProceduralDecisionInput {
  @SlugField({ example: 'dec-01' }) readonly decisionId!: string;
  @EnumField(['procedural'] as const) readonly kind!: 'procedural';
  @SlugField({ optional: true, description: 'An item of the agenda the session was held with', example: 'item-1' }) readonly agendaItemId?: string;
  @TextField(LIMITS.text, { example: 'The agenda was adopted.' }) readonly text!: string;
  @DateField({ optional: true, description: DEFAULTS_TO_HELD_ON, example: '2026-03-12' }) readonly effectiveOn?: string;
}

export class AssignActionItemDto implements AssignActionItemInput {
  @SlugField({ example: 'ai-01' }) readonly actionItemId!: string;
  @TextField(LIMITS.name, { example: 'secretariat' }) readonly assignee!: string;
  @TextField(LIMITS.text, { example: 'Compile the national points of contact for the hotline' }) readonly text!: string;
  @DateField({ optional: true, example: '2026-04-30' }) readonly dueOn?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_HELD_ON, example: '2026-03-12' }) readonly effectiveOn?: string;
}

export class CompleteActionItemDto implements CompleteActionItemInput {
  @TextField(LIMITS.text, { optional: true, example: 'list circulated as SEG/2026/1/INF.2' }) readonly note?: string;
  @DateField({ example: '2026-04-02' }) readonly effectiveOn!: string;
}

export class CirculateMinutesDto implements CirculateMinutesInput {
  @DateField({ example: '2026-03-12' }) readonly effectiveOn!: string;
}

export class LaunchSilenceProcedureDto implements LaunchSilenceProcedureInput {
  @DateField({ description: 'Adoption by silence may be recorded on or after this day', example: '2026-03-12' }) readonly deadline!: string;
  @DateField({ example: '2026-03-12' }) readonly effectiveOn!: string;
}

export class BreakSilenceDto implements BreakSilenceInput {
  @SlugField({ example: 'cn' }) readonly partyId!: string;
  @TextField(LIMITS.reason, { example: 'China asks that its statement under item 2 be reflected in full' }) readonly reason!: string;
  @DateField({ example: '2026-03-12' }) readonly effectiveOn!: string;
}

export class AdoptMinutesDto implements AdoptMinutesInput {
  @EnumField(['in_session', 'silence'] as const) readonly procedure!: 'in_session' | 'silence';
  @SlugField({
    optional: true,
    description:
      'Required with in_session (a 400 without it), refused with silence (422): the held session of the same track that adopted them; in the examples the session itself, at its closing meeting',
    example: 'seg-2026-1',
    requiredWhen: { holds: (body) => body['procedure'] === 'in_session', message: 'is required with procedure in_session' },
  })
  readonly atSessionId?: string;
  @SlugField({ optional: true, description: "For in_session only: an item of atSessionId's agenda", example: 'item-3' }) readonly agendaItemId?: string;
  @DateField({ example: '2026-03-12' }) readonly effectiveOn!: string;
}
