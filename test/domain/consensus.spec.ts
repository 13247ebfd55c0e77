import type { Stance } from '../../src/subjects/domain/position.events.js';
import { consensusOf } from '../../src/subjects/domain/stance.js';

const latest = (stances: Record<string, Stance>): ReadonlyMap<string, Stance> => new Map(Object.entries(stances));
const wide = Array.from({ length: 57 }, (_, i) => `p${String(i).padStart(2, '0')}`);

describe('consensus: why not, for a clerk', () => {
  it.each<[string, readonly string[], Record<string, Stance>, string | undefined]>([
    ['two parties, each named (DESIGN §7)', ['us', 'cn'], { us: 'conditional', cn: 'conditional' }, 'cn is conditional, us is conditional'],
    ['one without a stance', ['us', 'cn'], { cn: 'supports' }, 'us has no stance yet'],
    ['two sharing a stance stay named one by one', ['a', 'b', 'c'], { a: 'opposes', b: 'opposes', c: 'supports' }, 'a opposes, b opposes'],
    ['three sharing a stance are named together, where the first of them falls', ['a', 'b', 'c', 'd'], { a: 'opposes', b: 'opposes', d: 'opposes' }, '3 parties oppose: a, b, d; c has no stance yet'],
    ['each stance its own group', ['a', 'b', 'c', 'd', 'e', 'f', 'g'], { a: 'reserves', b: 'reserves', c: 'reserves', d: 'conditional', e: 'conditional', f: 'conditional', g: 'supports' }, '3 parties reserve: a, b, c; 3 parties are conditional: d, e, f'],
    ['nobody blocks, nobody supports', ['a', 'b'], { a: 'abstains', b: 'abstains' }, 'no party supports'],
    ['reached', ['a', 'b'], { a: 'supports', b: 'abstains' }, undefined],
  ])('%s', (_case, parties, stances, reason) => {
    expect(consensusOf(parties, latest(stances)).reason).toBe(reason);
  });

  it('a track of 57 parties, one conditional and 55 without a stance: one phrase for the 55, every party still named once', () => {
    const consensus = consensusOf(wide, latest({ p00: 'supports', p01: 'conditional' }));
    expect(consensus.reason).toBe(`p01 is conditional; 55 parties have no stance yet: ${wide.slice(2).join(', ')}`);
    expect(consensus.blockingParties).toEqual(wide.slice(1));
    // 1,227 characters before, the phrase repeated 55 times.
    expect(consensus.reason!.match(/no stance yet/g)).toHaveLength(1);
  });
});
