import { ApiSchema } from '@nestjs/swagger';
import { DateField, EnumField, LIMITS, SlugField, SlugListField, TextField } from '../../shared/http/validators.js';
import { STANCES, type Stance } from '../domain/position.events.js';
import type { LinkCbmToNormInput } from '../application/link-cbm-to-norm.command.js';
import type { OpenTopicInput } from '../application/open-topic.command.js';
import type { ProposeCbmInput } from '../application/propose-cbm.command.js';
import type { ProposeNormInput } from '../application/propose-norm.command.js';
import type { RecordCapitalResponseInput } from '../application/record-capital-response.command.js';
import type { RecordSubjectDecisionInput } from '../application/record-subject-decision.command.js';
import type { ReportImplementationInput } from '../application/report-implementation.command.js';
import type { StatePositionInput } from '../application/state-position.command.js';
import type { SuspendCbmInput } from '../application/suspend-cbm.command.js';
import type { WithdrawSubjectInput } from '../application/withdraw-subject.command.js';

const DEFAULTS_TO_SESSION = 'Defaults to the heldOn of sessionId when given, else the day of recording (UTC)';
const SESSION = 'The held session of the same track where this happened';
const AGENDA_ITEM = 'An item of the agenda sessionId was held with (needs sessionId)';
/** The session of the story the examples tell (see track.dtos.ts). */
const SESSION_ID = 'seg-2026-1';
const HELD_ON = '2026-03-12';
const US_STATEMENT = 'The United States supports the proposal as drafted.';

