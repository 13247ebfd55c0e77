import { boardOf, cbmTrackerOf, matrixOf, subjectDetailOf } from '../../src/projections/projections/board.projection.js';
import { ledgerSaidAt, resolveCut, trueAt, type Cut } from '../../src/projections/projections/cut.js';
import { foldRegistry, registryAnswerOf } from '../../src/projections/projections/registry.projection.js';
import { appliesInOrder, evolveSubject, foldSubject, type SubjectState } from '../../src/projections/projections/subject.projection.js';
import { recordOf } from '../../src/projections/projections/timeline.projection.js';
import { foldTrack, trackListOf } from '../../src/projections/projections/track.projection.js';
import { seededTrack, type LedgerBuilder } from './ledger-builder.js';

const fold = (ledger: LedgerBuilder, cut: Cut = {}) => foldTrack('seg', ledger.events, cut);

describe('cut', () => {
  it.each([
    [{}, { asOf: null, knownAt: null }],
    [{ asOf: '2026-03-01' }, { asOf: '2026-03-01', knownAt: null }],
    [{ knownAt: '2026-03-01' }, { asOf: null, knownAt: '2026-03-01T23:59:59.999Z' }],
    [{ knownAt: '2026-03-01T12:00:00+01:00' }, { asOf: null, knownAt: '2026-03-01T11:00:00.000Z' }],
    [{ asOf: null, knownAt: null }, { asOf: null, knownAt: null }],
  ])('%j resolves to %j', (cut, resolved) => {
    expect(resolveCut(cut)).toEqual(resolved);
  });

  it.each([{ asOf: '2026-3-1' }, { knownAt: 'yesterday' }])('%j is rejected', (cut) => {
    expect(() => resolveCut(cut)).toThrow(RangeError);
  });

  it('the two named views of a date', () => {
    expect(ledgerSaidAt('2026-03-01')).toEqual({ asOf: '2026-03-01', knownAt: '2026-03-01T23:59:59.999Z' });
    expect(trueAt('2026-03-01')).toEqual({ asOf: '2026-03-01', knownAt: null });
  });
});

describe('registry and track list', () => {
  it('parties, agencies and delegates sorted by id, as of the cut', () => {
    const ledger = seededTrack();
    ledger.today('2026-04-01').party('seg', 'eu');
    const registry = foldRegistry(
      ledger.events.filter((e) => e.streamId === 'track-seg'),
      resolveCut({ asOf: '2026-03-31' }),
    )!;
    expect(registryAnswerOf(registry, resolveCut({ asOf: '2026-03-31' }))).toEqual({
      trackId: 'seg',
      name: 'Track seg',
      mandateRef: null,
      cadence: null,
      establishedOn: '2026-01-05',
      asOf: '2026-03-31',
      knownAt: null,
      parties: [
        { partyId: 'cn', name: 'CN', registeredOn: '2026-01-05' },
        { partyId: 'us', name: 'US', registeredOn: '2026-01-05' },
      ],
      agencies: [
        { agencyId: 'cn-mfa', partyId: 'cn', name: 'cn-mfa', registeredOn: '2026-01-05' },
        { agencyId: 'us-dos', partyId: 'us', name: 'us-dos', registeredOn: '2026-01-05' },
      ],
      delegates: [
        { delegateId: 'cn-li', partyId: 'cn', agencyId: 'cn-mfa', role: null, name: null, registeredOn: '2026-01-05' },
        { delegateId: 'us-smith', partyId: 'us', agencyId: 'us-dos', role: null, name: null, registeredOn: '2026-01-05' },
      ],
    });
    expect(fold(ledger).registry?.parties.map((p) => p.partyId)).toEqual(['cn', 'eu', 'us']);
  });

  it('tracks sorted by id, only those established under the cut', () => {
    const ledger = seededTrack();
    ledger.today('2026-05-01').track('abc', 'ABC dialogue');
    expect(trackListOf(ledger.events, {})).toEqual({
      tracks: [
        { trackId: 'abc', name: 'ABC dialogue' },
        { trackId: 'seg', name: 'Track seg' },
      ],
    });
    expect(trackListOf(ledger.events, resolveCut({ asOf: '2026-04-30' }))).toEqual({ tracks: [{ trackId: 'seg', name: 'Track seg' }] });
  });
});

