import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  canonicalJson,
  computeEventHash,
  GENESIS_HASH,
  type HashableEvent,
  hashInputFromCanonicalText,
  sealMetadata,
  sha256Hex,
} from '../../src/shared/event-store/envelope.js';

const base: HashableEvent = {
  streamId: 'norm-gge-13i',
  revision: 3,
  eventId: '0b7c1a52-3f4d-4e8a-9a51-2b1f3c4d5e6f',
  type: 'PositionStated',
  data: { normId: 'gge-13i', statementId: 'st-1', partyId: 'cn', stance: 'supports', text: 'Synthetic statement.' },
  metadata: {
    schemaVersion: 1,
    effectiveOn: '2026-03-02',
    recordedAt: '2026-03-02T10:00:00.000Z',
    recordedBy: 'clerk',
    correlationId: 'c-1',
    causationId: 'c-1',
    prevHash: 'a'.repeat(64),
  },
};

describe('the hash chain envelope (DESIGN.md §3)', () => {
  it('hashes the RFC 8785 canonical JSON of {streamId, revision, eventId, type, data, metadata without hash}', () => {
    const canonical = canonicalJson(base);
    expect(canonical.startsWith('{"data":{"normId":"gge-13i","partyId":"cn"')).toBe(true);
    expect(computeEventHash(base)).toBe(createHash('sha256').update(canonical).digest('hex'));
    const withHash = { ...base, metadata: { ...base.metadata, hash: 'f'.repeat(64) } };
    expect(computeEventHash(withHash)).toBe(computeEventHash(base));
    expect(computeEventHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order (JCS)', () => {
    const reordered: HashableEvent = {
      metadata: Object.fromEntries(Object.entries(base.metadata).reverse()),
      data: Object.fromEntries(Object.entries(base.data as object).reverse()),
      type: base.type,
      eventId: base.eventId,
      revision: base.revision,
      streamId: base.streamId,
    };
    expect(computeEventHash(reordered)).toBe(computeEventHash(base));
  });

  it('pins a known hash, so any change of the canonical form is caught', () => {
    expect(canonicalJson({ b: 1, a: [1, 'é', 1e21, 0.1] })).toBe('{"a":[1,"é",1e+21,0.1],"b":1}');
  });

  const mutations: Array<[string, (e: HashableEvent) => HashableEvent]> = [
    ['streamId', (e) => ({ ...e, streamId: 'norm-gge-13j' })],
    ['revision', (e) => ({ ...e, revision: 4 })],
    ['eventId', (e) => ({ ...e, eventId: '0b7c1a52-3f4d-4e8a-9a51-2b1f3c4d5e60' })],
    ['type', (e) => ({ ...e, type: 'PositionStatedX' })],
    ['data value', (e) => ({ ...e, data: { ...(e.data as object), stance: 'opposes' } })],
    ['data key added', (e) => ({ ...e, data: { ...(e.data as object), extra: null } })],
    ...Object.keys(base.metadata).map(
      (key): [string, (e: HashableEvent) => HashableEvent] => [
        `metadata.${key}`,
        (e) => ({ ...e, metadata: { ...e.metadata, [key]: key === 'schemaVersion' ? 2 : `${String(e.metadata[key])}x` } }),
      ],
    ),
    ['metadata.idempotencyKey added', (e) => ({ ...e, metadata: { ...e.metadata, idempotencyKey: 'k' } })],
  ];

  it.each(mutations)('changes when %s changes', (_, mutate) => {
    expect(computeEventHash(mutate(base))).not.toBe(computeEventHash(base));
  });

  it('seals metadata with prevHash and a hash that verifies', () => {
    const { prevHash: _p, ...unsealed } = base.metadata;
    const sealed = sealMetadata({ ...base, metadata: unsealed as never }, GENESIS_HASH);
    expect(sealed.prevHash).toBe('0'.repeat(64));
    expect(sealed.hash).toBe(computeEventHash({ ...base, metadata: sealed }));
  });

  it('builds the exact hash input from canonical text, for any event', () => {
    const text = fc.string({ unit: 'grapheme' });
    fc.assert(
      fc.property(
        fc.record({
          streamId: text,
          revision: fc.nat(),
          eventId: text,
          type: text,
          data: fc.dictionary(text, fc.jsonValue()),
          metadata: fc.dictionary(text, fc.jsonValue()),
        }),
        (event) => {
          const { hash: _hash, ...unsealed } = event.metadata;
          const input = hashInputFromCanonicalText(event.streamId, event.revision, event.eventId, event.type, canonicalJson(event.data), canonicalJson(unsealed));
          expect(input).toBe(canonicalJson({ ...event, metadata: unsealed }));
          expect(sha256Hex(input)).toBe(computeEventHash(event));
        },
      ),
      { numRuns: 300 },
    );
  });
});