export class ProposeNormDto implements ProposeNormInput {
  @SlugField({ example: 'gge-13i' }) readonly normId!: string;
  @TextField(LIMITS.title, { example: 'Supply chain integrity' }) readonly title!: string;
  @TextField(LIMITS.summary, { example: 'States should take reasonable steps to ensure the integrity of the supply chain of ICT products.' })
  readonly summary!: string;
  @TextField(LIMITS.reference, { optional: true, example: 'A/70/174 §13(i)' }) readonly sourceRef?: string;
  @SlugListField({ min: 1, description: 'The proposing parties', example: ['us'] }) readonly proposedBy!: string[];
  @SlugField({ optional: true, description: SESSION, example: SESSION_ID }) readonly sessionId?: string;
  @SlugField({ optional: true, description: AGENDA_ITEM, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

export class ProposeCbmDto implements ProposeCbmInput {
  @SlugField({ example: 'cbm-hotline' }) readonly cbmId!: string;
  @TextField(LIMITS.title, { example: 'Point-of-contact hotline' }) readonly title!: string;
  @TextField(LIMITS.summary, { optional: true, example: 'Each party designates a point of contact, reachable at all hours, for ICT incidents of mutual concern.' })
  readonly summary?: string;
  @TextField(LIMITS.reference, { optional: true, example: 'OSCE CBM 8' }) readonly sourceRef?: string;
  @SlugListField({ min: 1, description: 'The proposing parties', example: ['us'] }) readonly proposedBy!: string[];
  @SlugListField({ optional: true, description: 'Norms of the same track this CBM supports (they can also be linked later: POST /cbms/{cbmId}/links, which the story does)', example: [] })
  readonly linkedNorms?: string[];
  @SlugField({ optional: true, description: SESSION, example: SESSION_ID }) readonly sessionId?: string;
  @SlugField({ optional: true, description: AGENDA_ITEM, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

export class OpenTopicDto implements OpenTopicInput {
  @SlugField({ example: 'internet-governance' }) readonly topicId!: string;
  @TextField(LIMITS.title, { example: 'Internet governance' }) readonly title!: string;
  @TextField(LIMITS.summary, { optional: true, example: "Each party's view of the governance of the internet's core resources." }) readonly summary?: string;
  @SlugField({ optional: true, description: SESSION, example: SESSION_ID }) readonly sessionId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

@ApiSchema({
  description:
    "The example is the United States' statement; the story sends it to the norm, the CBM and the topic, and so does China: " +
    '`{"statementId": "st-cn-01", "partyId": "cn", "delegateId": "cn-del-1", "stance": "supports", "text": "China supports the proposal as drafted.", "channel": "oral", ' +
    '"sessionId": "seg-2026-1", "agendaItemId": "item-2"}` (a decision needs a stance from every party: no stance yet blocks). ' +
    '`condition` has no example: send it only with `stance: conditional`, which needs it.',
})
export class StatePositionDto implements StatePositionInput {
  @SlugField({ example: 'st-us-01' }) readonly statementId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @SlugField({ optional: true, description: 'A delegate of that party who attended sessionId', example: 'us-del-1' }) readonly delegateId?: string;
  @EnumField(STANCES, { description: '`conditional` needs `condition`; conditional, reserves and opposes block agreement', example: 'supports' }) readonly stance!: Stance;
  @TextField(LIMITS.reason, {
    optional: true,
    description: 'Required with stance conditional (e.g. "provided peacetime applicability is stated"), else a 400 names it; leave it out otherwise',
    requiredWhen: { holds: (body) => body['stance'] === 'conditional', message: 'is required with stance conditional' },
  })
  readonly condition?: string;
  @TextField(LIMITS.text, { optional: true, example: 'The United States reads this text as applying in peacetime and in armed conflict.' }) readonly interpretativeStatement?: string;
  @TextField(LIMITS.text, { example: US_STATEMENT }) readonly text!: string;
  @EnumField(['oral', 'written'] as const, { example: 'oral' }) readonly channel!: 'oral' | 'written';
  @TextField(LIMITS.reference, { optional: true, description: 'The note or document carrying the statement', example: 'SEG/2026/1/INF.3' }) readonly communicationRef?: string;
  @SlugField({ optional: true, description: SESSION, example: SESSION_ID }) readonly sessionId?: string;
  @SlugField({ optional: true, description: AGENDA_ITEM, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

@ApiSchema({ description: 'Needs consensus when recorded: in the story, after both us and cn stated a position on the norm (see StatePositionDto).' })
export class NormDecisionDto implements RecordSubjectDecisionInput {
  @SlugField({ example: 'dec-02' }) readonly decisionId!: string;
  @EnumField(['agree_ad_referendum'] as const) readonly kind!: 'agree_ad_referendum';
  @SlugField({ description: SESSION, example: SESSION_ID }) readonly sessionId!: string;
  @SlugField({ optional: true, description: AGENDA_ITEM, example: 'item-2' }) readonly agendaItemId?: string;
  @TextField(LIMITS.text, { optional: true, example: 'The norm was agreed ad referendum, subject to confirmation by capitals.' }) readonly text?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

@ApiSchema({ description: 'Needs consensus when recorded: in the story, after both us and cn stated a position on the CBM (see StatePositionDto).' })
export class CbmDecisionDto implements RecordSubjectDecisionInput {
  @SlugField({ example: 'dec-03' }) readonly decisionId!: string;
  @EnumField(['agree_cbm'] as const) readonly kind!: 'agree_cbm';
  @SlugField({ description: SESSION, example: SESSION_ID }) readonly sessionId!: string;
  @SlugField({ optional: true, description: AGENDA_ITEM, example: 'item-2' }) readonly agendaItemId?: string;
  @TextField(LIMITS.text, { optional: true, example: 'The hotline was agreed.' }) readonly text?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

export class CapitalResponseDto implements RecordCapitalResponseInput {
  @SlugField({ example: 'cap-us-01' }) readonly responseId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @EnumField(['confirmed', 'declined'] as const) readonly response!: 'confirmed' | 'declined';
  @TextField(LIMITS.reference, { optional: true, example: 'Note verbale 2026/20' }) readonly communicationRef?: string;
  @DateField({ example: '2026-04-20' }) readonly effectiveOn!: string;
}

@ApiSchema({ description: 'Allowed only before agreement: in the story of the examples this is the other ending, sent after the positions instead of the decision.' })
export class WithdrawalDto implements WithdrawSubjectInput {
  @SlugListField({ min: 1, description: 'Every proposer must withdraw', example: ['us'] }) readonly partyIds!: string[];
  @TextField(LIMITS.reason, { optional: true, example: 'superseded by a joint text to be tabled at the next session' }) readonly reason?: string;
  @SlugField({ optional: true, description: SESSION, example: SESSION_ID }) readonly sessionId?: string;
  @SlugField({ optional: true, description: AGENDA_ITEM, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

export class LinkCbmDto implements LinkCbmToNormInput {
  @SlugField({ example: 'gge-13i' }) readonly normId!: string;
  @TextField(LIMITS.reason, { optional: true, example: 'the hotline also serves notifications of supply chain incidents' }) readonly reason?: string;
  @DateField({ example: HELD_ON }) readonly effectiveOn!: string;
}

export class ImplementationReportDto implements ReportImplementationInput {
  @SlugField({ example: 'rep-cn-01' }) readonly reportId!: string;
  @SlugField({ example: 'cn' }) readonly partyId!: string;
  @TextField(LIMITS.text, { example: 'The hotline of the Ministry of Foreign Affairs is staffed at all hours.' }) readonly text!: string;
  @SlugField({ optional: true, description: SESSION, example: SESSION_ID }) readonly sessionId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}

@ApiSchema({ description: 'The body of a suspension and of a resumption; in the story the hotline is suspended for maintenance and resumed.' })
export class SuspensionDto implements SuspendCbmInput {
  @SlugField({ example: 'cn' }) readonly partyId!: string;
  @TextField(LIMITS.reason, { example: 'maintenance of the hotline equipment' }) readonly reason!: string;
  @SlugField({ optional: true, description: SESSION, example: SESSION_ID }) readonly sessionId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION, example: HELD_ON }) readonly effectiveOn?: string;
}
