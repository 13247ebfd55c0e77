/**
 * The demo track as data: every clerk action of a synthetic two-year dialogue, in the order a
 * secretariat would have recorded them. Pure (type-only imports): the loader turns each action
 * into the same CQRS command the HTTP controllers send.
 *
 * Norm and CBM texts paraphrase public documents (UN A/70/174 para. 13; OSCE PC.DEC/1202) in our
 * own words. People, statements, reasons and communications are invented, and every invented text
 * starts with "[Synthetic] " so nobody mistakes it for a record of real talks.
 */
import type { CancelSessionInput } from '../sessions/application/cancel-session.command.js';
import type { AdoptMinutesInput } from '../sessions/application/adopt-minutes.command.js';
import type { AssignActionItemInput } from '../sessions/application/assign-action-item.command.js';
import type { BreakSilenceInput } from '../sessions/application/break-silence.command.js';
import type { CompleteActionItemInput } from '../sessions/application/complete-action-item.command.js';
import type { HoldSessionInput } from '../sessions/application/hold-session.command.js';
import type { LaunchSilenceProcedureInput } from '../sessions/application/launch-silence-procedure.command.js';
import type { RecordProceduralDecisionInput } from '../sessions/application/record-procedural-decision.command.js';
import type { RescheduleSessionInput } from '../sessions/application/reschedule-session.command.js';
import type { ScheduleSessionInput } from '../sessions/application/schedule-session.command.js';
import type { CorrectSubjectRecordInput } from '../subjects/application/correct-subject-record.command.js';
import type { LinkCbmToNormInput } from '../subjects/application/link-cbm-to-norm.command.js';
import type { OpenTopicInput } from '../subjects/application/open-topic.command.js';
import type { ProposeCbmInput } from '../subjects/application/propose-cbm.command.js';
import type { ProposeNormInput } from '../subjects/application/propose-norm.command.js';
import type { RecordCapitalResponseInput } from '../subjects/application/record-capital-response.command.js';
import type { RecordSubjectDecisionInput } from '../subjects/application/record-subject-decision.command.js';
import type { ReportImplementationInput } from '../subjects/application/report-implementation.command.js';
import type { ResumeCbmInput } from '../subjects/application/resume-cbm.command.js';
import type { StatePositionInput } from '../subjects/application/state-position.command.js';
import type { SuspendCbmInput } from '../subjects/application/suspend-cbm.command.js';
import type { WithdrawSubjectInput } from '../subjects/application/withdraw-subject.command.js';
import type { EstablishTrackInput } from '../tracks/application/establish-track.command.js';
import type { RegisterAgencyInput } from '../tracks/application/register-agency.command.js';
import type { RegisterDelegateInput } from '../tracks/application/register-delegate.command.js';
import type { RegisterPartyInput } from '../tracks/application/register-party.command.js';

/** One clerk action: the command kind, the route ids and the body, as POSTed over HTTP. */
export type DemoAction =
  | { readonly kind: 'establish-track'; readonly input: EstablishTrackInput }
  | { readonly kind: 'register-party'; readonly trackId: string; readonly input: RegisterPartyInput }
  | { readonly kind: 'register-agency'; readonly trackId: string; readonly input: RegisterAgencyInput }
  | { readonly kind: 'register-delegate'; readonly trackId: string; readonly input: RegisterDelegateInput }
  | { readonly kind: 'schedule-session'; readonly trackId: string; readonly input: ScheduleSessionInput }
  | { readonly kind: 'reschedule-session'; readonly sessionId: string; readonly input: RescheduleSessionInput }
  | { readonly kind: 'cancel-session'; readonly sessionId: string; readonly input: CancelSessionInput }
  | { readonly kind: 'hold-session'; readonly sessionId: string; readonly input: HoldSessionInput }
  | { readonly kind: 'procedural-decision'; readonly sessionId: string; readonly input: RecordProceduralDecisionInput }
  | { readonly kind: 'assign-action-item'; readonly sessionId: string; readonly input: AssignActionItemInput }
  | { readonly kind: 'complete-action-item'; readonly sessionId: string; readonly actionItemId: string; readonly input: CompleteActionItemInput }
  | { readonly kind: 'circulate-minutes'; readonly sessionId: string; readonly input: { readonly effectiveOn: string } }
  | { readonly kind: 'launch-silence-procedure'; readonly sessionId: string; readonly input: LaunchSilenceProcedureInput }
  | { readonly kind: 'break-silence'; readonly sessionId: string; readonly input: BreakSilenceInput }
  | { readonly kind: 'adopt-minutes'; readonly sessionId: string; readonly input: AdoptMinutesInput }
  | { readonly kind: 'propose-norm'; readonly trackId: string; readonly input: ProposeNormInput }
  | { readonly kind: 'propose-cbm'; readonly trackId: string; readonly input: ProposeCbmInput }
  | { readonly kind: 'open-topic'; readonly trackId: string; readonly input: OpenTopicInput }
  | { readonly kind: 'state-position'; readonly subject: 'norm' | 'cbm' | 'topic'; readonly subjectId: string; readonly input: StatePositionInput }
  | { readonly kind: 'subject-decision'; readonly subject: 'norm' | 'cbm'; readonly subjectId: string; readonly input: RecordSubjectDecisionInput }
  | { readonly kind: 'capital-response'; readonly normId: string; readonly input: RecordCapitalResponseInput }
  | { readonly kind: 'withdraw-subject'; readonly subject: 'norm' | 'cbm'; readonly subjectId: string; readonly input: WithdrawSubjectInput }
  | { readonly kind: 'link-cbm'; readonly cbmId: string; readonly input: LinkCbmToNormInput }
  | { readonly kind: 'report-implementation'; readonly cbmId: string; readonly input: ReportImplementationInput }
  | { readonly kind: 'suspend-cbm'; readonly cbmId: string; readonly input: SuspendCbmInput }
  | { readonly kind: 'resume-cbm'; readonly cbmId: string; readonly input: ResumeCbmInput }
  | { readonly kind: 'correct-subject'; readonly subject: 'norm' | 'cbm' | 'topic'; readonly subjectId: string; readonly input: CorrectSubjectRecordInput };

