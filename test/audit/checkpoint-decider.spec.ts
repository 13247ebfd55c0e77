import { checkpointDecider, type CheckpointState } from '../../src/audit/domain/checkpoint.decider.js';
import type { CheckpointIssuedData } from '../../src/audit/domain/checkpoint.events.js';

const checkpoint = (upTo: string, issuedAt = '2026-11-27T10:00:00.000Z'): CheckpointIssuedData => ({
  upTo,
  eventCount: Number(upTo),
  streamCount: 1,
  root: 'a'.repeat(64),
  issuedAt,
  keyId: '0123456789abcdef',
  signature: 'c2ln',
});

const after = (...issued: CheckpointIssuedData[]): CheckpointState =>
  issued.reduce(
    (state, data, revision) =>
      checkpointDecider.evolve(state, { type: 'CheckpointIssued', data, eventId: `e-${revision}`, revision, effectiveOn: '2026-11-27', recordedAt: data.issuedAt }),
    checkpointDecider.initialState(),
  );

describe('checkpoint decider', () => {
  it.each([
    ['the first checkpoint', after(), '0', 1],
    ['a checkpoint covering more than the last', after(checkpoint('7')), '9', 1],
    ['a checkpoint of the same tree (nothing changed): a signed statement that it still stood so', after(checkpoint('7')), '7', 1],
    ['a checkpoint covering less than the last (a race lost): nothing, coverage never decreases', after(checkpoint('7'), checkpoint('9')), '8', 0],
  ])('%s', (_case, state, upTo, appended) => {
    const events = checkpointDecider.decide({ checkpoint: checkpoint(upTo, '2026-11-27T11:00:00.000Z'), effectiveOn: '2026-11-27' }, state);
    expect(events).toEqual(appended === 1 ? [{ type: 'CheckpointIssued', data: checkpoint(upTo, '2026-11-27T11:00:00.000Z') }] : []);
  });

  it('counts coverage in events: after a move into a store of other positions, a checkpoint over more events is appended though its upTo is smaller', () => {
    const moved = after(checkpoint('900000'));
    const more = { ...checkpoint('12'), eventCount: 900_001 };
    expect(checkpointDecider.decide({ checkpoint: more, effectiveOn: '2026-11-27' }, moved)).toEqual([{ type: 'CheckpointIssued', data: more }]);
    const fewer = { ...checkpoint('950000'), eventCount: 899_999 };
    expect(checkpointDecider.decide({ checkpoint: fewer, effectiveOn: '2026-11-27' }, moved)).toEqual([]);
  });
});
