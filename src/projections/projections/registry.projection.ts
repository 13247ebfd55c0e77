/**
 * The registry of a track under a cut: parties, agencies and delegates. Track records are not
 * correctable (DESIGN.md §5), so the cut is a plain filter; effective order still matters because a
 * party counts towards consensus only from its registration on (see `partiesAt`).
 */
import type {
  AgencyRegisteredData,
  DelegateRegisteredData,
  PartyRegisteredData,
  TrackEstablishedData,
} from '../../tracks/domain/track.events.js';
import { isEffective, isKnown, type ResolvedCut } from './cut.js';
import { compareEffective, compareStrings, type EffectiveKey, type LedgerEvent } from './ledger-event.js';

export interface PartyEntry {
  readonly partyId: string;
  readonly name: string;
  readonly registeredOn: string;
}
export interface AgencyEntry {
  readonly agencyId: string;
  readonly partyId: string;
  readonly name: string;
  readonly registeredOn: string;
}
export interface DelegateEntry {
  readonly delegateId: string;
  readonly partyId: string;
  readonly agencyId: string;
  readonly role: string | null;
  readonly name: string | null;
  readonly registeredOn: string;
}

export interface TrackRegistry {
  readonly trackId: string;
  readonly name: string;
  readonly mandateRef: string | null;
  readonly cadence: string | null;
  readonly establishedOn: string;
  /** Sorted by partyId. */
  readonly parties: readonly PartyEntry[];
  readonly agencies: readonly AgencyEntry[];
  readonly delegates: readonly DelegateEntry[];
  /** Where each party's registration sits in effective order. */
  readonly partyKeys: ReadonlyMap<string, EffectiveKey>;
  /**
   * The agency of every delegate known under the cut's knownAt, whatever its registration's date: a
   * delegate may attend before it is registered (a track set up after its sessions), and its agency
   * is a fact about the delegate. Absent in a registry read back from JSON (the live one has every delegate).
   */
  readonly delegateAgencies?: ReadonlyMap<string, string>;
}

/** GET /tracks/:trackId answer. */
export interface RegistryAnswer {
  readonly trackId: string;
  readonly name: string;
  readonly mandateRef: string | null;
  readonly cadence: string | null;
  readonly establishedOn: string;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly parties: readonly PartyEntry[];
  readonly agencies: readonly AgencyEntry[];
  readonly delegates: readonly DelegateEntry[];
}

export interface TrackListAnswer {
  readonly tracks: ReadonlyArray<{ readonly trackId: string; readonly name: string }>;
}

const keyOf = (e: LedgerEvent): EffectiveKey => ({ effectiveOn: e.metadata.effectiveOn, position: e.position });

/**
 * `events`: the track stream. A track exists, as every stream does, from its earliest record: its
 * TrackEstablished (known under knownAt) counts under asOf, whatever its own date, once any record
 * of the track stream is effective by then, or, with `establishedAnyway`, once a record of one of
 * its sessions or subjects is (foldTrack decides). Registrations count from their own dates. Null
 * when the track does not exist under the cut.
 */
export const foldRegistry = (events: readonly LedgerEvent[], cut: ResolvedCut, establishedAnyway = false): TrackRegistry | null => {
  const known = events.filter((e) => isKnown(e.metadata.recordedAt, cut));
  const inCut = known.filter((e) => isEffective(e.metadata.effectiveOn, cut)).sort((a, b) => compareEffective(keyOf(a), keyOf(b)));
  let track: { data: TrackEstablishedData; on: string } | null = null;
  const parties = new Map<string, PartyEntry>();
  const partyKeys = new Map<string, EffectiveKey>();
  const agencies = new Map<string, AgencyEntry>();
  const delegates = new Map<string, DelegateEntry>();
  const delegateAgencies = new Map<string, string>();
  for (const event of events) {
    if (event.type !== 'DelegateRegistered' || !isKnown(event.metadata.recordedAt, cut)) continue;
    const d = event.data as unknown as DelegateRegisteredData;
    if (!delegateAgencies.has(d.delegateId)) delegateAgencies.set(d.delegateId, d.agencyId);
  }
  for (const event of inCut) {
    const on = event.metadata.effectiveOn;
    switch (event.type) {
      case 'TrackEstablished':
        track ??= { data: event.data as unknown as TrackEstablishedData, on };
        break;
      case 'PartyRegistered': {
        const d = event.data as unknown as PartyRegisteredData;
        if (!parties.has(d.partyId)) {
          parties.set(d.partyId, { partyId: d.partyId, name: d.name, registeredOn: on });
          partyKeys.set(d.partyId, keyOf(event));
        }
        break;
      }
      case 'AgencyRegistered': {
        const d = event.data as unknown as AgencyRegisteredData;
        if (!agencies.has(d.agencyId)) agencies.set(d.agencyId, { agencyId: d.agencyId, partyId: d.partyId, name: d.name, registeredOn: on });
        break;
      }
      case 'DelegateRegistered': {
        const d = event.data as unknown as DelegateRegisteredData;
        if (!delegates.has(d.delegateId)) {
          delegates.set(d.delegateId, {
            delegateId: d.delegateId,
            partyId: d.partyId,
            agencyId: d.agencyId,
            role: d.role ?? null,
            name: d.name ?? null,
            registeredOn: on,
          });
        }
        break;
      }
      default:
        break;
    }
  }
  if (track === null && (establishedAnyway || inCut.length > 0)) {
    const established = known.find((e) => e.type === 'TrackEstablished');
    if (established !== undefined) track = { data: established.data as unknown as TrackEstablishedData, on: established.metadata.effectiveOn };
  }
  if (track === null) return null;
  const byKey = <T>(map: Map<string, T>): T[] => [...map.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, v]) => v);
  return {
    trackId: track.data.trackId,
    name: track.data.name,
    mandateRef: track.data.mandateRef ?? null,
    cadence: track.data.cadence ?? null,
    establishedOn: track.on,
    parties: byKey(parties),
    agencies: byKey(agencies),
    delegates: byKey(delegates),
    partyKeys,
    delegateAgencies,
  };
};

/** Every party registered on the track under the cut, sorted. */
export const partyIdsOf = (registry: TrackRegistry | null): string[] => (registry === null ? [] : registry.parties.map((p) => p.partyId));

/** The parties registered before `key` in effective order: whom consensus and confirmations were owed to then. */
export const partiesAt = (registry: TrackRegistry | null, key: EffectiveKey): string[] => {
  if (registry === null) return [];
  const out: string[] = [];
  for (const party of registry.parties) {
    const registered = registry.partyKeys.get(party.partyId);
    if (registered !== undefined && compareEffective(registered, key) <= 0) out.push(party.partyId);
  }
  return out;
};

/** delegateId → agencyId, for the agencies present at a session. */
export const agencyOfDelegate = (registry: TrackRegistry | null): ReadonlyMap<string, string> =>
  registry?.delegateAgencies ?? new Map((registry?.delegates ?? []).map((d) => [d.delegateId, d.agencyId]));

export const registryAnswerOf = (registry: TrackRegistry, cut: ResolvedCut): RegistryAnswer => ({
  trackId: registry.trackId,
  name: registry.name,
  mandateRef: registry.mandateRef,
  cadence: registry.cadence,
  establishedOn: registry.establishedOn,
  asOf: cut.asOf,
  knownAt: cut.knownAt,
  parties: registry.parties,
  agencies: registry.agencies,
  delegates: registry.delegates,
});
