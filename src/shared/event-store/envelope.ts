import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonObject, RecordedEvent } from './event-store.port.js';

/** 64 zeros: the prevHash of revision 0. */
export const GENESIS_HASH = '0'.repeat(64);

/** The metadata every ledger event carries (DESIGN.md §3), identical on every store. */
export interface LedgerMetadata extends JsonObject {
  schemaVersion: number;
  /** Valid time: YYYY-MM-DD, the day it happened, from the command. */
  effectiveOn: string;
  /** Transaction time: ISO-8601 UTC with milliseconds, the server clock at append. */
  recordedAt: string;
  recordedBy: string;
  correlationId: string;
  causationId: string;
  idempotencyKey?: string;
  prevHash: string;
  hash: string;
}

/** The part of an event that its hash covers. */
export interface HashableEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: JsonObject;
}

/** RFC 8785 (JCS) canonical JSON, via the `canonicalize` package (the RFC's reference implementation). */
export const canonicalJson = (value: unknown): string => {
  const json = canonicalize(value);
  if (json === undefined) throw new TypeError('value has no canonical JSON form');
  return json;
};

export const sha256Hex = (input: string | Uint8Array): string => createHash('sha256').update(input).digest('hex');

/**
 * hash = SHA-256 over the JCS of {streamId, revision, eventId, type, data, metadata}, where
 * metadata excludes `hash` itself (DESIGN.md §3).
 */
export const computeEventHash = (event: HashableEvent): string => {
  const { hash: _hash, ...metadata } = event.metadata;
  return sha256Hex(
    canonicalJson({
      streamId: event.streamId,
      revision: event.revision,
      eventId: event.eventId,
      type: event.type,
      data: event.data,
      metadata,
    }),
  );
};

/**
 * The exact string computeEventHash hashes, assembled from already-canonical parts without parsing:
 * `dataJson` is the JCS text of data and `unsealedMetadataJson` the JCS text of metadata without
 * `hash`. Keys are in JCS order (data < eventId < metadata < revision < streamId < type); strings
 * go through JSON.stringify, which is how JCS serialises a string. Equals
 * canonicalJson({streamId, revision, eventId, type, data, metadata}) whenever the parts are
 * canonical; a verifier that hashes it and finds the stored hash therefore holds the sealed bytes.
 */
export const hashInputFromCanonicalText = (
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  dataJson: string,
  unsealedMetadataJson: string,
): string =>
  `{"data":${dataJson},"eventId":${JSON.stringify(eventId)},"metadata":${unsealedMetadataJson},"revision":${revision},"streamId":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}`;

/** Returns the metadata with `prevHash` and `hash` filled in, for the event at `revision`. */
export const sealMetadata = (
  event: Omit<HashableEvent, 'metadata'> & { metadata: Omit<LedgerMetadata, 'prevHash' | 'hash'> },
  prevHash: string,
): LedgerMetadata => {
  const unsealed = { ...event.metadata, prevHash } as LedgerMetadata;
  return { ...unsealed, hash: computeEventHash({ ...event, metadata: unsealed }) };
};

/** The envelope as exposed over HTTP and in bundles. */
export interface EventEnvelope {
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: LedgerMetadata;
}

export const toEnvelope = (event: RecordedEvent): EventEnvelope => ({
  streamId: event.streamId,
  revision: event.revision,
  position: event.position,
  eventId: event.eventId,
  type: event.type,
  data: event.data,
  metadata: event.metadata as LedgerMetadata,
});
