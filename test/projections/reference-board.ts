/**
 * A second, independent board: DESIGN.md §4 and §5 folded the plainest way, with nothing shared with
 * src/ but the event shapes. It first came from a black-box audit that compared it with the running
 * server; here it checks the product's fold (foldTrack + boardOf) on random histories. Where DESIGN
 * is silent it follows the product's documented choices (README "Recorded order and effective
 * order", "Read models and the two time axes"):
 * - a stream exists, under asOf, from its earliest record (its creation is then inside the cut); a
 *   track, from the earliest record of its own stream, its sessions and its subjects;
 * - statusSince is the date of the record that moved the status (never clamped);
 * - a party counts from its registration (effective before the record, or the same day and
 *   recorded earlier), and also, whatever its registration's date, if it proposed the subject, once
 *   it has a stance, or (for confirmations and reports) once it has acted;
 * - a response, report or decision that does not fit the status at its place changes nothing.
 */
import type { LedgerEvent } from '../../src/projections/projections/ledger-event.js';

const BLOCKING = new Set(['conditional', 'reserves', 'opposes']);
const CREATIONS = new Set(['NormProposed', 'CbmProposed', 'TopicOpened', 'SessionScheduled']);

type Data = Record<string, unknown>;

interface Rec {
  readonly streamId: string;
  readonly type: string;
  readonly pos: bigint;
  eff: string;
  data: Data;
  streamEarliest?: string;
}

export interface Cut {
  readonly asOf?: string;
  readonly knownAt?: string;
}

const knownAtOf = (knownAt: string | undefined): string | null =>
  knownAt === undefined ? null : /^\d{4}-\d{2}-\d{2}$/.test(knownAt) ? `${knownAt}T23:59:59.999Z` : new Date(knownAt).toISOString();

const setPath = (target: Data, path: string, value: unknown): void => {
  const segments = path.split('.');
  let at = target;
  for (const segment of segments.slice(0, -1)) {
    if (typeof at[segment] !== 'object' || at[segment] === null) at[segment] = {};
    at = at[segment] as Data;
  }
  const last = segments[segments.length - 1]!;
  if (value === null || value === undefined) delete at[last];
  else at[last] = value;
};

/** The records under the cut, corrections applied ab initio, in effective order. */
const recordsUnder = (events: readonly LedgerEvent[], cut: Cut): Rec[] => {
  const knownAt = knownAtOf(cut.knownAt);
  const visible = events.filter((e) => knownAt === null || e.metadata.recordedAt <= knownAt);
  const records: Rec[] = [];
  const byEventId = new Map<string, Rec>();
  const byStatement = new Map<string, Rec>();
  for (const e of visible) {
    if (e.type === 'RecordCorrected') continue;
    const record: Rec = { streamId: e.streamId, type: e.type, pos: BigInt(e.position), eff: e.metadata.effectiveOn, data: JSON.parse(JSON.stringify(e.data)) as Data };
    records.push(record);
    byEventId.set(e.eventId, record);
    if (e.type === 'PositionStated') byStatement.set(`${e.streamId}|${String(e.data['statementId'])}`, record);
  }
  for (const e of visible) {
    if (e.type !== 'RecordCorrected') continue;
    const target = e.data['target'] as { eventId?: string; statementId?: string };
    const record = target.eventId !== undefined ? byEventId.get(target.eventId) : byStatement.get(`${e.streamId}|${String(target.statementId)}`);
    if (record === undefined) continue;
    for (const change of e.data['changes'] as Array<{ field: string; to: unknown }>) {
      if (change.field === 'effectiveOn') record.eff = change.to as string;
      else setPath(record.data, change.field, change.to);
    }
  }
  const asOf = cut.asOf;
  const inCut = (r: Rec): boolean => asOf === undefined || r.eff <= asOf;
  const earliest = new Map<string, string>();
  for (const r of records.filter(inCut)) {
    const seen = earliest.get(r.streamId);
    if (seen === undefined || r.eff < seen) earliest.set(r.streamId, r.eff);
  }
  for (const r of records) r.streamEarliest = earliest.get(r.streamId);
  return records
    .filter((r) => inCut(r) || (CREATIONS.has(r.type) && earliest.has(r.streamId)))
    .sort((a, b) => (a.eff < b.eff ? -1 : a.eff > b.eff ? 1 : a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0));
};

