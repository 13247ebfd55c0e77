import { UnknownEventSchemaError } from './event-store.errors.js';
import type { JsonObject } from './event-store.port.js';
import { parseStoredJson, type StoredAt } from './stored-json.js';

/**
 * The schema version this build writes into every event's metadata (DESIGN.md §3). Payloads are
 * storage formats: a change of an event's shape is a new version here plus an upcaster from the
 * old one, never an edit of what is stored (stored bytes are hashed). A new event type is a new
 * version too (with no upcaster): a build that does not know the type then refuses the stream
 * rather than decide on it without that fact (the deciders fold a type they do not know as nothing).
 */
export const EVENT_SCHEMA_VERSION = 1;

/** Turns the payload of `type` written at schema version `from` into its shape at `from + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly from: number;
  readonly upcast: (data: JsonObject) => JsonObject;
}

/**
 * None yet: every event recorded so far is version 1. Each entry must be pure (replays, rebuilds
 * and every instance have to read the same history the same way).
 */
export const UPCASTERS: readonly Upcaster[] = [];

/**
 * The payload of a stored event in this build's shape: as stored when written at the current
 * version, else through the upcasters of its type from its version up. An event without a version
 * is read as version 1 (the only version before any was written down). A version this build does
 * not know (a newer norms-ledger wrote it), or anything but a positive integer, is an
 * UnknownEventSchemaError naming the event: folding a shape this build does not know could only
 * misread it. `upcasters` and `current` are parameters for tests.
 */
export const upcastData = (
  at: StoredAt & { readonly type: string },
  schemaVersion: unknown,
  data: JsonObject,
  upcasters: readonly Upcaster[] = UPCASTERS,
  current: number = EVENT_SCHEMA_VERSION,
): JsonObject => {
  if (schemaVersion === current) return data;
  const version = schemaVersion === undefined ? 1 : schemaVersion;
  if (!(typeof version === 'number' && Number.isSafeInteger(version) && version >= 1 && version <= current)) {
    throw new UnknownEventSchemaError(String(at.position), at.streamId, at.revision, schemaVersion, current);
  }
  let upcast = data;
  for (let from = version; from < current; from++) {
    const step = upcasters.find((candidate) => candidate.type === at.type && candidate.from === from);
    if (step !== undefined) upcast = step.upcast(upcast);
  }
  return upcast;
};

const CURRENT_METADATA_START = `{"schemaVersion":${EVENT_SCHEMA_VERSION},`;

/**
 * The schemaVersion of stored metadata text, parsing it only when it does not start as this
 * build writes it (schemaVersion first, then the other keys; a later duplicate key would be read
 * by JSON.parse instead, hence the check that there is none).
 */
export const schemaVersionOfText = (metadataJson: string, at: StoredAt): unknown =>
  metadataJson.startsWith(CURRENT_METADATA_START) && !metadataJson.includes('"schemaVersion"', CURRENT_METADATA_START.length)
    ? EVENT_SCHEMA_VERSION
    : parseStoredJson(metadataJson, at, 'metadata')['schemaVersion'];
