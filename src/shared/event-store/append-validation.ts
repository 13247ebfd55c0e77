import { canonicalJson } from './envelope.js';
import { InvalidAppendError } from './event-store.errors.js';
import type { EventToAppend } from './event-store.port.js';

/** Stream ids: printable, no leading `$` (EventStoreDB system streams), at most 200 characters. */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
export const MAX_EVENT_BYTES = 1024 * 1024;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

export interface SerialisedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/**
 * Throws on what JSON.stringify would silently drop or turn into null (functions, symbols) and on
 * bigints; canonicalize (below) refuses the rest (non-finite numbers, lone surrogates, cycles).
 */
const assertJsonValues = (value: unknown): void => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not JSON`);
      return;
    case 'object': {
      if (value === null) return;
      const json = (value as { toJSON?: unknown }).toJSON;
      if (typeof json === 'function') return assertJsonValues((json as () => unknown).call(value));
      if (Array.isArray(value)) {
        for (const item of value) assertJsonValues(item);
        return;
      }
      for (const key of Object.keys(value)) assertJsonValues((value as Record<string, unknown>)[key]);
      return;
    }
    default:
      throw new TypeError(`${typeof value} is not JSON`);
  }
};

/**
 * The stored text is the RFC 8785 canonical form, the very bytes the event hash covers, so a
 * verifier can hash what is stored without parsing it (src/audit/domain/verifier.ts, fast path).
 */
const serialise = (value: unknown, what: string, index: number): string => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidAppendError('not-serialisable', `event ${index} ${what} must be a JSON object`);
  }
  try {
    // canonicalize first: it detects cycles, which the walk below would recurse into.
    const json = canonicalJson(value);
    assertJsonValues(value);
    return json;
  } catch (error) {
    throw new InvalidAppendError('not-serialisable', `event ${index} ${what}: ${(error as Error).message}`);
  }
};

/**
 * Every check an adapter makes before it writes anything, so that a refused append never leaves a
 * trace. Returns the events serialised once, for the adapter to store.
 */
export const validateAppend = (streamId: string, events: readonly EventToAppend[]): SerialisedEvent[] => {
  if (typeof streamId !== 'string' || !STREAM_ID_PATTERN.test(streamId)) {
    throw new InvalidAppendError('invalid-stream-id', `${JSON.stringify(streamId)} is not a valid stream id`);
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppendError('no-events', `append to ${streamId} has no events`);
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    if (typeof event?.eventId !== 'string' || !UUID_PATTERN.test(event.eventId)) {
      throw new InvalidAppendError('invalid-event', `event ${index}: eventId must be a UUID`);
    }
    const eventId = event.eventId.toLowerCase();
    if (seen.has(eventId)) {
      throw new InvalidAppendError('duplicate-event-id', `event ${index}: eventId ${eventId} appears twice in one append`);
    }
    seen.add(eventId);
    if (typeof event.type !== 'string' || !TYPE_PATTERN.test(event.type)) {
      throw new InvalidAppendError('invalid-event', `event ${index}: type ${JSON.stringify(event.type)} is not valid`);
    }
    const data = serialise(event.data, 'data', index);
    const metadata = serialise(event.metadata, 'metadata', index);
    const bytes = Buffer.byteLength(data) + Buffer.byteLength(metadata) + event.type.length;
    if (bytes > MAX_EVENT_BYTES) {
      throw new InvalidAppendError('event-too-large', `event ${index} is ${bytes} bytes, over the ${MAX_EVENT_BYTES}-byte limit`);
    }
    return { eventId, type: event.type, data, metadata };
  });
};
