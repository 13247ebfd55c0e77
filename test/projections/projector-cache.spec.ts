import { openReadModelDb } from '../../src/projections/read-model/read-model.database.js';
import { type IncomingEvent, Projector } from '../../src/projections/read-model/projector.js';
import { LedgerBuilder } from './ledger-builder.js';
import { incomingOf } from './read-model.support.js';

/** Applies `events` in batches of `size`, returning the largest cache seen after a batch. */
const peakCache = (projector: Projector, events: readonly IncomingEvent[], size: number): number => {
  let peak = 0;
  for (let at = 0; at < events.length; at += size) {
    projector.applyBatch(events.slice(at, at + size));
    peak = Math.max(peak, projector.cachedEntries);
  }
  return peak;
};

describe('Projector caches between batches (a server that runs for weeks)', () => {
  it('stay within maxCachedStreams on a log of many small tracks: a registry, a transaction time and a stream per track count', () => {
    const ledger = new LedgerBuilder().today('2026-01-05');
    for (let i = 0; i < 300; i++) {
      ledger.track(`t${i}`);
      ledger.party(`t${i}`, 'us');
    }
    const db = openReadModelDb(':memory:');
    try {
      const projector = new Projector(db, { maxCachedStreams: 40 });
      expect(peakCache(projector, ledger.events.map(incomingOf), 10)).toBeLessThanOrEqual(40);
      // What was dropped is read back when needed: every track is there, with its party.
      expect(db.prepare('SELECT COUNT(*) FROM tracks').pluck().get()).toBe(300);
      expect(projector.registry('t7')?.parties.map((p) => p.partyId)).toEqual(['us']);
    } finally {
      db.close();
    }
  });

  it('stay within maxCachedStreams on a log of many subjects of one track', () => {
    const ledger = new LedgerBuilder().today('2026-01-05');
    ledger.track('seg');
    ledger.party('seg', 'us');
    for (let i = 0; i < 200; i++) ledger.append(`topic-tp${i}`, 'TopicOpened', { trackId: 'seg', topicId: `tp${i}`, title: `Topic ${i}` });
    const db = openReadModelDb(':memory:');
    try {
      const projector = new Projector(db, { maxCachedStreams: 40 });
      expect(peakCache(projector, ledger.events.map(incomingOf), 10)).toBeLessThanOrEqual(40);
      expect(db.prepare('SELECT COUNT(*) FROM subjects').pluck().get()).toBe(200);
    } finally {
      db.close();
    }
  });
});
