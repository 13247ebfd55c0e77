/**
 * OpenAPI schemas of the query answers (DESIGN.md §4, §7), as the read models return them: the
 * types are in ../projections/*.projection.ts; these classes only document them.
 */
import { ApiExtraModels, ApiProperty, type ApiPropertyOptions, getSchemaPath, IntersectionType } from '@nestjs/swagger';
import { ANY_JSON_VALUE } from '../../shared/http/validators.js';

const NORM_STATUSES = ['proposed', 'under_discussion', 'agreed_ad_referendum', 'adopted', 'withdrawn'];
const CBM_STATUSES = ['proposed', 'under_discussion', 'agreed', 'implementing', 'implemented', 'suspended', 'withdrawn'];
const STANCES = ['supports', 'conditional', 'reserves', 'opposes', 'abstains'];
const SORTED_IDS: ApiPropertyOptions = { type: [String], description: 'Sorted; [] when none' };
const DATE: ApiPropertyOptions = { type: String, format: 'date' };
const NULLABLE_DATE: ApiPropertyOptions = { ...DATE, nullable: true };
const NULLABLE_TEXT: ApiPropertyOptions = { type: String, nullable: true };

/** The cut the answer was computed under, echoed (null: none given). */
class CutEchoDto {
  @ApiProperty({ ...NULLABLE_DATE, description: 'The asOf asked for, or null' }) readonly asOf!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The knownAt asked for, as an ISO instant (a bare date is the end of that day, UTC), or null' })
  readonly knownAt!: string | null;
}

export class TrackListItemDto {
  @ApiProperty() readonly trackId!: string;
  @ApiProperty() readonly name!: string;
}

export class TrackListDto {
  @ApiProperty({ type: [TrackListItemDto], description: 'Sorted by trackId' }) readonly tracks!: TrackListItemDto[];
}

export class PartyEntryDto {
  @ApiProperty() readonly partyId!: string;
  @ApiProperty() readonly name!: string;
  @ApiProperty(DATE) readonly registeredOn!: string;
}

export class AgencyEntryDto {
  @ApiProperty() readonly agencyId!: string;
  @ApiProperty() readonly partyId!: string;
  @ApiProperty() readonly name!: string;
  @ApiProperty(DATE) readonly registeredOn!: string;
}

export class DelegateEntryDto {
  @ApiProperty() readonly delegateId!: string;
  @ApiProperty() readonly partyId!: string;
  @ApiProperty() readonly agencyId!: string;
  @ApiProperty(NULLABLE_TEXT) readonly role!: string | null;
  @ApiProperty(NULLABLE_TEXT) readonly name!: string | null;
  @ApiProperty(DATE) readonly registeredOn!: string;
}

export class RegistryDto extends CutEchoDto {
  @ApiProperty() readonly trackId!: string;
  @ApiProperty() readonly name!: string;
  @ApiProperty(NULLABLE_TEXT) readonly mandateRef!: string | null;
  @ApiProperty(NULLABLE_TEXT) readonly cadence!: string | null;
  @ApiProperty(DATE) readonly establishedOn!: string;
  @ApiProperty({ type: [PartyEntryDto], description: 'Sorted by partyId' }) readonly parties!: PartyEntryDto[];
  @ApiProperty({ type: [AgencyEntryDto], description: 'Sorted by agencyId' }) readonly agencies!: AgencyEntryDto[];
  @ApiProperty({ type: [DelegateEntryDto], description: 'Sorted by delegateId' }) readonly delegates!: DelegateEntryDto[];
}

export class StanceCellDto {
  @ApiProperty({ type: String, enum: STANCES }) readonly stance!: string;
  @ApiProperty() readonly statementId!: string;
  @ApiProperty(DATE) readonly effectiveOn!: string;
}

