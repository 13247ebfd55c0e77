/**
 * What norm, cbm and topic states share: every record of the stream as it stands after
 * corrections (so corrections can target any of them and positions fold corrected), the
 * statement index, and the deciding of positions and corrections.
 */
import {
  assertChanged,
  assertCorrectable,
  assertCorrigendum,
  applyCorrection,
  type CorrectableRecord,
  type CorrectionFields,
  type CorrectionTarget,
  CorrectionErrors,
  describeTarget,
  replayCorrection,
} from '../../shared/domain/corrections.js';
import type { FoldedEvent } from '../../shared/domain/decider.js';
import { LIMITS, textProblem } from '../../shared/domain/limits.js';
import { partiesTakingPartAt, RECORDED_NOW, type SessionFacts, type TrackFacts } from '../../shared/domain/facts.js';
import type { PositionFields, Stance } from './position.events.js';
import { type Consensus, consensusOf } from './stance.js';
import type { CorrectRecord, StatePosition } from './subject.commands.js';
import { SubjectErrors, type SubjectKind, subjectLabel } from './subject.errors.js';
import { assertDelegate, assertHeldSession, assertPartyRegistered, assertSessionRefs, assertStance, assertText, compact } from './subject-guards.js';

export interface SubjectRecord extends CorrectableRecord {
  readonly revision: number;
}

export interface SubjectCore {
  readonly kind: SubjectKind;
  readonly id: string;
  readonly trackId: string;
  /** "norm gge-13i": prefixes every message. */
  readonly label: string;
  /** Every event of the stream by eventId, with corrections applied. */
  readonly records: ReadonlyMap<string, SubjectRecord>;
  /** statementId → eventId of its PositionStated. */
  readonly statements: ReadonlyMap<string, string>;
  readonly correctionIds: ReadonlySet<string>;
}

/** Any norm, cbm or topic state: the core is there once the subject exists. */
export interface SubjectState {
  readonly status: string;
  readonly core?: SubjectCore;
}

/** Where a correction target was made, for the handler to load `targetSession` and default `effectiveOn`. */
export interface RecordRef {
  readonly eventId: string;
  readonly type: string;
  /** The record's effective date, after corrections. */
  readonly effectiveOn: string;
  /** The session the record was made at, if any. */
  readonly sessionId?: string;
}

type AnyFolded = FoldedEvent<{ readonly type: string; readonly data: object; readonly effectiveOn?: string }>;

export const openCore = (kind: SubjectKind, id: string, trackId: string): SubjectCore => ({
  kind,
  id,
  trackId,
  label: subjectLabel(kind, id),
  records: new Map(),
  statements: new Map(),
  correctionIds: new Set(),
});

/**
 * The records that move a norm's or CBM's status machine (DESIGN.md §4), in words. Not the
 * proposal: a subject proposed today without a session may take a decision dated at the session
 * where it was agreed; the board counts such records from the subject's creation.
 */
const STATUS_RECORDS: Readonly<Record<string, string>> = {
  DecisionRecorded: 'decision',
  CapitalResponseRecorded: 'capital response',
  NormWithdrawn: 'withdrawal',
  CbmImplementationReported: 'implementation report',
  CbmSuspended: 'suspension',
  CbmResumed: 'resumption',
  CbmWithdrawn: 'withdrawal',
};

/** The record of one of the kinds `counts` takes with the latest effective date; on equal dates the later-recorded one (records are in recorded order). */
const latestRecord = (core: SubjectCore, counts: (type: string) => boolean): SubjectRecord | undefined => {
  let latest: SubjectRecord | undefined;
  for (const record of core.records.values()) {
    if (counts(record.type) && (latest === undefined || record.effectiveOn >= latest.effectiveOn)) latest = record;
  }
  return latest;
};

/**
 * The board folds a subject in effective order, the decider in recorded order: the two agree on its
 * status because whatever moves the status machine is recorded in the order it took effect. A
 * command that moves it (`what`: "a capital response") may not take effect before the latest such
 * record; positions and links may (late entries), as they only change stances and links.
 * `anyOrderAmong`: the kinds of record a late one may be dated before (capital responses among
 * themselves; an implementation report before other reports and before suspensions and resumptions,
 * which the CBM decider walks instead), never before the decision or step it follows.
 */
