import { boardOf, subjectDetailOf, type BoardRow, type CbmRow, type NormRow } from '../../src/projections/projections/board.projection.js';
import { ledgerSaidAt, resolveCut, trueAt, type Cut } from '../../src/projections/projections/cut.js';
import { foldTrack } from '../../src/projections/projections/track.projection.js';
import { seededTrack, type LedgerBuilder } from './ledger-builder.js';

const board = (ledger: LedgerBuilder, cut: Cut = {}) => boardOf(foldTrack('seg', ledger.events, cut));
const row = (ledger: LedgerBuilder, cut: Cut, kind: BoardRow['kind'], id: string): BoardRow | undefined =>
  board(ledger, cut).rows.find((r) => r.kind === kind && r.id === id);
const norm = (ledger: LedgerBuilder, cut: Cut = {}, id = 'n1') => row(ledger, cut, 'norm', id) as NormRow;
const cbm = (ledger: LedgerBuilder, cut: Cut = {}, id = 'c1') => row(ledger, cut, 'cbm', id) as CbmRow;

/** The same date seen two ways (DESIGN.md §5). */
const views = (date: string) => ({ said: ledgerSaidAt(date), true: trueAt(date) });

describe('board rows: norm status machine', () => {
  it('a proposed norm: no stance yet blocks for every registered party; every list present and sorted', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    expect(norm(ledger)).toEqual({
      kind: 'norm',
      id: 'n1',
      title: 'Norm n1',
      status: 'proposed',
      statusSince: '2026-03-10',
      stances: {},
      blockingParties: ['cn', 'us'],
      consensusPossible: false,
      pendingConfirmations: [],
      flags: [],
      linkedCbms: [],
    });
  });

  it('the first position puts it under discussion, statusSince that position', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.today('2026-03-12').position('norm-n1', 'st-1', 'us', 'supports');
    expect(norm(ledger)).toMatchObject({
      status: 'under_discussion',
      statusSince: '2026-03-12',
      stances: { us: { stance: 'supports', statementId: 'st-1', effectiveOn: '2026-03-12' } },
      blockingParties: ['cn'],
      consensusPossible: false,
    });
  });

  it('a statement dated before the proposal: the norm exists from its earliest record, statusSince is the statement\'s date', () => {
    const ledger = seededTrack();
    ledger.today('2026-03-12').norm('seg', 'n1');
    ledger.today('2026-03-14').position('norm-n1', 'st-1', 'us', 'supports');
    // A correction moves the statement to a day before the norm was proposed.
    ledger.today('2026-03-20').correct('norm-n1', 'corr-1', { statementId: 'st-1' }, [{ field: 'effectiveOn', from: '2026-03-14', to: '2026-03-01' }]);
    for (const cut of [{}, { asOf: '2026-03-01' }, { asOf: '2026-03-11' }, { asOf: '2026-03-12', knownAt: '2026-03-20' }]) {
      expect(norm(ledger, cut)).toMatchObject({ status: 'under_discussion', statusSince: '2026-03-01', stances: { us: { statementId: 'st-1', effectiveOn: '2026-03-01' } } });
    }
    // Before its earliest record the norm does not exist; before the correction was known, the statement was on 2026-03-14.
    expect(norm(ledger, { asOf: '2026-02-28' })).toBeUndefined();
    expect(norm(ledger, { asOf: '2026-03-11', knownAt: '2026-03-19' })).toBeUndefined();
    expect(norm(ledger, { asOf: '2026-03-12', knownAt: '2026-03-19' })).toMatchObject({ status: 'proposed', statusSince: '2026-03-12' });
  });

  it('a norm proposed without a date (the day of recording) after the session that discussed and agreed it: as of that session it was agreed', () => {
    const ledger = seededTrack();
    ledger.today('2026-06-01').norm('seg', 'n1');
    ledger.position('norm-n1', 'st-us', 'us', 'supports', {}, { on: '2026-03-10' });
    ledger.position('norm-n1', 'st-cn', 'cn', 'supports', {}, { on: '2026-03-10' });
    ledger.append('norm-n1', 'DecisionRecorded', { normId: 'n1', decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' }, { on: '2026-03-10' });
    for (const cut of [{}, { asOf: '2026-03-10' }, { asOf: '2026-05-31' }]) {
      expect(norm(ledger, cut)).toMatchObject({ status: 'agreed_ad_referendum', statusSince: '2026-03-10', pendingConfirmations: ['cn', 'us'] });
    }
    expect(norm(ledger, { asOf: '2026-03-09' })).toBeUndefined();
    // What the ledger said before the proposal was recorded: nothing of it.
    expect(norm(ledger, { asOf: '2026-03-10', knownAt: '2026-05-31' })).toBeUndefined();
  });

  it.each([
    ['supports', 'supports', [], true],
    ['supports', 'abstains', [], true],
    ['abstains', 'abstains', [], false],
    ['supports', 'conditional', ['cn'], false],
    ['supports', 'reserves', ['cn'], false],
    ['opposes', 'opposes', ['cn', 'us'], false],
  ])('us %s, cn %s: blocking %j, consensus %s', (us, cn, blocking, consensus) => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', us);
    ledger.position('norm-n1', 'st-2', 'cn', cn, cn === 'conditional' ? { condition: 'if verified' } : {});
    expect(norm(ledger)).toMatchObject({ blockingParties: blocking, consensusPossible: consensus });
  });

  it('latest stance is the last in effective order, not in recording order; ties go by position', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.today('2026-03-20').position('norm-n1', 'st-2', 'us', 'opposes');
    // recorded later, effective earlier: it does not supersede st-2
    ledger.today('2026-03-25').position('norm-n1', 'st-1', 'us', 'supports', { channel: 'written' }, { on: '2026-03-15' });
    ledger.today('2026-03-26').position('norm-n1', 'st-3', 'cn', 'opposes');
    ledger.position('norm-n1', 'st-4', 'cn', 'supports');
    expect(norm(ledger).stances).toEqual({
      cn: { stance: 'supports', statementId: 'st-4', effectiveOn: '2026-03-26' },
      us: { stance: 'opposes', statementId: 'st-2', effectiveOn: '2026-03-20' },
    });
  });

  it('a party registered later blocks only from its registration on (as of the cut)', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports');
    ledger.position('norm-n1', 'st-2', 'cn', 'supports');
    ledger.today('2026-04-01').party('seg', 'ru');
    expect(norm(ledger, trueAt('2026-03-31'))).toMatchObject({ blockingParties: [], consensusPossible: true });
    expect(norm(ledger)).toMatchObject({ blockingParties: ['ru'], consensusPossible: false });
  });

  const agreed = (): LedgerBuilder => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports');
    ledger.position('norm-n1', 'st-2', 'cn', 'supports');
    ledger.decision('norm-n1', 'd-1', 's1');
    return ledger;
  };

  it('agreement ad referendum waits for every party; the last confirmation adopts it', () => {
    const ledger = agreed();
    expect(norm(ledger)).toMatchObject({ status: 'agreed_ad_referendum', statusSince: '2026-03-10', pendingConfirmations: ['cn', 'us'] });
    ledger.today('2026-04-02').capital('n1', 'cap-us', 'us', 'confirmed');
    expect(norm(ledger)).toMatchObject({ status: 'agreed_ad_referendum', statusSince: '2026-03-10', pendingConfirmations: ['cn'] });
    ledger.today('2026-04-09').capital('n1', 'cap-cn', 'cn', 'confirmed');
    expect(norm(ledger)).toMatchObject({ status: 'adopted', statusSince: '2026-04-09', pendingConfirmations: [] });
    expect(norm(ledger, trueAt('2026-04-05'))).toMatchObject({ status: 'agreed_ad_referendum', pendingConfirmations: ['cn'] });
  });

  it('a decline returns it to discussion and clears confirmations; a new agreement starts over', () => {
    const ledger = agreed();
    ledger.today('2026-04-02').capital('n1', 'cap-us', 'us', 'confirmed');
    ledger.today('2026-04-03').capital('n1', 'cap-cn', 'cn', 'declined');
    expect(norm(ledger)).toMatchObject({ status: 'under_discussion', statusSince: '2026-04-03', pendingConfirmations: [] });
    ledger.schedule('seg', 's2', 2, '2026-05-01');
    ledger.today('2026-05-01').held('s2', '2026-05-01', { us: ['us-smith'], cn: ['cn-li'] });
    ledger.decision('norm-n1', 'd-2', 's2');
    expect(norm(ledger)).toMatchObject({ status: 'agreed_ad_referendum', statusSince: '2026-05-01', pendingConfirmations: ['cn', 'us'] });
  });

  it('adopted is sticky: later stances show, the status does not move, blocking is still computed', () => {
    const ledger = agreed();
    ledger.today('2026-04-02').capital('n1', 'cap-us', 'us', 'confirmed');
    ledger.capital('n1', 'cap-cn', 'cn', 'confirmed');
    ledger.today('2026-06-01').position('norm-n1', 'st-9', 'us', 'opposes', { channel: 'written' });
    expect(norm(ledger)).toMatchObject({
      status: 'adopted',
      statusSince: '2026-04-02',
      stances: { us: { stance: 'opposes', statementId: 'st-9' } },
      blockingParties: ['us'],
      consensusPossible: false,
      pendingConfirmations: [],
    });
  });

  it('adopted, then a decline: after adoption it changes nothing; entered late but effective before adoption it undoes it ab initio', () => {
    const ledger = agreed();
    ledger.today('2026-04-02').capital('n1', 'cap-us', 'us', 'confirmed');
    ledger.today('2026-04-09').capital('n1', 'cap-cn', 'cn', 'confirmed');
    ledger.today('2026-04-20').capital('n1', 'cap-us-2', 'us', 'declined');
    expect(norm(ledger)).toMatchObject({ status: 'adopted', statusSince: '2026-04-09' });
    // cn's capital had declined on 04-05; the note reached the secretariat only on 04-25
    ledger.today('2026-04-25').capital('n1', 'cap-cn-0', 'cn', 'declined', { on: '2026-04-05' });
    const at = views('2026-04-21');
    expect(norm(ledger, at.said)).toMatchObject({ status: 'adopted', statusSince: '2026-04-09', pendingConfirmations: [] });
    expect(norm(ledger, at.true)).toMatchObject({ status: 'under_discussion', statusSince: '2026-04-05', pendingConfirmations: [] });
    expect(norm(ledger)).toMatchObject({ status: 'under_discussion', statusSince: '2026-04-05' });
  });

  it('withdrawn is terminal: later positions are shown but the status stays', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports');
    ledger.today('2026-03-15').subjectEvent('norm-n1', 'NormWithdrawn', { partyIds: ['us'] });
    ledger.today('2026-03-16').position('norm-n1', 'st-2', 'cn', 'opposes', {}, { on: '2026-03-16' });
    ledger.decision('norm-n1', 'd-1', 's1');
    expect(norm(ledger)).toMatchObject({
      status: 'withdrawn',
      statusSince: '2026-03-15',
      stances: { cn: { stance: 'opposes' }, us: { stance: 'supports' } },
      blockingParties: ['cn'],
    });
  });

  it('a subject proposed after asOf is not on the board', () => {
    const ledger = seededTrack();
    ledger.today('2026-03-20').norm('seg', 'n1');
    expect(board(ledger, trueAt('2026-03-19')).rows).toEqual([]);
    expect(board(ledger, trueAt('2026-03-20')).rows).toHaveLength(1);
  });
});

