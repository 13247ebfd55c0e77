/**
 * Facts about other streams that a decider needs (DESIGN.md §4 write-side guards). A handler reads
 * them fresh before every decision and puts them on the command, so deciders stay pure.
 */
import { ownValue } from './ids.js';

export interface TrackFacts {
  readonly trackId: string;
  readonly parties: readonly string[];
  readonly agencies: ReadonlyArray<{ readonly agencyId: string; readonly partyId: string }>;
  readonly delegates: ReadonlyArray<{ readonly delegateId: string; readonly partyId: string; readonly agencyId: string }>;
  /**
   * partyId → when it joined the track (its registration's effective date and recording time).
   * Absent in facts written out by hand: every party then counts at every point.
   */
  readonly joined?: Readonly<Record<string, RecordPlace>>;
}

/** Where a record sits in the order the board folds in: effective date, then recording time. */
export interface RecordPlace {
  readonly effectiveOn: string;
  readonly recordedAt: string;
}

/** A party's act that counts towards "every party has …" (a confirmation, an implementation report). */
export interface PartyAct extends RecordPlace {
  readonly partyId: string;
  /** Its revision in the subject's stream; absent for the act being decided (after every record). */
  readonly revision?: number;
}

/**
 * The parties of the track at a record's place, as the board folds them (DESIGN.md §4): those
 * registered effective before it, or on the same day and recorded no later.
 */
export const partiesAt = (track: Pick<TrackFacts, 'parties' | 'joined'>, at: RecordPlace): readonly string[] => {
  const joined = track.joined;
  if (joined === undefined) return track.parties;
  return track.parties.filter((partyId) => {
    const place = ownValue(joined, partyId);
    return place === undefined || place.effectiveOn < at.effectiveOn || (place.effectiveOn === at.effectiveOn && place.recordedAt <= at.recordedAt);
  });
};

/**
 * The parties a rule counts at a record's place: those registered by then (partiesAt), and every
 * registered party that had already taken part by then (`tookPart`: a stance, a confirmation, a
 * report), whatever its registration's date. A track set up today and last year's sessions entered
 * afterwards have registrations dated after the records that show those parties took part.
 */
export const partiesTakingPartAt = (track: Pick<TrackFacts, 'parties' | 'joined'>, at: RecordPlace, tookPart: Iterable<string>): string[] => {
  const parties = new Set(partiesAt(track, at));
  for (const partyId of tookPart) if (track.parties.includes(partyId)) parties.add(partyId);
  return [...parties].sort();
};

/** After every recording time: the place of a command decided now sorts after every record already made. */
export const RECORDED_NOW = '~';

/** Effective order of places: by effectiveOn, ties by recording time. */
export const byPlace = (a: RecordPlace, b: RecordPlace): number =>
  a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0;

/**
 * Whether the acts, taken in effective order as the board takes them, reached a point where every
 * party of the track at that point (partiesTakingPartAt; `stancesAt`: the parties that had taken
 * part in the subject by then, as proposers or with a stance) had acted ("adopted": every party
 * confirmed; "implemented": every party reported). Reached once, it stays reached: a party that
 * joins later does not undo it.
 */
export const everyPartyActed = (
  acts: readonly PartyAct[],
  track: Pick<TrackFacts, 'parties' | 'joined'>,
  stancesAt: (at: PartyAct) => Iterable<string> = () => [],
): boolean => {
  const acted = new Set<string>();
  for (const act of [...acts].sort(byPlace)) {
    acted.add(act.partyId);
    const parties = partiesTakingPartAt(track, act, [...acted, ...stancesAt(act)]);
    if (parties.length > 0 && parties.every((partyId) => acted.has(partyId))) return true;
  }
  return false;
};

export type MinutesStatus = 'none' | 'circulated' | 'silence_procedure' | 'adopted';

export interface SessionFacts {
  readonly sessionId: string;
  readonly trackId: string;
  readonly status: 'scheduled' | 'held' | 'cancelled';
  readonly heldOn?: string;
  /** partyId → delegateIds present, after corrections. */
  readonly attendance: Readonly<Record<string, readonly string[]>>;
  readonly agendaItemIds: readonly string[];
  readonly minutesStatus: MinutesStatus;
}

export interface SubjectFacts {
  readonly kind: 'norm' | 'cbm' | 'topic';
  readonly id: string;
  readonly trackId: string;
  readonly status: string | null;
}
