import { ledgerSaidAt, trueAt, type Cut } from '../../src/projections/projections/cut.js';
import { sessionDetailOf, sessionRegisterOf, type SessionRegisterEntry } from '../../src/projections/projections/register.projection.js';
import { foldTrack } from '../../src/projections/projections/track.projection.js';
import { LedgerBuilder } from './ledger-builder.js';

const TODAY = { today: '2026-06-30' };
const register = (ledger: LedgerBuilder, cut: Cut = {}, today = TODAY) => sessionRegisterOf(foldTrack('seg', ledger.events, cut), today);
const entry = (ledger: LedgerBuilder, cut: Cut = {}, id = 's1', today = TODAY): SessionRegisterEntry =>
  sessionDetailOf(foldTrack('seg', ledger.events, cut), id, today)!;

/** Two us delegates from two agencies, one cn delegate; s1 scheduled for 03-10. */
const track = (): LedgerBuilder => {
  const ledger = new LedgerBuilder().today('2026-01-05');
  ledger.track('seg');
  ledger.party('seg', 'us');
  ledger.party('seg', 'cn');
  ledger.agency('seg', 'us-dos', 'us');
  ledger.agency('seg', 'us-dod', 'us');
  ledger.agency('seg', 'cn-mfa', 'cn');
  ledger.delegate('seg', 'us-smith', 'us', 'us-dos');
  ledger.delegate('seg', 'us-jones', 'us', 'us-dod');
  ledger.delegate('seg', 'cn-li', 'cn', 'cn-mfa');
  ledger.delegate('seg', 'cn-wang', 'cn', 'cn-mfa');
  ledger.schedule('seg', 's1', 1, '2026-03-10');
  return ledger;
};

const held = (): LedgerBuilder => {
  const ledger = track();
  ledger.today('2026-03-10').held('s1', '2026-03-10', { us: ['us-smith', 'us-jones'], cn: ['cn-li'] }, { headsOfDelegation: { us: 'us-smith', cn: 'cn-li' } });
  return ledger;
};