describe('board rows: both time axes', () => {
  it('late entry: recorded after D, effective before it, is absent from what the ledger said at D and present in what was true at D', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports');
    ledger.today('2026-04-02').position('norm-n1', 'st-2', 'cn', 'supports', { channel: 'written', communicationRef: 'note-7' }, { on: '2026-03-12' });
    const at = views('2026-03-20');
    expect(norm(ledger, at.said)).toMatchObject({
      stances: { us: { statementId: 'st-1' } },
      blockingParties: ['cn'],
      consensusPossible: false,
    });
    expect(norm(ledger, at.said).stances).not.toHaveProperty('cn');
    expect(norm(ledger, at.true)).toMatchObject({
      stances: { cn: { stance: 'supports', statementId: 'st-2', effectiveOn: '2026-03-12' }, us: { statementId: 'st-1' } },
      blockingParties: [],
      consensusPossible: true,
    });
    // once recorded, both views agree
    const later = views('2026-04-03');
    expect(norm(ledger, later.said)).toEqual(norm(ledger, later.true));
    // and before its effective date neither view has it
    const before = views('2026-03-11');
    expect(norm(ledger, before.said).stances).not.toHaveProperty('cn');
    expect(norm(ledger, before.true).stances).not.toHaveProperty('cn');
  });

  it('a correction moving a statement to the other party applies ab initio in what was true, not in what the ledger said before it', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-0', 'cn', 'reserves');
    ledger.today('2026-03-11').position('norm-n1', 'st-1', 'us', 'supports', { delegateId: 'us-smith', sessionId: 's1' }, { on: '2026-03-10' });
    ledger.today('2026-04-01').correct('norm-n1', 'cor-1', { statementId: 'st-1' }, [
      { field: 'partyId', from: 'us', to: 'cn' },
      { field: 'delegateId', from: 'us-smith', to: 'cn-li' },
    ]);
    const at = views('2026-03-20');
    expect(norm(ledger, at.said)).toMatchObject({
      stances: { cn: { stance: 'reserves', statementId: 'st-0' }, us: { stance: 'supports', statementId: 'st-1' } },
      blockingParties: ['cn'],
    });
    expect(norm(ledger, at.true)).toMatchObject({
      stances: { cn: { stance: 'supports', statementId: 'st-1', effectiveOn: '2026-03-10' } },
      blockingParties: ['us'],
      consensusPossible: false,
    });
    expect(norm(ledger, at.true).stances).not.toHaveProperty('us');
    const later = views('2026-04-01');
    expect(norm(ledger, later.said)).toEqual(norm(ledger, later.true));
  });

  it('a correction of effectiveOn moves the statement in effective order and in or out of the asOf cut', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.today('2026-03-12').position('norm-n1', 'st-1', 'us', 'supports');
    ledger.today('2026-03-14').position('norm-n1', 'st-2', 'us', 'opposes');
    // st-1 was in fact said on 03-16: it becomes the latest, and it is not yet said on 03-13
    ledger.today('2026-04-01').correct('norm-n1', 'cor-1', { statementId: 'st-1' }, [{ field: 'effectiveOn', from: '2026-03-12', to: '2026-03-16' }]);
    expect(norm(ledger).stances['us']).toEqual({ stance: 'supports', statementId: 'st-1', effectiveOn: '2026-03-16' });
    expect(norm(ledger, trueAt('2026-03-13'))).toMatchObject({ status: 'proposed', stances: {} });
    expect(norm(ledger, trueAt('2026-03-15')).stances['us']).toMatchObject({ statementId: 'st-2' });
    expect(norm(ledger, ledgerSaidAt('2026-03-13'))).toMatchObject({ status: 'under_discussion', stances: { us: { statementId: 'st-1' } } });
    expect(norm(ledger, ledgerSaidAt('2026-03-20')).stances['us']).toMatchObject({ statementId: 'st-2' });
  });

  it('decision-without-consensus: flagged once a correction shows consensus did not hold; the decision stays', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports');
    ledger.position('norm-n1', 'st-2', 'cn', 'supports');
    ledger.decision('norm-n1', 'd-1', 's1');
    ledger.today('2026-04-01').correct('norm-n1', 'cor-1', { statementId: 'st-2' }, [
      { field: 'stance', from: 'supports', to: 'conditional' },
      { field: 'condition', from: null, to: 'subject to verification' },
    ]);
    const at = views('2026-03-20');
    expect(norm(ledger, at.said)).toMatchObject({ status: 'agreed_ad_referendum', flags: [], consensusPossible: true });
    expect(norm(ledger, at.true)).toMatchObject({
      status: 'agreed_ad_referendum',
      flags: ['decision-without-consensus'],
      blockingParties: ['cn'],
      consensusPossible: false,
    });
  });

  it('decision-without-consensus also after a late entry effective before the decision', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports');
    ledger.position('norm-n1', 'st-2', 'cn', 'supports');
    ledger.decision('norm-n1', 'd-1', 's1');
    ledger.today('2026-04-01').position('norm-n1', 'st-0', 'cn', 'opposes', { channel: 'written' }, { on: '2026-03-09' });
    expect(norm(ledger).flags).toEqual([]);
    ledger.today('2026-04-02').position('norm-n1', 'st-3', 'cn', 'opposes', { channel: 'written' }, { on: '2026-03-10' });
    // same day as the decision but entered after it: it comes after in effective order
    expect(norm(ledger).flags).toEqual([]);
    ledger.today('2026-04-03').correct('norm-n1', 'cor-1', { statementId: 'st-2' }, [{ field: 'effectiveOn', from: '2026-03-10', to: '2026-03-08' }]);
    expect(norm(ledger).flags).toEqual(['decision-without-consensus']);
    expect(norm(ledger, views('2026-04-02').said).flags).toEqual([]);
  });

  it('a corrected title shows from when the correction is known', () => {
    const ledger = seededTrack();
    const proposal = ledger.norm('seg', 'n1');
    ledger.today('2026-04-01').correct('norm-n1', 'cor-1', { eventId: proposal.eventId }, [{ field: 'title', from: 'Norm n1', to: 'Protect critical infrastructure' }]);
    expect(norm(ledger, views('2026-03-31').said).title).toBe('Norm n1');
    expect(norm(ledger, views('2026-03-31').true).title).toBe('Protect critical infrastructure');
  });

  it('knownAt alone: a correction recorded after knownAt is invisible, whatever asOf', () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1');
    ledger.position('norm-n1', 'st-1', 'us', 'supports');
    ledger.today('2026-04-01').correct('norm-n1', 'cor-1', { statementId: 'st-1' }, [{ field: 'stance', from: 'supports', to: 'abstains' }]);
    expect(norm(ledger, { knownAt: '2026-03-31T23:59:59.999Z' }).stances['us']?.stance).toBe('supports');
    expect(norm(ledger, { knownAt: '2026-04-01T09:00:00.999Z' }).stances['us']?.stance).toBe('supports');
    expect(norm(ledger, { knownAt: '2026-04-01T09:00:01.000Z' }).stances['us']?.stance).toBe('abstains');
    expect(norm(ledger, { asOf: '2026-03-10', knownAt: '2026-04-02' }).stances['us']?.stance).toBe('abstains');
  });
});

