import { randomUUID } from 'node:crypto';

/** Time and ids come from injected ports so that handlers and tests are deterministic. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  uuid(): string;
}

export const CLOCK = Symbol.for('norms-ledger.Clock');
export const ID_GENERATOR = Symbol.for('norms-ledger.IdGenerator');

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** UTC day of an instant, YYYY-MM-DD. */
export const utcDay = (instant: Date): string => instant.toISOString().slice(0, 10);
