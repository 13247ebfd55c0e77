import type { Logger } from '@nestjs/common';

/**
 * At most this many 401 and 403 lines a window; the rest are counted into one summary line. A soak
 * audit's flood of bad tokens, within its rate limit, wrote 1.26M lines (266 MB) in 4 minutes. Fifty
 * a minute still shows an operator each refusal of ordinary use, and the first of any flood in full.
 */
export const REFUSAL_LINES_PER_WINDOW = 50;
export const REFUSAL_WINDOW_MS = 60_000;
/** A summary names the callers refused most; the others are one count (a token file may name many). */
const CALLERS_NAMED = 5;

const count = new Intl.NumberFormat('en-US');

/** `12,000 × 401, 345 × 403`, by status. */
const byStatus = (statuses: ReadonlyMap<number, number>): string =>
  [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${count.format(n)} × ${status}`).join(', ');

/** `unknown token 12,000, auditor 345`, most refused first. */
const byCaller = (callers: ReadonlyMap<string, number>): string => {
  const sorted = [...callers].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  const named = sorted.slice(0, CALLERS_NAMED).map(([caller, n]) => `${caller} ${count.format(n)}`);
  const others = sorted.slice(CALLERS_NAMED);
  if (others.length > 0) named.push(`${others.length} other caller${others.length === 1 ? '' : 's'} ${count.format(others.reduce((sum, [, n]) => sum + n, 0))}`);
  return named.join(', ');
};

/** The line that stands for the refusals a window did not write one by one. */
const refusalSummary = (statuses: ReadonlyMap<number, number>, callers: ReadonlyMap<string, number>, seconds: number, written: number): string => {
  const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
  return `${count.format(total)} more refusals in the last ${seconds} s, not logged one by one after the first ${written}: ${byStatus(statuses)}; by caller: ${byCaller(callers)}`;
};

interface Window {
  readonly startedAt: number;
  readonly endsAt: number;
  written: number;
  /** What was counted, not written: by status and by caller (both few: statuses 401 and 403, callers the token names). */
  readonly statuses: Map<number, number>;
  readonly callers: Map<string, number>;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Writes refusal lines at `warn`, at most `limit` in each fixed window (starting at the window's
 * first refusal, as the rate limiter's do), and one summary line for the rest when the window ends.
 * An unref'd timer writes that summary, so that it comes even when the flood stops, without keeping
 * the process up; close() (the app's) writes what it holds and clears the timer.
 */
export class RefusalLog {
  private window: Window | undefined;
  private closed = false;

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly now: () => number = Date.now,
    private readonly limit = REFUSAL_LINES_PER_WINDOW,
    private readonly windowMs = REFUSAL_WINDOW_MS,
  ) {}

  /** `line` is asked only when it is written. */
  refused(status: number, caller: string, line: () => string): void {
    // Requests still answered while the server closes: few, and no timer may outlive close().
    if (this.closed) {
      this.logger.warn(line());
      return;
    }
    const now = this.now();
    if (this.window !== undefined && this.window.endsAt <= now) this.flush();
    const window: Window = (this.window ??= { startedAt: now, endsAt: now + this.windowMs, written: 0, statuses: new Map<number, number>(), callers: new Map<string, number>() });
    if (window.written < this.limit) {
      window.written += 1;
      this.logger.warn(line());
      return;
    }
    window.statuses.set(status, (window.statuses.get(status) ?? 0) + 1);
    window.callers.set(caller, (window.callers.get(caller) ?? 0) + 1);
    if (window.timer === undefined) {
      window.timer = setTimeout(() => this.flush(), Math.max(0, window.endsAt - now));
      window.timer.unref();
    }
  }

  /** Writes the summary of what the current window counted (if anything), and ends it. */
  flush(): void {
    const window = this.window;
    if (window === undefined) return;
    this.window = undefined;
    if (window.timer !== undefined) clearTimeout(window.timer);
    if (window.statuses.size === 0) return;
    // At the window's end (the timer, or a refusal after it) that is the window; at close(), the part gone by.
    const seconds = Math.max(1, Math.ceil((Math.min(this.now(), window.endsAt) - window.startedAt) / 1000));
    this.logger.warn(refusalSummary(window.statuses, window.callers, seconds, window.written));
  }

  /** The app closes: what was counted is written now, and no timer is left. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
