import fc from 'fast-check';
import { openReadModelDb, type ReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { buildReadModels } from '../../src/projections/read-model/rebuild.js';
import type { EventStore } from '../../src/shared/event-store/event-store.port.js';
import type { LedgerEvent } from '../../src/projections/projections/ledger-event.js';
import type { IncomingEvent } from '../../src/projections/read-model/projector.js';
import { LedgerBuilder } from './ledger-builder.js';

/** Builder event ids (`ev-0007`) as the UUIDs a store accepts, the same number in the last group. */
export const uuidOf = (builderId: string): string => `00000000-0000-4000-8000-${builderId.replace(/\D/g, '').padStart(12, '0')}`;

/** Appends the builder's envelopes to a real store, in order (positions then match the builder's). */
export const appendAll = async (store: EventStore, events: readonly LedgerEvent[]): Promise<void> => {
  for (const event of events) {
    let data = event.data as Record<string, unknown>;
    const target = data['target'] as { eventId?: string } | undefined;
    if (event.type === 'RecordCorrected' && target?.eventId !== undefined) data = { ...data, target: { eventId: uuidOf(target.eventId) } };
    await store.append(event.streamId, [{ eventId: uuidOf(event.eventId), type: event.type, data, metadata: { ...event.metadata } }], 'any');
  }
};

/** An envelope as the live subscription hands it to the projector. */
export const incomingOf = (e: LedgerEvent): IncomingEvent => ({
  position: e.position,
  streamId: e.streamId,
  revision: e.revision,
  eventId: e.eventId,
  type: e.type,
  data: e.data,
  dataJson: JSON.stringify(e.data),
  effectiveOn: e.metadata.effectiveOn,
  recordedAt: e.metadata.recordedAt,
});

/** Every event of the store, as the reference folds take them. */
export const readLog = async (store: EventStore): Promise<LedgerEvent[]> => {
  const events: LedgerEvent[] = [];
  for await (const e of store.readAll()) events.push(e as unknown as LedgerEvent);
  return events;
};

export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const STANCES = ['supports', 'conditional', 'reserves', 'opposes', 'abstains'] as const;

/** One step of a random history; steps that do not fit the history so far are skipped. */
export type Step =
  | { op: 'propose'; kind: 'norm' | 'cbm' | 'topic'; n: number; track: number }
  | { op: 'position'; subject: number; party: number; stance: number; lateBy: number }
  | { op: 'decide'; subject: number; lateBy: number }
  | { op: 'capital'; subject: number; party: number; confirmed: boolean }
  | { op: 'link'; subject: number; norm: number }
  | { op: 'report'; subject: number; party: number; lateBy: number }
  | { op: 'suspend'; subject: number; resume: boolean }
  | { op: 'withdraw'; subject: number }
  | { op: 'correct'; statement: number; field: 'stance' | 'partyId' | 'effectiveOn'; value: number }
  | { op: 'party'; track: number; lateBy: number }
  | { op: 'wait'; days: number };

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('propose' as const), kind: fc.constantFrom('norm' as const, 'cbm' as const, 'topic' as const), n: fc.nat(5), track: fc.nat(1) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('position' as const), subject: fc.nat(20), party: fc.nat(2), stance: fc.nat(4), lateBy: fc.oneof(fc.constant(0), fc.nat(6)) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('decide' as const), subject: fc.nat(20), lateBy: fc.oneof(fc.constant(0), fc.nat(4)) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('capital' as const), subject: fc.nat(20), party: fc.nat(2), confirmed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('link' as const), subject: fc.nat(20), norm: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('report' as const), subject: fc.nat(20), party: fc.nat(2), lateBy: fc.oneof(fc.constant(0), fc.nat(4)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('suspend' as const), subject: fc.nat(20), resume: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('withdraw' as const), subject: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('correct' as const), statement: fc.nat(40), field: fc.constantFrom('stance' as const, 'partyId' as const, 'effectiveOn' as const), value: fc.nat(10) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('party' as const), track: fc.nat(1), lateBy: fc.oneof(fc.constant(0), fc.nat(30)) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 3 }) }) },
);

export const TRACKS = ['t1', 't2'];
const LATE_PARTIES = ['ru', 'fr'];

