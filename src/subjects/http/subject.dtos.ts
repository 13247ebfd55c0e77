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

export class ProposeNormDto implements ProposeNormInput {
  @SlugField({ example: 'gge-13i' }) readonly normId!: string;
  @TextField(LIMITS.title, { example: 'Protect critical infrastructure' }) readonly title!: string;
  @TextField(LIMITS.summary, { example: 'States should not conduct or knowingly support ICT activity that damages critical infrastructure.' })
  readonly summary!: string;
  @TextField(LIMITS.reference, { optional: true, example: 'A/70/174 §13(f)' }) readonly sourceRef?: string;
  @SlugListField({ min: 1, description: 'The proposing parties', example: ['us'] }) readonly proposedBy!: string[];
  @SlugField({ optional: true, description: SESSION, example: 'seg-2026-1' }) readonly sessionId?: string;
  @SlugField({ optional: true, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class ProposeCbmDto implements ProposeCbmInput {
  @SlugField({ example: 'cbm-hotline' }) readonly cbmId!: string;
  @TextField(LIMITS.title, { example: 'Point-of-contact hotline' }) readonly title!: string;
  @TextField(LIMITS.summary, { optional: true }) readonly summary?: string;
  @TextField(LIMITS.reference, { optional: true }) readonly sourceRef?: string;
  @SlugListField({ min: 1, description: 'The proposing parties', example: ['cn'] }) readonly proposedBy!: string[];
  @SlugListField({ optional: true, description: 'Norms this CBM supports', example: ['gge-13i'] }) readonly linkedNorms?: string[];
  @SlugField({ optional: true, description: SESSION, example: 'seg-2026-1' }) readonly sessionId?: string;
  @SlugField({ optional: true, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class OpenTopicDto implements OpenTopicInput {
  @SlugField({ example: 'internet-governance' }) readonly topicId!: string;
  @TextField(LIMITS.title, { example: 'Internet governance' }) readonly title!: string;
  @TextField(LIMITS.summary, { optional: true }) readonly summary?: string;
  @SlugField({ optional: true, description: SESSION, example: 'seg-2026-1' }) readonly sessionId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class StatePositionDto implements StatePositionInput {
  @SlugField({ example: 'st-us-01' }) readonly statementId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @SlugField({ optional: true, description: 'A delegate of that party who attended sessionId', example: 'us-d1' }) readonly delegateId?: string;
  @EnumField(STANCES, { description: '`conditional` needs `condition`; conditional, reserves and opposes block agreement' }) readonly stance!: Stance;
  @TextField(LIMITS.reason, { optional: true, example: 'provided peacetime applicability is stated' }) readonly condition?: string;
  @TextField(LIMITS.text, { optional: true }) readonly interpretativeStatement?: string;
  @TextField(LIMITS.text, { example: 'The United States supports the norm as drafted.' }) readonly text!: string;
  @EnumField(['oral', 'written'] as const) readonly channel!: 'oral' | 'written';
  @TextField(LIMITS.reference, { optional: true, example: 'Note verbale 2026/14' }) readonly communicationRef?: string;
  @SlugField({ optional: true, description: SESSION, example: 'seg-2026-1' }) readonly sessionId?: string;
  @SlugField({ optional: true, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class NormDecisionDto implements RecordSubjectDecisionInput {
  @SlugField({ example: 'dec-agree-1' }) readonly decisionId!: string;
  @EnumField(['agree_ad_referendum'] as const) readonly kind!: 'agree_ad_referendum';
  @SlugField({ description: SESSION, example: 'seg-2026-1' }) readonly sessionId!: string;
  @SlugField({ optional: true, example: 'item-2' }) readonly agendaItemId?: string;
  @TextField(LIMITS.text, { optional: true }) readonly text?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class CbmDecisionDto implements RecordSubjectDecisionInput {
  @SlugField({ example: 'dec-agree-1' }) readonly decisionId!: string;
  @EnumField(['agree_cbm'] as const) readonly kind!: 'agree_cbm';
  @SlugField({ description: SESSION, example: 'seg-2026-1' }) readonly sessionId!: string;
  @SlugField({ optional: true, example: 'item-2' }) readonly agendaItemId?: string;
  @TextField(LIMITS.text, { optional: true }) readonly text?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class CapitalResponseDto implements RecordCapitalResponseInput {
  @SlugField({ example: 'cap-us-01' }) readonly responseId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @EnumField(['confirmed', 'declined'] as const) readonly response!: 'confirmed' | 'declined';
  @TextField(LIMITS.reference, { optional: true, example: 'Note verbale 2026/20' }) readonly communicationRef?: string;
  @DateField() readonly effectiveOn!: string;
}

export class WithdrawalDto implements WithdrawSubjectInput {
  @SlugListField({ min: 1, description: 'Every proposer must withdraw', example: ['us'] }) readonly partyIds!: string[];
  @TextField(LIMITS.reason, { optional: true }) readonly reason?: string;
  @SlugField({ optional: true, description: SESSION, example: 'seg-2026-1' }) readonly sessionId?: string;
  @SlugField({ optional: true, example: 'item-2' }) readonly agendaItemId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class LinkCbmDto implements LinkCbmToNormInput {
  @SlugField({ example: 'gge-13i' }) readonly normId!: string;
  @TextField(LIMITS.reason, { optional: true }) readonly reason?: string;
  @DateField() readonly effectiveOn!: string;
}

export class ImplementationReportDto implements ReportImplementationInput {
  @SlugField({ example: 'rep-cn-01' }) readonly reportId!: string;
  @SlugField({ example: 'cn' }) readonly partyId!: string;
  @TextField(LIMITS.text, { example: 'Hotline operational since 1 March.' }) readonly text!: string;
  @SlugField({ optional: true, description: SESSION, example: 'seg-2026-1' }) readonly sessionId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}

export class SuspensionDto implements SuspendCbmInput {
  @SlugField({ example: 'cn' }) readonly partyId!: string;
  @TextField(LIMITS.reason) readonly reason!: string;
  @SlugField({ optional: true, description: SESSION, example: 'seg-2026-1' }) readonly sessionId?: string;
  @DateField({ optional: true, description: DEFAULTS_TO_SESSION }) readonly effectiveOn?: string;
}