describe('session register', () => {
  it('a scheduled session, then rescheduled: originallyScheduledFor keeps the first date', () => {
    const ledger = track();
    expect(entry(ledger)).toEqual({
      sessionId: 's1',
      trackId: 'seg',
      number: 1,
      status: 'scheduled',
      scheduledFor: '2026-03-10',
      originallyScheduledFor: null,
      cancelledOn: null,
      heldOn: null,
      heldEventId: null,
      place: 'Geneva',
      hostPartyId: null,
      provisionalAgenda: [],
      agenda: [],
      headsOfDelegation: {},
      attendance: {},
      agenciesPresent: {},
      decisions: [],
      actionItems: [],
      minutes: { status: 'none', adoptedOn: null, procedure: null, atSessionId: null, silenceDeadline: null, corrections: [] },
      asOf: null,
      knownAt: null,
    });
    ledger.today('2026-02-01').session('s1', 'SessionRescheduled', { scheduledFor: '2026-03-12', reason: 'visa delays' });
    ledger.today('2026-02-10').session('s1', 'SessionRescheduled', { scheduledFor: '2026-03-14', reason: 'venue' });
    expect(entry(ledger)).toMatchObject({ scheduledFor: '2026-03-14', originallyScheduledFor: '2026-03-10' });
    expect(entry(ledger, trueAt('2026-01-31'))).toMatchObject({ scheduledFor: '2026-03-10', originallyScheduledFor: null });
  });

  it('cancelled', () => {
    const ledger = track();
    ledger.today('2026-02-01').session('s1', 'SessionCancelled', { reason: 'postponed sine die' });
    expect(entry(ledger)).toMatchObject({ status: 'cancelled', cancelledOn: '2026-02-01' });
    expect(entry(ledger, trueAt('2026-01-31'))).toMatchObject({ status: 'scheduled' });
  });

  it('held: attendance and heads of delegation sorted; agencies present derived from the delegates present', () => {
    const ledger = held();
    const heldEventId = ledger.events.at(-1)!.eventId;
    expect(entry(ledger)).toMatchObject({
      status: 'held',
      heldOn: '2026-03-10',
      heldEventId,
      agenda: [{ itemId: 'item-1', title: 'Norms' }],
      attendance: { cn: ['cn-li'], us: ['us-jones', 'us-smith'] },
      agenciesPresent: { cn: ['cn-mfa'], us: ['us-dod', 'us-dos'] },
      headsOfDelegation: { cn: 'cn-li', us: 'us-smith' },
    });
    expect(Object.keys(entry(ledger).attendance)).toEqual(['cn', 'us']);
    expect(entry(ledger, trueAt('2026-03-09'))).toMatchObject({ status: 'scheduled', heldOn: null, heldEventId: null, attendance: {} });
  });

  it('decisions: its own procedural ones and those on subjects taken at it, in effective order', () => {
    const ledger = held();
    ledger.session('s1', 'DecisionRecorded', { decisionId: 'pd-1', kind: 'procedural', agendaItemId: 'item-1', text: 'Adopt agenda' });
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports', { sessionId: 's1' });
    ledger.position('norm-n1', 'st-2', 'cn', 'supports', { sessionId: 's1' });
    ledger.decision('norm-n1', 'd-1', 's1');
    ledger.session('s1', 'DecisionRecorded', { decisionId: 'pd-2', kind: 'procedural', text: 'Next session in May' });
    expect(entry(ledger).decisions).toEqual([
      { decisionId: 'pd-1', kind: 'procedural', subject: null, agendaItemId: 'item-1', text: 'Adopt agenda', effectiveOn: '2026-03-10', eventId: expect.any(String) },
      { decisionId: 'd-1', kind: 'agree_ad_referendum', subject: { kind: 'norm', id: 'n1' }, agendaItemId: null, text: null, effectiveOn: '2026-03-10', eventId: expect.any(String) },
      { decisionId: 'pd-2', kind: 'procedural', subject: null, agendaItemId: null, text: 'Next session in May', effectiveOn: '2026-03-10', eventId: expect.any(String) },
    ]);
  });

  it.each([
    // cut, today, overdue of [a-due-0401 open, b-due-0401 completed 0405, c-no-due, d-due-0501 open]
    ['now, today 06-30', {}, '2026-06-30', [true, false, false, true]],
    ['now, today 04-15', {}, '2026-04-15', [true, false, false, false]],
    ['asOf 04-01 (due that day is not yet overdue)', trueAt('2026-04-01'), '2026-06-30', [false, false, false, false]],
    ['asOf 04-02, completion not yet effective', trueAt('2026-04-02'), '2026-06-30', [true, true, false, false]],
    ['asOf 05-02', trueAt('2026-05-02'), '2026-01-01', [true, false, false, true]],
  ])('action items overdue: %s', (_label, cut, today, overdue) => {
    const ledger = held();
    ledger.session('s1', 'ActionItemAssigned', { actionItemId: 'b', assignee: 'cn', text: 'send list', dueOn: '2026-04-01' });
    ledger.session('s1', 'ActionItemAssigned', { actionItemId: 'a', assignee: 'us', text: 'draft text', dueOn: '2026-04-01' });
    ledger.session('s1', 'ActionItemAssigned', { actionItemId: 'c', assignee: 'us', text: 'consult' });
    ledger.session('s1', 'ActionItemAssigned', { actionItemId: 'd', assignee: 'cn', text: 'reply', dueOn: '2026-05-01' });
    ledger.today('2026-04-05').session('s1', 'ActionItemCompleted', { actionItemId: 'b', note: 'sent' });
    const items = entry(ledger, cut, 's1', { today }).actionItems;
    expect(items.map((i) => i.actionItemId)).toEqual(['a', 'b', 'c', 'd']);
    expect(items.map((i) => i.overdue)).toEqual(overdue);
  });

  it('action item fields', () => {
    const ledger = held();
    ledger.session('s1', 'ActionItemAssigned', { actionItemId: 'a', assignee: 'us', text: 'draft text', dueOn: '2026-04-01' });
    ledger.today('2026-04-05').session('s1', 'ActionItemCompleted', { actionItemId: 'a' });
    expect(entry(ledger).actionItems).toEqual([
      { actionItemId: 'a', assignee: 'us', text: 'draft text', status: 'completed', dueOn: '2026-04-01', completedOn: '2026-04-05', overdue: false },
    ]);
  });

  it('minutes: circulated, silence procedure, broken, silence again, adopted by silence; each step as of its date', () => {
    const ledger = held();
    ledger.today('2026-03-20').session('s1', 'MinutesCirculated');
    ledger.today('2026-03-25').session('s1', 'SilenceProcedureLaunched', { deadline: '2026-04-01' });
    ledger.today('2026-03-28').session('s1', 'SilenceBroken', { partyId: 'cn', reason: 'para 4' });
    ledger.today('2026-04-02').session('s1', 'SilenceProcedureLaunched', { deadline: '2026-04-09' });
    ledger.today('2026-04-09').session('s1', 'MinutesAdopted', { procedure: 'silence' });
    const minutes = (date: string) => entry(ledger, trueAt(date)).minutes;
    expect(minutes('2026-03-19')).toMatchObject({ status: 'none' });
    expect(minutes('2026-03-20')).toMatchObject({ status: 'circulated' });
    expect(minutes('2026-03-26')).toMatchObject({ status: 'silence_procedure', silenceDeadline: '2026-04-01' });
    expect(minutes('2026-03-30')).toMatchObject({ status: 'circulated', silenceDeadline: null });
    expect(entry(ledger).minutes).toEqual({
      status: 'adopted',
      adoptedOn: '2026-04-09',
      procedure: 'silence',
      atSessionId: null,
      silenceDeadline: '2026-04-09',
      corrections: [],
    });
  });

  it('minutes adopted in session at a later session', () => {
    const ledger = held();
    ledger.today('2026-03-20').session('s1', 'MinutesCirculated');
    ledger.schedule('seg', 's2', 2, '2026-05-01');
    ledger.today('2026-05-01').held('s2', '2026-05-01', { us: ['us-smith'], cn: ['cn-li'] });
    ledger.session('s1', 'MinutesAdopted', { procedure: 'in_session', atSessionId: 's2', agendaItemId: 'item-1' });
    expect(entry(ledger).minutes).toMatchObject({ status: 'adopted', adoptedOn: '2026-05-01', procedure: 'in_session', atSessionId: 's2' });
  });

  it('minutes.corrections: every correction, in any stream, to a record made at the session, visible under the cut', () => {
    const ledger = held();
    const heldEvent = ledger.events.at(-1)!;
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports', { sessionId: 's1', delegateId: 'us-smith' });
    ledger.today('2026-03-12').position('norm-n1', 'st-2', 'cn', 'reserves', { channel: 'written' });
    ledger.today('2026-03-20').session('s1', 'MinutesCirculated');
    // attendance of the session itself
    ledger.today('2026-03-25').correct('session-s1', 'cor-att', { eventId: heldEvent.eventId }, [
      { field: 'attendance.cn', from: ['cn-li'], to: ['cn-li', 'cn-wang'] },
    ]);
    // a statement made at the session, in the norm's stream
    ledger.today('2026-03-26').correct('norm-n1', 'cor-st', { statementId: 'st-1' }, [{ field: 'text', from: 'us supports', to: 'The United States supports' }]);
    // a statement not made at any session: not the session's business
    ledger.today('2026-03-27').correct('norm-n1', 'cor-other', { statementId: 'st-2' }, [{ field: 'stance', from: 'reserves', to: 'opposes' }]);
    expect(entry(ledger).minutes.corrections).toEqual(['cor-att', 'cor-st']);
    expect(entry(ledger, ledgerSaidAt('2026-03-25')).minutes.corrections).toEqual(['cor-att']);
    expect(entry(ledger, ledgerSaidAt('2026-03-24')).minutes.corrections).toEqual([]);
    // a correction known now applies ab initio, whatever asOf says
    expect(entry(ledger, trueAt('2026-03-11')).minutes.corrections).toEqual(['cor-att', 'cor-st']);
    // but there is nothing made at the session to correct before it was held
    expect(entry(ledger, trueAt('2026-03-09')).minutes.corrections).toEqual([]);
    expect(entry(ledger)).toMatchObject({ attendance: { cn: ['cn-li', 'cn-wang'] }, agenciesPresent: { cn: ['cn-mfa'] } });
    expect(entry(ledger, ledgerSaidAt('2026-03-24')).attendance).toEqual({ cn: ['cn-li'], us: ['us-jones', 'us-smith'] });
  });

  it('minutes.corrections: a proposal made at the session counts from its own date, not from the subject shown earlier by an earlier statement', () => {
    // The norm is proposed at s1 (held 03-10), and a written statement on it is dated 03-01: under an
    // asOf between the two the norm is shown (with its corrected title), the proposal is not yet effective.
    const ledger = held();
    const proposal = ledger.norm('seg', 'n1', { sessionId: 's1' }, { on: '2026-03-10' });
    ledger.position('norm-n1', 'st-early', 'us', 'supports', { channel: 'written' }, { on: '2026-03-01' });
    ledger.position('norm-n1', 'st-1', 'us', 'supports', { sessionId: 's1', delegateId: 'us-smith' }, { on: '2026-03-10' });
    ledger.today('2026-03-20').correct('norm-n1', 'cor-title', { eventId: proposal.eventId }, [{ field: 'title', from: 'Norm n1', to: 'Norm one' }]);
    ledger.today('2026-03-21').correct('norm-n1', 'cor-st', { statementId: 'st-1' }, [{ field: 'text', from: 'us supports', to: 'The United States supports' }]);
    expect(entry(ledger).minutes.corrections).toEqual(['cor-st', 'cor-title']);
    expect(entry(ledger, trueAt('2026-03-10')).minutes.corrections).toEqual(['cor-st', 'cor-title']);
    // Before the session was held, neither record made at it is visible, so neither correction is listed.
    expect(entry(ledger, trueAt('2026-03-05'))).toMatchObject({ status: 'scheduled', minutes: { corrections: [] } });
  });

  it('a correction of heldOn moves the session record in effective order', () => {
    const ledger = held();
    const heldEvent = ledger.events.at(-1)!;
    ledger.today('2026-03-30').correct('session-s1', 'cor-1', { eventId: heldEvent.eventId }, [{ field: 'heldOn', from: '2026-03-10', to: '2026-03-11' }]);
    expect(entry(ledger, trueAt('2026-03-10'))).toMatchObject({ status: 'scheduled', heldOn: null });
    expect(entry(ledger, trueAt('2026-03-11'))).toMatchObject({ status: 'held', heldOn: '2026-03-11', minutes: { corrections: ['cor-1'] } });
    expect(entry(ledger, ledgerSaidAt('2026-03-10'))).toMatchObject({ status: 'held', heldOn: '2026-03-10' });
  });

  it('a session scheduled on the day of recording and then recorded as held earlier exists from its earliest record', () => {
    // The backfilling clerk's usual flow: POST /sessions without effectiveOn (it takes effect today), then /held last March.
    const ledger = track();
    ledger.today('2026-06-01').schedule('seg', 's9', 9, '2026-03-20');
    ledger.held('s9', '2026-03-20', { us: ['us-smith'] });
    ledger.session('s9', 'DecisionRecorded', { decisionId: 'd9', kind: 'procedural', text: 'Agreed the agenda.' }, { on: '2026-03-20' });
    for (const cut of [trueAt('2026-03-20'), trueAt('2026-05-31'), ledgerSaidAt('2026-06-01')]) {
      expect(entry(ledger, cut, 's9')).toMatchObject({ status: 'held', scheduledFor: '2026-03-20', heldOn: '2026-03-20', decisions: [{ decisionId: 'd9' }] });
      expect(register(ledger, cut).sessions.map((s) => s.sessionId)).toEqual(['s1', 's9']);
    }
    // Before its earliest record, or before anything of it was recorded, it does not exist.
    expect(sessionDetailOf(foldTrack('seg', ledger.events, trueAt('2026-03-19')), 's9', TODAY)).toBeNull();
    expect(sessionDetailOf(foldTrack('seg', ledger.events, ledgerSaidAt('2026-05-31')), 's9', TODAY)).toBeNull();
    // A session scheduled on its own date is unchanged: it exists from then, scheduled.
    expect(entry(ledger, trueAt('2026-01-05'))).toMatchObject({ status: 'scheduled' });
  });

  it('the register lists the sessions of the track by number and echoes the cut', () => {
    const ledger = held();
    ledger.schedule('seg', 's0', 0, '2026-02-01');
    ledger.schedule('other', 'x1', 1, '2026-02-01');
    const answer = register(ledger, ledgerSaidAt('2026-03-31'));
    expect(answer).toMatchObject({ trackId: 'seg', asOf: '2026-03-31', knownAt: '2026-03-31T23:59:59.999Z' });
    expect(answer.sessions.map((s) => s.sessionId)).toEqual(['s0', 's1']);
    expect(sessionDetailOf(foldTrack('seg', ledger.events), 'x1', TODAY)).toBeNull();
  });
});