/**
 * A random history over two tracks: parties us and cn (and maybe a late third), sessions held,
 * subjects with positions, decisions, capital responses, links, reports, suspensions, withdrawals,
 * corrections (stance, party moved, effective date moved) and late entries back-dated by days.
 */
export const historyOf = (steps: readonly Step[]): LedgerBuilder => {
  let day = '2026-01-05';
  const ledger = new LedgerBuilder().today(day);
  const parties = new Map<string, string[]>();
  for (const trackId of TRACKS) {
    ledger.track(trackId);
    ledger.party(trackId, 'us');
    ledger.party(trackId, 'cn');
    ledger.agency(trackId, `${trackId}-us-dos`, 'us');
    ledger.delegate(trackId, `${trackId}-smith`, 'us', `${trackId}-us-dos`);
    parties.set(trackId, ['us', 'cn']);
    ledger.schedule(trackId, `${trackId}-s1`, 1, '2026-01-10');
  }
  day = '2026-01-10';
  ledger.today(day);
  for (const trackId of TRACKS) ledger.held(`${trackId}-s1`, day, { us: [`${trackId}-smith`] });
  const subjects: Array<{ stream: string; track: string }> = [];
  const statements: Array<{ stream: string; id: string; party: string; on: string; stance: string }> = [];
  let counter = 0;
  const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);
  const partyOf = (track: string, n: number): string => pick(parties.get(track)!, n)!;
  for (const step of steps) {
    counter += 1;
    switch (step.op) {
      case 'wait':
        day = addDays(day, step.days);
        ledger.today(day);
        break;
      case 'propose': {
        const track = TRACKS[step.track]!;
        const stream = `${step.kind}-${track}-${step.kind}${step.n}`;
        if (subjects.some((s) => s.stream === stream)) break;
        const id = stream.slice(step.kind.length + 1);
        if (step.kind === 'norm') ledger.norm(track, id);
        else if (step.kind === 'cbm') ledger.cbm(track, id);
        else ledger.topic(track, id);
        subjects.push({ stream, track });
        break;
      }
      case 'position': {
        const subject = pick(subjects, step.subject);
        if (subject === undefined) break;
        const party = partyOf(subject.track, step.party);
        const stance = STANCES[step.stance]!;
        const on = addDays(day, -step.lateBy);
        const id = `st-${counter}`;
        ledger.position(subject.stream, id, party, stance, stance === 'conditional' ? { condition: 'if verified' } : {}, { on });
        statements.push({ stream: subject.stream, id, party, on, stance });
        break;
      }
      case 'decide': {
        const subject = pick(subjects.filter((s) => !s.stream.startsWith('topic-')), step.subject);
        if (subject === undefined) break;
        ledger.decision(subject.stream, `d-${counter}`, `${subject.track}-s1`, { on: addDays(day, -step.lateBy) });
        break;
      }
      case 'capital': {
        const subject = pick(subjects.filter((s) => s.stream.startsWith('norm-')), step.subject);
        if (subject === undefined) break;
        ledger.capital(subject.stream.slice(5), `r-${counter}`, partyOf(subject.track, step.party), step.confirmed ? 'confirmed' : 'declined');
        break;
      }
      case 'link': {
        const cbm = pick(subjects.filter((s) => s.stream.startsWith('cbm-')), step.subject);
        const norm = cbm && pick(subjects.filter((s) => s.stream.startsWith('norm-') && s.track === cbm.track), step.norm);
        if (cbm === undefined || norm === undefined) break;
        ledger.subjectEvent(cbm.stream, 'CbmLinkedToNorm', { normId: norm.stream.slice(5) });
        break;
      }
      case 'report': {
        const cbm = pick(subjects.filter((s) => s.stream.startsWith('cbm-')), step.subject);
        if (cbm === undefined) break;
        ledger.subjectEvent(cbm.stream, 'CbmImplementationReported', { reportId: `rep-${counter}`, partyId: partyOf(cbm.track, step.party), text: 'done' }, { on: addDays(day, -step.lateBy) });
        break;
      }
      case 'suspend': {
        const cbm = pick(subjects.filter((s) => s.stream.startsWith('cbm-')), step.subject);
        if (cbm === undefined) break;
        ledger.subjectEvent(cbm.stream, step.resume ? 'CbmResumed' : 'CbmSuspended', { partyId: 'us', reason: 'r' });
        break;
      }
      case 'withdraw': {
        const subject = pick(subjects.filter((s) => !s.stream.startsWith('topic-')), step.subject);
        if (subject === undefined) break;
        ledger.subjectEvent(subject.stream, subject.stream.startsWith('norm-') ? 'NormWithdrawn' : 'CbmWithdrawn', { partyIds: ['us'] });
        break;
      }
      case 'correct': {
        const statement = pick(statements, step.statement);
        if (statement === undefined) break;
        const track = subjects.find((s) => s.stream === statement.stream)!.track;
        let change: { field: string; from: unknown; to: unknown };
        if (step.field === 'stance') {
          const to = STANCES[step.value % STANCES.length]!;
          if (to === 'conditional') break;
          change = { field: 'stance', from: statement.stance, to };
          statement.stance = to;
        } else if (step.field === 'partyId') {
          const to = partyOf(track, step.value);
          change = { field: 'partyId', from: statement.party, to };
          statement.party = to;
        } else {
          const to = addDays(statement.on, step.value - 5);
          change = { field: 'effectiveOn', from: statement.on, to };
          statement.on = to;
        }
        ledger.correct(statement.stream, `corr-${counter}`, { statementId: statement.id }, [change]);
        break;
      }
      case 'party': {
        const track = TRACKS[step.track]!;
        const list = parties.get(track)!;
        const party = LATE_PARTIES[list.length - 2];
        if (party === undefined) break;
        ledger.party(track, party, { on: addDays(day, -step.lateBy) });
        list.push(party);
        break;
      }
      default: {
        const never: never = step;
        throw new Error(`unknown step ${JSON.stringify(never)}`);
      }
    }
  }
  return ledger;
};

