import { isBlockingStance, type Stance } from './position.events.js';

export interface Consensus {
  readonly reached: boolean;
  /** Sorted. */
  readonly blockingParties: readonly string[];
  /** Sorted. */
  readonly supporters: readonly string[];
  /** Why not, for a clerk: `cn is conditional, us has no stance yet`, or `no party supports`. */
  readonly reason?: string;
}

/**
 * What a party's latest stance says of it, of one party and of several. Only blocking ones (no stance
 * yet, conditional, reserves, opposes) are ever said; the table is whole so that a new stance cannot
 * be left out of it.
 */
const SAID: Readonly<Record<Stance | 'none', readonly [one: string, several: string]>> = {
  none: ['has no stance yet', 'have no stance yet'],
  conditional: ['is conditional', 'are conditional'],
  reserves: ['reserves', 'reserve'],
  opposes: ['opposes', 'oppose'],
  supports: ['supports', 'support'],
  abstains: ['abstains', 'abstain'],
};

/** `cn is conditional`. */
const blockingPhrase = (partyId: string, stance: Stance | undefined): string => `${partyId} ${SAID[stance ?? 'none'][0]}`;

/** The same, said of several parties at once: `3 parties have no stance yet: ad, al, am`. */
const groupPhrase = (partyIds: readonly string[], stance: Stance | undefined): string => `${partyIds.length} parties ${SAID[stance ?? 'none'][1]}: ${partyIds.join(', ')}`;

/** Parties that block for the same reason are named together from this many on. */
const GROUP_FROM = 3;

/**
 * Why the blocking parties block, in party order: each party on its own (`cn is conditional, us
 * has no stance yet`), but parties sharing a stance are named together, where the first of them
 * falls, once they are GROUP_FROM or more: a track of 57 parties reads `cn is conditional; 55
 * parties have no stance yet: ad, al, …` rather than repeating the phrase 55 times.
 */
const blockingReason = (blockingParties: readonly string[], latest: ReadonlyMap<string, Stance>): string => {
  const byStance = new Map<Stance | undefined, string[]>();
  for (const partyId of blockingParties) {
    const stance = latest.get(partyId);
    const same = byStance.get(stance);
    if (same === undefined) byStance.set(stance, [partyId]);
    else same.push(partyId);
  }
  const phrases: string[] = [];
  const grouped = new Set<Stance | undefined>();
  for (const partyId of blockingParties) {
    const stance = latest.get(partyId);
    const same = byStance.get(stance)!;
    if (same.length < GROUP_FROM) phrases.push(blockingPhrase(partyId, stance));
    else if (!grouped.has(stance)) {
      grouped.add(stance);
      phrases.push(groupPhrase(same, stance));
    }
  }
  // A group's list of parties is comma-separated: once there is one, phrases are told apart by semicolons.
  return phrases.join(grouped.size > 0 ? '; ' : ', ');
};

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Consensus over every party of the track (DESIGN.md §2): nobody blocks (no stance yet blocks)
 * and at least one supports. `latest` maps a party to its latest stance in effective order.
 */
export const consensusOf = (parties: readonly string[], latest: ReadonlyMap<string, Stance>): Consensus => {
  const sorted = [...new Set(parties)].sort(byCodePoint);
  const blockingParties = sorted.filter((p) => isBlockingStance(latest.get(p)));
  const supporters = sorted.filter((p) => latest.get(p) === 'supports');
  if (blockingParties.length > 0) {
    return { reached: false, blockingParties, supporters, reason: blockingReason(blockingParties, latest) };
  }
  if (supporters.length === 0) return { reached: false, blockingParties, supporters, reason: 'no party supports' };
  return { reached: true, blockingParties, supporters };
};