const STANCES_BY_PARTY = {
  type: 'object',
  description: "partyId → that party's latest stance in effective order, after corrections; a party with no stance yet is absent",
  additionalProperties: { $ref: getSchemaPath(StanceCellDto) },
} as const;

export class LinkedCbmDto {
  @ApiProperty() readonly id!: string;
  @ApiProperty({ type: String, enum: CBM_STATUSES, description: 'Under the same cut' }) readonly status!: string;
}

@ApiExtraModels(StanceCellDto)
class RowBaseDto {
  @ApiProperty() readonly id!: string;
  @ApiProperty() readonly title!: string;
  @ApiProperty(STANCES_BY_PARTY) readonly stances!: Record<string, StanceCellDto>;
  @ApiProperty({ ...SORTED_IDS, description: 'Parties whose stance (or lack of one) blocks agreement; sorted' }) readonly blockingParties!: string[];
  @ApiProperty({ description: 'No blocking party and at least one supports' }) readonly consensusPossible!: boolean;
  @ApiProperty({ ...SORTED_IDS, description: 'Norms agreed ad referendum: the parties whose capital has not confirmed yet; [] otherwise' }) readonly pendingConfirmations!: string[];
  @ApiProperty({ type: [String], description: '`decision-without-consensus` when a correction shows a decision was taken without consensus; [] otherwise' })
  readonly flags!: string[];
}

export class NormRowDto extends RowBaseDto {
  @ApiProperty({ type: String, enum: ['norm'] }) readonly kind!: 'norm';
  @ApiProperty({ type: String, enum: NORM_STATUSES }) readonly status!: string;
  @ApiProperty({ ...DATE, description: 'effectiveOn of the event that caused the latest status change' }) readonly statusSince!: string;
  @ApiProperty({ type: [LinkedCbmDto], description: 'Every CBM linked to this norm, with its status; sorted by id' }) readonly linkedCbms!: LinkedCbmDto[];
}

export class CbmRowDto extends RowBaseDto {
  @ApiProperty({ type: String, enum: ['cbm'] }) readonly kind!: 'cbm';
  @ApiProperty({ type: String, enum: CBM_STATUSES }) readonly status!: string;
  @ApiProperty({ ...DATE, description: 'effectiveOn of the event that caused the latest status change' }) readonly statusSince!: string;
  @ApiProperty({ ...SORTED_IDS, description: 'The norms this CBM is linked to; sorted' }) readonly linkedNorms!: string[];
  @ApiProperty({ ...SORTED_IDS, description: 'The parties that reported implementing it; sorted' }) readonly implementationReportedBy!: string[];
}

export class TopicRowDto extends RowBaseDto {
  @ApiProperty({ type: String, enum: ['topic'] }) readonly kind!: 'topic';
  @ApiProperty({ type: String, nullable: true, enum: [null], description: 'Always null: topics have no status' }) readonly status!: null;
  @ApiProperty({ type: String, nullable: true, enum: [null], description: 'Always null' }) readonly statusSince!: null;
}

const ROW = {
  oneOf: [{ $ref: getSchemaPath(NormRowDto) }, { $ref: getSchemaPath(CbmRowDto) }, { $ref: getSchemaPath(TopicRowDto) }],
  discriminator: { propertyName: 'kind', mapping: { norm: getSchemaPath(NormRowDto), cbm: getSchemaPath(CbmRowDto), topic: getSchemaPath(TopicRowDto) } },
};

@ApiExtraModels(NormRowDto, CbmRowDto, TopicRowDto)
export class BoardDto extends CutEchoDto {
  @ApiProperty() readonly trackId!: string;
  @ApiProperty({ type: 'array', items: ROW, description: 'One row per norm, CBM and topic of the track' } as never) readonly rows!: unknown[];
}