/** Cuts worth asking about a history: around its dates and its recording instants. */
export const cutsOf = (events: readonly LedgerEvent[], seeds: readonly number[]): Array<{ asOf?: string; knownAt?: string }> => {
  const days = [...new Set(events.map((e) => e.metadata.effectiveOn))].sort();
  const instants = events.map((e) => e.metadata.recordedAt);
  const cuts: Array<{ asOf?: string; knownAt?: string }> = [];
  for (const seed of seeds) {
    const day = days[seed % days.length]!;
    const instant = instants[(seed * 7) % instants.length]!;
    switch (seed % 5) {
      case 0:
        cuts.push({ asOf: day });
        break;
      case 1:
        cuts.push({ knownAt: instant });
        break;
      case 2:
        cuts.push({ asOf: day, knownAt: day });
        break;
      case 3:
        cuts.push({ asOf: addDays(day, -1), knownAt: new Date(Date.parse(instant) - 1).toISOString() });
        break;
      default:
        cuts.push({ asOf: instant.slice(0, 10), knownAt: instant });
    }
  }
  return cuts;
};

/** Every table of a read-model database, with rowids left out: what "equal" means for two of them. */
export const contents = (db: ReadModelDb): Record<string, unknown[]> => {
  const out: Record<string, unknown[]> = {};
  for (const table of ['ledger_events', 'streams', 'tracks', 'subjects', 'sessions', 'cbm_links', 'knowledge', 'untrusted_windows']) {
    const columns = table === 'ledger_events' ? 'position, stream_id, track_id, type, effective_on, recorded_at, event_id, revision, data' : '*';
    out[table] = db.prepare(`SELECT ${columns} FROM ${table} ORDER BY 1, 2`).raw().all();
  }
  out['versions'] = db.prepare('SELECT stream_id, effective_from, known_from, known_to, state FROM versions ORDER BY 1, 2, 3').raw().all();
  return out;
};

/** The read models in `db` equal a build from scratch over the same log. */
export const expectEqualToFreshBuild = async (store: EventStore, db: ReadModelDb): Promise<void> => {
  const fresh = openReadModelDb(':memory:');
  try {
    await buildReadModels(store, fresh);
    expect(contents(db)).toEqual(contents(fresh));
  } finally {
    fresh.close();
  }
};