/**
 * `recordedOn`: the day the secretariat entered it (the demo's transaction time). Steps are in
 * recording order, so recordedAt never goes backwards; a late entry is a step recorded long after
 * its effective date.
 */
export interface DemoStep {
  readonly recordedOn: string;
  readonly action: DemoAction;
}

export const DEMO_TRACK_ID = 'us-cn-seg';
const T = DEMO_TRACK_ID;

/** Marks invented text. */
const syn = (text: string): string => `[Synthetic] ${text}`;

const steps: DemoStep[] = [];
let recordingDay = '';
/** Every action that follows is recorded on `day`. */
const on = (day: string, ...actions: DemoAction[]): void => {
  if (day < recordingDay) throw new Error(`demo data out of recording order: ${day} after ${recordingDay}`);
  recordingDay = day;
  for (const action of actions) steps.push({ recordedOn: day, action });
};

type Stance = StatePositionInput['stance'];
type SubjectKind = 'norm' | 'cbm' | 'topic';

/** An oral statement at a held session (effective on its heldOn by the DESIGN §7 default). */
const said = (
  subject: SubjectKind,
  subjectId: string,
  statementId: string,
  sessionId: string,
  agendaItemId: string,
  partyId: string,
  delegateId: string,
  stance: Stance,
  text: string,
  extra: { condition?: string; interpretativeStatement?: string } = {},
): DemoAction => ({
  kind: 'state-position',
  subject,
  subjectId,
  input: { statementId, partyId, delegateId, stance, text: syn(text), channel: 'oral', sessionId, agendaItemId, ...synExtra(extra) },
});

/** A written position (note verbale), effective on the day of the note. */
const wrote = (
  subject: SubjectKind,
  subjectId: string,
  statementId: string,
  partyId: string,
  stance: Stance,
  text: string,
  communicationRef: string,
  effectiveOn: string,
  extra: { condition?: string; interpretativeStatement?: string } = {},
): DemoAction => ({
  kind: 'state-position',
  subject,
  subjectId,
  input: { statementId, partyId, stance, text: syn(text), channel: 'written', communicationRef: syn(communicationRef), effectiveOn, ...synExtra(extra) },
});

const synExtra = (extra: { condition?: string; interpretativeStatement?: string }) => ({
  ...(extra.condition !== undefined ? { condition: syn(extra.condition) } : {}),
  ...(extra.interpretativeStatement !== undefined ? { interpretativeStatement: syn(extra.interpretativeStatement) } : {}),
});

const decision = (sessionId: string, decisionId: string, agendaItemId: string, text: string): DemoAction => ({
  kind: 'procedural-decision',
  sessionId,
  input: { decisionId, kind: 'procedural', agendaItemId, text: syn(text) },
});

const agreeNorm = (normId: string, decisionId: string, sessionId: string, text: string): DemoAction => ({
  kind: 'subject-decision',
  subject: 'norm',
  subjectId: normId,
  input: { decisionId, kind: 'agree_ad_referendum', sessionId, agendaItemId: 'norms', text: syn(text) },
});

const agreeCbm = (cbmId: string, decisionId: string, sessionId: string, text: string): DemoAction => ({
  kind: 'subject-decision',
  subject: 'cbm',
  subjectId: cbmId,
  input: { decisionId, kind: 'agree_cbm', sessionId, agendaItemId: 'cbms', text: syn(text) },
});

const capital = (normId: string, responseId: string, partyId: string, response: 'confirmed' | 'declined', communicationRef: string, effectiveOn: string): DemoAction => ({
  kind: 'capital-response',
  normId,
  input: { responseId, partyId, response, communicationRef: syn(communicationRef), effectiveOn },
});

const AGENDA = [
  { itemId: 'opening', title: 'Opening and adoption of the agenda' },
  { itemId: 'norms', title: 'Norms of responsible state behaviour in the use of ICTs' },
  { itemId: 'cbms', title: 'Confidence-building measures' },
  { itemId: 'topics', title: 'Exchange of views on current topics' },
  { itemId: 'aob', title: 'Any other business and date of the next session' },
];
const AGENDA_WITH_MINUTES = [AGENDA[0]!, { itemId: 'minutes', title: 'Adoption of the minutes of the previous session' }, ...AGENDA.slice(1)];

/** 2015 UN GGE report (A/70/174), paragraph 13: paraphrased, not quoted. */
const GGE = (letter: string) => `UN doc. A/70/174, para. 13(${letter}) (paraphrased)`;
/** OSCE Permanent Council Decision No. 1202 (2016). */
const OSCE = (n: number) => `OSCE PC.DEC/1202, CBM ${n} (paraphrased)`;