describe('matrix, CBM tracker, subject detail', () => {
  const ledger = (): LedgerBuilder => {
    const l = seededTrack();
    l.norm('seg', 'n1');
    l.cbm('seg', 'c1', { linkedNorms: ['n1'] });
    l.topic('seg', 't1');
    l.position('norm-n1', 'st-1', 'us', 'supports');
    l.position('norm-n1', 'st-2', 'cn', 'supports');
    l.position('topic-t1', 'st-1', 'cn', 'opposes');
    l.position('cbm-c1', 'st-1', 'us', 'supports');
    l.position('cbm-c1', 'st-2', 'cn', 'supports');
    l.decision('cbm-c1', 'd-1', 's1');
    l.today('2026-04-01').subjectEvent('cbm-c1', 'CbmImplementationReported', { reportId: 'r-1', partyId: 'us', text: 'hotline set up' });
    l.today('2026-04-02').correct('norm-n1', 'cor-1', { statementId: 'st-1' }, [{ field: 'partyId', from: 'us', to: 'cn' }]);
    return l;
  };

  it('matrix: one row per subject, one cell per registered party, null when no stance', () => {
    const cell = (statementId: string, stance: string) => ({ stance, statementId, effectiveOn: '2026-03-10' });
    expect(matrixOf(fold(ledger()))).toEqual({
      trackId: 'seg',
      asOf: null,
      knownAt: null,
      parties: ['cn', 'us'],
      rows: [
        { kind: 'norm', id: 'n1', title: 'Norm n1', status: 'under_discussion', cells: { cn: cell('st-2', 'supports'), us: null } },
        { kind: 'cbm', id: 'c1', title: 'CBM c1', status: 'implementing', cells: { cn: cell('st-2', 'supports'), us: cell('st-1', 'supports') } },
        { kind: 'topic', id: 't1', title: 'Topic t1', status: null, cells: { cn: cell('st-1', 'opposes'), us: null } },
      ],
    });
    expect(matrixOf(fold(ledger(), ledgerSaidAt('2026-03-31'))).rows[0]!.cells['us']).toEqual(cell('st-1', 'supports'));
  });

  it('CBM tracker: the board CBM row plus reports per party', () => {
    const tracker = cbmTrackerOf(fold(ledger()));
    expect(tracker).toMatchObject({ trackId: 'seg', parties: ['cn', 'us'] });
    expect(tracker.cbms).toHaveLength(1);
    expect(tracker.cbms[0]).toEqual({
      ...boardOf(fold(ledger())).rows.find((r) => r.kind === 'cbm'),
      reports: [{ reportId: 'r-1', partyId: 'us', text: 'hotline set up', sessionId: null, effectiveOn: '2026-04-01' }],
      reportsByParty: { cn: [], us: ['r-1'] },
      awaitingReports: ['cn'],
      statusBeforeSuspension: null,
    });
  });

  it('subject detail: the row, decisions, and the history in effective order with corrections and status after each record', () => {
    const l = ledger();
    l.today('2026-04-03').position('norm-n1', 'st-0', 'us', 'reserves', { channel: 'written' }, { on: '2026-03-09' });
    const detail = subjectDetailOf(fold(l), 'norm', 'n1')!;
    expect(detail).toMatchObject({
      kind: 'norm',
      id: 'n1',
      trackId: 'seg',
      status: 'under_discussion',
      linkedCbms: [{ id: 'c1', status: 'implementing' }],
      stances: { cn: { statementId: 'st-2' }, us: { stance: 'reserves', statementId: 'st-0' } },
      proposedBy: ['us'],
      summary: 's',
      adoptedOn: null,
    });
    // The statement back-entered at 03-09 comes before the proposal of 03-10 (effective order by
    // date, then position), which leaves the status the earlier record set.
    expect(detail.history.map((h) => [h.type, h.effectiveOn, h.data['statementId'] ?? null, h.status])).toEqual([
      ['PositionStated', '2026-03-09', 'st-0', 'under_discussion'],
      ['NormProposed', '2026-03-10', null, 'under_discussion'],
      ['PositionStated', '2026-03-10', 'st-1', 'under_discussion'],
      ['PositionStated', '2026-03-10', 'st-2', 'under_discussion'],
    ]);
    expect(detail.history.map((h) => [h.effectiveOn, h.position])).toEqual(
      [...detail.history].sort((a, b) => (a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : Number(a.position) - Number(b.position))).map((h) => [h.effectiveOn, h.position]),
    );
    expect(subjectDetailOf(fold(l, { asOf: '2026-03-09' }), 'norm', 'n1')!.history.map((h) => [h.type, h.effectiveOn])).toEqual([['PositionStated', '2026-03-09']]);
    expect(detail.history[2]).toMatchObject({
      data: { partyId: 'cn' },
      corrections: [{ correctionId: 'cor-1', changes: [{ field: 'partyId', from: 'us', to: 'cn' }], corrigendumId: null }],
    });
    expect(subjectDetailOf(fold(l), 'norm', 'nope')).toBeNull();
  });
});

