import type { CorrectionFields } from '../../src/shared/domain/corrections.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../src/shared/domain/domain-error.js';
import type { SessionFacts, SubjectFacts } from '../../src/shared/domain/facts.js';
import type { CbmCommand } from '../../src/subjects/domain/cbm.commands.js';
import { cbmDecider, cbmStatusOf } from '../../src/subjects/domain/cbm.decider.js';
import type { CbmEvent, CbmProposedData } from '../../src/subjects/domain/cbm.events.js';
import type { PositionFields } from '../../src/subjects/domain/position.events.js';
import { deciderSpec, type Given } from '../support/decider-spec.js';
import { type ErrorClass, heldSession, usCnTrack, usCnTrackWithUk } from './subject.fixtures.js';

const spec = deciderSpec(cbmDecider);

const track = usCnTrack;
const session = heldSession;
const s1 = session();
const norm = (id: string, trackId = 'us-cn-seg'): SubjectFacts => ({ kind: 'norm', id, trackId, status: 'under_discussion' });

const proposedData: CbmProposedData = { trackId: 'us-cn-seg', cbmId: 'hotline', title: 'Hotline', proposedBy: ['us'], linkedNorms: ['gge-13i'] };
const proposed: Given<CbmEvent> = { type: 'CbmProposed', eventId: 'ev-proposed', data: proposedData };
const stated = (statementId: string, partyId: string, stance: PositionFields['stance']): Given<CbmEvent> => ({
  type: 'PositionStated',
  eventId: `ev-${statementId}`,
  data: { cbmId: 'hotline', statementId, partyId, stance, ...(stance === 'conditional' ? { condition: 'c' } : {}), text: 'said', channel: 'oral', sessionId: 's1' },
});
const discussed = [proposed, stated('st-cn', 'cn', 'supports'), stated('st-us', 'us', 'supports')];
const agreed = [...discussed, { type: 'DecisionRecorded', data: { cbmId: 'hotline', decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' } } as Given<CbmEvent>];
const reported = (reportId: string, partyId: string): Given<CbmEvent> => ({ type: 'CbmImplementationReported', data: { cbmId: 'hotline', reportId, partyId, text: 'done' } });
const implementing = [...agreed, reported('rep-1', 'us')];
const implemented = [...implementing, reported('rep-2', 'cn')];
const suspended: Given<CbmEvent> = { type: 'CbmSuspended', data: { cbmId: 'hotline', partyId: 'cn', reason: 'incident' } };
const resumed: Given<CbmEvent> = { type: 'CbmResumed', data: { cbmId: 'hotline', partyId: 'cn', reason: 'settled' } };
const withdrawn: Given<CbmEvent> = { type: 'CbmWithdrawn', data: { cbmId: 'hotline', partyIds: ['us'] } };

const base = { effectiveOn: '2026-03-10', track };
const propose = (data: Partial<CbmProposedData> = {}, linkedNorms: SubjectFacts[] = [norm('gge-13i')], session?: SessionFacts): CbmCommand => ({
  type: 'ProposeCbm',
  ...base,
  linkedNorms,
  ...(session !== undefined ? { session } : {}),
  data: { ...proposedData, ...data },
});
const statePosition = (data: Partial<PositionFields> = {}): CbmCommand => ({
  type: 'StatePosition',
  ...base,
  session: s1,
  data: { statementId: 'st-new', partyId: 'us', stance: 'supports', text: 'yes', channel: 'oral', sessionId: 's1', ...data },
});
const decide = (kind = 'agree_cbm', decisionId = 'dec-2'): CbmCommand => ({ type: 'RecordDecision', ...base, session: s1, data: { decisionId, kind, sessionId: 's1' } });
const link = (normId: string, facts?: SubjectFacts): CbmCommand => ({ type: 'LinkCbmToNorm', ...base, ...(facts !== undefined ? { norm: facts } : {}), data: { normId, reason: 'related' } });
const report = (partyId: string, reportId = 'rep-9', sessionId?: string, facts?: SessionFacts): CbmCommand => ({
  type: 'ReportImplementation',
  ...base,
  ...(facts !== undefined ? { session: facts } : {}),
  data: { reportId, partyId, text: 'installed', ...(sessionId !== undefined ? { sessionId } : {}) },
});
const suspend = (partyId = 'cn'): CbmCommand => ({ type: 'SuspendCbm', ...base, data: { partyId, reason: 'incident' } });
const resume = (partyId = 'cn'): CbmCommand => ({ type: 'ResumeCbm', ...base, data: { partyId, reason: 'settled' } });
const withdraw = (partyIds: string[]): CbmCommand => ({ type: 'WithdrawSubject', ...base, data: { partyIds } });
const correct = (target: CorrectionFields['target'], changes: CorrectionFields['changes']): CbmCommand => ({
  type: 'CorrectRecord',
  ...base,
  targetSession: s1,
  data: { correctionId: 'corr-1', target, changes, reason: 'typo', requestedBy: 'secretariat' },
});

const statusAfter = (events: ReadonlyArray<Given<CbmEvent>>) => cbmStatusOf(spec.given(events).state, track);

const refusals = (cases: ReadonlyArray<[string, ReadonlyArray<Given<CbmEvent>>, CbmCommand, ErrorClass, string, (RegExp | string)?]>) =>
  it.each(cases.map(([name, given, command, errorClass, code, message]) => ({ name, given, command, errorClass, code, message })))(
    '$name',
    ({ given, command, errorClass, code, message }) => {
      spec.given(given).when(command).thenThrows(errorClass, code, message);
    },
  );

describe('cbm decider: status machine', () => {
  it.each([
    ['proposed', [proposed], 'proposed'],
    ['a position', discussed, 'under_discussion'],
    ['agree_cbm', agreed, 'agreed'],
    ['a first report', implementing, 'implementing'],
    ['a report from every party', implemented, 'implemented'],
    ['a suspension while implementing', [...implementing, suspended], 'suspended'],
    ['a resumption', [...implementing, suspended, { type: 'CbmResumed', data: { cbmId: 'hotline', partyId: 'cn', reason: 'ok' } } as Given<CbmEvent>], 'implementing'],
    ['a resumption of an implemented cbm', [...implemented, suspended, { type: 'CbmResumed', data: { cbmId: 'hotline', partyId: 'cn', reason: 'ok' } } as Given<CbmEvent>], 'implemented'],
    ['a withdrawal', [...discussed, withdrawn], 'withdrawn'],
  ] as const)('after %s', (_name, events, status) => {
    expect(statusAfter(events)).toBe(status);
  });

  it('stays implemented when a party joins the track later; a party that was one already (late registration) must report too', () => {
    // spec.given records every event effective 2026-01-01 unless told otherwise.
    const joinedOn = (ukOn: string) => usCnTrackWithUk(ukOn, '2025-12-01');
    expect(cbmStatusOf(spec.given(implemented).state, joinedOn('2026-06-01'))).toBe('implemented');
    expect(cbmStatusOf(spec.given(implemented).state, joinedOn('2025-12-15'))).toBe('implementing');
  });

  it('awaits the report of a proposer registered after it proposed: it took part from the proposal', () => {
    const ukLate = usCnTrackWithUk('2026-06-01', '2025-12-01');
    const ukProposed = { ...proposed, data: { ...proposedData, proposedBy: ['uk', 'us'] } } as Given<CbmEvent>;
    const bothReported = [ukProposed, ...implemented.slice(1)];
    expect(cbmStatusOf(spec.given(bothReported).state, ukLate)).toBe('implementing');
    expect(cbmStatusOf(spec.given([...bothReported, reported('rep-3', 'uk')]).state, ukLate)).toBe('implemented');
    // Its missing stance blocks a decision to agree, as a registered party's would.
    spec.given([ukProposed, ...discussed.slice(1)]).when({ ...(decide() as Extract<CbmCommand, { type: 'RecordDecision' }>), track: ukLate }).thenThrows(ConflictError, 'no-consensus', /uk has no stance yet/);
  });
});

describe('cbm decider: proposal and links', () => {
  it('records CbmProposed with linked norms of the track', () => {
    spec.given([]).when(propose()).then([{ type: 'CbmProposed', data: proposedData }]);
  });

  it('records a link to another norm', () => {
    spec.given([proposed]).when(link('gge-13j', norm('gge-13j'))).then([{ type: 'CbmLinkedToNorm', data: { cbmId: 'hotline', normId: 'gge-13j', reason: 'related' } }]);
  });

  refusals([
    ['an existing cbm', [proposed], propose(), ConflictError, 'already-exists'],
    ['a link to a norm already linked', [proposed], link('gge-13i', norm('gge-13i')), ConflictError, 'already-linked', 'cbm hotline already links norm gge-13i'],
    ['an unregistered proposer', [], propose({ proposedBy: ['ru'] }), UnprocessableError, 'unknown-party'],
    ['a linked norm that does not exist', [], propose({}, []), UnprocessableError, 'unknown-norm', 'cbm hotline: there is no norm gge-13i on track us-cn-seg'],
    ['a linked norm of another track', [], propose({}, [norm('gge-13i', 'uk-fr')]), UnprocessableError, 'unknown-norm'],
    ['a session not held', [], propose({ sessionId: 's1' }, [norm('gge-13i')], session({ status: 'scheduled' })), UnprocessableError, 'session-not-held'],
    ['a link to an unknown norm', [proposed], link('zz'), UnprocessableError, 'unknown-norm'],
    ['a link to a norm of another track', [proposed], link('gge-13j', norm('gge-13j', 'uk-fr')), UnprocessableError, 'unknown-norm'],
    ['a link on a withdrawn cbm', [proposed, withdrawn], link('gge-13j', norm('gge-13j')), ConflictError, 'subject-withdrawn'],
    ['a link on a cbm never proposed', [], link('gge-13j', norm('gge-13j')), NotFoundError, 'not-found'],
  ]);
});

describe('cbm decider: positions and decision', () => {
  it('records a position', () => {
    spec.given([proposed]).when(statePosition()).then([
      { type: 'PositionStated', data: { cbmId: 'hotline', statementId: 'st-new', partyId: 'us', stance: 'supports', text: 'yes', channel: 'oral', sessionId: 's1' } },
    ]);
  });

  it('records agree_cbm on consensus', () => {
    spec.given(discussed).when(decide()).then([{ type: 'DecisionRecorded', data: { cbmId: 'hotline', decisionId: 'dec-2', kind: 'agree_cbm', sessionId: 's1' } }]);
  });

  refusals([
    ['a position on a withdrawn cbm', [proposed, withdrawn], statePosition(), ConflictError, 'subject-withdrawn', /^cbm hotline is withdrawn/],
    ['a delegate who did not attend', [proposed], { ...(statePosition({ delegateId: 'us-1' }) as object), session: session({ attendance: { us: [] } }) } as CbmCommand, UnprocessableError, 'delegate-not-present'],
    ['the norm kind', discussed, decide('agree_ad_referendum'), UnprocessableError, 'wrong-decision-kind', /use agree_cbm/],
    ['no consensus', [proposed, stated('st-cn', 'cn', 'opposes'), stated('st-us', 'us', 'supports')], decide(), ConflictError, 'no-consensus', 'cbm hotline: no consensus: cn opposes'],
    ['a cbm already agreed', agreed, decide(), ConflictError, 'not-under-discussion'],
    ['a decisionId already used', [...discussed, { type: 'DecisionRecorded', data: { cbmId: 'hotline', decisionId: 'dec-2', kind: 'agree_cbm', sessionId: 's1' } } as Given<CbmEvent>], decide(), ConflictError, 'duplicate-decision'],
  ]);
});

describe('cbm decider: implementation, suspension, resumption', () => {
  it('records an implementation report once agreed', () => {
    spec.given(agreed).when(report('cn', 'rep-9', 's1', s1)).then([
      { type: 'CbmImplementationReported', data: { cbmId: 'hotline', reportId: 'rep-9', partyId: 'cn', text: 'installed', sessionId: 's1' } },
    ]);
    spec.given(implemented).when(report('cn')).then([{ type: 'CbmImplementationReported', data: { cbmId: 'hotline', reportId: 'rep-9', partyId: 'cn', text: 'installed' } }]);
  });

  it("records a report dated before another party's report recorded earlier: reports may come in any order after the agreement", () => {
    spec.given([...agreed, { ...reported('rep-1', 'us'), effectiveOn: '2026-03-20' }]).when(report('cn')).then([
      { type: 'CbmImplementationReported', data: { cbmId: 'hotline', reportId: 'rep-9', partyId: 'cn', text: 'installed' } },
    ]);
  });

  it('records a report dated before a suspension recorded earlier, or between a suspension and its resumption: judged at its own date, as the board takes it', () => {
    const recorded = [{ type: 'CbmImplementationReported', data: { cbmId: 'hotline', reportId: 'rep-9', partyId: 'cn', text: 'installed' } }] as CbmEvent[];
    spec.given([...implementing, { ...suspended, effectiveOn: '2026-03-11' }]).when(report('cn')).then(recorded);
    spec.given([...implementing, { ...suspended, effectiveOn: '2026-03-01' }, { ...resumed, effectiveOn: '2026-03-05' }, { ...suspended, effectiveOn: '2026-03-20' }]).when(report('cn')).then(recorded);
    // Still the suspension's record: the CBM stays suspended on the write side.
    expect(statusAfter([...implementing, { ...suspended, effectiveOn: '2026-03-11' }, { ...reported('rep-9', 'cn'), effectiveOn: '2026-03-10' }])).toBe('suspended');
  });

  it('suspends while implementing or implemented and resumes while suspended', () => {
    const suspendedEvent = [{ type: 'CbmSuspended', data: { cbmId: 'hotline', partyId: 'cn', reason: 'incident' } }];
    spec.given(implementing).when(suspend()).then(suspendedEvent as CbmEvent[]);
    spec.given(implemented).when(suspend()).then(suspendedEvent as CbmEvent[]);
    spec.given([...implementing, suspended]).when(resume()).then([{ type: 'CbmResumed', data: { cbmId: 'hotline', partyId: 'cn', reason: 'settled' } }]);
  });

  refusals([
    ['a report before agreement', discussed, report('us'), ConflictError, 'not-agreed', /is under_discussion/],
    ['a report while suspended', [...implementing, suspended], report('us'), ConflictError, 'not-agreed', /is suspended/],
    ['a report by an unregistered party', agreed, report('ru'), UnprocessableError, 'unknown-party'],
    ['a reportId already used', implementing, report('cn', 'rep-1'), ConflictError, 'duplicate-report'],
    ['a report at a session not held', agreed, report('us', 'rep-9', 's1', session({ status: 'cancelled' })), UnprocessableError, 'session-not-held'],
    ['a report on a withdrawn cbm', [proposed, withdrawn], report('us'), ConflictError, 'subject-withdrawn'],
    ['a suspension while agreed', agreed, suspend(), ConflictError, 'cannot-suspend', 'cbm hotline is agreed: it can be suspended only while implementing or implemented'],
    ['a suspension while suspended', [...implementing, suspended], suspend(), ConflictError, 'cannot-suspend'],
    ['a suspension by an unregistered party', implementing, suspend('ru'), UnprocessableError, 'unknown-party'],
    ['a resumption while implementing', implementing, resume(), ConflictError, 'not-suspended'],
    ['a resumption on a withdrawn cbm', [proposed, withdrawn], resume(), ConflictError, 'subject-withdrawn'],
    // The board folds in effective order: each of these would land before the status it needs there.
    ['a report effective before the decision to agree', [...discussed, { ...agreed[agreed.length - 1]!, effectiveOn: '2026-03-11' }], report('us'), ConflictError, 'before-status-change', 'cbm hotline: an implementation report cannot take effect on 2026-03-10, before the decision that took effect on 2026-03-11; what changes a subject\'s status is recorded in the order it took effect: use an effectiveOn on or after 2026-03-11'],
    ['a suspension effective before the report it needs', [...agreed, { ...reported('rep-1', 'us'), effectiveOn: '2026-03-11' }], suspend(), ConflictError, 'before-status-change', /a suspension cannot take effect on 2026-03-10, before the implementation report that took effect on 2026-03-11/],
    // Judged at its own date: suspended then, whatever was recorded since.
    ['a report dated while suspended, resumed since', [...implementing, { ...suspended, effectiveOn: '2026-03-01' }, { ...resumed, effectiveOn: '2026-03-20' }], report('cn'), ConflictError, 'not-agreed', 'cbm hotline was suspended on 2026-03-10: implementation can be reported only once it is agreed (and not suspended)'],
    ['a report dated on the day of a suspension recorded earlier', [...implementing, { ...suspended, effectiveOn: '2026-03-10' }], report('cn'), ConflictError, 'not-agreed', /cbm hotline is suspended/],
    ['a report dated while suspended, after a suspension, resumption and a second suspension', [...implementing, { ...suspended, effectiveOn: '2026-02-01' }, { ...resumed, effectiveOn: '2026-02-10' }, { ...suspended, effectiveOn: '2026-03-01' }], report('cn'), ConflictError, 'not-agreed', /is suspended/],
    ['a resumption effective before the suspension', [...implementing, { ...suspended, effectiveOn: '2026-03-11' }], resume(), ConflictError, 'before-status-change', /a resumption cannot take effect on 2026-03-10, before the suspension that took effect on 2026-03-11/],
  ]);
});

describe('cbm decider: withdrawal and corrections', () => {
  it('records a withdrawal by every proposer before agreement', () => {
    spec.given(discussed).when(withdraw(['us'])).then([{ type: 'CbmWithdrawn', data: { cbmId: 'hotline', partyIds: ['us'] } }]);
  });

  it('corrects an absent summary from null, also once withdrawn', () => {
    const changes = [{ field: 'summary', from: null, to: 'A direct line' }];
    spec.given([proposed, withdrawn]).when(correct({ eventId: 'ev-proposed' }, changes)).then([
      { type: 'RecordCorrected', data: { cbmId: 'hotline', correctionId: 'corr-1', target: { eventId: 'ev-proposed' }, changes, reason: 'typo', requestedBy: 'secretariat' } },
    ]);
  });

  refusals([
    ['a withdrawal without every proposer', [proposed], withdraw(['cn']), UnprocessableError, 'not-all-proposers'],
    ['a withdrawal naming a party that did not propose the cbm', [proposed], withdraw(['us', 'cn']), UnprocessableError, 'not-a-proposer', 'cbm hotline: cn did not propose it; a withdrawal is by its proposers (us)'],
    ['a withdrawal after agreement', agreed, withdraw(['us']), ConflictError, 'already-agreed'],
    ['a withdrawal of a withdrawn cbm', [proposed, withdrawn], withdraw(['us']), ConflictError, 'already-withdrawn'],
    ['a withdrawal effective before a stance on the cbm', [proposed, { ...stated('st-cn', 'cn', 'supports'), effectiveOn: '2026-03-20' }], withdraw(['us']), ConflictError, 'before-status-change', /a withdrawal cannot take effect on 2026-03-10, before the position st-cn that took effect on 2026-03-20/],
    ['a withdrawal effective before a link of the cbm', [proposed, { type: 'CbmLinkedToNorm', effectiveOn: '2026-03-15', data: { cbmId: 'hotline', normId: 'gge-13j' } } as Given<CbmEvent>], withdraw(['us']), ConflictError, 'before-status-change', /before the link to norm gge-13j that took effect on 2026-03-15/],
    ['a stale from', discussed, correct({ statementId: 'st-cn' }, [{ field: 'stance', from: 'opposes', to: 'abstains' }]), ConflictError, 'stale-from'],
    ['linked norms are not correctable', [proposed], correct({ eventId: 'ev-proposed' }, [{ field: 'linkedNorms', from: ['gge-13i'], to: [] }]), UnprocessableError, 'field-not-correctable'],
    ['an unknown target', [proposed], correct({ statementId: 'st-zz' }, [{ field: 'stance', from: 'supports', to: 'opposes' }]), UnprocessableError, 'unknown-target'],
  ]);
});
