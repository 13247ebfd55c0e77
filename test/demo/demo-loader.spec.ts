import type { INestApplicationContext } from '@nestjs/common';
import { verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { loadConfig } from '../../src/config/app-config.js';
import { DemoStoreNotEmptyError, DEMO_PRINCIPAL, loadDemo } from '../../src/demo/demo-loader.js';
import { createDemoContext, DemoClock } from '../../src/demo/demo.module.js';
import { DEMO_STEPS, DEMO_TRACK_ID } from '../../src/demo/demo-track.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { boardOf, type BoardRow } from '../../src/projections/projections/board.projection.js';
import { ledgerSaidAt, NO_CUT, trueAt } from '../../src/projections/projections/cut.js';
import type { LedgerEvent } from '../../src/projections/projections/ledger-event.js';
import { sessionRegisterOf } from '../../src/projections/projections/register.projection.js';
import { foldTrack } from '../../src/projections/projections/track.projection.js';
import { openReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { RawJson, ReadModelQueries } from '../../src/projections/read-model/read-model.queries.js';
import { buildReadModels } from '../../src/projections/read-model/rebuild.js';
import type { LedgerMetadata } from '../../src/shared/event-store/envelope.js';
import type { EventStore, RecordedEvent } from '../../src/shared/event-store/event-store.port.js';

const config = loadConfig({ LOG_LEVEL: 'silent' });

const allEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
};

const meta = (event: RecordedEvent): LedgerMetadata => event.metadata as unknown as LedgerMetadata;
const ofType = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type);
const rowOf = (rows: readonly BoardRow[], id: string): BoardRow => {
  const row = rows.find((r) => r.id === id);
  if (row === undefined) throw new Error(`no board row ${id}`);
  return row;
};

