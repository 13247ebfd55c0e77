import { UnprocessableError } from '../../src/shared/domain/domain-error.js';
import type { TrackFacts } from '../../src/shared/domain/facts.js';
import { isSlug, ownValue, SLUG_PATTERN } from '../../src/shared/domain/ids.js';
import { normDecider } from '../../src/subjects/domain/norm.decider.js';
import type { NormCommand } from '../../src/subjects/domain/norm.commands.js';
import { deciderSpec } from '../support/decider-spec.js';
import { heldSession, usCnTrack } from './subject.fixtures.js';

/*
 * `constructor` and `prototype` are refused as ids at the HTTP boundary (http-contract e2e), but a
 * ledger may still hold one (a bundle imported from elsewhere): every lookup by id reads own
 * properties, so such an id is an id like any other, never Object.prototype.constructor.
 */
describe('ids that are names of every JavaScript object', () => {
  it('are not slugs, whatever else they match', () => {
    expect(['constructor', 'prototype'].map(isSlug)).toEqual([false, false]);
    expect(['constructors', 'a-prototype', 'us', 'toString', '__proto__'].map(isSlug)).toEqual([true, true, true, false, false]);
    // The pattern the OpenAPI document publishes says the same, as a JSON Schema validator reads it.
    expect(new RegExp(SLUG_PATTERN.source, 'u').test('constructor')).toBe(false);
  });

  it('ownValue reads only own properties', () => {
    const record: Record<string, number> = { us: 1 };
    expect([ownValue(record, 'us'), ownValue(record, 'constructor'), ownValue(record, 'toString')]).toEqual([1, undefined, undefined]);
  });

  it('a position by a party named constructor, through a delegate who did not attend, is a 422, not a TypeError', () => {
    const track: TrackFacts = {
      ...usCnTrack,
      parties: ['cn', 'constructor', 'us'],
      agencies: [...usCnTrack.agencies, { agencyId: 'ctor-mfa', partyId: 'constructor' }],
      delegates: [...usCnTrack.delegates, { delegateId: 'ctor-1', partyId: 'constructor', agencyId: 'ctor-mfa' }],
    };
    const command: NormCommand = {
      type: 'StatePosition',
      effectiveOn: '2026-03-10',
      track,
      session: heldSession(),
      data: { statementId: 'st-ctor', partyId: 'constructor', delegateId: 'ctor-1', stance: 'supports', text: 'we support', channel: 'oral', sessionId: 's1' },
    };
    const proposed = {
      type: 'NormProposed' as const,
      effectiveOn: '2026-03-10',
      data: { trackId: 'us-cn-seg', normId: 'gge-13i', title: 'Critical infrastructure', summary: 'Do not attack it', proposedBy: ['cn', 'us'], sessionId: 's1' },
    };
    deciderSpec(normDecider).given([proposed]).when(command).thenThrows(UnprocessableError, 'delegate-not-present', 'norm gge-13i: delegate ctor-1 did not attend session s1');
  });
});
