import type { CorrectionFields } from '../../src/shared/domain/corrections.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../src/shared/domain/domain-error.js';
import type { SessionFacts, TrackFacts } from '../../src/shared/domain/facts.js';
import type { NormCommand, RecordCapitalResponse } from '../../src/subjects/domain/norm.commands.js';
import { normDecider, normStatusOf, type ResponseAct, walkResponses } from '../../src/subjects/domain/norm.decider.js';
import type { NormEvent } from '../../src/subjects/domain/norm.events.js';
import type { PositionFields } from '../../src/subjects/domain/position.events.js';
import { recordOf, recordSessionOf } from '../../src/subjects/domain/subject-core.js';
import type { RecordDecision, StatePosition, WithdrawSubject } from '../../src/subjects/domain/subject.commands.js';
import { deciderSpec, type Given } from '../support/decider-spec.js';
import { type ErrorClass, heldSession, usCnTrack, usCnTrackWithUk } from './subject.fixtures.js';

const spec = deciderSpec(normDecider);

const track = usCnTrack;
const session = heldSession;
const s1 = session();
const s2 = session({ sessionId: 's2', heldOn: '2026-04-10' });

// Events of the norm stream.
const proposed: Given<NormEvent> = {
  type: 'NormProposed',
  eventId: 'ev-proposed',
  effectiveOn: '2026-03-10',
  data: { trackId: 'us-cn-seg', normId: 'gge-13i', title: 'Critical infrastructure', summary: 'Do not attack it', proposedBy: ['cn', 'us'], sessionId: 's1' },
};
const stated = (statementId: string, partyId: string, stance: PositionFields['stance'], extra: Partial<PositionFields> & { effectiveOn?: string } = {}): Given<NormEvent> => {
  const { effectiveOn = '2026-03-10', ...fields } = extra;
  return {
    type: 'PositionStated',
    eventId: `ev-${statementId}`,
    effectiveOn,
    data: {
      normId: 'gge-13i',
      statementId,
      partyId,
      stance,
      ...(stance === 'conditional' ? { condition: 'if reciprocated' } : {}),
      text: `${partyId} speaks`,
      channel: 'oral',
      sessionId: 's1',
      ...fields,
    },
  };
};
const bothSupport = [proposed, stated('st-cn', 'cn', 'supports'), stated('st-us', 'us', 'supports')];
const agreed: Given<NormEvent> = {
  type: 'DecisionRecorded',
  effectiveOn: '2026-03-10',
  data: { normId: 'gge-13i', decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' },
};
const response = (responseId: string, partyId: string, answer: 'confirmed' | 'declined'): Given<NormEvent> => ({
  type: 'CapitalResponseRecorded',
  effectiveOn: '2026-04-01',
  data: { normId: 'gge-13i', responseId, partyId, response: answer },
});
// After the statements of the fixtures (2026-03-10): a withdrawal takes effect after every record on the norm.
const withdrawn: Given<NormEvent> = { type: 'NormWithdrawn', effectiveOn: '2026-03-12', data: { normId: 'gge-13i', partyIds: ['cn', 'us'] } };
const corrected = (correctionId: string, target: CorrectionFields['target'], changes: CorrectionFields['changes']): Given<NormEvent> => ({
  type: 'RecordCorrected',
  data: { normId: 'gge-13i', correctionId, target, changes, reason: 'typo', requestedBy: 'secretariat' },
});

// Commands.
const propose = (data: Partial<Extract<NormCommand, { type: 'ProposeNorm' }>['data']> = {}, facts: { session?: SessionFacts } = { session: s1 }): NormCommand => ({
  type: 'ProposeNorm',
  effectiveOn: '2026-03-10',
  track,
  ...facts,
  data: { ...(proposed.data as Extract<NormEvent, { type: 'NormProposed' }>['data']), ...data },
});
const statePosition = (data: Partial<PositionFields> = {}, facts: { session?: SessionFacts } = { session: s1 }, effectiveOn = '2026-03-10'): NormCommand => ({
  type: 'StatePosition',
  effectiveOn,
  track,
  ...facts,
  data: { statementId: 'st-new', partyId: 'us', stance: 'supports', text: 'we support', channel: 'oral', sessionId: 's1', ...data },
});
const decide = (data: { decisionId?: string; kind?: string; sessionId?: string; agendaItemId?: string } = {}, facts: { session?: SessionFacts } = { session: s1 }, effectiveOn = '2026-03-10'): NormCommand => ({
  type: 'RecordDecision',
  effectiveOn,
  track,
  ...facts,
  data: { decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1', ...data },
});
const respond = (partyId: string, answer: 'confirmed' | 'declined', responseId = `cap-${partyId}-02`): NormCommand => ({
  type: 'RecordCapitalResponse',
  effectiveOn: '2026-04-02',
  track,
  data: { responseId, partyId, response: answer },
});
const withdraw = (partyIds: string[], extra: { sessionId?: string } = {}, facts: { session?: SessionFacts } = {}): NormCommand => ({
  type: 'WithdrawSubject',
  effectiveOn: '2026-03-12',
  track,
  ...facts,
  data: { partyIds, reason: 'superseded', ...extra },
});
const correct = (
  target: CorrectionFields['target'],
  changes: CorrectionFields['changes'],
  extra: { correctionId?: string; corrigendumId?: string; targetSession?: SessionFacts | undefined } = {},
): NormCommand => {
  const { correctionId = 'corr-1', corrigendumId } = extra;
  const targetSession = 'targetSession' in extra ? extra.targetSession : s1;
  return {
    type: 'CorrectRecord',
    effectiveOn: '2026-03-10',
    track,
    ...(targetSession !== undefined ? { targetSession } : {}),
    data: { correctionId, target, changes, reason: 'typo', requestedBy: 'secretariat', ...(corrigendumId !== undefined ? { corrigendumId } : {}) },
  };
};

const refusals = (cases: ReadonlyArray<[string, ReadonlyArray<Given<NormEvent>>, NormCommand, ErrorClass, string, (RegExp | string)?]>) =>
  // objects, not rows: jest would pass its `done` callback in place of a missing message
  it.each(cases.map(([name, given, command, errorClass, code, message]) => ({ name, given, command, errorClass, code, message })))(
    '$name',
    ({ given, command, errorClass, code, message }) => {
      spec.given(given).when(command).thenThrows(errorClass, code, message);
    },
  );

describe('norm decider: proposal', () => {
  it('records NormProposed with the body verbatim, optional fields absent', () => {
    spec
      .given([])
      .when(propose({ sessionId: undefined, agendaItemId: undefined }, {}))
      .then([
        {
          type: 'NormProposed',
          data: { trackId: 'us-cn-seg', normId: 'gge-13i', title: 'Critical infrastructure', summary: 'Do not attack it', proposedBy: ['cn', 'us'] },
        },
      ]);
  });

  it('records a proposal at a held session, on an agenda item', () => {
    spec
      .given([])
      .when(propose({ agendaItemId: 'item-1' }))
      .then([{ type: 'NormProposed', data: { ...(proposed.data as object), agendaItemId: 'item-1' } as never }]);
  });

  refusals([
    ['an existing norm', [proposed], propose(), ConflictError, 'already-exists'],
    ['an unregistered proposer', [], propose({ proposedBy: ['cn', 'ru'] }), UnprocessableError, 'unknown-party', 'norm gge-13i: party ru is not registered on track us-cn-seg'],
    ['no proposer', [], propose({ proposedBy: [] }), UnprocessableError, 'no-proposer'],
    ['a blank title', [], propose({ title: ' ' }), UnprocessableError, 'field-required'],
    ['an unknown session', [], propose({}, {}), UnprocessableError, 'unknown-session'],
    ['a session not held', [], propose({}, { session: session({ status: 'scheduled' }) }), UnprocessableError, 'session-not-held', /is scheduled, not held/],
    ['a session of another track', [], propose({}, { session: session({ trackId: 'uk-fr' }) }), UnprocessableError, 'session-not-held', /belongs to track uk-fr/],
    ['an agenda item not on the agenda', [], propose({ agendaItemId: 'item-9' }), UnprocessableError, 'unknown-agenda-item'],
    ['an agenda item without a session', [], propose({ sessionId: undefined, agendaItemId: 'item-1' }, {}), UnprocessableError, 'agenda-item-without-session'],
  ]);
});

describe('norm decider: positions', () => {
  it('records a position and moves a proposed norm under discussion', () => {
    const given = spec.given([proposed]);
    given.when(statePosition({ delegateId: 'us-1', agendaItemId: 'item-1' })).then([
      {
        type: 'PositionStated',
        data: {
          normId: 'gge-13i',
          statementId: 'st-new',
          partyId: 'us',
          delegateId: 'us-1',
          stance: 'supports',
          text: 'we support',
          channel: 'oral',
          sessionId: 's1',
          agendaItemId: 'item-1',
        },
      },
    ]);
    expect(normStatusOf(given.state, track)).toBe('proposed');
    expect(normStatusOf(spec.given([proposed, stated('st-cn', 'cn', 'opposes')]).state, track)).toBe('under_discussion');
  });

  it('records a written position with a delegate of the party and no session', () => {
    spec
      .given([proposed])
      .when(statePosition({ sessionId: undefined, channel: 'written', delegateId: 'us-2', communicationRef: 'note-7' }, {}))
      .then([
        {
          type: 'PositionStated',
          data: { normId: 'gge-13i', statementId: 'st-new', partyId: 'us', delegateId: 'us-2', stance: 'supports', text: 'we support', channel: 'written', communicationRef: 'note-7' },
        },
      ]);
  });

  it('records a conditional stance with its condition', () => {
    spec
      .given([proposed])
      .when(statePosition({ stance: 'conditional', condition: 'if reciprocated' }))
      .then([
        {
          type: 'PositionStated',
          data: { normId: 'gge-13i', statementId: 'st-new', partyId: 'us', stance: 'conditional', condition: 'if reciprocated', text: 'we support', channel: 'oral', sessionId: 's1' },
        },
      ]);
  });

  it('allows stances after adoption, which never change adopted', () => {
    const adopted = [...bothSupport, agreed, response('cap-cn', 'cn', 'confirmed'), response('cap-us', 'us', 'confirmed')];
    const given = spec.given(adopted);
    expect(normStatusOf(given.state, track)).toBe('adopted');
    const events = normDecider.decide(statePosition({ stance: 'opposes' }), given.state);
    expect(events).toHaveLength(1);
    const after = spec.given([...adopted, { ...events[0]!, effectiveOn: '2026-05-01' }]).state;
    expect(normStatusOf(after, track)).toBe('adopted');
  });

  refusals([
    ['a norm never proposed', [], statePosition(), NotFoundError, 'not-found'],
    ['a withdrawn norm', [proposed, withdrawn], statePosition(), ConflictError, 'subject-withdrawn', 'norm gge-13i is withdrawn: nothing more can be recorded on it (corrections excepted)'],
    ['a statementId already used', [proposed, stated('st-new', 'cn', 'supports')], statePosition(), ConflictError, 'duplicate-statement'],
    ['an unregistered party', [proposed], statePosition({ partyId: 'ru' }), UnprocessableError, 'unknown-party'],
    ['conditional without condition', [proposed], statePosition({ stance: 'conditional' }), UnprocessableError, 'condition-required'],
    ['not a stance', [proposed], statePosition({ stance: 'maybe' as never }), UnprocessableError, 'invalid-stance'],
    ['an unknown delegate', [proposed], statePosition({ delegateId: 'zz-9' }), UnprocessableError, 'unknown-delegate'],
    ['a delegate of the other party', [proposed], statePosition({ delegateId: 'cn-1' }), UnprocessableError, 'delegate-not-of-party', 'norm gge-13i: delegate cn-1 belongs to cn, not to us'],
    ['a delegate who did not attend', [proposed], statePosition({ delegateId: 'us-2' }), UnprocessableError, 'delegate-not-present', 'norm gge-13i: delegate us-2 did not attend session s1'],
    ['an unknown session', [proposed], statePosition({}, {}), UnprocessableError, 'unknown-session'],
    ['a cancelled session', [proposed], statePosition({}, { session: session({ status: 'cancelled' }) }), UnprocessableError, 'session-not-held'],
    ['a session of another track', [proposed], statePosition({}, { session: session({ trackId: 'uk-fr' }) }), UnprocessableError, 'session-not-held'],
    ['an agenda item not on the agenda', [proposed], statePosition({ agendaItemId: 'item-9' }), UnprocessableError, 'unknown-agenda-item'],
    ['a blank text', [proposed], statePosition({ text: '' }), UnprocessableError, 'field-required'],
  ]);
});

describe('norm decider: decision to agree ad referendum', () => {
  it('records the decision when every party supports', () => {
    const given = spec.given(bothSupport);
    given.when(decide({ agendaItemId: 'item-1' })).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1', agendaItemId: 'item-1' } },
    ]);
  });

  it('accepts an abstention beside a support', () => {
    spec.given([proposed, stated('st-cn', 'cn', 'abstains'), stated('st-us', 'us', 'supports')]).when(decide()).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1' } },
    ]);
  });

  it('takes the latest stance in effective order, not in recording order', () => {
    const given = [
      proposed,
      stated('st-cn-1', 'cn', 'conditional', { effectiveOn: '2026-03-10' }),
      stated('st-us-1', 'us', 'supports', { effectiveOn: '2026-03-10' }),
      stated('st-cn-2', 'cn', 'supports', { effectiveOn: '2026-04-10', sessionId: 's2' }),
      // recorded last, effective first: it does not override the later support
      stated('st-cn-0', 'cn', 'opposes', { effectiveOn: '2026-03-01', sessionId: undefined, channel: 'written' }),
    ];
    spec.given(given).when(decide({ sessionId: 's2' }, { session: s2 }, '2026-04-10')).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's2' } },
    ]);
  });

  it('breaks ties of effective date by revision', () => {
    const given = [proposed, stated('st-cn-1', 'cn', 'supports'), stated('st-us-1', 'us', 'supports'), stated('st-cn-2', 'cn', 'reserves')];
    spec.given(given).when(decide()).thenThrows(ConflictError, 'no-consensus', 'norm gge-13i: no consensus: cn reserves');
  });

  it('counts only statements effective on or before the decision', () => {
    const given = [...bothSupport, stated('st-cn-late', 'cn', 'opposes', { effectiveOn: '2026-04-10', sessionId: 's2' })];
    spec.given(given).when(decide()).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1' } },
    ]);
    spec.given(given).when(decide({ sessionId: 's2' }, { session: s2 }, '2026-04-10')).thenThrows(ConflictError, 'no-consensus', /cn opposes/);
  });

  it('folds corrected stances: a corrected conditional that becomes support allows the decision', () => {
    const given = [
      proposed,
      stated('st-cn', 'cn', 'conditional'),
      stated('st-us', 'us', 'supports'),
      corrected('corr-1', { statementId: 'st-cn' }, [
        { field: 'stance', from: 'conditional', to: 'supports' },
        { field: 'condition', from: 'if reciprocated', to: null },
      ]),
    ];
    spec.given(given).when(decide()).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1' } },
    ]);
  });

  it('folds corrected effective dates into effective order', () => {
    const given = [
      proposed,
      stated('st-cn-1', 'cn', 'supports'),
      stated('st-us-1', 'us', 'supports'),
      stated('st-cn-2', 'cn', 'opposes', { effectiveOn: '2026-03-11', sessionId: undefined, channel: 'written' }),
      corrected('corr-1', { statementId: 'st-cn-2' }, [{ field: 'effectiveOn', from: '2026-03-11', to: '2026-03-01' }]),
    ];
    spec.given(given).when(decide({ sessionId: 's2' }, { session: s2 }, '2026-04-10')).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's2' } },
    ]);
  });

  refusals([
    ['no consensus: both conditional', [proposed, stated('st-cn', 'cn', 'conditional'), stated('st-us', 'us', 'conditional')], decide(), ConflictError, 'no-consensus', 'norm gge-13i: no consensus: cn is conditional, us is conditional'],
    ['no consensus: a party without stance', [proposed, stated('st-cn', 'cn', 'supports')], decide(), ConflictError, 'no-consensus', 'norm gge-13i: no consensus: us has no stance yet'],
    ['no consensus: nobody supports', [proposed, stated('st-cn', 'cn', 'abstains'), stated('st-us', 'us', 'abstains')], decide(), ConflictError, 'no-consensus', 'norm gge-13i: no consensus: no party supports'],
    ['no consensus: a correction made a support conditional', [...bothSupport, corrected('corr-1', { statementId: 'st-us' }, [{ field: 'stance', from: 'supports', to: 'conditional' }, { field: 'condition', from: null, to: 'if x' }])], decide(), ConflictError, 'no-consensus', 'norm gge-13i: no consensus: us is conditional'],
    ['the cbm kind', bothSupport, decide({ kind: 'agree_cbm' }), UnprocessableError, 'wrong-decision-kind'],
    ['no session', bothSupport, decide({ sessionId: '' }, {}), UnprocessableError, 'session-required'],
    ['an unknown session', bothSupport, decide({}, {}), UnprocessableError, 'unknown-session'],
    ['a session not held', bothSupport, decide({}, { session: session({ status: 'scheduled' }) }), UnprocessableError, 'session-not-held'],
    ['an agenda item not on the agenda', bothSupport, decide({ agendaItemId: 'item-9' }), UnprocessableError, 'unknown-agenda-item'],
    ['a decisionId already used', [...bothSupport, agreed, response('cap-cn', 'cn', 'declined')], decide({ decisionId: 'dec-1' }), ConflictError, 'duplicate-decision'],
    ['a decision effective before the decline that reopened the norm', [...bothSupport, agreed, response('cap-cn', 'cn', 'declined')], decide(), ConflictError, 'before-status-change', /a decision cannot take effect on 2026-03-10, before the capital response that took effect on 2026-04-01/],
    ['a norm only proposed', [proposed], decide(), ConflictError, 'not-under-discussion', /is proposed: a decision to agree needs it under_discussion/],
    ['a norm already agreed', [...bothSupport, agreed], decide(), ConflictError, 'not-under-discussion', /is agreed_ad_referendum/],
    ['a withdrawn norm', [...bothSupport, withdrawn], decide(), ConflictError, 'subject-withdrawn'],
  ]);
});

