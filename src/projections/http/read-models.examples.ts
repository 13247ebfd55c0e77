import { GGE_13I_PROPOSED, usStatement } from '../../shared/http/story-examples.js';

/**
 * OpenAPI examples of the query answers: what the server answers once the command examples have been sent
 * in story order (test/e2e/openapi.e2e.spec.ts), some histories shortened. Shapes: read-models.schemas.ts.
 */

export const TRACKS_EXAMPLE = { tracks: [{ trackId: 'us-cn-seg', name: 'US–China expert group on ICT security' }] };

export const REGISTRY_EXAMPLE = {
  trackId: 'us-cn-seg',
  name: 'US–China expert group on ICT security',
  mandateRef: 'MoU 2025-11',
  cadence: 'quarterly',
  establishedOn: '2026-01-15',
  asOf: null,
  knownAt: null,
  parties: [{ partyId: 'cn', name: 'China', registeredOn: '2026-01-15' }, { partyId: 'us', name: 'United States', registeredOn: '2026-01-15' }],
  agencies: [
    { agencyId: 'cn-mfa', partyId: 'cn', name: 'Ministry of Foreign Affairs', registeredOn: '2026-01-15' },
    { agencyId: 'us-dos', partyId: 'us', name: 'Department of State', registeredOn: '2026-01-15' },
  ],
  delegates: [
    { delegateId: 'cn-del-1', partyId: 'cn', agencyId: 'cn-mfa', role: 'head of delegation', name: 'L. Wei', registeredOn: '2026-01-15' },
    { delegateId: 'us-del-1', partyId: 'us', agencyId: 'us-dos', role: 'head of delegation', name: 'A. Smith', registeredOn: '2026-01-15' },
  ],
};

/** Every subject of the story: both parties support it (st-cn-01, st-us-01 at the session). */
const BOTH_SUPPORT = {
  stances: {
    cn: { stance: 'supports', statementId: 'st-cn-01', effectiveOn: '2026-03-12' },
    us: { stance: 'supports', statementId: 'st-us-01', effectiveOn: '2026-03-12' },
  },
  blockingParties: [],
  consensusPossible: true,
  flags: [],
};

const NORM_ROW = {
  kind: 'norm',
  id: 'gge-13i',
  title: 'Supply chain integrity',
  ...BOTH_SUPPORT,
  status: 'agreed_ad_referendum',
  statusSince: '2026-03-12',
  pendingConfirmations: ['cn'],
  linkedCbms: [{ id: 'cbm-hotline', status: 'implementing' }],
};

const CBM_ROW = {
  kind: 'cbm',
  id: 'cbm-hotline',
  title: 'Point-of-contact hotline',
  ...BOTH_SUPPORT,
  status: 'implementing',
  statusSince: '2026-03-12',
  pendingConfirmations: [],
  linkedNorms: ['gge-13i'],
  implementationReportedBy: ['cn'],
};

const TOPIC_ROW = {
  kind: 'topic',
  id: 'internet-governance',
  title: 'Internet governance',
  ...BOTH_SUPPORT,
  status: null,
  statusSince: null,
  pendingConfirmations: [],
};

export const BOARD_EXAMPLE = {
  trackId: 'us-cn-seg',
  asOf: null,
  knownAt: null,
  rows: [NORM_ROW, CBM_ROW, TOPIC_ROW],
};

export const MATRIX_EXAMPLE = {
  trackId: 'us-cn-seg',
  asOf: null,
  knownAt: null,
  parties: ['cn', 'us'],
  // The matrix cell of a party is its stance on the board row (null where it has none).
  rows: [NORM_ROW, CBM_ROW, TOPIC_ROW].map(({ kind, id, title, status, stances }) => ({ kind, id, title, status, cells: stances })),
};

