import { jest } from '@jest/globals';
import { REFUSAL_LINES_PER_WINDOW, RefusalLog } from '../../src/auth/refusal-log.js';
import { type AuthApp, type Caller, startAuthApp } from './support/auth-app.js';

/*
 * A soak audit's flood of bad tokens wrote 1.26M WARN lines (266 MB) in 4 minutes: one per 401 and
 * 403. Now at most 50 a minute are written one by one, and one line sums up the rest; at debug
 * (the operator asked for everything) every request still has its line.
 */
const LIMIT = 50;
const SUMMARY = /WARN \[Access\] (\d[\d,]*) more refusals in the last (\d+) s, not logged one by one after the first 50: (.*); by caller: (.*)$/;

describe('the access log bounds its refusal lines', () => {
  let t: AuthApp | undefined;
  const captured: string[] = [];
  const capture = (chunk: unknown): boolean => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const lines = (): string[] => captured.join('').split('\n').filter((line) => line.includes('[Access]'));
  const oneByOne = (): string[] => lines().filter((line) => line.includes(': refused: '));
  const summaries = (): string[] => lines().filter((line) => SUMMARY.test(line));

  /** `n` refusals: a 401 for a token no one knows, or a 403 for the auditor's POST. */
  const refuse = async (n: number, as: Extract<Caller, 'unknown' | 'auditor'> = 'unknown'): Promise<void> => {
    for (let i = 0; i < n; i += 1) {
      const answer = as === 'unknown'
        ? await t!.call({ method: 'GET', url: '/tracks', as })
        : await t!.call({ method: 'POST', url: '/tracks', as, payload: { trackId: 'thr', name: 'x', effectiveOn: '2026-01-05' } });
      expect(answer.statusCode).toBe(as === 'unknown' ? 401 : 403);
    }
  };

  const start = async (level: string): Promise<void> => {
    jest.spyOn(process.stdout, 'write').mockImplementation(capture as never);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture as never);
    // Date and timers fake but moving with the real clock (the server's own timers keep working);
    // advanceTimersByTime moves past a window's end without waiting for it.
    jest.useFakeTimers({ advanceTimers: true, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    t = await startAuthApp({ LOG_LEVEL: level }, {});
  };

  afterEach(async () => {
    await t?.close();
    t = undefined;
    jest.useRealTimers();
    jest.restoreAllMocks();
    captured.length = 0;
  });

  it('writes the first 50 refusals of a window one by one, then one summary with the count when the window ends, then one by one again', async () => {
    await start('info');
    await refuse(40);
    await refuse(20, 'auditor');
    // (a) the first 50 one by one, as before…
    expect(oneByOne()).toHaveLength(LIMIT);
    expect(oneByOne()[0]).toMatch(/WARN \[Access\] GET \/tracks 401 [\d.]+ ms, unknown token \[[0-9a-f-]{36}\]: refused: the token is not known/);
    expect(oneByOne()[LIMIT - 1]).toMatch(/WARN \[Access\] POST \/tracks 403 [\d.]+ ms, auditor \[[0-9a-f-]{36}\]: refused: the auditor role may not use POST \/tracks/);
    // (b) …then nothing per request, and no summary before the window ends.
    expect(summaries()).toEqual([]);

    // (d) no more traffic: the window's end writes the summary on its own.
    jest.advanceTimersByTime(60_000);
    expect(oneByOne()).toHaveLength(LIMIT);
    expect(summaries()).toHaveLength(1);
    expect(summaries()[0]).toMatch(/WARN \[Access\] 10 more refusals in the last 60 s, not logged one by one after the first 50: 10 × 403; by caller: auditor 10$/);
    jest.advanceTimersByTime(120_000);
    expect(summaries()).toHaveLength(1);

    // (c) a new window: one by one again.
    await refuse(3);
    expect(oneByOne()).toHaveLength(LIMIT + 3);
    expect(summaries()).toHaveLength(1);
    await t!.close();
    t = undefined;
    // Nothing was counted in that window: no summary at close.
    expect(summaries()).toHaveLength(1);
  }, 60_000);

  it('counts a flood into one line, split by status and by caller, with thousands separated', async () => {
    await start('info');
    await refuse(LIMIT + 1_200);
    await refuse(5, 'auditor');
    expect(oneByOne()).toHaveLength(LIMIT);
    jest.advanceTimersByTime(60_000);
    expect(summaries()).toEqual([expect.stringMatching(/ 1,205 more refusals in the last 60 s, not logged one by one after the first 50: 1,200 × 401, 5 × 403; by caller: unknown token 1,200, auditor 5$/)]);
  }, 60_000);

  it('writes the summary of what it counted when the app closes, and no timer fires afterwards', async () => {
    await start('info');
    await refuse(LIMIT + 7);
    jest.advanceTimersByTime(5_000);
    await t!.close();
    t = undefined;
    expect(oneByOne()).toHaveLength(LIMIT);
    expect(summaries()).toEqual([expect.stringMatching(/ 7 more refusals in the last \d s, not logged one by one after the first 50: 7 × 401; by caller: unknown token 7$/)]);
    const [, , seconds] = SUMMARY.exec(summaries()[0]!)!;
    expect(Number(seconds)).toBeGreaterThanOrEqual(5);
    expect(Number(seconds)).toBeLessThan(60);
    jest.advanceTimersByTime(120_000);
    expect(summaries()).toHaveLength(1);
  }, 60_000);

  it('at LOG_LEVEL=debug still writes every request, refusals included, and no summary', async () => {
    await start('debug');
    await refuse(LIMIT + 10);
    expect(oneByOne()).toHaveLength(LIMIT + 10);
    expect(oneByOne().every((line) => line.includes('WARN [Access] GET /tracks 401'))).toBe(true);
    jest.advanceTimersByTime(60_000);
    await t!.close();
    t = undefined;
    expect(summaries()).toEqual([]);
  }, 60_000);
});

describe('RefusalLog', () => {
  const written: string[] = [];
  const logger = { warn: (line: string) => void written.push(line) };
  let clock = 0;
  const now = (): number => clock;
  /** `n` refusals of one status and caller, the line numbered. */
  const refuse = (log: RefusalLog, n: number, status = 401, caller = 'unknown token'): void => {
    for (let i = 0; i < n; i += 1) log.refused(status, caller, () => `line ${written.length + 1}`);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
    written.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('is at most 50 lines a minute', () => {
    expect(REFUSAL_LINES_PER_WINDOW).toBe(LIMIT);
  });

  it('asks for a line only when it writes it', () => {
    const log = new RefusalLog(logger, now, 2, 60_000);
    const line = jest.fn(() => 'refused');
    for (let i = 0; i < 10; i += 1) log.refused(401, 'no token', line);
    expect(line).toHaveBeenCalledTimes(2);
    log.close();
  });

  it('sums up the window it ended at the next refusal, should that come before its timer', () => {
    const log = new RefusalLog(logger, now, 2, 60_000);
    refuse(log, 5);
    clock = 60_000;
    refuse(log, 1, 403, 'auditor');
    expect(written).toEqual(['line 1', 'line 2', '3 more refusals in the last 60 s, not logged one by one after the first 2: 3 × 401; by caller: unknown token 3', 'line 4']);
    // The old window's timer is gone with it.
    jest.advanceTimersByTime(120_000);
    expect(written).toHaveLength(4);
    log.close();
  });

  it('names the five callers refused most and counts the others together', () => {
    const log = new RefusalLog(logger, now, 1, 60_000);
    refuse(log, 1, 401, 'first');
    for (const [caller, n] of [['a', 1], ['b', 7], ['c', 3], ['d', 3], ['e', 2], ['f', 1], ['g', 1000]] as const) refuse(log, n, 403, caller);
    refuse(log, 4, 401, 'h');
    clock = 60_000;
    jest.advanceTimersByTime(60_000);
    expect(written).toEqual(['line 1', '1,021 more refusals in the last 60 s, not logged one by one after the first 1: 4 × 401, 1,017 × 403; by caller: g 1,000, b 7, h 4, c 3, d 3, 3 other callers 4']);
  });

  it('keeps no process alive: its timer is unref\'d, and close() clears it', () => {
    jest.useRealTimers();
    const timers = jest.spyOn(globalThis, 'setTimeout');
    const log = new RefusalLog(logger, now, 1, 60_000);
    refuse(log, 3);
    expect(timers).toHaveBeenCalledTimes(1);
    const timer = timers.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    clock = 12_500;
    log.close();
    expect(written).toEqual(['line 1', '2 more refusals in the last 13 s, not logged one by one after the first 1: 2 × 401; by caller: unknown token 2']);
    // After close, a late refusal (an answer that ends while the server closes) is written, with no timer.
    refuse(log, 2);
    expect(timers).toHaveBeenCalledTimes(1);
    expect(written).toHaveLength(4);
    timers.mockRestore();
  });
});