// 2025: the track is set up; first session in Geneva.
on(
  '2025-01-15',
  {
    kind: 'establish-track',
    input: {
      trackId: T,
      name: 'US–China Senior Experts Group on International Norms in Cyberspace (synthetic demo)',
      mandateRef: syn('Terms of reference agreed by exchange of letters, December 2024 (fictional)'),
      cadence: 'twice a year',
      effectiveOn: '2025-01-15',
    },
  },
  { kind: 'register-party', trackId: T, input: { partyId: 'us', name: 'United States of America', effectiveOn: '2025-01-15' } },
  { kind: 'register-party', trackId: T, input: { partyId: 'cn', name: "People's Republic of China", effectiveOn: '2025-01-15' } },
  { kind: 'register-agency', trackId: T, input: { agencyId: 'us-dos', partyId: 'us', name: 'Department of State', effectiveOn: '2025-01-15' } },
  { kind: 'register-agency', trackId: T, input: { agencyId: 'us-dod', partyId: 'us', name: 'Department of Defense', effectiveOn: '2025-01-15' } },
  { kind: 'register-agency', trackId: T, input: { agencyId: 'us-dhs', partyId: 'us', name: 'Department of Homeland Security', effectiveOn: '2025-01-15' } },
  { kind: 'register-agency', trackId: T, input: { agencyId: 'cn-mfa', partyId: 'cn', name: 'Ministry of Foreign Affairs', effectiveOn: '2025-01-15' } },
  { kind: 'register-agency', trackId: T, input: { agencyId: 'cn-cac', partyId: 'cn', name: 'Cyberspace Administration of China', effectiveOn: '2025-01-15' } },
  { kind: 'register-agency', trackId: T, input: { agencyId: 'cn-mps', partyId: 'cn', name: 'Ministry of Public Security', effectiveOn: '2025-01-15' } },
  ...(
    [
      ['us-hartwell', 'us', 'us-dos', 'Head of delegation', 'Morgan Hartwell (fictional)'],
      ['us-okafor', 'us', 'us-dos', 'Legal adviser', 'Dana Okafor (fictional)'],
      ['us-lindqvist', 'us', 'us-dod', 'Policy expert', 'Riley Lindqvist (fictional)'],
      ['us-reyes', 'us', 'us-dhs', 'Technical expert', 'Sam Reyes (fictional)'],
      ['cn-wen', 'cn', 'cn-mfa', 'Head of delegation', 'Wen Jiaming (fictional)'],
      ['cn-zhou', 'cn', 'cn-mfa', 'Legal adviser', 'Zhou Lanying (fictional)'],
      ['cn-lin', 'cn', 'cn-cac', 'Policy expert', 'Lin Haoran (fictional)'],
      ['cn-gao', 'cn', 'cn-mps', 'Technical expert', 'Gao Shuwen (fictional)'],
    ] as const
  ).map(
    ([delegateId, partyId, agencyId, role, name]): DemoAction => ({
      kind: 'register-delegate',
      trackId: T,
      input: { delegateId, partyId, agencyId, role, name, effectiveOn: '2025-01-15' },
    }),
  ),
);

on(
  '2025-02-03',
  { kind: 'schedule-session', trackId: T, input: { sessionId: 'seg-1', number: 1, place: 'Geneva', scheduledFor: '2025-03-18', provisionalAgenda: AGENDA, effectiveOn: '2025-02-03' } },
);

