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
import { isEffective, isKnown, resolveCut, type Cut, type ResolvedCut } from './cut.js';
import { compareEffective, compareStrings, parseStreamId, type EffectiveKey, type LedgerEvent } from './ledger-event.js';

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

/** `events`: the track stream. Null when the track is not established under the cut. */
export const foldRegistry = (events: readonly LedgerEvent[], cut: ResolvedCut): TrackRegistry | null => {
  const inCut = events
    .filter((e) => isKnown(e.metadata.recordedAt, cut) && isEffective(e.metadata.effectiveOn, cut))
    .sort((a, b) => compareEffective(keyOf(a), keyOf(b)));
  let track: { data: TrackEstablishedData; on: string } | null = null;
  const parties = new Map<string, PartyEntry>();
  const partyKeys = new Map<string, EffectiveKey>();
  const agencies = new Map<string, AgencyEntry>();
  const delegates = new Map<string, DelegateEntry>();
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
  new Map((registry?.delegates ?? []).map((d) => [d.delegateId, d.agencyId]));

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

/** GET /tracks: `events` may hold any streams; only `track-*` streams are read. Sorted by trackId. */
export const trackListOf = (events: readonly LedgerEvent[], cut: Cut = {}): TrackListAnswer => {
  const resolved = resolveCut(cut);
  const byStream = new Map<string, LedgerEvent[]>();
  for (const event of events) {
    if (parseStreamId(event.streamId).kind !== 'track') continue;
    const list = byStream.get(event.streamId);
    if (list === undefined) byStream.set(event.streamId, [event]);
    else list.push(event);
  }
  const tracks: Array<{ trackId: string; name: string }> = [];
  for (const streamEvents of byStream.values()) {
    const registry = foldRegistry(streamEvents, resolved);
    if (registry !== null) tracks.push({ trackId: registry.trackId, name: registry.name });
  }
  return { tracks: tracks.sort((a, b) => compareStrings(a.trackId, b.trackId)) };
};
