import { HttpException, HttpStatus } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import type { AppConfig } from '../config/app-config.js';

export interface RateLimitVerdict {
  readonly allowed: boolean;
  /** Seconds until the window that refused this request ends. */
  readonly retryAfterSeconds: number;
}

/** Below this many keys a counter is not swept for its size (it still is once a window). */
const SWEEP_FLOOR = 10_000;

/**
 * Fixed-window request budgets per key, in memory. Expired windows are swept when the map has
 * doubled since the last sweep (a flood of distinct keys within one window), and at least once a
 * window: once a flood has passed, its keys go within about one window of the next request,
 * instead of staying until the map doubles again.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private sweepAt = SWEEP_FLOOR;
  private lastSweep: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  /** Keys held (expired ones included until the next sweep). */
  get size(): number {
    return this.windows.size;
  }

  hit(key: string): RateLimitVerdict {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      if (this.windows.size >= this.sweepAt || now - this.lastSweep >= this.windowMs) this.sweep(now);
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= this.limit, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    this.sweepAt = Math.max(SWEEP_FLOOR, this.windows.size * 2);
    this.lastSweep = now;
  }
}

/**
 * The key an address's budget is kept under: an IPv4 address as it is (an IPv4-mapped IPv6 one,
 * `::ffff:192.0.2.1`, as that IPv4 address), an IPv6 address by its /64, the block one subscriber
 * or one LAN is given: a client holding a /64 would otherwise have 2^64 budgets, and as many keys.
 */
export const addressKey = (ip: string): string => {
  if (!ip.includes(':') || !ipaddr.isValid(ip)) return ip;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
};

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

  /** Throws TooManyRequestsError (429) when the address (an IPv6 one: its /64) has spent its budget. */
  address(ip: string): void {
    const verdict = this.perAddress?.hit(addressKey(ip));
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