on(
  '2025-03-18',
  {
    kind: 'hold-session',
    sessionId: 'seg-1',
    input: {
      heldOn: '2025-03-18',
      place: 'Geneva',
      agenda: AGENDA,
      attendance: { us: ['us-hartwell', 'us-okafor', 'us-reyes'], cn: ['cn-wen', 'cn-zhou', 'cn-gao'] },
      headsOfDelegation: { us: 'us-hartwell', cn: 'cn-wen' },
    },
  },
  decision('seg-1', 'seg1-d1', 'opening', 'The group adopted its agenda and agreed that the co-chairs rotate between the parties at each session.'),
  decision('seg-1', 'seg1-d2', 'aob', 'The group agreed to hold its second session in Washington in September 2025.'),
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13k',
      title: 'Do not target emergency response teams',
      summary: "A state should not conduct or knowingly support ICT activity that harms the information systems of another state's authorised emergency response teams, and should not use its own teams for malicious international activity.",
      sourceRef: GGE('k'),
      proposedBy: ['us', 'cn'],
      sessionId: 'seg-1',
      agendaItemId: 'norms',
    },
  },
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13f',
      title: 'Do not damage critical infrastructure',
      summary: 'A state should not conduct or knowingly support ICT activity, contrary to its obligations under international law, that intentionally damages critical infrastructure or otherwise impairs its use and operation in providing services to the public.',
      sourceRef: GGE('f'),
      proposedBy: ['us'],
      sessionId: 'seg-1',
      agendaItemId: 'norms',
    },
  },
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13h',
      title: 'Answer requests for assistance',
      summary: 'A state should respond to appropriate requests for help from another state whose critical infrastructure is the target of malicious ICT acts, and should respond to requests to mitigate such activity coming from its territory, with due regard for sovereignty.',
      sourceRef: GGE('h'),
      proposedBy: ['cn'],
      sessionId: 'seg-1',
      agendaItemId: 'norms',
    },
  },
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13b',
      title: 'Consider all relevant information before attributing',
      summary: 'When an ICT incident occurs, states should weigh all relevant information, including the wider context of the event, the difficulty of attribution in the ICT environment, and the nature and extent of the consequences.',
      sourceRef: GGE('b'),
      proposedBy: ['cn'],
      sessionId: 'seg-1',
      agendaItemId: 'norms',
    },
  },
  said('norm', 'gge-13k', 'seg1-us-13k', 'seg-1', 'norms', 'us', 'us-hartwell', 'supports', 'The United States considers that protecting the teams that respond to incidents serves every state.'),
  said('norm', 'gge-13k', 'seg1-cn-13k', 'seg-1', 'norms', 'cn', 'cn-wen', 'supports', 'China supports the norm and stresses the humanitarian character of incident response.'),
  said('norm', 'gge-13f', 'seg1-us-13f', 'seg-1', 'norms', 'us', 'us-hartwell', 'supports', 'The United States proposes this norm as the core of the restraint commitments.'),
  said('norm', 'gge-13f', 'seg1-cn-13f', 'seg-1', 'norms', 'cn', 'cn-zhou', 'conditional', 'China can accept the norm subject to a shared understanding of its scope.', {
    condition: 'that each state designates its critical infrastructure nationally',
  }),
  said('norm', 'gge-13h', 'seg1-cn-13h', 'seg-1', 'norms', 'cn', 'cn-wen', 'supports', 'China proposes that requests for assistance be answered promptly and in good faith.'),
  said('norm', 'gge-13h', 'seg1-us-13h', 'seg-1', 'norms', 'us', 'us-okafor', 'conditional', 'The United States supports the aim of the norm.', {
    condition: 'that requests travel through the points of contact designated under the CBM on contact points',
  }),
  said('norm', 'gge-13b', 'seg1-cn-13b', 'seg-1', 'norms', 'cn', 'cn-zhou', 'supports', 'China underlines that accusations without evidence destabilise relations between states.'),
  said('norm', 'gge-13b', 'seg1-us-13b', 'seg-1', 'norms', 'us', 'us-okafor', 'reserves', 'The United States reserves its position pending an inter-agency review of its attribution practice.'),
  {
    kind: 'propose-cbm',
    trackId: T,
    input: {
      cbmId: 'cbm-poc',
      title: 'Designate points of contact',
      summary: 'Each party names policy and technical contact points and keeps their details current, so that communication can start quickly, including in a crisis.',
      sourceRef: OSCE(8),
      proposedBy: ['us', 'cn'],
      linkedNorms: ['gge-13h'],
      sessionId: 'seg-1',
      agendaItemId: 'cbms',
    },
  },
  said('cbm', 'cbm-poc', 'seg1-us-poc', 'seg-1', 'cbms', 'us', 'us-reyes', 'supports', 'The United States is ready to exchange contact details within three months.'),
  said('cbm', 'cbm-poc', 'seg1-cn-poc', 'seg-1', 'cbms', 'cn', 'cn-gao', 'supports', 'China supports the measure and proposes annual verification of the contact list.'),
  agreeCbm('cbm-poc', 'seg1-agree-poc', 'seg-1', 'The group agreed to establish points of contact.'),
  { kind: 'open-topic', trackId: T, input: { topicId: 'internet-governance', title: 'The role of states in internet governance', summary: 'Exchange of views on how far governments, as opposed to other stakeholders, should steer the governance of the internet.', sessionId: 'seg-1' } },
  said('topic', 'internet-governance', 'seg1-cn-ig', 'seg-1', 'topics', 'cn', 'cn-wen', 'supports', 'China favours a greater role for states, acting through the United Nations.'),
  said('topic', 'internet-governance', 'seg1-us-ig', 'seg-1', 'topics', 'us', 'us-hartwell', 'opposes', 'The United States prefers the multistakeholder model and opposes an intergovernmental takeover.'),
  { kind: 'assign-action-item', sessionId: 'seg-1', input: { actionItemId: 'seg1-ai1', assignee: 'Secretariat', text: syn('Circulate a compilation of national views on the scope of critical infrastructure.'), dueOn: '2025-05-15' } },
  { kind: 'assign-action-item', sessionId: 'seg-1', input: { actionItemId: 'seg1-ai2', assignee: 'us', text: syn('Share a draft template for the exchange of contact-point details.'), dueOn: '2025-06-30' } },
);

on('2025-04-02', { kind: 'circulate-minutes', sessionId: 'seg-1', input: { effectiveOn: '2025-04-02' } });
on('2025-05-09', { kind: 'complete-action-item', sessionId: 'seg-1', actionItemId: 'seg1-ai1', input: { note: syn('Compilation circulated as document SEG/2025/INF.1.'), effectiveOn: '2025-05-09' } });
on(
  '2025-06-02',
  { kind: 'complete-action-item', sessionId: 'seg-1', actionItemId: 'seg1-ai2', input: { note: syn('Template shared by e-mail to both delegations.'), effectiveOn: '2025-06-02' } },
  { kind: 'report-implementation', cbmId: 'cbm-poc', input: { reportId: 'poc-us-2025', partyId: 'us', text: syn('The United States designated a policy contact at the Department of State and a technical contact at the Department of Homeland Security.'), effectiveOn: '2025-06-02' } },
);
on(
  '2025-06-20',
  { kind: 'schedule-session', trackId: T, input: { sessionId: 'seg-2', number: 2, place: 'Washington, D.C.', hostPartyId: 'us', scheduledFor: '2025-09-16', provisionalAgenda: AGENDA_WITH_MINUTES, effectiveOn: '2025-06-20' } },
);
on(
  '2025-08-20',
  { kind: 'reschedule-session', sessionId: 'seg-2', input: { scheduledFor: '2025-10-21', reason: syn('The host asked for a later date because the conference venue was unavailable in September.'), effectiveOn: '2025-08-20' } },
);