export const assertInStatusOrder = (core: SubjectCore, effectiveOn: string, what: string, anyOrderAmong: readonly string[] = []): void => {
  const latest = latestRecord(core, (type) => !anyOrderAmong.includes(type) && STATUS_RECORDS[type] !== undefined);
  if (latest !== undefined && effectiveOn < latest.effectiveOn) {
    throw SubjectErrors.beforeStatusChange(core.label, what, effectiveOn, { what: STATUS_RECORDS[latest.type]!, effectiveOn: latest.effectiveOn });
  }
};

const CREATIONS: ReadonlySet<string> = new Set(['NormProposed', 'CbmProposed', 'TopicOpened']);
const WITHDRAWALS: ReadonlySet<string> = new Set(['NormWithdrawn', 'CbmWithdrawn']);

/** A record in words, for messages: "position st-1", "link to norm gge-13i", "decision". */
const recordLabel = (record: SubjectRecord): string =>
  record.type === 'PositionStated'
    ? `position ${String(record.data['statementId'])}`
    : record.type === 'CbmLinkedToNorm'
      ? `link to norm ${String(record.data['normId'])}`
      : (STATUS_RECORDS[record.type] ?? record.type);

/**
 * DESIGN.md §4: nothing is recorded on a withdrawn subject, so a withdrawal may not take effect
 * before any record already on it (a stance, a link, whatever moved its status), or the subject, in
 * effective order, would carry records after its withdrawal. Not the proposal: like a decision, a
 * withdrawal may be dated before a proposal recorded later without a date of its own.
 */
export const assertWithdrawalLast = (core: SubjectCore, effectiveOn: string): void => {
  const latest = latestRecord(core, (type) => !CREATIONS.has(type) && type !== 'RecordCorrected');
  if (latest !== undefined && effectiveOn < latest.effectiveOn) {
    throw SubjectErrors.withdrawalBeforeRecord(core.label, effectiveOn, { what: recordLabel(latest), effectiveOn: latest.effectiveOn });
  }
};

/**
 * For a correction of a withdrawn subject that moves a record's date: the record may not come to
 * take effect after the withdrawal (422). A correction of other fields is judged as before, so a
 * record left after a withdrawal by an older build can still have its text corrected.
 */
const assertBeforeWithdrawal = (core: SubjectCore, corrected: SubjectRecord, changes: CorrectionFields['changes']): void => {
  if (CREATIONS.has(corrected.type) || WITHDRAWALS.has(corrected.type) || !touches(changes, ['effectiveOn'])) return;
  for (const record of core.records.values()) {
    if (WITHDRAWALS.has(record.type) && corrected.effectiveOn > record.effectiveOn) {
      throw SubjectErrors.recordAfterWithdrawal(core.label, recordLabel(corrected), corrected.effectiveOn, record.effectiveOn);
    }
  }
};

/** Adds a folded event as a record (and indexes a statement). */
export const withRecord = (core: SubjectCore, event: AnyFolded): SubjectCore => {
  const record: SubjectRecord = {
    eventId: event.eventId,
    type: event.type,
    data: event.data as Record<string, unknown>,
    effectiveOn: event.effectiveOn,
    revision: event.revision,
  };
  const records = new Map(core.records).set(record.eventId, record);
  const statementId = (event.data as { statementId?: unknown }).statementId;
  const statements =
    event.type === 'PositionStated' && typeof statementId === 'string' ? new Map(core.statements).set(statementId, record.eventId) : core.statements;
  return { ...core, records, statements };
};

/** Folds a RecordCorrected: keeps it as a record and applies it to its target. */
export const withCorrection = (core: SubjectCore, event: FoldedEvent<{ readonly type: 'RecordCorrected'; readonly data: CorrectionFields }>): SubjectCore => {
  const recorded = withRecord(core, event);
  const correctionIds = new Set(core.correctionIds).add(event.data.correctionId);
  const target = findRecord(recorded, event.data.target);
  if (target === undefined) return { ...recorded, correctionIds };
  const corrected = { ...target, ...replayCorrection(target, event.data.changes) };
  return { ...recorded, correctionIds, records: new Map(recorded.records).set(target.eventId, corrected) };
};