/** One session of the register, as GET /tracks/{trackId}/sessions lists it. */
const SESSION_ENTRY = {
  sessionId: 'seg-2026-1',
  trackId: 'us-cn-seg',
  number: 1,
  status: 'held',
  scheduledFor: '2026-03-12',
  originallyScheduledFor: '2026-03-10',
  cancelledOn: null,
  heldOn: '2026-03-12',
  heldEventId: 'bb4e31c3-5e72-4276-9bd3-2d359b6b3113',
  place: 'Honolulu, East-West Center',
  hostPartyId: 'us',
  provisionalAgenda: [
    { itemId: 'item-1', title: 'Adoption of the agenda' },
    { itemId: 'item-2', title: 'Norms, confidence-building measures and topics of common interest' },
    { itemId: 'item-3', title: 'Adoption of the report' },
  ],
  agenda: [
    { itemId: 'item-1', title: 'Adoption of the agenda' },
    { itemId: 'item-2', title: 'Norms, confidence-building measures and topics of common interest' },
    { itemId: 'item-3', title: 'Adoption of the report' },
  ],
  headsOfDelegation: { cn: 'cn-del-1', us: 'us-del-1' },
  attendance: { cn: ['cn-del-1'], us: ['us-del-1'] },
  agenciesPresent: { cn: ['cn-mfa'], us: ['us-dos'] },
  decisions: [
    {
      decisionId: 'dec-01',
      kind: 'procedural',
      subject: null,
      agendaItemId: 'item-1',
      text: 'The agenda was adopted.',
      effectiveOn: '2026-03-12',
      eventId: 'bb44053a-8553-4b01-93f2-aa8d1af53691',
    },
    {
      decisionId: 'dec-02',
      kind: 'agree_ad_referendum',
      subject: { kind: 'norm', id: 'gge-13i' },
      agendaItemId: 'item-2',
      text: 'The norm was agreed ad referendum, subject to confirmation by capitals.',
      effectiveOn: '2026-03-12',
      eventId: '6f4bd64d-ebaf-4cac-8ef9-e283a096b14a',
    },
    {
      decisionId: 'dec-03',
      kind: 'agree_cbm',
      subject: { kind: 'cbm', id: 'cbm-hotline' },
      agendaItemId: 'item-2',
      text: 'The hotline was agreed.',
      effectiveOn: '2026-03-12',
      eventId: '3ec2b43d-f349-49fc-8f75-263cbdad3d8c',
    },
  ],
  actionItems: [
    {
      actionItemId: 'ai-01',
      assignee: 'secretariat',
      text: 'Compile the national points of contact for the hotline',
      status: 'completed',
      dueOn: '2026-04-30',
      completedOn: '2026-04-02',
      overdue: false,
    },
  ],
  minutes: {
    status: 'adopted',
    adoptedOn: '2026-03-12',
    procedure: 'in_session',
    atSessionId: 'seg-2026-1',
    silenceDeadline: null,
    corrections: ['corr-01', 'corr-01', 'corr-01', 'corr-02'],
  },
};

export const SESSION_REGISTER_EXAMPLE = { trackId: 'us-cn-seg', asOf: null, knownAt: null, sessions: [SESSION_ENTRY] };

export const SESSION_EXAMPLE = { ...SESSION_ENTRY, asOf: null, knownAt: null };

/** The us statement of the story, as corrected (corr-01), on the subject `key` names. */
/** corr-01 of the story, in the stream of the subject (event `eventId`). */
const usTextCorrection = (eventId: string) => ({
  correctionId: 'corr-01',
  eventId,
  changes: [
    {
      field: 'text',
      from: 'The United States supports the proposal as drafted.',
      to: 'The United States supports the proposal as drafted and asks that its implementation be reviewed in 2027.',
    },
  ],
  reason: 'the delegation asked for its statement to be recorded as delivered',
  requestedBy: 'us',
  corrigendumId: 'SEG/2026/1/Corr.1',
  effectiveOn: '2026-03-12',
  recordedAt: '2026-04-22T09:15:00.000Z',
});