// Second session, Washington (rescheduled from September).
on(
  '2025-10-21',
  {
    kind: 'hold-session',
    sessionId: 'seg-2',
    input: {
      heldOn: '2025-10-21',
      place: 'Washington, D.C.',
      agenda: AGENDA_WITH_MINUTES,
      attendance: { us: ['us-hartwell', 'us-okafor', 'us-lindqvist'], cn: ['cn-wen', 'cn-zhou', 'cn-lin'] },
      headsOfDelegation: { us: 'us-hartwell', cn: 'cn-wen' },
    },
  },
  decision('seg-2', 'seg2-d1', 'opening', 'The group adopted its agenda as circulated.'),
  { kind: 'adopt-minutes', sessionId: 'seg-1', input: { procedure: 'in_session', atSessionId: 'seg-2', agendaItemId: 'minutes', effectiveOn: '2025-10-21' } },
  said('norm', 'gge-13f', 'seg2-cn-13f', 'seg-2', 'norms', 'cn', 'cn-wen', 'supports', 'Having studied the compilation of national views, China can now support the norm ad referendum.', {
    interpretativeStatement: 'China understands critical infrastructure to be designated by each state under its own law.',
  }),
  agreeNorm('gge-13k', 'seg2-agree-13k', 'seg-2', 'The group agreed the norm on emergency response teams ad referendum.'),
  agreeNorm('gge-13f', 'seg2-agree-13f', 'seg-2', 'The group agreed the norm on critical infrastructure ad referendum.'),
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13e',
      title: 'Respect human rights online',
      summary: 'In securing the use of ICTs, states should respect the relevant Human Rights Council and General Assembly resolutions on the promotion and protection of human rights on the internet, including privacy and freedom of expression.',
      sourceRef: GGE('e'),
      proposedBy: ['us'],
      sessionId: 'seg-2',
      agendaItemId: 'norms',
    },
  },
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13c',
      title: 'Do not knowingly let your territory be used for wrongful ICT acts',
      summary: 'A state should not knowingly allow its territory to be used for internationally wrongful acts carried out with ICTs.',
      sourceRef: GGE('c'),
      proposedBy: ['us'],
      sessionId: 'seg-2',
      agendaItemId: 'norms',
    },
  },
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13d',
      title: 'Cooperate against criminal and terrorist use of ICTs',
      summary: 'States should consider how best to cooperate in exchanging information, assisting each other and prosecuting terrorist and criminal use of ICTs.',
      sourceRef: GGE('d'),
      proposedBy: ['cn'],
      sessionId: 'seg-2',
      agendaItemId: 'norms',
    },
  },
  said('norm', 'gge-13e', 'seg2-us-13e', 'seg-2', 'norms', 'us', 'us-okafor', 'supports', 'The United States holds that the same rights people have offline must be protected online.'),
  said('norm', 'gge-13e', 'seg2-cn-13e', 'seg-2', 'norms', 'cn', 'cn-zhou', 'opposes', 'China considers that human rights are addressed in other fora and fall outside the mandate of this group.'),
  said('norm', 'gge-13c', 'seg2-us-13c', 'seg-2', 'norms', 'us', 'us-hartwell', 'supports', 'The United States sees this norm as the basis of due diligence between the parties.'),
  said('norm', 'gge-13c', 'seg2-cn-13c', 'seg-2', 'norms', 'cn', 'cn-lin', 'reserves', 'China reserves its position until it has consulted the agencies concerned.'),
  said('norm', 'gge-13d', 'seg2-cn-13d', 'seg-2', 'norms', 'cn', 'cn-wen', 'supports', 'China proposes closer cooperation of law enforcement agencies.'),
  {
    kind: 'propose-cbm',
    trackId: T,
    input: {
      cbmId: 'cbm-consultations',
      title: 'Consultations to reduce the risk of misperception',
      summary: 'At the request of either party, hold consultations to reduce the risk of misperception and of political or military tension that may stem from the use of ICTs.',
      sourceRef: OSCE(3),
      proposedBy: ['us'],
      sessionId: 'seg-2',
      agendaItemId: 'cbms',
    },
  },
  {
    kind: 'propose-cbm',
    trackId: T,
    input: {
      cbmId: 'cbm-threat-views',
      title: 'Exchange national views on ICT threats',
      summary: 'Share, voluntarily and at the appropriate level, national views on the various aspects of national and transnational threats to and in the use of ICTs.',
      sourceRef: OSCE(2),
      proposedBy: ['cn'],
      linkedNorms: ['gge-13b'],
      sessionId: 'seg-2',
      agendaItemId: 'cbms',
    },
  },
  said('cbm', 'cbm-consultations', 'seg2-us-cons', 'seg-2', 'cbms', 'us', 'us-lindqvist', 'supports', 'The United States proposes a standing channel for consultations in times of tension.'),
  said('cbm', 'cbm-consultations', 'seg2-cn-cons', 'seg-2', 'cbms', 'cn', 'cn-lin', 'conditional', 'China is open to the measure.', {
    condition: 'that consultations are voluntary and held only at the request of either party',
  }),
  said('cbm', 'cbm-threat-views', 'seg2-cn-tv', 'seg-2', 'cbms', 'cn', 'cn-lin', 'supports', 'China proposes an annual exchange of threat assessments.'),
  said('cbm', 'cbm-threat-views', 'seg2-us-tv', 'seg-2', 'cbms', 'us', 'us-lindqvist', 'supports', 'The United States agrees to exchange unclassified threat assessments.'),
  agreeCbm('cbm-threat-views', 'seg2-agree-tv', 'seg-2', 'The group agreed to exchange national views on ICT threats once a year.'),
  { kind: 'open-topic', trackId: T, input: { topicId: 'international-law', title: 'How international law applies to the use of ICTs', summary: 'Exchange of national positions on the application of international law, including the UN Charter, to state conduct in cyberspace.', sessionId: 'seg-2' } },
  said('topic', 'international-law', 'seg2-us-il', 'seg-2', 'topics', 'us', 'us-okafor', 'supports', 'The United States holds that existing international law, including the law of state responsibility, applies in full.'),
  said('topic', 'international-law', 'seg2-cn-il', 'seg-2', 'topics', 'cn', 'cn-zhou', 'conditional', 'China agrees that the UN Charter applies.', {
    condition: 'that the group also considers a new legally binding instrument',
  }),
  said('topic', 'internet-governance', 'seg2-cn-ig', 'seg-2', 'topics', 'cn', 'cn-lin', 'supports', 'China recalls its view that states bear primary responsibility for internet public policy.'),
  { kind: 'assign-action-item', sessionId: 'seg-2', input: { actionItemId: 'seg2-ai1', assignee: 'cn', text: syn('Provide written views on the norm on use of territory (13(c)).'), dueOn: '2025-12-15' } },
  { kind: 'assign-action-item', sessionId: 'seg-2', input: { actionItemId: 'seg2-ai2', assignee: 'Secretariat', text: syn('Prepare a first exchange of national threat assessments for the next session.'), dueOn: '2026-03-01' } },
);