describe('board rows: CBMs, links and topics', () => {
  const agreedCbm = (): LedgerBuilder => {
    const ledger = seededTrack();
    const early = { on: '2026-03-01', recordedAt: '2026-03-01T09:00:00.000Z' };
    ledger.norm('seg', 'n1', {}, early);
    ledger.cbm('seg', 'c1', { linkedNorms: ['n1'] }, early);
    ledger.position('cbm-c1', 'st-1', 'us', 'supports');
    ledger.position('cbm-c1', 'st-2', 'cn', 'abstains');
    ledger.decision('cbm-c1', 'd-1', 's1');
    return ledger;
  };

  it('proposed, under discussion, agreed, implementing, implemented; reporters sorted', () => {
    const ledger = agreedCbm();
    expect(cbm(ledger)).toMatchObject({ status: 'agreed', statusSince: '2026-03-10', implementationReportedBy: [], linkedNorms: ['n1'] });
    ledger.today('2026-04-01').subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: 'r-1', partyId: 'us', text: 'hotline set up' });
    expect(cbm(ledger)).toMatchObject({ status: 'implementing', statusSince: '2026-04-01', implementationReportedBy: ['us'] });
    ledger.today('2026-04-05').subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: 'r-2', partyId: 'cn', text: 'hotline staffed' });
    expect(cbm(ledger)).toMatchObject({
      kind: 'cbm',
      status: 'implemented',
      statusSince: '2026-04-05',
      implementationReportedBy: ['cn', 'us'],
      pendingConfirmations: [],
      flags: [],
    });
    expect(cbm(ledger, trueAt('2026-03-09'))).toMatchObject({ status: 'proposed', statusSince: '2026-03-01', linkedNorms: ['n1'] });
    expect(cbm(ledger, trueAt('2026-04-02'))).toMatchObject({ status: 'implementing', implementationReportedBy: ['us'] });
  });

  it.each([
    ['implemented', ['us', 'cn']],
    ['implementing', ['us']],
  ])('suspended, then resumed back to %s', (before, reporters) => {
    const ledger = agreedCbm();
    ledger.today('2026-04-01');
    for (const partyId of reporters) ledger.subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: `r-${partyId}`, partyId, text: 'done' });
    ledger.today('2026-05-01').subjectEvent('cbm-c1', 'CbmSuspended', { partyId: 'cn', reason: 'incident' });
    expect(cbm(ledger)).toMatchObject({ status: 'suspended', statusSince: '2026-05-01' });
    ledger.today('2026-06-01').subjectEvent('cbm-c1', 'CbmResumed', { partyId: 'cn', reason: 'resolved' });
    expect(cbm(ledger)).toMatchObject({ status: before, statusSince: '2026-06-01' });
    expect(cbm(ledger, trueAt('2026-05-15'))).toMatchObject({ status: 'suspended' });
  });

  it('a report while suspended counts on resumption', () => {
    const ledger = agreedCbm();
    ledger.today('2026-04-01').subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: 'r-1', partyId: 'us', text: 'done' });
    ledger.today('2026-05-01').subjectEvent('cbm-c1', 'CbmSuspended', { partyId: 'cn', reason: 'incident' });
    ledger.today('2026-05-10').subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: 'r-2', partyId: 'cn', text: 'done' });
    expect(cbm(ledger)).toMatchObject({ status: 'suspended', implementationReportedBy: ['cn', 'us'] });
    ledger.today('2026-06-01').subjectEvent('cbm-c1', 'CbmResumed', { partyId: 'cn', reason: 'resolved' });
    expect(cbm(ledger)).toMatchObject({ status: 'implemented', statusSince: '2026-06-01' });
  });

  it('withdrawn before agreement is terminal', () => {
    const ledger = seededTrack();
    ledger.cbm('seg', 'c1');
    ledger.today('2026-03-12').subjectEvent('cbm-c1', 'CbmWithdrawn', { partyIds: ['us'] });
    ledger.today('2026-03-13').position('cbm-c1', 'st-1', 'cn', 'supports', { channel: 'written' });
    expect(cbm(ledger)).toMatchObject({ status: 'withdrawn', statusSince: '2026-03-12', stances: { cn: { stance: 'supports' } } });
  });

  it("a norm lists the CBMs linked to it as of the cut, sorted, each with its status under the same cut", () => {
    const ledger = agreedCbm();
    ledger.cbm('seg', 'a0');
    ledger.today('2026-04-01').subjectEvent('cbm-a0', 'CbmLinkedToNorm', { normId: 'n1' });
    ledger.today('2026-04-02').subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: 'r-1', partyId: 'us', text: 'done' });
    expect(norm(ledger, trueAt('2026-02-28'))).toBeUndefined();
    expect(norm(ledger, trueAt('2026-03-09')).linkedCbms).toEqual([{ id: 'c1', status: 'proposed' }]);
    expect(norm(ledger, trueAt('2026-03-10')).linkedCbms).toEqual([{ id: 'c1', status: 'agreed' }]);
    expect(norm(ledger).linkedCbms).toEqual([
      { id: 'a0', status: 'proposed' },
      { id: 'c1', status: 'implementing' },
    ]);
    expect(cbm(ledger, {}, 'a0').linkedNorms).toEqual(['n1']);
    expect(cbm(ledger, trueAt('2026-03-31'), 'a0').linkedNorms).toEqual([]);
  });

  it("a CBM's proposal links from its own date, even when the CBM exists from an earlier record (DESIGN §4: links as of the cut)", () => {
    const ledger = seededTrack();
    ledger.norm('seg', 'n1', {}, { on: '2026-02-01' });
    ledger.today('2026-03-11').cbm('seg', 'c1', { linkedNorms: ['n1'] }, { on: '2026-03-01' });
    // A written statement dated before the proposal: the CBM exists from 2026-02-15.
    ledger.today('2026-03-12').position('cbm-c1', 'st-1', 'us', 'supports', { channel: 'written' }, { on: '2026-02-15' });
    for (const cut of [trueAt('2026-02-20'), { asOf: '2026-02-28' }, { asOf: '2026-02-28', knownAt: '2026-03-12T23:59:59.999Z' }]) {
      expect(cbm(ledger, cut)).toMatchObject({ status: 'under_discussion', statusSince: '2026-02-15', linkedNorms: [] });
      expect(norm(ledger, cut).linkedCbms).toEqual([]);
    }
    for (const cut of [{}, trueAt('2026-03-01'), { asOf: '2026-03-01', knownAt: '2026-03-12T23:59:59.999Z' }]) {
      expect(cbm(ledger, cut)).toMatchObject({ linkedNorms: ['n1'] });
      expect(norm(ledger, cut).linkedCbms).toEqual([{ id: 'c1', status: 'under_discussion' }]);
    }
    // The history lists the proposal once, at its own date, with its links as recorded.
    const detail = subjectDetailOf(foldTrack('seg', ledger.events, resolveCut({})), 'cbm', 'c1')!;
    expect(detail.history.map((h) => [h.type, h.effectiveOn])).toEqual([
      ['PositionStated', '2026-02-15'],
      ['CbmProposed', '2026-03-01'],
    ]);
    expect(detail.history[1]!.data).toMatchObject({ linkedNorms: ['n1'] });
  });

  it('topics carry stances, blocking and consensus, and no status', () => {
    const ledger = seededTrack();
    ledger.topic('seg', 't1');
    ledger.position('topic-t1', 'st-1', 'cn', 'supports');
    expect(row(ledger, {}, 'topic', 't1')).toEqual({
      kind: 'topic',
      id: 't1',
      title: 'Topic t1',
      status: null,
      statusSince: null,
      stances: { cn: { stance: 'supports', statementId: 'st-1', effectiveOn: '2026-03-10' } },
      blockingParties: ['us'],
      consensusPossible: false,
      pendingConfirmations: [],
      flags: [],
    });
  });

  it('rows: norms, then CBMs, then topics, each by id; the answer echoes the cut', () => {
    const ledger = seededTrack();
    ledger.topic('seg', 'a-topic');
    ledger.cbm('seg', 'b-cbm');
    ledger.norm('seg', 'z-norm');
    ledger.norm('seg', 'a-norm');
    ledger.norm('other', 'foreign');
    const answer = board(ledger, { asOf: '2026-03-31', knownAt: '2026-04-01T10:00:00+02:00' });
    expect(answer.rows.map((r) => `${r.kind}:${r.id}`)).toEqual(['norm:a-norm', 'norm:z-norm', 'cbm:b-cbm', 'topic:a-topic']);
    expect(answer).toMatchObject({ trackId: 'seg', asOf: '2026-03-31', knownAt: '2026-04-01T08:00:00.000Z' });
    expect(board(ledger)).toMatchObject({ asOf: null, knownAt: null });
  });
});