describe('norm decider: capital responses', () => {
  const agreedNorm = [...bothSupport, agreed];

  it('records a confirmation while agreed ad referendum', () => {
    spec.given(agreedNorm).when(respond('cn', 'confirmed')).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-cn-02', partyId: 'cn', response: 'confirmed' } },
    ]);
  });

  it('adopts the norm once every party of the track has confirmed', () => {
    const oneConfirmed = [...agreedNorm, response('cap-cn', 'cn', 'confirmed')];
    expect(normStatusOf(spec.given(oneConfirmed).state, track)).toBe('agreed_ad_referendum');
    const events = normDecider.decide(respond('us', 'confirmed'), spec.given(oneConfirmed).state);
    const after = spec.given([...oneConfirmed, ...events]).state;
    expect(normStatusOf(after, track)).toBe('adopted');
  });

  // As on the board (DESIGN §4, effective order): adoption is judged against the parties of the
  // track at the confirmation that completed it; a party that joins later does not undo it.
  const joined = (ukOn: string) => usCnTrackWithUk(ukOn, '2026-01-05');
  const adopted = [...agreedNorm, response('cap-cn', 'cn', 'confirmed'), response('cap-us', 'us', 'confirmed')];

  it('stays adopted when a party joins the track later, and refuses that party a capital response', () => {
    const later = joined('2026-06-01');
    expect(normStatusOf(spec.given(adopted).state, later)).toBe('adopted');
    spec
      .given(adopted)
      .when({ ...(respond('uk', 'declined', 'cap-uk') as RecordCapitalResponse), track: later, effectiveOn: '2026-06-02' })
      .thenThrows(ConflictError, 'not-agreed-ad-referendum', /is adopted/);
  });

  it('records an act of a party dated before its registration (a track set up after the sessions it records): the party took part then', () => {
    const later = joined('2026-06-01');
    spec.given(agreedNorm).when({ ...(respond('uk', 'confirmed', 'cap-uk') as RecordCapitalResponse), track: later }).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-uk', partyId: 'uk', response: 'confirmed' } },
    ]);
    spec.given(bothSupport).when({ ...(statePosition({ statementId: 'st-uk', partyId: 'uk', delegateId: undefined, sessionId: undefined }) as StatePosition), track: later }).then([
      { type: 'PositionStated', data: expect.objectContaining({ statementId: 'st-uk', partyId: 'uk' }) as never },
    ]);
    // A correction that moves a statement before the party's registration, by date or to that party.
    const ukStated = stated('st-uk', 'uk', 'supports', { effectiveOn: '2026-06-05', sessionId: undefined });
    spec.given([...bothSupport, ukStated]).when({ ...correct({ statementId: 'st-uk' }, [{ field: 'effectiveOn', from: '2026-06-05', to: '2026-05-01' }]), track: later } as NormCommand).then([
      { type: 'RecordCorrected', data: expect.objectContaining({ correctionId: 'corr-1' }) as never },
    ]);
    // Still refused: a party that is not registered at all.
    spec.given(bothSupport).when(statePosition({ statementId: 'st-ru', partyId: 'ru', delegateId: undefined, sessionId: undefined })).thenThrows(UnprocessableError, 'unknown-party');
  });

  it('counts a party registered late (after the session) that stated a stance by the decision\'s date: its stance makes or breaks consensus', () => {
    // Every party registered after the session: only their stances show they were parties then.
    const allLate: TrackFacts = { ...usCnTrack, joined: { cn: { effectiveOn: '2026-11-27', recordedAt: '2026-11-27T09:00:00.000Z' }, us: { effectiveOn: '2026-11-27', recordedAt: '2026-11-27T09:00:00.000Z' } } };
    spec.given(bothSupport).when({ ...(decide() as RecordDecision), track: allLate }).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1' } },
    ]);
    const cnOpposes = [proposed, stated('st-cn', 'cn', 'opposes'), stated('st-us', 'us', 'supports')];
    spec.given(cnOpposes).when({ ...(decide() as RecordDecision), track: allLate }).thenThrows(ConflictError, 'no-consensus', /cn opposes/);
    // Both confirm: adopted, though neither was registered yet by the responses' dates.
    const responses = [...agreedNorm, response('cap-cn', 'cn', 'confirmed'), response('cap-us', 'us', 'confirmed')];
    expect(normStatusOf(spec.given(responses).state, allLate)).toBe('adopted');
    expect(normStatusOf(spec.given([...agreedNorm, response('cap-cn', 'cn', 'confirmed')]).state, allLate)).toBe('agreed_ad_referendum');
  });

  it('counts a proposer registered late (after it proposed): it took part from the proposal, so its missing stance blocks and its confirmation is awaited', () => {
    const later = joined('2026-06-01');
    const ukProposed = { ...proposed, data: { ...proposed.data, proposedBy: ['uk', 'us'] } } as Given<NormEvent>;
    const usCnSupport = [ukProposed, stated('st-cn', 'cn', 'supports'), stated('st-us', 'us', 'supports')];
    spec.given(usCnSupport).when({ ...(decide() as RecordDecision), track: later }).thenThrows(ConflictError, 'no-consensus', 'norm gge-13i: no consensus: uk has no stance yet');
    const allSupport = [...usCnSupport, stated('st-uk', 'uk', 'supports')];
    const agreed = [...allSupport, { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' } } as Given<NormEvent>];
    const twoConfirmed = [...agreed, response('cap-cn', 'cn', 'confirmed'), response('cap-us', 'us', 'confirmed')];
    expect(normStatusOf(spec.given(twoConfirmed).state, later)).toBe('agreed_ad_referendum');
    expect(normStatusOf(spec.given([...twoConfirmed, response('cap-uk', 'uk', 'confirmed')]).state, later)).toBe('adopted');
    // A party that neither proposed nor took part counts only from its registration.
    expect(normStatusOf(spec.given([...bothSupport, ...agreed.slice(-1), response('cap-cn', 'cn', 'confirmed'), response('cap-us', 'us', 'confirmed')]).state, later)).toBe('adopted');
  });

  it('counts a party registered late from its capital response: after its decline, its missing stance blocks a new decision (as on the board)', () => {
    const later = joined('2026-06-01');
    const declined = [...agreedNorm, response('cap-uk', 'uk', 'declined')];
    expect(normStatusOf(spec.given(declined).state, later)).toBe('under_discussion');
    const again = { ...(decide({ decisionId: 'dec-3' }, { session: s1 }, '2026-04-10') as RecordDecision), track: later };
    spec.given(declined).when(again).thenThrows(ConflictError, 'no-consensus', 'norm gge-13i: no consensus: uk has no stance yet');
    spec.given([...declined, stated('st-uk', 'uk', 'supports', { effectiveOn: '2026-04-05', sessionId: undefined })]).when(again).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-3', kind: 'agree_ad_referendum', sessionId: 's1' } },
    ]);
  });

  it('is not adopted when a party registered late but effective before the confirmations has not confirmed; its confirmation adopts it', () => {
    const earlier = joined('2026-02-01');
    expect(normStatusOf(spec.given(adopted).state, earlier)).toBe('agreed_ad_referendum');
    const events = normDecider.decide({ ...(respond('uk', 'confirmed', 'cap-uk') as RecordCapitalResponse), track: earlier }, spec.given(adopted).state);
    expect(events).toEqual([{ type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-uk', partyId: 'uk', response: 'confirmed' } }]);
    expect(normStatusOf(spec.given([...adopted, ...events.map((event) => ({ ...event, effectiveOn: '2026-04-02' }))]).state, earlier)).toBe('adopted');
    // A late entry, effective before the others, counts in effective order as on the board.
    expect(normStatusOf(spec.given([...adopted, ...events.map((event) => ({ ...event, effectiveOn: '2026-03-15' }))]).state, earlier)).toBe('adopted');
  });

  it('judges a response at its own date, as the board does: a confirmation dated before a decline recorded earlier is recorded, and counts for nothing', () => {
    const at = (event: Given<NormEvent>, effectiveOn: string) => ({ ...event, effectiveOn }) as Given<NormEvent>;
    const declinedLater = [...agreedNorm, at(response('cap-cn', 'cn', 'declined'), '2026-04-20')];
    expect(normStatusOf(spec.given(declinedLater).state, track)).toBe('under_discussion');
    spec.given(declinedLater).when({ ...(respond('us', 'confirmed', 'cap-us') as RecordCapitalResponse), effectiveOn: '2026-04-15' }).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-us', partyId: 'us', response: 'confirmed' } },
    ]);
    expect(normStatusOf(spec.given([...declinedLater, at(response('cap-us', 'us', 'confirmed'), '2026-04-15')]).state, track)).toBe('under_discussion');
    // After the decline, under discussion: refused, naming the status (then, or now when it would come last).
    spec.given(declinedLater).when({ ...(respond('us', 'confirmed', 'cap-us') as RecordCapitalResponse), effectiveOn: '2026-04-25' })
      .thenThrows(ConflictError, 'not-agreed-ad-referendum', 'norm gge-13i is under_discussion: capital responses are recorded only while it is agreed_ad_referendum');
    spec.given([...agreedNorm, at(response('cap-cn', 'cn', 'declined'), '2026-04-20'), at(response('cap-us-9', 'us', 'declined'), '2026-04-30')])
      .when({ ...(respond('us', 'confirmed', 'cap-us-2') as RecordCapitalResponse), effectiveOn: '2026-04-25' })
      .thenThrows(ConflictError, 'not-agreed-ad-referendum', 'norm gge-13i was under_discussion on 2026-04-25: capital responses are recorded only while it is agreed_ad_referendum');
    // Both confirmed by their dates, one of them recorded after a later decline: adopted before the decline, and it stays adopted.
    spec.given(declinedLater).when({ ...(respond('cn', 'confirmed', 'cap-cn-0') as RecordCapitalResponse), effectiveOn: '2026-04-10' }).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-cn-0', partyId: 'cn', response: 'confirmed' } },
    ]);
    const bothBefore = [...agreedNorm, at(response('cap-cn', 'cn', 'declined'), '2026-04-20'), at(response('cap-cn-0', 'cn', 'confirmed'), '2026-04-10'), at(response('cap-us-0', 'us', 'confirmed'), '2026-04-12')];
    expect(normStatusOf(spec.given(bothBefore).state, track)).toBe('adopted');
  });

  it('refuses a second confirmation by the same party of the same agreement, dated before or after the first', () => {
    const at = (event: Given<NormEvent>, effectiveOn: string) => ({ ...event, effectiveOn }) as Given<NormEvent>;
    const usConfirmed = [...agreedNorm, at(response('cap-us', 'us', 'confirmed'), '2026-05-10')];
    for (const effectiveOn of ['2026-05-01', '2026-05-10', '2026-05-20']) {
      spec.given(usConfirmed).when({ ...(respond('us', 'confirmed', 'cap-us-2') as RecordCapitalResponse), effectiveOn }).thenThrows(ConflictError, 'already-confirmed');
    }
    // A decline between them starts a new run: a confirmation before the decline is another answer.
    const declinedBetween = [...agreedNorm, at(response('cap-us', 'us', 'confirmed'), '2026-05-10'), at(response('cap-cn', 'cn', 'declined'), '2026-05-05')];
    spec.given(declinedBetween).when({ ...(respond('us', 'confirmed', 'cap-us-0') as RecordCapitalResponse), effectiveOn: '2026-05-01' }).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-us-0', partyId: 'us', response: 'confirmed' } },
    ]);
  });

  it('counts a stance dated the day of a confirmation but recorded after it as after it, as the board does', () => {
    const at = (event: Given<NormEvent>, effectiveOn: string) => ({ ...event, effectiveOn }) as Given<NormEvent>;
    // uk, registered in June, states a stance dated the day cn's confirmation adopted the norm, recorded after it.
    const late = joined('2026-06-01');
    const adoptedThen = [...agreedNorm, at(response('cap-us', 'us', 'confirmed'), '2026-04-01'), at(response('cap-cn', 'cn', 'confirmed'), '2026-04-15')];
    const ukSameDay = [...adoptedThen, stated('st-uk', 'uk', 'supports', { effectiveOn: '2026-04-15', sessionId: undefined, delegateId: undefined })];
    expect(normStatusOf(spec.given(ukSameDay).state, late)).toBe('adopted');
    spec.given(ukSameDay).when({ ...(respond('cn', 'declined', 'cap-cn-2') as RecordCapitalResponse), track: late, effectiveOn: '2026-05-01' })
      .thenThrows(ConflictError, 'not-agreed-ad-referendum', /is adopted/);
    // Dated the day before: uk took part by then, and has not confirmed.
    const ukBefore = [...adoptedThen, stated('st-uk', 'uk', 'supports', { effectiveOn: '2026-04-14', sessionId: undefined, delegateId: undefined })];
    expect(normStatusOf(spec.given(ukBefore).state, late)).toBe('agreed_ad_referendum');
  });

  it('sends the norm back under discussion on a decline, clearing confirmations', () => {
    const declined = [...agreedNorm, response('cap-cn', 'cn', 'confirmed'), response('cap-us', 'us', 'declined')];
    expect(normStatusOf(spec.given(declined).state, track)).toBe('under_discussion');
    // agreed again: cn's earlier confirmation no longer counts
    const again = [...declined, { ...agreed, data: { ...(agreed.data as object), decisionId: 'dec-3' } } as Given<NormEvent>, response('cap-us-2', 'us', 'confirmed')];
    expect(normStatusOf(spec.given(again).state, track)).toBe('agreed_ad_referendum');
    spec.given(again).when(respond('cn', 'confirmed', 'cap-cn-3')).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-cn-3', partyId: 'cn', response: 'confirmed' } },
    ]);
  });

  refusals([
    ['a norm under discussion', bothSupport, respond('cn', 'confirmed'), ConflictError, 'not-agreed-ad-referendum', /is under_discussion: capital responses/],
    ['an adopted norm', [...agreedNorm, response('cap-cn', 'cn', 'confirmed'), response('cap-us', 'us', 'confirmed')], respond('us', 'declined'), ConflictError, 'not-agreed-ad-referendum', /is adopted/],
    ['an unregistered party', agreedNorm, respond('ru', 'confirmed'), UnprocessableError, 'unknown-party'],
    ['a responseId already used', [...agreedNorm, response('cap-cn-02', 'cn', 'confirmed')], respond('us', 'confirmed', 'cap-cn-02'), ConflictError, 'duplicate-response'],
    ['a second confirmation by the same party', [...agreedNorm, response('cap-cn', 'cn', 'confirmed')], respond('cn', 'confirmed'), ConflictError, 'already-confirmed'],
    ['not a response', agreedNorm, { ...(respond('cn', 'confirmed') as object), data: { responseId: 'r', partyId: 'cn', response: 'maybe' } } as never, UnprocessableError, 'invalid-response'],
    ['a withdrawn norm', [proposed, withdrawn], respond('cn', 'confirmed'), ConflictError, 'subject-withdrawn'],
    // The board folds in effective order: a response dated before the agreement would never count there.
    ['a response effective before the decision to agree', agreedNorm, { ...(respond('cn', 'confirmed') as RecordCapitalResponse), effectiveOn: '2026-03-09' }, ConflictError, 'before-status-change', /cannot take effect on 2026-03-09, before the decision that took effect on 2026-03-10/],
    ['a response effective before the proposal', [proposed], { ...(respond('cn', 'confirmed') as RecordCapitalResponse), effectiveOn: '2026-03-09' }, ConflictError, 'not-agreed-ad-referendum'],
  ]);

  it("records a party's response dated before another party's response recorded earlier: responses of different parties may come in any order", () => {
    spec.given([...agreedNorm, response('cap-us', 'us', 'confirmed')]).when({ ...(respond('cn', 'confirmed') as RecordCapitalResponse), effectiveOn: '2026-03-31' }).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-cn-02', partyId: 'cn', response: 'confirmed' } },
    ]);
    spec.given([...agreedNorm, response('cap-us', 'us', 'confirmed')]).when({ ...(respond('cn', 'declined') as RecordCapitalResponse), effectiveOn: '2026-03-31' }).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-cn-02', partyId: 'cn', response: 'declined' } },
    ]);
  });

  it('judges consensus over the parties registered by the decision\'s date: a party that joins later neither blocks nor counts', () => {
    spec.given(bothSupport).when({ ...(decide() as RecordDecision), track: joined('2026-05-01') }).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1' } },
    ]);
    spec.given(bothSupport).when({ ...(decide() as RecordDecision), track: joined('2026-02-01') }).thenThrows(ConflictError, 'no-consensus', /uk has no stance yet/);
  });

  it('records a decision dated before the proposal (a norm recorded after the session that agreed it): the board counts it from the proposal', () => {
    const early = [proposed, stated('st-cn', 'cn', 'supports', { effectiveOn: '2026-03-01' }), stated('st-us', 'us', 'supports', { effectiveOn: '2026-03-01' })];
    spec.given(early).when(decide({}, { session: s1 }, '2026-03-01')).then([
      { type: 'DecisionRecorded', data: { normId: 'gge-13i', decisionId: 'dec-2', kind: 'agree_ad_referendum', sessionId: 's1' } },
    ]);
  });

  it('records a response effective on the day of the decision (the order of the log breaks the tie)', () => {
    spec.given(agreedNorm).when({ ...(respond('cn', 'confirmed') as RecordCapitalResponse), effectiveOn: '2026-03-10' }).then([
      { type: 'CapitalResponseRecorded', data: { normId: 'gge-13i', responseId: 'cap-cn-02', partyId: 'cn', response: 'confirmed' } },
    ]);
  });
});

