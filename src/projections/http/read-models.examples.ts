/** OpenAPI examples of the query answers (shapes as in DESIGN.md §7). */
const stances = {
  cn: { stance: 'conditional', statementId: 'st-cn-01', effectiveOn: '2026-03-12' },
  us: { stance: 'supports', statementId: 'st-us-01', effectiveOn: '2026-03-12' },
};

export const TRACKS_EXAMPLE = { tracks: [{ trackId: 'us-cn-seg', name: 'US-China expert group' }] };

export const REGISTRY_EXAMPLE = {
  trackId: 'us-cn-seg',
  name: 'US-China expert group',
  mandateRef: null,
  cadence: null,
  establishedOn: '2026-01-05',
  asOf: null,
  knownAt: null,
  parties: [{ partyId: 'cn', name: 'China', registeredOn: '2026-01-05' }, { partyId: 'us', name: 'United States', registeredOn: '2026-01-05' }],
  agencies: [{ agencyId: 'us-dos', partyId: 'us', name: 'Department of State', registeredOn: '2026-01-05' }],
  delegates: [{ delegateId: 'us-smith', partyId: 'us', agencyId: 'us-dos', role: 'head', name: 'J. Smith', registeredOn: '2026-01-05' }],
};

const NORM_ROW = {
  kind: 'norm',
  id: 'gge-13i',
  title: 'Supply chain integrity',
  status: 'under_discussion',
  statusSince: '2026-03-12',
  stances,
  blockingParties: ['cn'],
  consensusPossible: false,
  pendingConfirmations: [],
  flags: [],
  linkedCbms: [{ id: 'osce-cbm-3', status: 'agreed' }],
};

export const BOARD_EXAMPLE = {
  trackId: 'us-cn-seg',
  asOf: '2026-03-15',
  knownAt: '2026-03-15T23:59:59.999Z',
  rows: [
    NORM_ROW,
    {
      kind: 'cbm',
      id: 'osce-cbm-3',
      title: 'Points of contact',
      status: 'agreed',
      statusSince: '2026-03-12',
      stances: { us: stances.us },
      blockingParties: ['cn'],
      consensusPossible: false,
      pendingConfirmations: [],
      flags: ['decision-without-consensus'],
      linkedNorms: ['gge-13i'],
      implementationReportedBy: [],
    },
    { kind: 'topic', id: 'internet-governance', title: 'Internet governance', status: null, statusSince: null, stances: {}, blockingParties: ['cn', 'us'], consensusPossible: false, pendingConfirmations: [], flags: [] },
  ],
};

export const MATRIX_EXAMPLE = {
  trackId: 'us-cn-seg',
  asOf: null,
  knownAt: null,
  parties: ['cn', 'us'],
  rows: [{ kind: 'norm', id: 'gge-13i', title: 'Supply chain integrity', status: 'under_discussion', cells: { cn: stances.cn, us: stances.us } }],
};

export const SESSION_EXAMPLE = {
  sessionId: 'seg-2026-1',
  trackId: 'us-cn-seg',
  number: 1,
  status: 'held',
  scheduledFor: '2026-03-12',
  originallyScheduledFor: null,
  cancelledOn: null,
  heldOn: '2026-03-12',
  heldEventId: '0b6c3f0e-0a43-4a3c-9d55-0f5f3f0f2b11',
  place: 'Geneva',
  hostPartyId: null,
  provisionalAgenda: [],
  agenda: [{ itemId: 'item-1', title: 'Norms' }],
  headsOfDelegation: { cn: 'cn-li', us: 'us-smith' },
  attendance: { cn: ['cn-li'], us: ['us-smith'] },
  agenciesPresent: { cn: ['cn-mfa'], us: ['us-dos'] },
  decisions: [{ decisionId: 'dec-1', kind: 'procedural', subject: null, agendaItemId: 'item-1', text: 'Agenda adopted', effectiveOn: '2026-03-12', eventId: '5d1f…' }],
  actionItems: [{ actionItemId: 'ai-1', assignee: 'secretariat', text: 'Circulate draft', status: 'open', dueOn: '2026-03-30', completedOn: null, overdue: false }],
  minutes: { status: 'adopted', adoptedOn: '2026-04-02', procedure: 'silence', atSessionId: null, silenceDeadline: '2026-04-01', corrections: ['corr-1'] },
};

export const SUBJECT_EXAMPLE = {
  ...NORM_ROW,
  trackId: 'us-cn-seg',
  asOf: null,
  knownAt: null,
  summary: 'States should take reasonable steps to ensure the integrity of the supply chain.',
  proposedBy: ['us'],
  createdOn: '2026-03-12',
  sessionId: 'seg-2026-1',
  decisions: [],
  adoptedOn: null,
  capitalResponses: [],
  reports: [],
  history: [
    {
      eventId: '9c1e…',
      position: '41',
      revision: 1,
      type: 'PositionStated',
      effectiveOn: '2026-03-12',
      recordedEffectiveOn: '2026-03-12',
      recordedAt: '2026-03-12T10:02:11.000Z',
      data: { normId: 'gge-13i', statementId: 'st-us-01', partyId: 'us', stance: 'supports', text: '…', channel: 'oral' },
      corrections: [],
      status: 'under_discussion',
    },
  ],
};

export const REBUILD_EXAMPLE = { events: 1000000, streams: 10420, tracks: 20, durationMs: 9800, eventsPerSecond: 102040 };