on('2025-11-04', { kind: 'circulate-minutes', sessionId: 'seg-2', input: { effectiveOn: '2025-11-04' } });
on('2025-11-10', { kind: 'launch-silence-procedure', sessionId: 'seg-2', input: { deadline: '2025-11-24', effectiveOn: '2025-11-10' } });
on(
  '2025-11-20',
  capital('gge-13k', 'cap-us-01', 'us', 'confirmed', 'Note verbale US/2025/311 confirming the norms on emergency response teams and critical infrastructure', '2025-11-20'),
  capital('gge-13f', 'cap-us-01', 'us', 'confirmed', 'Note verbale US/2025/311 confirming the norms on emergency response teams and critical infrastructure', '2025-11-20'),
);
on('2025-11-21', { kind: 'break-silence', sessionId: 'seg-2', input: { partyId: 'cn', reason: syn('China asked that its statement on the threat-views measure be reflected in full.'), effectiveOn: '2025-11-21' } });
on(
  '2025-12-01',
  // Corrigendum: the seg-1 minutes were adopted at seg-2, so fixing a seg-1 statement needs one.
  {
    kind: 'correct-subject',
    subject: 'norm',
    subjectId: 'gge-13f',
    input: {
      correctionId: 'corr-seg1-01',
      target: { statementId: 'seg1-cn-13f' },
      changes: [{ field: 'delegateId', from: 'cn-zhou', to: 'cn-wen' }],
      reason: syn('The statement was delivered by the head of delegation, not the legal adviser.'),
      requestedBy: 'cn',
      corrigendumId: 'SEG/2025/1/Corr.1',
    },
  },
  { kind: 'launch-silence-procedure', sessionId: 'seg-2', input: { deadline: '2025-12-15', effectiveOn: '2025-12-01' } },
);
on('2025-12-10', capital('gge-13k', 'cap-cn-01', 'cn', 'confirmed', 'Note verbale CN/2025/88 confirming the norm on emergency response teams', '2025-12-10'));
on('2025-12-15', { kind: 'adopt-minutes', sessionId: 'seg-2', input: { procedure: 'silence', effectiveOn: '2025-12-15' } });

// 2026: a capital declines, the Beijing session is cancelled, and the group meets in Vienna instead.
on(
  '2026-01-15',
  capital('gge-13f', 'cap-cn-02', 'cn', 'declined', 'Note verbale CN/2026/04: the capital cannot confirm the norm on critical infrastructure as worded', '2026-01-15'),
  { kind: 'schedule-session', trackId: T, input: { sessionId: 'seg-3', number: 3, place: 'Beijing', hostPartyId: 'cn', scheduledFor: '2026-03-17', provisionalAgenda: AGENDA_WITH_MINUTES, effectiveOn: '2026-01-15' } },
);
on(
  '2026-01-20',
  { kind: 'suspend-cbm', cbmId: 'cbm-poc', input: { partyId: 'cn', reason: syn('China suspended the exchange while its contact points are reassigned after an internal reorganisation.'), effectiveOn: '2026-01-20' } },
);
// Late entry: a note verbale dated 2025-11-05 reached the secretariat only in February.
on(
  '2026-02-10',
  wrote('norm', 'gge-13c', 'cn-note-13c', 'cn', 'conditional', 'China can support the norm once its scope is clarified.', 'Note verbale CN/2025/71 dated 5 November 2025', '2025-11-05', {
    condition: 'that it creates no obligation to monitor all ICT activity on a state’s territory',
  }),
  { kind: 'complete-action-item', sessionId: 'seg-2', actionItemId: 'seg2-ai1', input: { note: syn('Written views received by note verbale CN/2025/71.'), effectiveOn: '2026-02-10' } },
);
on('2026-02-20', { kind: 'cancel-session', sessionId: 'seg-3', input: { reason: syn('Both parties agreed to postpone; the session will be replaced by one at a neutral venue.'), effectiveOn: '2026-02-20' } });
on(
  '2026-03-02',
  { kind: 'schedule-session', trackId: T, input: { sessionId: 'seg-4', number: 4, place: 'Vienna', scheduledFor: '2026-05-19', provisionalAgenda: AGENDA, effectiveOn: '2026-03-02' } },
);
on('2026-04-10', { kind: 'resume-cbm', cbmId: 'cbm-poc', input: { partyId: 'cn', reason: syn('New contact points were designated and the exchange can resume.'), effectiveOn: '2026-04-10' } });

