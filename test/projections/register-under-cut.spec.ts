import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { resolveCut, type ResolvedCut } from '../../src/projections/projections/cut.js';
import type { LedgerEvent } from '../../src/projections/projections/ledger-event.js';
import { sessionDetailOf, sessionRegisterOf } from '../../src/projections/projections/register.projection.js';
import { foldTrack } from '../../src/projections/projections/track.projection.js';
import { openReadModelDb, type ReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { ReadModelProjection } from '../../src/projections/read-model/read-model.projection.js';
import { ReadModelQueries } from '../../src/projections/read-model/read-model.queries.js';
import { LedgerBuilder } from './ledger-builder.js';
import { appendAll, readLog } from './read-model.support.js';

const TODAY = '2026-04-01';
const plain = (answer: unknown): unknown => JSON.parse(JSON.stringify(answer));

/**
 * A track whose register depends on records in its subject streams, under every cut: decisions
 * recorded late, statements made at sessions and corrected (a stance; moved to another party;
 * dated after a later asOf; dated before the session), a proposal made at a session and corrected,
 * late written statements, a party registered in the past, a subject proposed after the decision
 * taken on it at a session (it exists from that decision's date), and a session stream's own
 * corrections. The register reads these streams in part (ReadModelQueries.registerTrackAt).
 */
const history = (): LedgerBuilder => {
  const ledger = new LedgerBuilder().today('2026-01-05');
  ledger.track('wg');
  for (const p of ['us', 'cn']) {
    ledger.party('wg', p);
    ledger.agency('wg', `${p}-mfa`, p);
    ledger.delegate('wg', `${p}-1`, p, `${p}-mfa`);
    ledger.delegate('wg', `${p}-2`, p, `${p}-mfa`);
  }
  ledger.schedule('wg', 's1', 1, '2026-01-10');
  ledger.schedule('wg', 's2', 2, '2026-02-10');
  ledger.today('2026-01-10');
  ledger.held('s1', '2026-01-10', { us: ['us-1'], cn: ['cn-1', 'cn-2'] });
  const proposal = ledger.norm('wg', 'n1', { sessionId: 's1' });
  ledger.cbm('wg', 'c1', { sessionId: 's1', linkedNorms: ['n1'] });
  ledger.topic('wg', 't1');
  const at = (sessionId: string, delegateId: string) => ({ sessionId, delegateId, agendaItemId: 'item-1' });
  ledger.position('norm-n1', 'st1', 'us', 'supports', at('s1', 'us-1'));
  ledger.position('norm-n1', 'st2', 'cn', 'reserves', at('s1', 'cn-1'));
  ledger.position('norm-n1', 'st3', 'cn', 'supports', at('s1', 'cn-2'));
  ledger.position('cbm-c1', 'st4', 'us', 'supports', at('s1', 'us-1'));
  ledger.position('topic-t1', 'st5', 'cn', 'opposes', at('s1', 'cn-1'));
  ledger.today('2026-01-12');
  ledger.correct('norm-n1', 'c-stance', { statementId: 'st2' }, [{ field: 'stance', from: 'reserves', to: 'supports' }]);
  // A decision recorded two days late, at s1.
  ledger.decision('norm-n1', 'd-n1', 's1', { on: '2026-01-10' });
  ledger.today('2026-01-20');
  // A late written statement (no session), then moved to the other party.
  ledger.position('norm-n1', 'st6', 'cn', 'opposes', { channel: 'written' }, { on: '2026-01-08' });
  ledger.correct('norm-n1', 'c-written-party', { statementId: 'st6' }, [{ field: 'partyId', from: 'cn', to: 'us' }]);
  // A statement made at s1 moved to another party (its delegate goes with it).
  ledger.correct('norm-n1', 'c-moved', { statementId: 'st1' }, [
    { field: 'partyId', from: 'us', to: 'cn' },
    { field: 'delegateId', from: 'us-1', to: null },
  ]);
  ledger.correct('topic-t1', 'c-topic', { statementId: 'st5' }, [{ field: 'stance', from: 'opposes', to: 'abstains' }]);
  ledger.session('s1', 'MinutesCirculated', {}, { on: '2026-01-20' });
  ledger.today('2026-02-10');
  ledger.held('s2', '2026-02-10', { us: ['us-2'], cn: ['cn-1'] });
  ledger.norm('wg', 'n2', { sessionId: 's2' });
  ledger.position('norm-n2', 'st7', 'us', 'supports', at('s2', 'us-2'));
  const st8 = ledger.position('norm-n2', 'st8', 'cn', 'supports', at('s2', 'cn-1'));
  ledger.today('2026-02-12');
  // A statement made at s2, dated before s1 by a correction; one made at s1 dated after s2.
  ledger.correct('norm-n2', 'c-earlier', { statementId: 'st7' }, [{ field: 'effectiveOn', from: '2026-02-10', to: '2026-01-06' }]);
  ledger.correct('norm-n1', 'c-later', { statementId: 'st3' }, [{ field: 'effectiveOn', from: '2026-01-10', to: '2026-02-20' }]);
  // A statement at s2 and the proposal made at s1, corrected, targeted by event id.
  ledger.correct('norm-n2', 'c-by-event', { eventId: st8.eventId }, [{ field: 'stance', from: 'supports', to: 'conditional' }, { field: 'condition', from: null, to: 'if verified' }]);
  ledger.correct('norm-n1', 'c-title', { eventId: proposal.eventId }, [{ field: 'title', from: 'Norm n1', to: 'Norm n1 (revised)' }]);
  ledger.session('s1', 'MinutesAdopted', { procedure: 'in_session', atSessionId: 's2' }, { on: '2026-02-10' });
  // s1's own record corrected, in its stream.
  ledger.correct('session-s1', 'c-attendance', { eventId: ledger.events.find((e) => e.type === 'SessionHeld')!.eventId }, [
    { field: 'attendance.cn', from: ['cn-1', 'cn-2'], to: ['cn-1'] },
  ]);
  ledger.today('2026-02-15');
  // A party registered in the past, with a statement at s2 corrected later.
  ledger.party('wg', 'fr', { on: '2026-01-01' });
  ledger.agency('wg', 'fr-mfa', 'fr', { on: '2026-01-01' });
  ledger.delegate('wg', 'fr-1', 'fr', 'fr-mfa', { on: '2026-01-01' });
  ledger.position('norm-n2', 'st9', 'fr', 'reserves', { channel: 'written', sessionId: 's2' }, { on: '2026-02-10' });
  ledger.today('2026-03-01');
  // A CBM decision at s2 recorded three weeks late; a correction of fr's statement.
  ledger.decision('cbm-c1', 'd-c1', 's2', { on: '2026-02-10' });
  ledger.correct('norm-n2', 'c-fr', { statementId: 'st9' }, [{ field: 'stance', from: 'reserves', to: 'supports' }]);
  ledger.today('2026-03-05');
  // A norm proposed today (dated today) on which a decision was taken at s1: it exists from that date.
  ledger.norm('wg', 'n3');
  ledger.position('norm-n3', 'st10', 'us', 'supports', at('s1', 'us-1'), { on: '2026-01-10' });
  ledger.position('norm-n3', 'st11', 'cn', 'supports', at('s1', 'cn-1'), { on: '2026-01-10' });
  ledger.decision('norm-n3', 'd-n3', 's1', { on: '2026-01-10' });
  ledger.correct('norm-n3', 'c-n3', { statementId: 'st11' }, [{ field: 'stance', from: 'supports', to: 'abstains' }], { recordedAt: '2026-03-05T12:00:00.000Z' });
  return ledger;
};

/** Every day the history names and every instant it records at (and a millisecond before), crossed, and each alone. */
const cutsOf = (events: readonly LedgerEvent[]): ResolvedCut[] => {
  const days = [...new Set(events.flatMap((e) => [e.metadata.effectiveOn, e.metadata.recordedAt.slice(0, 10)]))].sort();
  const instants = [...new Set(events.flatMap((e) => [e.metadata.recordedAt, new Date(Date.parse(e.metadata.recordedAt) - 1).toISOString()]))].sort();
  const asOfs = [null, '2025-12-31', ...days, '2026-02-20', '2026-02-19'];
  const knownAts = [null, '2026-01-04T00:00:00.000Z', ...instants];
  const cuts: ResolvedCut[] = [];
  for (const asOf of asOfs) for (const knownAt of knownAts) cuts.push(resolveCut({ asOf, knownAt }));
  return cuts;
};

describe('session register under a cut (read models: the subject streams read in part)', () => {
  let store: SqliteEventStore;
  let db: ReadModelDb;
  let events: LedgerEvent[];
  let queries: ReadModelQueries;

  beforeAll(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    db = openReadModelDb(':memory:');
    await appendAll(store, history().events);
    await new ReadModelProjection(store, db, { batchSize: 3 }).catchUp();
    events = await readLog(store);
    queries = new ReadModelQueries(db);
  });

  afterAll(async () => {
    db.close();
    await store.close();
  });

  it('equals the fold of the whole track for every cut: register and each session, decisions and corrections included', () => {
    const cuts = cutsOf(events);
    expect(cuts.length).toBeGreaterThan(1000);
    let corrections = 0;
    let decisions = 0;
    for (const cut of cuts) {
      const reference = foldTrack('wg', events, cut);
      const expected = reference.registry === null ? null : sessionRegisterOf(reference, { today: TODAY });
      const answer = queries.sessionRegister('wg', cut, TODAY);
      expect({ cut, answer: plain(answer) }).toEqual({ cut, answer: plain(expected) });
      for (const sessionId of ['s1', 's2']) {
        const detail = reference.registry === null ? null : sessionDetailOf(reference, sessionId, { today: TODAY });
        expect({ cut, sessionId, answer: plain(queries.sessionDetail(sessionId, cut, TODAY)) }).toEqual({ cut, sessionId, answer: plain(detail) });
      }
      for (const session of expected?.sessions ?? []) {
        corrections += session.minutes.corrections.length;
        decisions += session.decisions.filter((d) => d.subject !== null).length;
      }
    }
    // The cuts see the subject streams' share of the register, not only the sessions' own records.
    expect(corrections).toBeGreaterThan(1000);
    expect(decisions).toBeGreaterThan(500);
  });

  it('answers the history as the fold does at its turning points', () => {
    const register = (asOf: string | null, knownAt: string | null) => plain(queries.sessionRegister('wg', resolveCut({ asOf, knownAt }), TODAY)) as {
      sessions: Array<{ sessionId: string; decisions: Array<{ decisionId: string }>; minutes: { corrections: string[] } }>;
    } | null;
    const of = (answer: ReturnType<typeof register>, sessionId: string) => answer!.sessions.find((s) => s.sessionId === sessionId)!;
    // Known now: every correction of a record made at s1 and s2, wherever it lives.
    expect(of(register(null, null), 's1').minutes.corrections).toEqual(['c-attendance', 'c-later', 'c-moved', 'c-n3', 'c-stance', 'c-title', 'c-topic']);
    expect(of(register(null, null), 's2').minutes.corrections).toEqual(['c-by-event', 'c-earlier', 'c-fr']);
    expect(of(register(null, null), 's1').decisions.map((d) => d.decisionId)).toEqual(['d-n1', 'd-n3']);
    // Before n3's decision was recorded, and before c1's late one.
    expect(of(register(null, '2026-03-01'), 's1').decisions.map((d) => d.decisionId)).toEqual(['d-n1']);
    expect(of(register(null, '2026-02-28'), 's2').decisions.map((d) => d.decisionId)).toEqual([]);
    // st3, made at s1, is dated after s2 by a correction: its correction is s1's from that date only.
    expect(of(register('2026-02-19', null), 's1').minutes.corrections).not.toContain('c-later');
    expect(of(register('2026-02-20', null), 's1').minutes.corrections).toContain('c-later');
    // The track exists from its earliest record: before it, no register.
    expect(register('2025-12-31', null)).toBeNull();
  });
});