interface Subject {
  kind: 'norm' | 'cbm' | 'topic';
  id: string;
  title: string;
  status: string | null;
  statusSince: string | null;
  stances: Record<string, { stance: string; statementId: string; effectiveOn: string }>;
  flags: Set<string>;
  confirmations: Set<string>;
  links: Set<string>;
  reporters: Set<string>;
  responders: Set<string>;
  before: string | null;
  proposers: string[];
}

export interface ReferenceRow {
  readonly kind: string;
  readonly id: string;
  readonly title: string;
  readonly status: string | null;
  readonly statusSince: string | null;
  readonly stances: Record<string, { stance: string; statementId: string; effectiveOn: string }>;
  readonly blockingParties: string[];
  readonly consensusPossible: boolean;
  readonly pendingConfirmations: string[];
  readonly flags: string[];
  readonly linkedCbms?: Array<{ id: string; status: string | null }>;
  readonly linkedNorms?: string[];
  readonly implementationReportedBy?: string[];
}

const blockingOf = (parties: readonly string[], stances: Subject['stances']): string[] => parties.filter((p) => stances[p] === undefined || BLOCKING.has(stances[p]!.stance)).sort();
const consensusOf = (parties: readonly string[], stances: Subject['stances']): boolean =>
  blockingOf(parties, stances).length === 0 && parties.some((p) => stances[p]?.stance === 'supports');
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/**
 * The board rows of `trackId` under `cut`; null when the track does not exist under it: its
 * establishment is not known at knownAt, or no record of the track (its own stream, its sessions,
 * its subjects) is in the cut.
 */