describe('norm decider: withdrawal', () => {
  it('records a withdrawal by every proposer before agreement', () => {
    spec.given(bothSupport).when(withdraw(['us', 'cn'], { sessionId: 's1' }, { session: s1 })).then([
      { type: 'NormWithdrawn', data: { normId: 'gge-13i', partyIds: ['us', 'cn'], reason: 'superseded', sessionId: 's1' } },
    ]);
    expect(normStatusOf(spec.given([...bothSupport, withdrawn]).state, track)).toBe('withdrawn');
  });

  refusals([
    ['a withdrawal without every proposer', [proposed], withdraw(['cn']), UnprocessableError, 'not-all-proposers', 'norm gge-13i: a withdrawal needs every proposer; missing us'],
    ['an unregistered party', [proposed], withdraw(['cn', 'us', 'ru']), UnprocessableError, 'unknown-party'],
    ['a party that did not propose the norm', [{ ...proposed, data: { ...proposed.data, proposedBy: ['us'] } }], withdraw(['us', 'cn']), UnprocessableError, 'not-a-proposer', 'norm gge-13i: cn did not propose it; a withdrawal is by its proposers (us)'],
    ['a session not held', [proposed], withdraw(['cn', 'us'], { sessionId: 's1' }, { session: session({ status: 'scheduled' }) }), UnprocessableError, 'session-not-held'],
    ['an agreed norm', [...bothSupport, agreed], withdraw(['cn', 'us']), ConflictError, 'already-agreed'],
    ['an adopted norm', [...bothSupport, agreed, response('a', 'cn', 'confirmed'), response('b', 'us', 'confirmed')], withdraw(['cn', 'us']), ConflictError, 'already-agreed', /is adopted/],
    ['a withdrawn norm', [proposed, withdrawn], withdraw(['cn', 'us']), ConflictError, 'already-withdrawn'],
    ['a withdrawal effective before a stance on the norm', [proposed, stated('st-cn', 'cn', 'supports', { effectiveOn: '2026-03-20' })], withdraw(['cn', 'us']), ConflictError, 'before-status-change', 'norm gge-13i: a withdrawal cannot take effect on 2026-03-12, before the position st-cn that took effect on 2026-03-20; nothing is recorded on a withdrawn subject, so its withdrawal takes effect on or after every record on it: use an effectiveOn on or after 2026-03-20'],
    ['a withdrawal effective before the decline that reopened the norm', [...bothSupport, agreed, response('cap-cn', 'cn', 'declined')], withdraw(['cn', 'us']), ConflictError, 'before-status-change', /a withdrawal cannot take effect on 2026-03-12, before the capital response that took effect on 2026-04-01/],
  ]);
});

