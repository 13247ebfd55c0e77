import { acceptsQueryToken, normalizePattern, policyOf } from '../../src/auth/route-policy.js';

describe('route access table', () => {
  it.each([
    ['POST', '/tracks', ['clerk']],
    ['POST', '/norms/:normId/positions', ['clerk']],
    ['POST', '/norms/:id/positions', ['clerk']],
    ['GET', '/tracks/:trackId/board', ['viewer', 'auditor', 'clerk']],
    ['HEAD', '/tracks/:trackId/board', ['viewer', 'auditor', 'clerk']],
    ['GET', '/audit/events', ['auditor']],
    ['POST', '/audit/checkpoints', ['auditor', 'clerk']],
    ['POST', '/projections/rebuild', ['auditor', 'clerk']],
    ['GET', '/health', 'public'],
    ['GET', '/', 'public'],
    ['GET', '/docs', 'public'],
    ['GET', '/docs/', 'public'],
    ['GET', '/docs/*', 'public'],
    ['GET', '/docs/openapi.json', 'public'],
  ])('%s %s → %j', (method, pattern, policy) => {
    expect(policyOf(method, pattern)).toEqual(policy);
  });

  it.each([
    ['POST', '/docs/openapi.json'],
    ['GET', '/docsx'],
    ['DELETE', '/tracks'],
    ['GET', '/tracks/:trackId/secrets'],
    ['POST', '/health'],
    ['GET', '/*'],
  ])('refuses what it does not know: %s %s', (method, pattern) => {
    expect(policyOf(method, pattern)).toBeUndefined();
  });

  it('ignores parameter names and a trailing slash', () => {
    expect(normalizePattern('/sessions/:sessionId/action-items/:actionItemId/complete/')).toBe('/sessions/:/action-items/:/complete');
  });

  it('takes a token from the query string only on the live board stream', () => {
    expect(acceptsQueryToken('GET', '/tracks/:trackId/board/live')).toBe(true);
    expect(acceptsQueryToken('GET', '/tracks/:trackId/board')).toBe(false);
    expect(acceptsQueryToken('POST', '/tracks')).toBe(false);
  });
});
