import { addressKey, FixedWindowCounter, RateLimiter, TooManyRequestsError } from '../../src/auth/rate-limiter.js';

describe('FixedWindowCounter', () => {
  it('forgets a flood of distinct keys about one window after it, not only once the map doubles again', () => {
    let now = 0;
    const counter = new FixedWindowCounter(5, 60_000, () => now);
    // A flood: 30,000 addresses within one window (each sweep on the way finds nothing expired).
    for (let i = 0; i < 30_000; i++) counter.hit(`flood-${i}`);
    expect(counter.size).toBe(30_000);
    // Light traffic afterwards, from a few addresses, over two windows.
    for (let minute = 1; minute <= 2; minute++) {
      now = minute * 60_000 + 1;
      for (let i = 0; i < 10; i++) counter.hit(`steady-${i}`);
    }
    expect(counter.size).toBe(10);
  });

  it('still sweeps when a flood doubles the map within one window, and keeps the windows that have not ended', () => {
    let now = 1_000;
    const counter = new FixedWindowCounter(5, 60_000, () => now);
    for (let i = 0; i < 10_000; i++) counter.hit(`a-${i}`); // windows end at 61,000
    now = 30_000;
    for (let i = 0; i < 10_000; i++) counter.hit(`b-${i}`); // the first sweeps (10,000 keys) and finds nothing ended
    expect(counter.size).toBe(20_000);
    now = 61_001;
    // Less than a window since that sweep: the size (doubled) sweeps now; the a-windows have ended, the b-ones not.
    counter.hit('c');
    expect(counter.size).toBe(10_001);
    expect(counter.hit('b-7')).toEqual({ allowed: true, retryAfterSeconds: 29 });
  });

  it('counts a key within its window and refuses beyond the limit, with the seconds left', () => {
    let now = 0;
    const counter = new FixedWindowCounter(2, 10_000, () => now);
    expect(counter.hit('a').allowed).toBe(true);
    expect(counter.hit('a').allowed).toBe(true);
    now = 2_500;
    expect(counter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 8 });
    now = 10_000;
    expect(counter.hit('a').allowed).toBe(true);
  });
});

describe('addressKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:0:0:1', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not an address', 'not an address'],
  ])('%s → %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it('gives every address of one IPv6 /64 one budget, and another /64 its own', () => {
    const limiter = new RateLimiter({ perAddress: 3, perToken: 0, windowSeconds: 60 }, () => 0);
    for (const ip of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:abcd:ef01:2345:6789']) limiter.address(ip);
    expect(() => limiter.address('2001:db8:5:6::99')).toThrow(TooManyRequestsError);
    expect(() => limiter.address('2001:db8:5:7::1')).not.toThrow();
  });
});