export const referenceBoard = (events: readonly LedgerEvent[], trackId: string, cut: Cut = {}): ReferenceRow[] | null => {
  const records = recordsUnder(events, cut);
  const knownAt = knownAtOf(cut.knownAt);
  const established = events.some((e) => e.streamId === `track-${trackId}` && e.type === 'TrackEstablished' && (knownAt === null || e.metadata.recordedAt <= knownAt));
  // A session's or subject's creation record is among the records when any record of its stream is in the cut.
  const hasRecord = records.some((r) => r.streamId === `track-${trackId}` || (CREATIONS.has(r.type) && r.data['trackId'] === trackId));
  if (!established || !hasRecord) return null;
  const registrations = records.filter((r) => r.streamId === `track-${trackId}` && r.type === 'PartyRegistered').map((r) => ({ id: r.data['partyId'] as string, eff: r.eff, pos: r.pos }));
  const registered = sorted(registrations.map((r) => r.id));
  const subjects = new Map<string, Subject | null>();
  // Creations first: a record dated before its subject's proposal still belongs to it.
  const ordered = [...records.filter((r) => CREATIONS.has(r.type)), ...records.filter((r) => !CREATIONS.has(r.type))];
  for (const r of ordered) {
    const kind = r.streamId.split('-')[0] as Subject['kind'];
    if (kind !== 'norm' && kind !== 'cbm' && kind !== 'topic') continue;
    if (CREATIONS.has(r.type)) {
      if (r.data['trackId'] !== trackId) {
        subjects.set(r.streamId, null);
        continue;
      }
      const createdOn = r.streamEarliest !== undefined && r.streamEarliest < r.eff ? r.streamEarliest : r.eff;
      subjects.set(r.streamId, {
        kind,
        id: r.streamId.slice(kind.length + 1),
        title: r.data['title'] as string,
        status: kind === 'topic' ? null : 'proposed',
        statusSince: kind === 'topic' ? null : createdOn,
        stances: {},
        flags: new Set(),
        confirmations: new Set(),
        // The proposal's links hold from its own date: under an asOf before it, none (DESIGN §4: links as of the cut).
        links: new Set(cut.asOf !== undefined && r.eff > cut.asOf ? [] : ((r.data['linkedNorms'] as string[] | undefined) ?? [])),
        reporters: new Set(),
        responders: new Set(),
        before: null,
        proposers: (r.data['proposedBy'] as string[] | undefined) ?? [],
      });
      continue;
    }
    const s = subjects.get(r.streamId);
    if (s === undefined || s === null) continue;
    const then = registrations.filter((x) => x.eff < r.eff || (x.eff === r.eff && x.pos < r.pos)).map((x) => x.id);
    // README: a party counts from its registration, or from its part in the subject: a proposal, a stance, a capital response or a report.
    const takingPart = (acted: Iterable<string> = []): string[] => sorted([...then, ...s.proposers, ...Object.keys(s.stances), ...s.responders, ...s.reporters, ...acted]);
    const moveTo = (status: string): void => {
      if (s.status !== status) {
        s.status = status;
        s.statusSince = r.eff;
      }
    };
    switch (r.type) {
      case 'PositionStated':
        s.stances[r.data['partyId'] as string] = { stance: r.data['stance'] as string, statementId: r.data['statementId'] as string, effectiveOn: r.eff };
        if (s.status === 'proposed') moveTo('under_discussion');
        break;
      case 'DecisionRecorded':
        if (!consensusOf(takingPart(), s.stances)) s.flags.add('decision-without-consensus');
        if (s.kind === 'norm' && (s.status === 'proposed' || s.status === 'under_discussion')) {
          moveTo('agreed_ad_referendum');
          s.confirmations.clear();
        }
        if (s.kind === 'cbm' && (s.status === 'proposed' || s.status === 'under_discussion')) moveTo('agreed');
        break;
      case 'CapitalResponseRecorded':
        s.responders.add(r.data['partyId'] as string);
        if (s.status !== 'agreed_ad_referendum') break;
        if (r.data['response'] === 'confirmed') {
          s.confirmations.add(r.data['partyId'] as string);
          if (takingPart(s.confirmations).every((p) => s.confirmations.has(p))) moveTo('adopted');
        } else {
          s.confirmations.clear();
          moveTo('under_discussion');
        }
        break;
      case 'NormWithdrawn':
      case 'CbmWithdrawn':
        if (s.status !== 'adopted') moveTo('withdrawn');
        break;
      case 'CbmLinkedToNorm':
        s.links.add(r.data['normId'] as string);
        break;
      case 'CbmImplementationReported':
        s.reporters.add(r.data['partyId'] as string);
        if (s.status === 'agreed') moveTo('implementing');
        if (s.status === 'implementing' && takingPart(s.reporters).every((p) => s.reporters.has(p))) moveTo('implemented');
        break;
      case 'CbmSuspended':
        if (s.status === 'implementing' || s.status === 'implemented') {
          s.before = s.status;
          moveTo('suspended');
        }
        break;
      case 'CbmResumed':
        if (s.status === 'suspended' && s.before !== null) moveTo(s.before);
        break;
      default:
        break;
    }
  }
  const live = [...subjects.values()].filter((s): s is Subject => s !== null);
  const cbms = live.filter((s) => s.kind === 'cbm');
  const kindOrder = { norm: 0, cbm: 1, topic: 2 } as const;
  return live
    .sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((s) => {
      const parties = sorted([...registered, ...s.proposers, ...Object.keys(s.stances), ...s.responders, ...s.reporters]);
      const stances: Subject['stances'] = {};
      for (const partyId of Object.keys(s.stances).sort()) stances[partyId] = s.stances[partyId]!;
      const row: ReferenceRow = {
        kind: s.kind,
        id: s.id,
        title: s.title,
        status: s.status,
        statusSince: s.statusSince,
        stances,
        blockingParties: blockingOf(parties, s.stances),
        consensusPossible: consensusOf(parties, s.stances),
        pendingConfirmations: s.status === 'agreed_ad_referendum' ? parties.filter((p) => !s.confirmations.has(p)) : [],
        flags: sorted(s.flags),
      };
      if (s.kind === 'norm') return { ...row, linkedCbms: cbms.filter((c) => c.links.has(s.id)).map((c) => ({ id: c.id, status: c.status })) };
      if (s.kind === 'cbm') return { ...row, linkedNorms: sorted(s.links), implementationReportedBy: sorted(s.reporters) };
      return row;
    });
};
