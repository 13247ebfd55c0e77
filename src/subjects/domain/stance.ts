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

const blockingPhrase = (partyId: string, stance: Stance | undefined): string => {
  switch (stance) {
    case undefined:
      return `${partyId} has no stance yet`;
    case 'conditional':
      return `${partyId} is conditional`;
    case 'reserves':
      return `${partyId} reserves`;
    case 'opposes':
      return `${partyId} opposes`;
    case 'supports':
    case 'abstains':
      return `${partyId} ${stance}`;
    default: {
      const unexpected: never = stance;
      return `${partyId} ${String(unexpected)}`;
    }
  }
};

/** The same, said of several parties at once: `3 parties have no stance yet: ad, al, am`. */
const groupPhrase = (partyIds: readonly string[], stance: Stance | undefined): string => {
  const who = `${partyIds.length} parties`;
  const verb =
    stance === undefined ? 'have no stance yet' : stance === 'conditional' ? 'are conditional' : stance === 'reserves' ? 'reserve' : stance === 'opposes' ? 'oppose' : `are ${stance}`;
  return `${who} ${verb}: ${partyIds.join(', ')}`;
};

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