describe('norm decider: corrections', () => {
  const base = [proposed, stated('st-cn', 'cn', 'conditional', { delegateId: 'cn-1' }), stated('st-us', 'us', 'supports')];
  const recordCorrected = (correctionId: string, target: CorrectionFields['target'], changes: CorrectionFields['changes'], extra: object = {}): NormEvent[] => [
    { type: 'RecordCorrected', data: { normId: 'gge-13i', correctionId, target, changes, reason: 'typo', requestedBy: 'secretariat', ...extra } },
  ];

  it('corrects a stance by statementId', () => {
    const changes = [{ field: 'stance', from: 'conditional', to: 'reserves' }];
    spec.given(base).when(correct({ statementId: 'st-cn' }, changes)).then(recordCorrected('corr-1', { statementId: 'st-cn' }, changes));
  });

  it('corrects the title of the proposal by eventId', () => {
    const changes = [{ field: 'title', from: 'Critical infrastructure', to: 'Critical infrastructure protection' }];
    spec.given(base).when(correct({ eventId: 'ev-proposed' }, changes)).then(recordCorrected('corr-1', { eventId: 'ev-proposed' }, changes));
  });

  it('is allowed on a withdrawn norm', () => {
    const changes = [{ field: 'text', from: 'us speaks', to: 'the us speaks' }];
    spec.given([...base, withdrawn]).when(correct({ statementId: 'st-us' }, changes)).then(recordCorrected('corr-1', { statementId: 'st-us' }, changes));
  });

  it('may not move a record of a withdrawn norm after its withdrawal (422), only to or before its date', () => {
    const later = [{ field: 'effectiveOn', from: '2026-03-10', to: '2026-03-13' }];
    spec
      .given([...base, withdrawn])
      .when(correct({ statementId: 'st-us' }, later))
      .thenThrows(UnprocessableError, 'after-withdrawal', 'norm gge-13i: after this correction the position st-us would take effect on 2026-03-13, after the subject was withdrawn on 2026-03-12; nothing is recorded on a withdrawn subject');
    const onTheDay = [{ field: 'effectiveOn', from: '2026-03-10', to: '2026-03-12' }];
    spec.given([...base, withdrawn]).when(correct({ statementId: 'st-us' }, onTheDay)).then(recordCorrected('corr-1', { statementId: 'st-us' }, onTheDay));
    // A stance an older build left after the withdrawal keeps its date, and its other fields can still be corrected.
    const text = [{ field: 'text', from: 'us speaks', to: 'the us speaks' }];
    spec.given([...base, { ...withdrawn, effectiveOn: '2026-03-05' }]).when(correct({ statementId: 'st-us' }, text)).then(recordCorrected('corr-1', { statementId: 'st-us' }, text));
  });

  it('needs no corrigendum before adoption of the minutes', () => {
    const changes = [{ field: 'text', from: 'us speaks', to: 'x' }];
    spec
      .given(base)
      .when(correct({ statementId: 'st-us' }, changes, { targetSession: session({ minutesStatus: 'circulated' }) }))
      .then(recordCorrected('corr-1', { statementId: 'st-us' }, changes));
  });

  it('after adoption of the minutes, refuses without corrigendumId and accepts with one', () => {
    const changes = [{ field: 'stance', from: 'supports', to: 'abstains' }];
    const adoptedMinutes = session({ minutesStatus: 'adopted' });
    spec
      .given(base)
      .when(correct({ statementId: 'st-us' }, changes, { targetSession: adoptedMinutes }))
      .thenThrows(ConflictError, 'corrigendum-required', 'norm gge-13i: the minutes of session s1 are adopted, so correcting statement st-us needs a corrigendumId');
    spec
      .given(base)
      .when(correct({ statementId: 'st-us' }, changes, { targetSession: adoptedMinutes, corrigendumId: 'cg-1' }))
      .then(recordCorrected('corr-1', { statementId: 'st-us' }, changes, { corrigendumId: 'cg-1' }));
  });

  it('needs no corrigendum for a record not made at a session', () => {
    const written = stated('st-w', 'us', 'supports', { sessionId: undefined, channel: 'written' });
    const changes = [{ field: 'text', from: 'us speaks', to: 'x' }];
    spec.given([...base, written]).when(correct({ statementId: 'st-w' }, changes, { targetSession: undefined })).then(recordCorrected('corr-1', { statementId: 'st-w' }, changes));
  });

  describe('moving a statement to the other party', () => {
    const move = (delegateTo: string | null) => [
      { field: 'partyId', from: 'cn', to: 'us' },
      { field: 'delegateId', from: 'cn-1', to: delegateTo },
    ];

    it('accepts a delegate of that party who attended', () => {
      spec.given(base).when(correct({ statementId: 'st-cn' }, move('us-1'))).then(recordCorrected('corr-1', { statementId: 'st-cn' }, move('us-1')));
    });

    it('accepts no delegate', () => {
      spec.given(base).when(correct({ statementId: 'st-cn' }, move(null))).then(recordCorrected('corr-1', { statementId: 'st-cn' }, move(null)));
    });

    refusals([
      ['keeping the delegate of the first party', base, correct({ statementId: 'st-cn' }, [{ field: 'partyId', from: 'cn', to: 'us' }]), UnprocessableError, 'delegate-not-of-party', 'norm gge-13i: delegate cn-1 belongs to cn, not to us'],
      ['a delegate of that party who did not attend', base, correct({ statementId: 'st-cn' }, move('us-2')), UnprocessableError, 'delegate-not-present', 'norm gge-13i: delegate us-2 did not attend session s1'],
      ['an unregistered party', base, correct({ statementId: 'st-cn' }, [{ field: 'partyId', from: 'cn', to: 'ru' }, { field: 'delegateId', from: 'cn-1', to: null }]), UnprocessableError, 'unknown-party'],
    ]);

    it('makes the moved statement count for its new party', () => {
      const given = [proposed, stated('st-x', 'cn', 'supports'), corrected('corr-1', { statementId: 'st-x' }, [{ field: 'partyId', from: 'cn', to: 'us' }])];
      spec.given(given).when(decide()).thenThrows(ConflictError, 'no-consensus', 'norm gge-13i: no consensus: cn has no stance yet');
    });
  });

  refusals([
    ['a change to the value it already has', base, correct({ statementId: 'st-cn' }, [{ field: 'stance', from: 'conditional', to: 'conditional' }]), ConflictError, 'correction-changes-nothing', 'norm gge-13i: this correction changes nothing (stance would keep its value): every correction must change the record'],
    ['changes that undo each other', base, correct({ statementId: 'st-cn' }, [{ field: 'stance', from: 'conditional', to: 'opposes' }, { field: 'stance', from: 'opposes', to: 'conditional' }]), ConflictError, 'correction-changes-nothing'],
    ['a stale from', base, correct({ statementId: 'st-cn' }, [{ field: 'stance', from: 'supports', to: 'opposes' }]), ConflictError, 'stale-from', 'norm gge-13i: correction of stance expects it to be "supports" but it is "conditional"; reload the record and correct from its current value'],
    // The detail quotes 200 characters of each value (a 100,000-character text made a 100 KB problem).
    ['a stale from of a long text', [...base, stated('st-long', 'us', 'supports', { text: 'l'.repeat(5_000) })], correct({ statementId: 'st-long' }, [{ field: 'text', from: 'short', to: 'x' }]), ConflictError, 'stale-from', `norm gge-13i: correction of text expects it to be "short" but it is "${'l'.repeat(199)}… (5002 characters; the record's history shows it whole); reload the record and correct from its current value`],
    ['a from that reads the same but is in another Unicode normalisation', [...base, stated('st-nfc', 'us', 'supports', { text: 'Caf\u00e9' })], correct({ statementId: 'st-nfc' }, [{ field: 'text', from: 'Cafe\u0301', to: 'x' }]), ConflictError, 'stale-from', 'norm gge-13i: correction of text expects it to be "Cafe\u0301" but it is "Caf\u00e9" (they differ only in Unicode normalisation, NFC against NFD: send from exactly as recorded); reload the record and correct from its current value'],
    ['a text of nothing a reader sees (zero-width space, word joiner, a lone combining mark)', base, correct({ statementId: 'st-us' }, [{ field: 'text', from: 'us speaks', to: '\u200b\u2060\u0301' }]), UnprocessableError, 'field-required'],
    ['a from made stale by an earlier correction', [...base, corrected('corr-1', { statementId: 'st-cn' }, [{ field: 'stance', from: 'conditional', to: 'reserves' }])], correct({ statementId: 'st-cn' }, [{ field: 'stance', from: 'conditional', to: 'opposes' }], { correctionId: 'corr-2' }), ConflictError, 'stale-from'],
    ['a correctionId already used', [...base, corrected('corr-1', { statementId: 'st-us' }, [{ field: 'text', from: 'us speaks', to: 'x' }])], correct({ statementId: 'st-us' }, [{ field: 'text', from: 'x', to: 'y' }]), ConflictError, 'duplicate-correction'],
    ['an unknown statement', base, correct({ statementId: 'st-zz' }, [{ field: 'stance', from: 'supports', to: 'opposes' }]), UnprocessableError, 'unknown-target', 'norm gge-13i: there is no statement st-zz to correct in this stream'],
    ['an unknown event', base, correct({ eventId: 'no-such-event' }, [{ field: 'title', from: 'a', to: 'b' }]), UnprocessableError, 'unknown-target'],
    ['a field that is not correctable', base, correct({ statementId: 'st-us' }, [{ field: 'channel', from: 'oral', to: 'written' }]), UnprocessableError, 'field-not-correctable'],
    ['proposers are not correctable', base, correct({ eventId: 'ev-proposed' }, [{ field: 'proposedBy', from: ['cn', 'us'], to: ['cn'] }]), UnprocessableError, 'field-not-correctable'],
    ['a decision is not correctable', [...bothSupport, { ...agreed, eventId: 'ev-dec' }], correct({ eventId: 'ev-dec' }, [{ field: 'text', from: null, to: 'x' }]), UnprocessableError, 'field-not-correctable'],
    ['conditional without condition', base, correct({ statementId: 'st-us' }, [{ field: 'stance', from: 'supports', to: 'conditional' }]), UnprocessableError, 'condition-required'],
    ['removing the condition of a conditional stance', base, correct({ statementId: 'st-cn' }, [{ field: 'condition', from: 'if reciprocated', to: null }]), UnprocessableError, 'condition-required'],
    ['an empty text', base, correct({ statementId: 'st-us' }, [{ field: 'text', from: 'us speaks', to: null }]), UnprocessableError, 'field-required'],
    ['an empty summary of the proposal', base, correct({ eventId: 'ev-proposed' }, [{ field: 'summary', from: 'Do not attack it', to: '' }]), UnprocessableError, 'field-required'],
    ['an effective date that is not a date', base, correct({ statementId: 'st-us' }, [{ field: 'effectiveOn', from: '2026-03-10', to: 'soon' }]), UnprocessableError, 'invalid-effective-on'],
    // A DTO checked the statement as it was sent; the corrected one is checked against the same limits.
    ['a condition turned into an object by a nested path', base, correct({ statementId: 'st-us' }, [{ field: 'condition.x', from: null, to: 'y' }]), UnprocessableError, 'field-required', 'norm gge-13i: condition must be a non-empty text'],
    ['a condition longer than a statement may carry', base, correct({ statementId: 'st-cn' }, [{ field: 'condition', from: 'if reciprocated', to: 'c'.repeat(2_001) }]), UnprocessableError, 'invalid-corrected-record', 'norm gge-13i: the correction would leave the record invalid: condition must be at most 2000 characters long'],
    ['a text longer than a statement may carry', base, correct({ statementId: 'st-us' }, [{ field: 'text', from: 'us speaks', to: 't'.repeat(100_001) }]), UnprocessableError, 'invalid-corrected-record', /text must be at most 100000 characters long/],
    ['a title longer than a proposal may carry', base, correct({ eventId: 'ev-proposed' }, [{ field: 'title', from: 'Critical infrastructure', to: 't'.repeat(301) }]), UnprocessableError, 'invalid-corrected-record', /title must be at most 300 characters long/],
    ['a summary turned into a list', base, correct({ eventId: 'ev-proposed' }, [{ field: 'summary', from: 'Do not attack it', to: ['a'] }]), UnprocessableError, 'field-required'],
    ['a record made at a session whose facts are missing', base, correct({ statementId: 'st-us' }, [{ field: 'text', from: 'us speaks', to: 'x' }], { targetSession: undefined }), UnprocessableError, 'unknown-session'],
    ['a norm never proposed', [], correct({ statementId: 'st-us' }, [{ field: 'text', from: 'a', to: 'b' }]), NotFoundError, 'not-found'],
  ]);

  it('tells the handler where a target was made and when it is effective', () => {
    const state = spec.given([...base, stated('st-w', 'us', 'supports', { sessionId: undefined, channel: 'written', effectiveOn: '2026-03-20' })]).state;
    expect(recordSessionOf(state, { statementId: 'st-cn' })).toBe('s1');
    expect(recordSessionOf(state, { eventId: 'ev-proposed' })).toBe('s1');
    expect(recordSessionOf(state, { statementId: 'st-w' })).toBeUndefined();
    expect(recordOf(state, { statementId: 'st-w' })).toEqual({ eventId: 'ev-st-w', type: 'PositionStated', effectiveOn: '2026-03-20' });
    expect(recordOf(state, { statementId: 'st-zz' })).toBeUndefined();
    expect(recordOf(spec.given([]).state, { statementId: 'st-cn' })).toBeUndefined();
  });
});