describe('incremental folding', () => {
  const streamOf = (l: LedgerBuilder, streamId: string) => l.events.filter((e) => e.streamId === streamId);

  it('applying in-order events one at a time gives the full fold; corrections and late entries ask for a refold', () => {
    const l = seededTrack();
    l.norm('seg', 'n1');
    const registry = fold(l).registry;
    let state: SubjectState | null = foldSubject('norm-n1', streamOf(l, 'norm-n1'), registry, resolveCut());
    const steps = [
      () => l.position('norm-n1', 'st-1', 'us', 'supports'),
      () => l.position('norm-n1', 'st-2', 'cn', 'supports'),
      () => l.decision('norm-n1', 'd-1', 's1'),
      () => l.today('2026-04-02').capital('n1', 'cap-us', 'us', 'confirmed'),
      () => l.today('2026-04-03').capital('n1', 'cap-cn', 'cn', 'confirmed'),
    ];
    for (const step of steps) {
      const event = step();
      expect(appliesInOrder(state!, event)).toBe(true);
      state = evolveSubject(state, recordOf(event), registry);
      expect(state).toEqual(foldSubject('norm-n1', streamOf(l, 'norm-n1'), registry, resolveCut()));
    }
    expect(state).toMatchObject({ status: 'adopted', adoptedOn: '2026-04-03' });
    const late = l.today('2026-04-05').position('norm-n1', 'st-3', 'cn', 'opposes', {}, { on: '2026-04-01' });
    expect(appliesInOrder(state!, late)).toBe(false);
    const correction = l.correct('norm-n1', 'cor-1', { statementId: 'st-1' }, [{ field: 'stance', from: 'supports', to: 'abstains' }]);
    expect(appliesInOrder(state!, correction)).toBe(false);
  });
});

describe('stored envelopes', () => {
  it('folds what a real store hands back (SQLite :memory:, envelopes via toEnvelope)', async () => {
    const { SqliteEventStore } = await import('../../src/infrastructure/sqlite/sqlite-event-store.js');
    const { toEnvelope } = await import('../../src/shared/event-store/envelope.js');
    const store = new SqliteEventStore({ file: ':memory:' });
    try {
      const source = seededTrack();
      source.norm('seg', 'n1');
      source.position('norm-n1', 'st-1', 'us', 'supports');
      for (const e of source.events) {
        await store.append(e.streamId, [{ eventId: `00000000-0000-4000-8000-${e.position.padStart(12, '0')}`, type: e.type, data: { ...e.data }, metadata: { ...e.metadata } }], 'any');
      }
      const stored = [];
      for await (const recorded of store.readAll()) stored.push(toEnvelope(recorded));
      const rows = boardOf(foldTrack('seg', stored)).rows;
      expect(rows).toEqual(boardOf(fold(source)).rows);
      expect(rows[0]).toMatchObject({ status: 'under_discussion', blockingParties: ['cn'] });
    } finally {
      await store.close();
    }
  });
});