// Fourth session, Vienna.
on(
  '2026-05-19',
  {
    kind: 'hold-session',
    sessionId: 'seg-4',
    input: {
      heldOn: '2026-05-19',
      place: 'Vienna',
      agenda: AGENDA,
      attendance: { us: ['us-okafor', 'us-lindqvist', 'us-reyes'], cn: ['cn-wen', 'cn-zhou', 'cn-lin', 'cn-gao'] },
      headsOfDelegation: { us: 'us-okafor', cn: 'cn-wen' },
    },
  },
  decision('seg-4', 'seg4-d1', 'opening', 'The group adopted its agenda and noted that its third session had been cancelled.'),
  decision('seg-4', 'seg4-d2', 'aob', 'The group agreed to adopt the minutes of this session at its next session.'),
  said('norm', 'gge-13f', 'seg4-cn-13f', 'seg-4', 'norms', 'cn', 'cn-wen', 'reserves', 'Following the decision of its capital, China reserves its position on the wording of the norm.'),
  said('norm', 'gge-13h', 'seg4-us-13h', 'seg-4', 'norms', 'us', 'us-okafor', 'supports', 'Now that contact points are in place, the United States supports the norm without condition.'),
  agreeNorm('gge-13h', 'seg4-agree-13h', 'seg-4', 'The group agreed the norm on requests for assistance ad referendum.'),
  said('norm', 'gge-13b', 'seg4-us-13b', 'seg-4', 'norms', 'us', 'us-okafor', 'conditional', 'The United States can join consensus on the norm.', {
    condition: 'that attribution remains a sovereign prerogative of each state',
  }),
  said('norm', 'gge-13e', 'seg4-cn-13e', 'seg-4', 'norms', 'cn', 'cn-zhou', 'abstains', 'China will not stand in the way of the norm but does not associate itself with it.'),
  {
    kind: 'withdraw-subject',
    subject: 'norm',
    subjectId: 'gge-13d',
    input: { partyIds: ['cn'], reason: syn('China will pursue the matter in the UN process on cybercrime instead.'), sessionId: 'seg-4', agendaItemId: 'norms' },
  },
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13i',
      title: 'Keep the supply chain trustworthy',
      summary: 'States should take reasonable steps to ensure the integrity of the ICT supply chain so that users can trust ICT products, and should seek to prevent the spread of malicious ICT tools and techniques and the use of harmful hidden functions.',
      sourceRef: GGE('i'),
      proposedBy: ['cn'],
      sessionId: 'seg-4',
      agendaItemId: 'norms',
    },
  },
  {
    kind: 'propose-norm',
    trackId: T,
    input: {
      normId: 'gge-13j',
      title: 'Report vulnerabilities responsibly',
      summary: 'States should encourage responsible reporting of ICT vulnerabilities and share the related information on available remedies, to limit and possibly remove potential threats to ICTs and the infrastructure that depends on them.',
      sourceRef: GGE('j'),
      proposedBy: ['us'],
      sessionId: 'seg-4',
      agendaItemId: 'norms',
    },
  },
  said('norm', 'gge-13i', 'seg4-cn-13i', 'seg-4', 'norms', 'cn', 'cn-lin', 'supports', 'China proposes common criteria for trusted ICT products.'),
  said('norm', 'gge-13i', 'seg4-us-13i', 'seg-4', 'norms', 'us', 'us-reyes', 'opposes', 'The United States is concerned that supply-chain rules could be used to restrict trade.'),
  said('norm', 'gge-13j', 'seg4-us-13j', 'seg-4', 'norms', 'us', 'us-reyes', 'supports', 'The United States proposes that both parties publish their vulnerability disclosure policies.'),
  said('cbm', 'cbm-consultations', 'seg4-cn-cons', 'seg-4', 'cbms', 'cn', 'cn-lin', 'supports', 'Reassured that consultations remain voluntary, China supports the measure.'),
  agreeCbm('cbm-consultations', 'seg4-agree-cons', 'seg-4', 'The group agreed to hold consultations at the request of either party.'),
  { kind: 'report-implementation', cbmId: 'cbm-poc', input: { reportId: 'poc-cn-2026', partyId: 'cn', text: syn('China designated contact points at the Ministry of Foreign Affairs and the Cyberspace Administration.'), sessionId: 'seg-4' } },
  said('topic', 'international-law', 'seg4-cn-il', 'seg-4', 'topics', 'cn', 'cn-zhou', 'reserves', 'China reserves its position on the applicability of the law of countermeasures.'),
  { kind: 'assign-action-item', sessionId: 'seg-4', input: { actionItemId: 'seg4-ai1', assignee: 'us, cn', text: syn('Exchange updated directories of contact points.'), dueOn: '2026-07-31' } },
  { kind: 'assign-action-item', sessionId: 'seg-4', input: { actionItemId: 'seg4-ai2', assignee: 'Secretariat', text: syn('Draft a non-paper on the scope of the supply-chain norm.'), dueOn: '2026-09-15' } },
);
on(
  '2026-06-05',
  // Pre-adoption amendment: the seg-4 minutes are not adopted yet, so no corrigendum is needed.
  {
    kind: 'correct-subject',
    subject: 'norm',
    subjectId: 'gge-13i',
    input: {
      correctionId: 'corr-seg4-01',
      target: { statementId: 'seg4-us-13i' },
      changes: [{ field: 'stance', from: 'opposes', to: 'reserves' }],
      reason: syn('The US delegation pointed out that it had reserved its position, not opposed the norm.'),
      requestedBy: 'us',
    },
  },
  { kind: 'circulate-minutes', sessionId: 'seg-4', input: { effectiveOn: '2026-06-05' } },
);
on('2026-06-10', { kind: 'link-cbm', cbmId: 'cbm-consultations', input: { normId: 'gge-13f', reason: syn('Consultations are the first step when critical infrastructure is affected.'), effectiveOn: '2026-06-10' } });
on('2026-06-30', capital('gge-13h', 'cap-us-03', 'us', 'confirmed', 'Note verbale US/2026/142 confirming the norm on requests for assistance', '2026-06-30'));
on(
  '2026-07-15',
  capital('gge-13h', 'cap-cn-03', 'cn', 'confirmed', 'Note verbale CN/2026/52 confirming the norm on requests for assistance', '2026-07-15'),
  { kind: 'schedule-session', trackId: T, input: { sessionId: 'seg-5', number: 5, place: 'Singapore', scheduledFor: '2026-10-13', provisionalAgenda: AGENDA_WITH_MINUTES, effectiveOn: '2026-07-15' } },
);
on(
  '2026-08-03',
  wrote('norm', 'gge-13i', 'us-note-13i', 'us', 'conditional', 'The United States could support the norm if it is worded neutrally.', 'Note verbale US/2026/187', '2026-08-03', {
    condition: 'that the norm does not endorse restrictions on trade in ICT products',
  }),
);
on(
  '2026-09-01',
  { kind: 'report-implementation', cbmId: 'cbm-consultations', input: { reportId: 'cons-us-2026', partyId: 'us', text: syn('The United States set up a consultation channel between the two foreign ministries and tested it once.'), effectiveOn: '2026-09-01' } },
);

