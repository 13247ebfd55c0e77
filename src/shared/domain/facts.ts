/**
 * Facts about other streams that a decider needs (DESIGN.md §4 write-side guards). A handler reads
 * them fresh before every decision and puts them on the command, so deciders stay pure.
 */
export interface TrackFacts {
  readonly trackId: string;
  readonly parties: readonly string[];
  readonly agencies: ReadonlyArray<{ readonly agencyId: string; readonly partyId: string }>;
  readonly delegates: ReadonlyArray<{ readonly delegateId: string; readonly partyId: string; readonly agencyId: string }>;
}

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