export const findRecord = (core: SubjectCore, target: CorrectionTarget): SubjectRecord | undefined => {
  const eventId = 'statementId' in target ? core.statements.get(target.statementId) : target.eventId;
  return eventId === undefined ? undefined : core.records.get(eventId);
};

const sessionIdOf = (record: SubjectRecord): string | undefined => {
  const sessionId = record.data['sessionId'];
  return typeof sessionId === 'string' ? sessionId : undefined;
};

/** The target record of a correction, as it stands; `undefined` when the stream has no such record. */
export const recordOf = (state: SubjectState, target: CorrectionTarget): RecordRef | undefined => {
  const record = state.core === undefined ? undefined : findRecord(state.core, target);
  if (record === undefined) return undefined;
  const sessionId = sessionIdOf(record);
  return { eventId: record.eventId, type: record.type, effectiveOn: record.effectiveOn, ...(sessionId !== undefined ? { sessionId } : {}) };
};

/** The session a correction target was made at: the handler loads its facts as `targetSession`. */
export const recordSessionOf = (state: SubjectState, target: CorrectionTarget): string | undefined => recordOf(state, target)?.sessionId;

/** PositionStated records, corrected, in effective order (effectiveOn, then revision). */
export const positionsInEffectiveOrder = (core: SubjectCore): SubjectRecord[] =>
  [...core.records.values()]
    .filter((r) => r.type === 'PositionStated')
    .sort((a, b) => (a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : a.revision - b.revision));

/** Each party's latest stance in effective order, counting statements effective on or before `asOf` (all when omitted). */
export const latestStances = (core: SubjectCore, asOf?: string): Map<string, Stance> => {
  const latest = new Map<string, Stance>();
  for (const record of positionsInEffectiveOrder(core)) {
    if (asOf !== undefined && record.effectiveOn > asOf) break;
    const { partyId, stance } = record.data as unknown as PositionFields;
    latest.set(partyId, stance);
  }
  return latest;
};

/**
 * Consensus at `asOf` over the parties of the track then (DESIGN.md §2, §4), as the board judges a
 * decision: a party registered effective after `asOf` neither blocks nor counts, unless it had
 * stated a stance by then or is one of the subject's `proposers` (partiesTakingPartAt).
 */
export const consensusAt = (core: SubjectCore, track: TrackFacts, asOf: string | undefined, proposers: readonly string[]): Consensus => {
  const stances = latestStances(core, asOf);
  return consensusOf(
    asOf === undefined ? track.parties : partiesTakingPartAt(track, { effectiveOn: asOf, recordedAt: RECORDED_NOW }, partiesTookPartBy(core, proposers)({ effectiveOn: asOf })),
    stances,
  );
};

/** The records by which a party takes part in a subject (README: it counts from the first of them). */
const TAKING_PART: ReadonlySet<string> = new Set(['PositionStated', 'CapitalResponseRecorded', 'CbmImplementationReported']);

/**
 * The parties that took part in the subject before an act in effective order, as the board has
 * them at that act: its `proposers` (a proposal takes effect from the subject's earliest record),
 * and those with a stance, a capital response or an implementation report on it (an earlier date,
 * or the same date and recorded before it). For consensus (consensusAt) and everyPartyActed.
 */
export const partiesTookPartBy =
  (core: SubjectCore, proposers: readonly string[]) =>
  (at: { readonly effectiveOn: string; readonly revision?: number }): Iterable<string> => {
    const parties = new Set<string>(proposers);
    for (const record of core.records.values()) {
      if (!TAKING_PART.has(record.type)) continue;
      if (record.effectiveOn > at.effectiveOn || (record.effectiveOn === at.effectiveOn && record.revision > (at.revision ?? Number.MAX_SAFE_INTEGER))) continue;
      parties.add((record.data as { partyId: string }).partyId);
    }
    return parties;
  };