// Fifth session, Singapore.
on(
  '2026-10-13',
  {
    kind: 'hold-session',
    sessionId: 'seg-5',
    input: {
      heldOn: '2026-10-13',
      place: 'Singapore',
      agenda: AGENDA_WITH_MINUTES,
      attendance: { us: ['us-hartwell', 'us-okafor', 'us-reyes'], cn: ['cn-wen', 'cn-zhou', 'cn-lin'] },
      headsOfDelegation: { us: 'us-hartwell', cn: 'cn-wen' },
    },
  },
  decision('seg-5', 'seg5-d1', 'opening', 'The group adopted its agenda and welcomed the adoption of the norm on requests for assistance.'),
  { kind: 'adopt-minutes', sessionId: 'seg-4', input: { procedure: 'in_session', atSessionId: 'seg-5', agendaItemId: 'minutes', effectiveOn: '2026-10-13' } },
  said('norm', 'gge-13j', 'seg5-cn-13j', 'seg-5', 'norms', 'cn', 'cn-zhou', 'supports', 'China supports the norm and will publish its disclosure rules.'),
  agreeNorm('gge-13j', 'seg5-agree-13j', 'seg-5', 'The group agreed the norm on vulnerability reporting ad referendum.'),
  said('norm', 'gge-13f', 'seg5-us-13f', 'seg-5', 'norms', 'us', 'us-hartwell', 'supports', 'The United States maintains its support and invites China to propose wording.'),
  said('norm', 'gge-13c', 'seg5-cn-13c', 'seg-5', 'norms', 'cn', 'cn-lin', 'conditional', 'China confirms the condition set out in its note of November 2025.', {
    condition: 'that it creates no obligation to monitor all ICT activity on a state’s territory',
  }),
  {
    kind: 'propose-cbm',
    trackId: T,
    input: {
      cbmId: 'cbm-national-policies',
      title: 'Share national cyber strategies and policies',
      summary: 'Provide information on national organisation, strategies, policies and programmes relevant to the security of and in the use of ICTs.',
      sourceRef: OSCE(7),
      proposedBy: ['us'],
      sessionId: 'seg-5',
      agendaItemId: 'cbms',
    },
  },
  { kind: 'report-implementation', cbmId: 'cbm-threat-views', input: { reportId: 'tv-cn-2026', partyId: 'cn', text: syn('China presented an unclassified overview of threats to its critical infrastructure.'), sessionId: 'seg-5' } },
  { kind: 'complete-action-item', sessionId: 'seg-2', actionItemId: 'seg2-ai2', input: { note: syn('First exchange of threat assessments held at the fifth session.'), effectiveOn: '2026-10-13' } },
  { kind: 'assign-action-item', sessionId: 'seg-5', input: { actionItemId: 'seg5-ai1', assignee: 'cn', text: syn('Propose revised wording for the norm on critical infrastructure.'), dueOn: '2027-01-31' } },
  {
    kind: 'schedule-session',
    trackId: T,
    input: { sessionId: 'seg-6', number: 6, place: 'Geneva', scheduledFor: '2027-03-16', provisionalAgenda: AGENDA_WITH_MINUTES, effectiveOn: '2026-10-13' },
  },
);
on('2026-10-30', { kind: 'circulate-minutes', sessionId: 'seg-5', input: { effectiveOn: '2026-10-30' } });
on('2026-11-05', capital('gge-13j', 'cap-us-04', 'us', 'confirmed', 'Note verbale US/2026/233 confirming the norm on vulnerability reporting', '2026-11-05'));
on('2026-11-13', { kind: 'launch-silence-procedure', sessionId: 'seg-5', input: { deadline: '2026-12-04', effectiveOn: '2026-11-13' } });

/** Every clerk action of the demo, in recording order. */
export const DEMO_STEPS: readonly DemoStep[] = steps;
