/**
 * The position vocabulary shared by norm, cbm and topic streams (published language: projections
 * import it). A PositionStated payload is these fields plus the stream's own id.
 */
export const STANCES = ['supports', 'conditional', 'reserves', 'opposes', 'abstains'] as const;
export type Stance = (typeof STANCES)[number];

/** Stances that block agreement; a party with no stance yet blocks too (DESIGN.md §2). */
export const BLOCKING_STANCES: ReadonlySet<Stance> = new Set<Stance>(['conditional', 'reserves', 'opposes']);

export const isStance = (value: unknown): value is Stance => typeof value === 'string' && (STANCES as readonly string[]).includes(value);

/** `undefined` is "no stance yet", which blocks. */
export const isBlockingStance = (stance: Stance | undefined): boolean => stance === undefined || BLOCKING_STANCES.has(stance);

export type Channel = 'oral' | 'written';

export interface PositionFields {
  readonly statementId: string;
  readonly partyId: string;
  readonly delegateId?: string;
  readonly stance: Stance;
  readonly condition?: string;
  readonly interpretativeStatement?: string;
  readonly text: string;
  readonly channel: Channel;
  readonly communicationRef?: string;
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}