export class MatrixRowDto {
  @ApiProperty({ type: String, enum: ['norm', 'cbm', 'topic'] }) readonly kind!: string;
  @ApiProperty() readonly id!: string;
  @ApiProperty() readonly title!: string;
  @ApiProperty({ type: String, nullable: true, enum: [...new Set([...NORM_STATUSES, ...CBM_STATUSES])], description: 'null for topics' }) readonly status!: string | null;
  @ApiProperty({
    type: 'object',
    description: 'One cell per party of the matrix: its latest stance, or null (no stance yet)',
    additionalProperties: { nullable: true, allOf: [{ $ref: getSchemaPath(StanceCellDto) }] },
  })
  readonly cells!: Record<string, StanceCellDto | null>;
}

@ApiExtraModels(StanceCellDto)
export class MatrixDto extends CutEchoDto {
  @ApiProperty() readonly trackId!: string;
  @ApiProperty({ ...SORTED_IDS, description: 'The columns: the parties of the track; sorted' }) readonly parties!: string[];
  @ApiProperty({ type: [MatrixRowDto] }) readonly rows!: MatrixRowDto[];
}

export class AgendaEntryDto {
  @ApiProperty() readonly itemId!: string;
  @ApiProperty() readonly title!: string;
}

export class SubjectRefDto {
  @ApiProperty({ type: String, enum: ['norm', 'cbm', 'topic'] }) readonly kind!: string;
  @ApiProperty() readonly id!: string;
}

export class RegisterDecisionDto {
  @ApiProperty() readonly decisionId!: string;
  @ApiProperty({ type: String, enum: ['procedural', 'agree_ad_referendum', 'agree_cbm'] }) readonly kind!: string;
  @ApiProperty({ type: SubjectRefDto, nullable: true, description: 'The norm or CBM decided on; null for a procedural decision' }) readonly subject!: SubjectRefDto | null;
  @ApiProperty(NULLABLE_TEXT) readonly agendaItemId!: string | null;
  @ApiProperty(NULLABLE_TEXT) readonly text!: string | null;
  @ApiProperty(DATE) readonly effectiveOn!: string;
  @ApiProperty({ format: 'uuid' }) readonly eventId!: string;
}

export class RegisterActionItemDto {
  @ApiProperty() readonly actionItemId!: string;
  @ApiProperty() readonly assignee!: string;
  @ApiProperty() readonly text!: string;
  @ApiProperty({ type: String, enum: ['open', 'completed'] }) readonly status!: string;
  @ApiProperty(NULLABLE_DATE) readonly dueOn!: string | null;
  @ApiProperty(NULLABLE_DATE) readonly completedOn!: string | null;
  @ApiProperty({ description: 'Still open and dueOn before the asOf date (before today without one)' }) readonly overdue!: boolean;
}

export class RegisterMinutesDto {
  @ApiProperty({ type: String, enum: ['none', 'circulated', 'silence_procedure', 'adopted'] }) readonly status!: string;
  @ApiProperty(NULLABLE_DATE) readonly adoptedOn!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['in_session', 'silence'] }) readonly procedure!: string | null;
  @ApiProperty({ ...NULLABLE_TEXT, description: 'The session that adopted them (in_session)' }) readonly atSessionId!: string | null;
  @ApiProperty({ ...NULLABLE_DATE, description: 'While a silence procedure runs (or once adopted by silence): its deadline' }) readonly silenceDeadline!: string | null;
  @ApiProperty({
    type: [String],
    description: 'The correctionId of every correction, in any stream, to a record made at this session, visible under the cut (ids are unique per stream, so one may repeat)',
  })
  readonly corrections!: string[];
}

