import { HttpException, HttpStatus } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';

export interface RateLimitVerdict {
  readonly allowed: boolean;
  /** Seconds until the window that refused this request ends. */
  readonly retryAfterSeconds: number;
}

/**
 * Fixed-window request budgets per key, in memory. Expired windows are swept when the map grows,
 * so a flood of distinct keys cannot grow it without bound for longer than one window.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private sweepAt = 10_000;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): RateLimitVerdict {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      if (this.windows.size >= this.sweepAt) this.sweep(now);
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= this.limit, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    this.sweepAt = Math.max(10_000, this.windows.size * 2);
  }
}

export class TooManyRequestsError extends HttpException {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Two budgets per window, each shared by every route: one per client address (every request,
 * refused ones included, so guessing tokens costs budget) and one per token name. A limit of 0
 * turns its budget off.
 *
 * Not @nestjs/throttler: its 6.x (the newest) is CommonJS and requires @nestjs/common, which is
 * ESM-only in Nest 12; Node 20.20 copes, but Jest 30 on Node 20 cannot load it, so every e2e
 * suite would fail to start. Its guard also runs only after the body has been parsed.
 */
export class RateLimiter {
  private readonly perAddress: FixedWindowCounter | undefined;
  private readonly perToken: FixedWindowCounter | undefined;
  private readonly windowSeconds: number;

  constructor(
    private readonly limits: AppConfig['rateLimit'],
    now: () => number = Date.now,
  ) {
    this.windowSeconds = limits.windowSeconds;
    const windowMs = limits.windowSeconds * 1000;
    this.perAddress = limits.perAddress > 0 ? new FixedWindowCounter(limits.perAddress, windowMs, now) : undefined;
    this.perToken = limits.perToken > 0 ? new FixedWindowCounter(limits.perToken, windowMs, now) : undefined;
  }

  /** Throws TooManyRequestsError (429) when the address has spent its budget. */
  address(ip: string): void {
    const verdict = this.perAddress?.hit(ip);
    if (verdict !== undefined && !verdict.allowed) {
      throw new TooManyRequestsError(`too many requests from this address (${this.limits.perAddress} per ${this.windowSeconds} s); retry after ${verdict.retryAfterSeconds} s`, verdict.retryAfterSeconds);
    }
  }

  /** Throws TooManyRequestsError (429) when the token has spent its budget. */
  token(name: string): void {
    const verdict = this.perToken?.hit(name);
    if (verdict !== undefined && !verdict.allowed) {
      throw new TooManyRequestsError(`too many requests with this token (${this.limits.perToken} per ${this.windowSeconds} s); retry after ${verdict.retryAfterSeconds} s`, verdict.retryAfterSeconds);
    }
  }
}