describe('demo loader', () => {
  let app: INestApplicationContext;
  let store: EventStore;
  let events: RecordedEvent[];
  const progress: number[] = [];
  let report: Awaited<ReturnType<typeof loadDemo>>;

  beforeAll(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    app = await createDemoContext(config, { store, clock: new DemoClock() });
    report = await loadDemo(app, { onProgress: ({ done }) => progress.push(done) });
    events = await allEvents(store);
  });
  afterAll(async () => {
    await app.close();
  });

  it('runs every command through the command bus, each appending events', () => {
    expect(report.commands).toBe(DEMO_STEPS.length);
    expect(progress).toEqual(DEMO_STEPS.map((_, i) => i + 1));
    expect(report.events).toBe(events.length);
    expect(events.length).toBeGreaterThanOrEqual(DEMO_STEPS.length);
    expect(report.streams).toBe(new Set(events.map((e) => e.streamId)).size);
    expect(events.every((e) => meta(e).recordedBy === DEMO_PRINCIPAL)).toBe(true);
  });

  it('leaves a ledger whose hash chains verify', async () => {
    const verification = await verifyStore(store, []);
    expect(verification).toMatchObject({ ok: true, eventsChecked: events.length, problems: [] });
  });

  it('records in story order: recordedAt increases with position, effective dates in 2025-2026', () => {
    const recorded = events.map((e) => meta(e).recordedAt);
    expect([...recorded].sort()).toEqual(recorded);
    expect(new Set(recorded).size).toBe(recorded.length);
    for (const event of events) {
      expect(meta(event).effectiveOn >= '2025-01-01' && meta(event).effectiveOn <= '2026-11-25').toBe(true);
      expect(meta(event).recordedAt < '2026-11-26').toBe(true);
    }
  });

  it('covers the story: every stance, capital decline, corrections, CBM suspension, cancelled and rescheduled sessions, late entry', () => {
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'TrackEstablished', 'PartyRegistered', 'AgencyRegistered', 'DelegateRegistered',
      'SessionScheduled', 'SessionRescheduled', 'SessionCancelled', 'SessionHeld', 'DecisionRecorded', 'ActionItemAssigned', 'ActionItemCompleted',
      'MinutesCirculated', 'SilenceProcedureLaunched', 'SilenceBroken', 'MinutesAdopted',
      'NormProposed', 'CbmProposed', 'TopicOpened', 'PositionStated', 'CapitalResponseRecorded', 'NormWithdrawn', 'CbmLinkedToNorm',
      'CbmImplementationReported', 'CbmSuspended', 'CbmResumed', 'RecordCorrected',
    ]) {
      expect(types).toContain(type);
    }
    const stances = new Set(ofType(events, 'PositionStated').map((e) => e.data['stance']));
    expect([...stances].sort()).toEqual(['abstains', 'conditional', 'opposes', 'reserves', 'supports']);
    expect(ofType(events, 'PositionStated').filter((e) => e.data['stance'] === 'conditional').every((e) => typeof e.data['condition'] === 'string')).toBe(true);

    const responses = ofType(events, 'CapitalResponseRecorded').map((e) => `${e.data['normId']}:${e.data['partyId']}:${e.data['response']}`);
    expect(responses).toEqual(expect.arrayContaining(['gge-13k:us:confirmed', 'gge-13k:cn:confirmed', 'gge-13f:cn:declined']));

    const corrections = ofType(events, 'RecordCorrected');
    expect(corrections.some((e) => typeof e.data['corrigendumId'] === 'string')).toBe(true);
    expect(corrections.some((e) => e.data['corrigendumId'] === undefined)).toBe(true);

    expect(ofType(events, 'MinutesAdopted').map((e) => e.data['procedure']).sort()).toEqual(['in_session', 'in_session', 'silence']);
    expect(ofType(events, 'DecisionRecorded').map((e) => e.data['kind'])).toEqual(expect.arrayContaining(['procedural', 'agree_ad_referendum', 'agree_cbm']));

    const norms = ofType(events, 'NormProposed');
    expect(norms.length).toBeGreaterThanOrEqual(6);
    expect(norms.every((e) => /A\/70\/174, para\. 13\([a-k]\)/.test(String(e.data['sourceRef'])))).toBe(true);
    expect(ofType(events, 'CbmProposed').every((e) => /OSCE PC\.DEC\/1202/.test(String(e.data['sourceRef'])))).toBe(true);
    expect(ofType(events, 'TopicOpened').length).toBeGreaterThanOrEqual(2);

    // A late entry: recorded months after the day it took effect.
    const late = ofType(events, 'PositionStated').filter((e) => meta(e).recordedAt.slice(0, 10) > meta(e).effectiveOn && e.data['channel'] === 'written');
    expect(late.some((e) => Date.parse(meta(e).recordedAt) - Date.parse(meta(e).effectiveOn) > 60 * 86_400_000)).toBe(true);
  });

  it('marks every invented text as synthetic', () => {
    const invented = ['text', 'condition', 'interpretativeStatement', 'reason', 'note', 'communicationRef', 'mandateRef'];
    for (const event of events) {
      for (const field of invented) {
        const value = event.data[field];
        if (value !== undefined) expect(`${event.type}.${field}: ${String(value)}`).toMatch(/^\w+\.\w+: \[Synthetic\] /);
      }
    }
    const delegates = ofType(events, 'DelegateRegistered');
    expect(delegates).toHaveLength(8);
    expect(delegates.every((e) => String(e.data['name']).endsWith('(fictional)'))).toBe(true);
  });

  it('shows on the board an adopted norm, a norm back under discussion after the decline, and a resumed CBM', () => {
    const ledger = events as unknown as LedgerEvent[];
    const rows = boardOf(foldTrack(DEMO_TRACK_ID, ledger)).rows;
    expect(rowOf(rows, 'gge-13k')).toMatchObject({ status: 'adopted', statusSince: '2025-12-10' });
    expect(rowOf(rows, 'gge-13h')).toMatchObject({ status: 'adopted', statusSince: '2026-07-15' });
    expect(rowOf(rows, 'gge-13f')).toMatchObject({ status: 'under_discussion', blockingParties: ['cn'], pendingConfirmations: [] });
    expect(rowOf(rows, 'gge-13j')).toMatchObject({ status: 'agreed_ad_referendum', pendingConfirmations: ['cn'] });
    expect(rowOf(rows, 'gge-13d')).toMatchObject({ status: 'withdrawn' });
    expect(rowOf(rows, 'cbm-poc')).toMatchObject({ status: 'implemented', implementationReportedBy: ['cn', 'us'] });
    expect(rowOf(rows, 'cbm-consultations')).toMatchObject({ status: 'implementing' });
    expect(rowOf(rows, 'cbm-national-policies')).toMatchObject({ status: 'proposed' });
    expect(rows.map((r) => r.flags).flat()).toEqual([]);

    // While suspended, and in the views of a date.
    expect(rowOf(boardOf(foldTrack(DEMO_TRACK_ID, ledger, trueAt('2026-02-01'))).rows, 'cbm-poc')).toMatchObject({ status: 'suspended' });
    expect(rowOf(boardOf(foldTrack(DEMO_TRACK_ID, ledger, trueAt('2025-12-31'))).rows, 'gge-13f')).toMatchObject({ status: 'agreed_ad_referendum', pendingConfirmations: ['cn'] });
    // The late note: true on 2025-12-01, but the ledger did not know it then.
    expect(rowOf(boardOf(foldTrack(DEMO_TRACK_ID, ledger, trueAt('2025-12-01'))).rows, 'gge-13c').stances['cn']).toMatchObject({ stance: 'conditional', statementId: 'cn-note-13c' });
    expect(rowOf(boardOf(foldTrack(DEMO_TRACK_ID, ledger, ledgerSaidAt('2025-12-01'))).rows, 'gge-13c').stances['cn']).toMatchObject({ stance: 'reserves' });
  });

  it('builds read models whose live and as-of boards equal the fold', async () => {
    const db = openReadModelDb(':memory:');
    try {
      const result = await buildReadModels(store, db);
      expect(result).toMatchObject({ events: events.length, tracks: 1 });
      const queries = new ReadModelQueries(db);
      const ledger = events as unknown as LedgerEvent[];
      const live = queries.board(DEMO_TRACK_ID, NO_CUT);
      const liveBoard = live instanceof RawJson ? JSON.parse(live.json) : live;
      expect(liveBoard.rows).toEqual(JSON.parse(JSON.stringify(boardOf(foldTrack(DEMO_TRACK_ID, ledger)).rows)));
      for (const cut of [trueAt('2026-02-01'), ledgerSaidAt('2025-12-01')]) {
        const answer = queries.board(DEMO_TRACK_ID, cut);
        const board = answer instanceof RawJson ? JSON.parse(answer.json) : answer;
        expect(board.rows).toEqual(JSON.parse(JSON.stringify(boardOf(foldTrack(DEMO_TRACK_ID, ledger, cut)).rows)));
      }
    } finally {
      db.close();
    }
  });

  it('shows a held, a rescheduled, a cancelled, a scheduled session, with overdue action items and corrections in the minutes', () => {
    const register = sessionRegisterOf(foldTrack(DEMO_TRACK_ID, events as unknown as LedgerEvent[], { asOf: '2026-11-25' }), { today: '2026-11-25' });
    const byId = new Map(register.sessions.map((s) => [s.sessionId, s]));
    expect(byId.get('seg-2')).toMatchObject({ status: 'held', originallyScheduledFor: '2025-09-16', scheduledFor: '2025-10-21', minutes: { status: 'adopted', procedure: 'silence' } });
    expect(byId.get('seg-3')).toMatchObject({ status: 'cancelled' });
    expect(byId.get('seg-5')).toMatchObject({ status: 'held', minutes: { status: 'silence_procedure' } });
    expect(byId.get('seg-6')).toMatchObject({ status: 'scheduled' });
    expect(byId.get('seg-1')!.minutes.corrections).toEqual(['corr-seg1-01']);
    expect(byId.get('seg-4')!.minutes.corrections).toEqual(['corr-seg4-01']);
    expect(byId.get('seg-4')!.actionItems.filter((item) => item.overdue).map((item) => item.actionItemId)).toEqual(['seg4-ai1', 'seg4-ai2']);
  });
});

describe('demo loader on a store that is not empty', () => {
  it('refuses and writes nothing', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const app = await createDemoContext(config, { store });
    try {
      await loadDemo(app, { steps: DEMO_STEPS.slice(0, 1) });
      const before = await allEvents(store);
      expect(before).toHaveLength(1);
      await expect(loadDemo(app)).rejects.toThrow(DemoStoreNotEmptyError);
      await expect(loadDemo(app)).rejects.toThrow(/store is not empty \(last position \d+\)/);
      expect(await allEvents(store)).toEqual(before);
    } finally {
      await app.close();
    }
  });
});