export class SessionEntryDto {
  @ApiProperty() readonly sessionId!: string;
  @ApiProperty() readonly trackId!: string;
  @ApiProperty({ type: 'integer' }) readonly number!: number;
  @ApiProperty({ type: String, enum: ['scheduled', 'held', 'cancelled'] }) readonly status!: string;
  @ApiProperty(DATE) readonly scheduledFor!: string;
  @ApiProperty({ ...NULLABLE_DATE, description: 'The first scheduledFor, when rescheduled' }) readonly originallyScheduledFor!: string | null;
  @ApiProperty(NULLABLE_DATE) readonly cancelledOn!: string | null;
  @ApiProperty(NULLABLE_DATE) readonly heldOn!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The SessionHeld event: the eventId a correction of the session targets' }) readonly heldEventId!: string | null;
  @ApiProperty() readonly place!: string;
  @ApiProperty(NULLABLE_TEXT) readonly hostPartyId!: string | null;
  @ApiProperty({ type: [AgendaEntryDto] }) readonly provisionalAgenda!: AgendaEntryDto[];
  @ApiProperty({ type: [AgendaEntryDto], description: 'The agenda it was held with; [] before' }) readonly agenda!: AgendaEntryDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'partyId → delegateId' }) readonly headsOfDelegation!: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, description: 'partyId → the delegates present; sorted' })
  readonly attendance!: Record<string, string[]>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, description: 'partyId → the agencies of the delegates present; sorted' })
  readonly agenciesPresent!: Record<string, string[]>;
  @ApiProperty({ type: [RegisterDecisionDto], description: 'Procedural decisions and decisions on norms and CBMs taken at the session, in effective order' })
  readonly decisions!: RegisterDecisionDto[];
  @ApiProperty({ type: [RegisterActionItemDto], description: 'Sorted by actionItemId' }) readonly actionItems!: RegisterActionItemDto[];
  @ApiProperty({ type: RegisterMinutesDto }) readonly minutes!: RegisterMinutesDto;
}

export class SessionRegisterDto extends CutEchoDto {
  @ApiProperty() readonly trackId!: string;
  @ApiProperty({ type: [SessionEntryDto], description: 'By number' }) readonly sessions!: SessionEntryDto[];
}

export class SessionDetailDto extends IntersectionType(SessionEntryDto, CutEchoDto) {}

export class SubjectDecisionDto {
  @ApiProperty() readonly decisionId!: string;
  @ApiProperty({ type: String, enum: ['agree_ad_referendum', 'agree_cbm'] }) readonly kind!: string;
  @ApiProperty(NULLABLE_TEXT) readonly sessionId!: string | null;
  @ApiProperty(NULLABLE_TEXT) readonly agendaItemId!: string | null;
  @ApiProperty(NULLABLE_TEXT) readonly text!: string | null;
  @ApiProperty(DATE) readonly effectiveOn!: string;
  @ApiProperty({ format: 'uuid' }) readonly eventId!: string;
  @ApiProperty({ description: 'Global position, a decimal string' }) readonly position!: string;
  @ApiProperty({ description: 'Whether the stances, as corrected, gave consensus at the decision (false: flagged decision-without-consensus)' }) readonly consensusHeld!: boolean;
  @ApiProperty(SORTED_IDS) readonly blockingParties!: string[];
}

export class CapitalResponseEntryDto {
  @ApiProperty() readonly responseId!: string;
  @ApiProperty() readonly partyId!: string;
  @ApiProperty({ type: String, enum: ['confirmed', 'declined'] }) readonly response!: string;
  @ApiProperty(DATE) readonly effectiveOn!: string;
  @ApiProperty({ format: 'uuid' }) readonly eventId!: string;
}

export class ReportEntryDto {
  @ApiProperty() readonly reportId!: string;
  @ApiProperty() readonly partyId!: string;
  @ApiProperty() readonly text!: string;
  @ApiProperty(NULLABLE_TEXT) readonly sessionId!: string | null;
  @ApiProperty(DATE) readonly effectiveOn!: string;
}

export class FieldChangeEntryDto {
  @ApiProperty() readonly field!: string;
  @ApiProperty({ description: 'The value before (null: absent)', ...ANY_JSON_VALUE } as unknown as ApiPropertyOptions) readonly from!: unknown;
  @ApiProperty({ description: 'The value after (null: absent)', ...ANY_JSON_VALUE } as unknown as ApiPropertyOptions) readonly to!: unknown;
}

