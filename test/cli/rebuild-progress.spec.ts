import { type CliIo, progressReporter, progressTime } from '../../src/cli/cli-io.js';
import { summaryLine } from '../../src/cli/commands/rebuild.command.js';
import type { RebuildResult } from '../../src/projections/read-model/rebuild.js';
import { plural } from '../../src/shared/plural.js';

/** Stderr as a terminal, so that progressReporter draws cli-progress's bar. */
const terminal = (): CliIo & { text: () => string } => {
  const chunks: string[] = [];
  const err = {
    isTTY: true,
    columns: 200,
    write: (chunk: string) => chunks.push(String(chunk)) > 0,
    on: () => err,
    once: () => err,
    removeListener: () => err,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  } as unknown as NodeJS.WriteStream;
  return { out: err, err, text: () => chunks.join('') };
};

describe('rebuild summary and progress bar wording', () => {
  const result = (events: number, streams: number, tracks: number): RebuildResult => ({ events, streams, tracks, durationMs: 1234, eventsPerSecond: 99 });

  it('says 1 track, 1 stream, 1 event in the singular and the rest in the plural', () => {
    expect(summaryLine(result(1, 1, 1), '/d/read-models.sqlite')).toBe('rebuild: 1 event, 1 stream, 1 track in 1.23 s (99 events/s) into /d/read-models.sqlite\n');
    expect(summaryLine(result(135, 22, 2), '/d/read-models.sqlite')).toBe('rebuild: 135 events, 22 streams, 2 tracks in 1.23 s (99 events/s) into /d/read-models.sqlite\n');
    expect(summaryLine(result(0, 0, 0), '/d/r')).toMatch(/^rebuild: 0 events, 0 streams, 0 tracks in /);
    expect(plural(1, 'track')).toBe('1 track');
  });

  it('the bar never shows cli-progress\'s NULL or INF estimate as "eta LLs" or "eta NFs"', async () => {
    // Done at once: no rate measured (NULL).
    const done = terminal();
    const atOnce = progressReporter(done, 'rebuild', 10);
    atOnce.update(10);
    atOnce.stop();
    expect(done.text()).toContain('10/10 events');
    expect(done.text()).not.toMatch(/eta (LL|NF)s/);
    expect(done.text()).toContain('eta --');

    // No progress over time (INF).
    const stuck = terminal();
    const slow = progressReporter(stuck, 'rebuild', 10);
    slow.update(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    slow.update(1);
    slow.stop();
    expect(stuck.text()).toContain('1/10 events');
    expect(stuck.text()).not.toMatch(/eta (LL|NF)s/);
  });

  it('a real estimate is still formatted the way cli-progress does', () => {
    const options = { autopaddingChar: ' ' } as Parameters<typeof progressTime>[1];
    expect(progressTime(5, options, 5)).toBe(' 5s');
    expect(progressTime(125, options, 5)).toBe(' 2m 5s');
    expect(progressTime(Number.NaN, options, 5)).toBe('--');
    expect(progressTime('NULL' as unknown as number, options, 5)).toBe('--');
    expect(progressTime('INF' as unknown as number, options, 5)).toBe('--');
  });
});
