import fc from 'fast-check';
import { boardOf } from '../../src/projections/projections/board.projection.js';
import { resolveCut } from '../../src/projections/projections/cut.js';
import { foldTrack } from '../../src/projections/projections/track.projection.js';
import { type Cut, referenceBoard } from './reference-board.js';
import { cutsOf, historyOf, stepArb, TRACKS } from './read-model.support.js';

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('the board against an independent reference fold (reference-board.ts)', () => {
  it('for random histories and random cuts, every row of every track is the reference\'s', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 5, maxLength: 80 }), fc.array(fc.nat(10_000), { minLength: 6, maxLength: 6 }), (steps, seeds) => {
        const events = historyOf(steps).events;
        for (const cut of [{}, ...cutsOf(events, seeds)] as Cut[]) {
          for (const trackId of TRACKS) {
            const track = foldTrack(trackId, events, resolveCut(cut));
            const actual = track.registry === null ? null : plain(boardOf(track).rows);
            expect({ cut, trackId, rows: actual }).toEqual({ cut, trackId, rows: referenceBoard(events, trackId, cut) });
          }
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