export const NORM_EXAMPLE = {
  ...NORM_ROW,
  trackId: 'us-cn-seg',
  asOf: null,
  knownAt: null,
  summary: 'States should take reasonable steps to ensure the integrity of the supply chain of ICT products.',
  proposedBy: ['us'],
  createdOn: '2026-03-12',
  sessionId: 'seg-2026-1',
  decisions: [
    {
      decisionId: 'dec-02',
      kind: 'agree_ad_referendum',
      sessionId: 'seg-2026-1',
      agendaItemId: 'item-2',
      text: 'The norm was agreed ad referendum, subject to confirmation by capitals.',
      effectiveOn: '2026-03-12',
      eventId: '6f4bd64d-ebaf-4cac-8ef9-e283a096b14a',
      position: '22',
      consensusHeld: true,
      blockingParties: [],
    },
  ],
  adoptedOn: null,
  capitalResponses: [{ responseId: 'cap-us-01', partyId: 'us', response: 'confirmed', effectiveOn: '2026-04-20', eventId: 'ef8fc96a-76da-44c2-b2b1-25ae93fc9db7' }],
  reports: [],
  history: [
    {
      eventId: '1023f4e7-a19c-410a-869d-26de4c38191e',
      position: '13',
      revision: 0,
      type: 'NormProposed',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:13.000Z',
      data: GGE_13I_PROPOSED,
      corrections: [],
      status: 'proposed',
    },
    {
      eventId: '6a5d19bd-bffb-4bf8-96cc-493575a50ce0',
      position: '16',
      revision: 1,
      type: 'PositionStated',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:16.000Z',
      data: usStatement({ normId: 'gge-13i' }),
      corrections: [usTextCorrection('bbbccade-a3e2-45bd-945c-6ae4af2986a1')],
      status: 'under_discussion',
    },
    {
      eventId: '6fb56dbf-d848-4ef8-8111-3c0136487a29',
      position: '17',
      revision: 2,
      type: 'PositionStated',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:17.000Z',
      data: {
        agendaItemId: 'item-2',
        channel: 'oral',
        delegateId: 'cn-del-1',
        normId: 'gge-13i',
        partyId: 'cn',
        sessionId: 'seg-2026-1',
        stance: 'supports',
        statementId: 'st-cn-01',
        text: 'China supports the proposal as drafted.',
      },
      corrections: [],
      status: 'under_discussion',
    },
    {
      eventId: '6f4bd64d-ebaf-4cac-8ef9-e283a096b14a',
      position: '22',
      revision: 3,
      type: 'DecisionRecorded',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:22.000Z',
      data: {
        agendaItemId: 'item-2',
        decisionId: 'dec-02',
        kind: 'agree_ad_referendum',
        normId: 'gge-13i',
        sessionId: 'seg-2026-1',
        text: 'The norm was agreed ad referendum, subject to confirmation by capitals.',
      },
      corrections: [],
      status: 'agreed_ad_referendum',
    },
    {
      eventId: 'ef8fc96a-76da-44c2-b2b1-25ae93fc9db7',
      position: '28',
      revision: 4,
      type: 'CapitalResponseRecorded',
      effectiveOn: '2026-04-20',
      recordedEffectiveOn: '2026-04-20',
      recordedAt: '2026-04-21T10:00:28.000Z',
      data: { communicationRef: 'Note verbale 2026/20', normId: 'gge-13i', partyId: 'us', response: 'confirmed', responseId: 'cap-us-01' },
      corrections: [],
      status: 'agreed_ad_referendum',
    },
  ],
};