export class HistoryCorrectionDto {
  @ApiProperty() readonly correctionId!: string;
  @ApiProperty({ format: 'uuid', description: 'The RecordCorrected event' }) readonly eventId!: string;
  @ApiProperty({ type: [FieldChangeEntryDto] }) readonly changes!: FieldChangeEntryDto[];
  @ApiProperty() readonly reason!: string;
  @ApiProperty() readonly requestedBy!: string;
  @ApiProperty(NULLABLE_TEXT) readonly corrigendumId!: string | null;
  @ApiProperty(DATE) readonly effectiveOn!: string;
  @ApiProperty({ format: 'date-time' }) readonly recordedAt!: string;
}

export class HistoryEntryDto {
  @ApiProperty({ format: 'uuid' }) readonly eventId!: string;
  @ApiProperty({ description: 'Global position, a decimal string' }) readonly position!: string;
  @ApiProperty({ type: 'integer' }) readonly revision!: number;
  @ApiProperty({ example: 'PositionStated' }) readonly type!: string;
  @ApiProperty({ ...DATE, description: 'After corrections' }) readonly effectiveOn!: string;
  @ApiProperty({ ...DATE, description: 'As first recorded' }) readonly recordedEffectiveOn!: string;
  @ApiProperty({ format: 'date-time' }) readonly recordedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event data with every correction visible under the cut applied' }) readonly data!: Record<string, unknown>;
  @ApiProperty({ type: [HistoryCorrectionDto] }) readonly corrections!: HistoryCorrectionDto[];
  @ApiProperty({ ...NULLABLE_TEXT, description: "The subject's status after this event (null for topics)" }) readonly status!: string | null;
}

class SubjectDetailFieldsDto extends CutEchoDto {
  @ApiProperty() readonly trackId!: string;
  @ApiProperty(NULLABLE_TEXT) readonly summary!: string | null;
  @ApiProperty({ ...SORTED_IDS, description: 'The proposing parties ([] for topics)' }) readonly proposedBy!: string[];
  @ApiProperty(DATE) readonly createdOn!: string;
  @ApiProperty(NULLABLE_TEXT) readonly sessionId!: string | null;
  @ApiProperty({ type: [SubjectDecisionDto] }) readonly decisions!: SubjectDecisionDto[];
  @ApiProperty({ ...NULLABLE_DATE, description: 'Norms: the effective date of the last confirmation' }) readonly adoptedOn!: string | null;
  @ApiProperty({ type: [CapitalResponseEntryDto] }) readonly capitalResponses!: CapitalResponseEntryDto[];
  @ApiProperty({ type: [ReportEntryDto], description: 'CBMs: implementation reports' }) readonly reports!: ReportEntryDto[];
  @ApiProperty({ type: [HistoryEntryDto], description: 'Every record of the subject in effective order (by effectiveOn, then position)' }) readonly history!: HistoryEntryDto[];
}

export class NormDetailDto extends IntersectionType(NormRowDto, SubjectDetailFieldsDto) {}
export class CbmDetailDto extends IntersectionType(CbmRowDto, SubjectDetailFieldsDto) {}
export class TopicDetailDto extends IntersectionType(TopicRowDto, SubjectDetailFieldsDto) {}

export class RebuildResultDto {
  @ApiProperty({ type: 'integer', description: 'Events read from the log (all streams)' }) readonly events!: number;
  @ApiProperty({ type: 'integer', description: 'Track, session and subject streams in the rebuilt read models' }) readonly streams!: number;
  @ApiProperty({ type: 'integer' }) readonly tracks!: number;
  @ApiProperty({ type: 'integer' }) readonly durationMs!: number;
  @ApiProperty({ type: 'integer' }) readonly eventsPerSecond!: number;
}

