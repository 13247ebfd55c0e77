import { DamagedEventError } from './event-store.errors.js';

/** Where a stored event sits, to name it when its text does not parse. */
export interface StoredAt {
  readonly position: string | number;
  readonly streamId: string;
  readonly revision: number;
}

/** The stored `data` or `metadata` text of an event, parsed; text that is not JSON is a DamagedEventError naming the event. */
export const parseStoredJson = <T = Record<string, unknown>>(text: string, at: StoredAt, part: 'data' | 'metadata'): T => {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new DamagedEventError(String(at.position), at.streamId, at.revision, `its ${part} is not JSON (${(error as Error).message})`);
  }
};