/** The guards of a position (DESIGN.md §4); returns the payload fields. Withdrawal is the caller's check. */
export const decidePosition = (core: SubjectCore, command: StatePosition): PositionFields => {
  const subject = core.label;
  const { data, track } = command;
  if (core.statements.has(data.statementId)) throw SubjectErrors.duplicate(subject, 'statement', data.statementId);
  assertPartyRegistered(subject, track, data.partyId);
  assertStance(subject, data.stance, data.condition);
  assertText(subject, 'text', data.text);
  const session = assertSessionRefs(subject, track, data, command.session);
  assertDelegate(subject, track, data.partyId, data.delegateId, session);
  return compact(data);
};

const touches = (changes: CorrectionFields['changes'], fields: readonly string[]): boolean =>
  changes.some((c) => fields.includes(c.field.split('.')[0]!));

/**
 * Re-checks the guards a correction could break. Only the guards the changed fields touch: the
 * record passed all of them when it was recorded, and an unrelated fix (a typo in `text`) should
 * not be held hostage by a later change elsewhere (an attendance correction).
 */
/** A text field as a correction leaves it: present (unless optional), a non-blank string within the body's limit. */
const assertCorrectedText = (subject: string, data: Readonly<Record<string, unknown>>, field: string, max: number, optional = false): void => {
  if (optional && data[field] === undefined) return;
  assertText(subject, field, data[field]);
  const problem = textProblem(data[field], max);
  if (problem !== undefined) throw SubjectErrors.invalidCorrectedRecord(subject, field, problem);
};

const assertStillValid = (subject: string, record: SubjectRecord, changes: CorrectionFields['changes'], track: TrackFacts, session: SessionFacts | undefined): void => {
  const data = record.data;
  switch (record.type) {
    case 'PositionStated':
      if (touches(changes, ['partyId', 'delegateId'])) {
        const partyId = typeof data['partyId'] === 'string' ? data['partyId'] : String(data['partyId']);
        // Moved to another party: it must be registered, with a delegate of its own who attended (or none).
        if (touches(changes, ['partyId'])) assertPartyRegistered(subject, track, partyId);
        assertDelegate(subject, track, partyId, data['delegateId'] === undefined ? undefined : String(data['delegateId']), session);
      }
      if (touches(changes, ['stance', 'condition'])) {
        assertStance(subject, data['stance'], data['condition']);
        assertCorrectedText(subject, data, 'condition', LIMITS.reason, true);
      }
      if (touches(changes, ['text'])) assertCorrectedText(subject, data, 'text', LIMITS.text);
      return;
    case 'NormProposed':
    case 'CbmProposed':
    case 'TopicOpened':
      if (touches(changes, ['title'])) assertCorrectedText(subject, data, 'title', LIMITS.title);
      // A norm's summary is required; a CBM's or topic's may be removed.
      if (touches(changes, ['summary'])) assertCorrectedText(subject, data, 'summary', LIMITS.summary, record.type !== 'NormProposed');
      return;
    default:
      return;
  }
};

/**
 * A correction of a record of this stream (DESIGN.md §5): unique correctionId (409), known target
 * (422), correctable fields (422), corrigendum after adoption of the minutes of the session the
 * record was made at (409), fresh `from` (409), corrected record still within the guards (422).
 * Returns the payload fields. Allowed on withdrawn subjects.
 */
export const decideCorrection = (core: SubjectCore, command: CorrectRecord): CorrectionFields => {
  const subject = core.label;
  const { data, track } = command;
  if (core.correctionIds.has(data.correctionId)) throw CorrectionErrors.duplicateCorrection(subject, data.correctionId);
  const record = findRecord(core, data.target);
  if (record === undefined) throw CorrectionErrors.unknownTarget(subject, data.target);
  assertCorrectable(subject, record.type, data.changes);
  const sessionId = sessionIdOf(record);
  const session = sessionId === undefined ? undefined : assertHeldSession(subject, track, sessionId, command.targetSession);
  assertCorrigendum(subject, session, data.corrigendumId, describeTarget(data.target));
  const corrected = { ...record, ...assertChanged(subject, record, applyCorrection(subject, record, data.changes), data.changes) };
  assertStillValid(subject, corrected, data.changes, track, session);
  assertBeforeWithdrawal(core, corrected, data.changes);
  return compact(data);
};
