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
    return { reached: false, blockingParties, supporters, reason: blockingParties.map((p) => blockingPhrase(p, latest.get(p))).join(', ') };
  }
  if (supporters.length === 0) return { reached: false, blockingParties, supporters, reason: 'no party supports' };
  return { reached: true, blockingParties, supporters };
};
