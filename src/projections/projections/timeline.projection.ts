/**
 * One stream under a cut, with its corrections applied ab initio (DESIGN.md §5): the records the
 * folds read, in effective order. Corrections live in the stream of the record they correct, so a
 * stream is the unit: a subject (or session) can be recomputed from its own events alone.
 */
import { EFFECTIVE_ON_FIELD, effectiveOnAfter, writePath, type FieldChange } from '../../shared/domain/corrections.js';
import { isEffective, isKnown, type ResolvedCut } from './cut.js';
import { compareEffective, comparePosition, parseStreamId, type LedgerEvent } from './ledger-event.js';
import { type RecordCorrectedData, STREAM_CREATION } from './ledger-payloads.js';

export interface AppliedCorrection {
  readonly correctionId: string;
  /** The RecordCorrected event itself. */
  readonly eventId: string;
  readonly streamId: string;
  readonly position: string;
  readonly effectiveOn: string;
  readonly recordedAt: string;
  readonly targetEventId: string;
  readonly changes: readonly FieldChange[];
  readonly reason: string;
  readonly requestedBy: string;
  readonly corrigendumId: string | null;
}

/** A record as it stands after every correction visible under the cut. */
export interface TimelineRecord {
  readonly streamId: string;
  readonly eventId: string;
  readonly revision: number;
  readonly position: string;
  readonly type: string;
  readonly recordedAt: string;
  /** The effective date after corrections: this is what orders and cuts the record. */
  readonly effectiveOn: string;
  /** The effective date as first recorded. */
  readonly recordedEffectiveOn: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The corrections applied to it, in the order they were recorded. */
  readonly corrections: readonly AppliedCorrection[];
  /** Not a recorded event but a part of one taking effect at its own date (foldedRecords); never in a history. */
  readonly derived?: true;
}

export interface StreamTimeline {
  readonly streamId: string;
  /** Records inside the cut, in effective order; RecordCorrected events are folded into their targets. */
  readonly records: readonly TimelineRecord[];
  /**
   * The creation record is among `records` only because other records of the stream are inside the
   * cut (the subject exists from its earliest record): its own date is after the cut's asOf.
   */
  readonly anchored: boolean;
  /** Every correction known under the cut whose target is effective under it (an anchored creation record is shown, not effective), in recorded order. */
  readonly corrections: readonly AppliedCorrection[];
}

interface Draft {
  event: LedgerEvent;
  effectiveOn: string;
  data: Readonly<Record<string, unknown>>;
  corrections: AppliedCorrection[];
}

const applyChanges = (draft: Draft, changes: readonly FieldChange[]): void => {
  for (const change of changes) {
    if (change.field === EFFECTIVE_ON_FIELD) {
      if (typeof change.to === 'string') draft.effectiveOn = change.to;
      continue;
    }
    try {
      draft.data = writePath('projection', draft.data, change.field, change.to);
    } catch {
      // The decider validated every stored change; a path it would reject cannot be replayed, so skip it.
      continue;
    }
    draft.effectiveOn = effectiveOnAfter(draft.event.type, draft.effectiveOn, change);
  }
};

/**
 * `events`: the events of one stream, in any order. The stream's creation record (STREAM_CREATION)
 * is inside the cut as soon as any other record of the stream is: the stream exists from its
 * earliest record.
 */
export const streamTimeline = (streamId: string, events: readonly LedgerEvent[], cut: ResolvedCut): StreamTimeline => {
  const anchor = STREAM_CREATION[parseStreamId(streamId).kind];
  const known = events.filter((e) => isKnown(e.metadata.recordedAt, cut));
  // Corrections chain (`from` is the value after earlier ones), so they replay in recorded order.
  known.sort((a, b) => comparePosition(a.position, b.position));
  const drafts: Draft[] = [];
  const byEventId = new Map<string, Draft>();
  const byStatementId = new Map<string, Draft>();
  const corrections: AppliedCorrection[] = [];
  for (const event of known) {
    if (event.type !== 'RecordCorrected') {
      const draft: Draft = { event, effectiveOn: event.metadata.effectiveOn, data: event.data, corrections: [] };
      drafts.push(draft);
      byEventId.set(event.eventId, draft);
      const statementId = event.type === 'PositionStated' ? event.data['statementId'] : undefined;
      if (typeof statementId === 'string') byStatementId.set(statementId, draft);
      continue;
    }
    const data = event.data as unknown as RecordCorrectedData;
    const target = 'statementId' in data.target ? byStatementId.get(data.target.statementId) : byEventId.get(data.target.eventId);
    if (target === undefined) continue;
    const applied: AppliedCorrection = {
      correctionId: data.correctionId,
      eventId: event.eventId,
      streamId: event.streamId,
      position: event.position,
      effectiveOn: event.metadata.effectiveOn,
      recordedAt: event.metadata.recordedAt,
      targetEventId: target.event.eventId,
      changes: data.changes,
      reason: data.reason,
      requestedBy: data.requestedBy,
      corrigendumId: data.corrigendumId ?? null,
    };
    applyChanges(target, data.changes);
    target.corrections.push(applied);
    corrections.push(applied);
  }
  const records: TimelineRecord[] = [];
  // The records effective under the cut: an anchored creation record is shown, not effective.
  const inCut = new Set<string>();
  const anchored =
    anchor !== undefined && drafts.some((d) => d.event.type !== anchor && isEffective(d.effectiveOn, cut)) && !drafts.some((d) => d.event.type === anchor && isEffective(d.effectiveOn, cut));
  for (const draft of drafts) {
    const effective = isEffective(draft.effectiveOn, cut);
    if (!effective && !(anchored && draft.event.type === anchor)) continue;
    if (effective) inCut.add(draft.event.eventId);
    records.push({
      streamId: draft.event.streamId,
      eventId: draft.event.eventId,
      revision: draft.event.revision,
      position: draft.event.position,
      type: draft.event.type,
      recordedAt: draft.event.metadata.recordedAt,
      effectiveOn: draft.effectiveOn,
      recordedEffectiveOn: draft.event.metadata.effectiveOn,
      data: draft.data,
      corrections: draft.corrections,
    });
  }
  records.sort(compareEffective);
  return { streamId, records, anchored, corrections: corrections.filter((c) => inCut.has(c.targetEventId)) };
};

/** An event as an uncorrected record: what `evolveSubject` / `evolveSession` take when applying in order. */
export const recordOf = (event: LedgerEvent): TimelineRecord => ({
  streamId: event.streamId,
  eventId: event.eventId,
  revision: event.revision,
  position: event.position,
  type: event.type,
  recordedAt: event.metadata.recordedAt,
  effectiveOn: event.metadata.effectiveOn,
  recordedEffectiveOn: event.metadata.effectiveOn,
  data: event.data,
  corrections: [],
});