describe('norm decider: capital responses of a multilateral track', () => {
  // 57 parties (an OSCE working group), each confirming in turn: the walk over the responses asks
  // for the parties that took part by each confirmation once, not once per confirmation per earlier
  // confirmation (1,653 folds of the norm's records for the 57th response, 28 ms a command).
  const parties = Array.from({ length: 57 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  const wide: TrackFacts = { trackId: 'osce-iwg', parties, agencies: [], delegates: [] };
  const act = (partyId: string, day: number, response: ResponseAct['response'] = 'confirmed'): ResponseAct => ({
    partyId,
    responseId: `cap-${partyId}`,
    response,
    effectiveOn: `2026-04-${String(day).padStart(2, '0')}`,
    recordedAt: `2026-04-${String(day).padStart(2, '0')}T10:00:00.000Z`,
  });
  const counting = () => {
    const calls = { count: 0 };
    return { calls, stancesAt: () => (calls.count++, parties) };
  };

  it('walks 57 confirmations once, and adopts at the last', () => {
    const all = parties.map((partyId, i) => act(partyId, 1 + (i % 28)));
    const { calls, stancesAt } = counting();
    expect(walkResponses(all, wide, stancesAt)).toBe('adopted');
    expect(calls.count).toBeLessThanOrEqual(all.length);
    expect(walkResponses(all.slice(1), wide, counting().stancesAt)).toBe('agreed_ad_referendum');
  });

  it('still goes back under discussion at a decline before the last confirmation, and stays adopted at one after it', () => {
    const all = parties.map((partyId) => act(partyId, 2));
    expect(walkResponses([...all.slice(1), act(parties[0]!, 1, 'declined')], wide, counting().stancesAt)).toBe('under_discussion');
    expect(walkResponses([...all, act(parties[0]!, 3, 'declined')], wide, counting().stancesAt)).toBe('adopted');
    expect(walkResponses([...all.slice(0, 10), act(parties[10]!, 1, 'declined'), ...all.slice(10)], wide, counting().stancesAt)).toBe('under_discussion');
  });
});