export const CBM_EXAMPLE = {
  ...CBM_ROW,
  trackId: 'us-cn-seg',
  asOf: null,
  knownAt: null,
  summary: 'Each party designates a point of contact, reachable at all hours, for ICT incidents of mutual concern.',
  proposedBy: ['us'],
  createdOn: '2026-03-12',
  sessionId: 'seg-2026-1',
  decisions: [
    {
      decisionId: 'dec-03',
      kind: 'agree_cbm',
      sessionId: 'seg-2026-1',
      agendaItemId: 'item-2',
      text: 'The hotline was agreed.',
      effectiveOn: '2026-03-12',
      eventId: '3ec2b43d-f349-49fc-8f75-263cbdad3d8c',
      position: '23',
      consensusHeld: true,
      blockingParties: [],
    },
  ],
  adoptedOn: null,
  capitalResponses: [],
  reports: [
    {
      reportId: 'rep-cn-01',
      partyId: 'cn',
      text: 'The hotline of the Ministry of Foreign Affairs is staffed at all hours.',
      sessionId: 'seg-2026-1',
      effectiveOn: '2026-03-12',
    },
  ],
  history: [
    {
      eventId: '67c6d436-c555-48a1-880c-50d75fd4c64e',
      position: '14',
      revision: 0,
      type: 'CbmProposed',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:14.000Z',
      data: {
        agendaItemId: 'item-2',
        cbmId: 'cbm-hotline',
        linkedNorms: [],
        proposedBy: ['us'],
        sessionId: 'seg-2026-1',
        sourceRef: 'OSCE CBM 8',
        summary: 'Each party designates a point of contact, reachable at all hours, for ICT incidents of mutual concern.',
        title: 'Point-of-contact hotline',
        trackId: 'us-cn-seg',
      },
      corrections: [],
      status: 'proposed',
    },
    {
      eventId: '44891e41-df12-44ec-a12e-6e66902fbaa4',
      position: '18',
      revision: 1,
      type: 'PositionStated',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:18.000Z',
      data: {
        agendaItemId: 'item-2',
        cbmId: 'cbm-hotline',
        channel: 'oral',
        communicationRef: 'SEG/2026/1/INF.3',
        delegateId: 'us-del-1',
        interpretativeStatement: 'The United States reads this text as applying in peacetime and in armed conflict.',
        partyId: 'us',
        sessionId: 'seg-2026-1',
        stance: 'supports',
        statementId: 'st-us-01',
        text: 'The United States supports the proposal as drafted and asks that its implementation be reviewed in 2027.',
      },
      corrections: [usTextCorrection('8c34ac40-7b2b-4bad-8558-e985689bdc95')],
      status: 'under_discussion',
    },
    {
      eventId: '3ec2b43d-f349-49fc-8f75-263cbdad3d8c',
      position: '23',
      revision: 3,
      type: 'DecisionRecorded',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:23.000Z',
      data: { agendaItemId: 'item-2', cbmId: 'cbm-hotline', decisionId: 'dec-03', kind: 'agree_cbm', sessionId: 'seg-2026-1', text: 'The hotline was agreed.' },
      corrections: [],
      status: 'agreed',
    },
    {
      eventId: 'dfccd3c8-4fe6-4e94-bf13-0657c8e63143',
      position: '25',
      revision: 5,
      type: 'CbmImplementationReported',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:25.000Z',
      data: {
        cbmId: 'cbm-hotline',
        partyId: 'cn',
        reportId: 'rep-cn-01',
        sessionId: 'seg-2026-1',
        text: 'The hotline of the Ministry of Foreign Affairs is staffed at all hours.',
      },
      corrections: [],
      status: 'implementing',
    },
  ],
};

export const TOPIC_EXAMPLE = {
  ...TOPIC_ROW,
  trackId: 'us-cn-seg',
  asOf: null,
  knownAt: null,
  summary: 'Each party\'s view of the governance of the internet\'s core resources.',
  proposedBy: [],
  createdOn: '2026-03-12',
  sessionId: 'seg-2026-1',
  decisions: [],
  adoptedOn: null,
  capitalResponses: [],
  reports: [],
  history: [
    {
      eventId: '02fcfe53-1109-42bf-9d26-f97fcd1b57f0',
      position: '15',
      revision: 0,
      type: 'TopicOpened',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:15.000Z',
      data: {
        sessionId: 'seg-2026-1',
        summary: 'Each party\'s view of the governance of the internet\'s core resources.',
        title: 'Internet governance',
        topicId: 'internet-governance',
        trackId: 'us-cn-seg',
      },
      corrections: [],
      status: null,
    },
    {
      eventId: 'ab5173b2-fcd4-4e41-88ec-0b3f94fc71d6',
      position: '20',
      revision: 1,
      type: 'PositionStated',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:20.000Z',
      data: usStatement({ topicId: 'internet-governance' }),
      corrections: [usTextCorrection('3d70985d-5d85-49a6-8cdf-2c095073842e')],
      status: null,
    },
    {
      eventId: '3b2d7de7-85be-4850-90b9-2d7f2cfd790f',
      position: '21',
      revision: 2,
      type: 'PositionStated',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-04-21T10:00:21.000Z',
      data: {
        agendaItemId: 'item-2',
        channel: 'oral',
        delegateId: 'cn-del-1',
        partyId: 'cn',
        sessionId: 'seg-2026-1',
        stance: 'supports',
        statementId: 'st-cn-01',
        text: 'China supports the proposal as drafted.',
        topicId: 'internet-governance',
      },
      corrections: [],
      status: null,
    },
  ],
};

export const REBUILD_EXAMPLE = { events: 1000000, streams: 10420, tracks: 20, durationMs: 9800, eventsPerSecond: 102040 };
