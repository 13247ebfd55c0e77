import fc from 'fast-check';
import { verifyStore } from '../../src/audit/application/verify-ledger.query.js';
import { openLedger, removeDir, rowAt, rows, seedLedger, updateRow } from './support/ledger-fixture.js';

const TEXT_COLUMNS = ['stream_id', 'event_id', 'type', 'data', 'metadata'] as const;

/** One byte of one stored event: a character of a text column, or one bit of the revision. */
const edit = fc.record({
  row: fc.nat(),
  column: fc.constantFrom(...TEXT_COLUMNS, 'revision' as const),
  index: fc.nat(),
  replacement: fc.integer({ min: 0x20, max: 0x7e }),
  bit: fc.integer({ min: 0, max: 6 }),
});

describe('any single-byte edit of a stored event', () => {
  it('is found and names the edited event (100 random edits)', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(edit, async ({ row, column, index, replacement, bit }) => {
        const ledger = openLedger();
        try {
          await seedLedger(ledger);
          const all = rows(ledger.store);
          const target = all[row % all.length]!;
          let value: string | number;
          if (column === 'revision') {
            value = target.revision ^ (1 << bit);
          } else {
            const text = target[column];
            const at = index % text.length;
            let char = String.fromCharCode(replacement);
            if (char === text[at]) char = char === 'x' ? 'y' : 'x';
            value = text.slice(0, at) + char + text.slice(at + 1);
          }
          try {
            updateRow(ledger.store, target.position, column, value);
          } catch {
            // The edit collides with a unique key (same stream and revision, or event id): SQLite refuses it.
            fc.pre(false);
          }
          const edited = rowAt(ledger.store, target.position);
          const report = await verifyStore(ledger.store, [ledger.signer.publicKey]);
          const named = report.problems.filter((problem) => problem.position === String(target.position));
          if (report.ok || named.length === 0) {
            throw new Error(`edit of ${column} at position ${target.position} to ${JSON.stringify(value)} not named: ${JSON.stringify(report.problems)}`);
          }
          for (const problem of named) {
            expect(problem.eventId).toBe(edited.event_id);
            expect(problem.streamId).toBe(edited.stream_id);
            expect(problem.revision).toBe(edited.revision);
          }
          checked++;
        } finally {
          await ledger.close();
          removeDir(ledger.dir);
        }
      }),
      { numRuns: 100 },
    );
    expect(checked).toBe(100);
  });
});
