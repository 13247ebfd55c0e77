import type { Role } from '../config/app-config.js';

/** Who may use a route: nobody needs a token, or a token of one of these roles. */
export type RoutePolicy = 'public' | readonly Role[];

const CLERK: readonly Role[] = ['clerk'];
const READERS: readonly Role[] = ['viewer', 'auditor', 'clerk'];
const AUDITOR: readonly Role[] = ['auditor'];
const AUDITOR_OR_CLERK: readonly Role[] = ['auditor', 'clerk'];

/**
 * GET routes open to anyone whose pattern is one of these paths or lies below one of them: the
 * API docs and the dashboard's static assets (the page asks for a token itself).
 */
export const PUBLIC_GET_PREFIXES: readonly string[] = ['/docs', '/assets'];

const each = (kinds: readonly string[], path: (kind: string) => string): string[] => kinds.map(path);

/**
 * THE access table (DESIGN.md §7): `METHOD /route/:pattern` → roles. Parameter names do not
 * matter (`/norms/:id` and `/norms/:normId` are one route). Anything not listed here, and not
 * under a public prefix, is refused: a new route is unreachable until it is given a rule.
 * HEAD follows GET.
 */
const TABLE: ReadonlyArray<readonly [method: string, patterns: readonly string[], policy: RoutePolicy]> = [
  ['GET', ['/', '/health', '/health/ready', '/docs-yaml'], 'public'],
  // CORS preflights carry no credentials by design; @fastify/cors answers them.
  ['OPTIONS', ['*'], 'public'],

  ['POST', [
    '/tracks',
    '/tracks/:trackId/parties',
    '/tracks/:trackId/agencies',
    '/tracks/:trackId/delegates',
    '/tracks/:trackId/sessions',
    '/tracks/:trackId/norms',
    '/tracks/:trackId/cbms',
    '/tracks/:trackId/topics',
    '/sessions/:sessionId/reschedule',
    '/sessions/:sessionId/cancel',
    '/sessions/:sessionId/held',
    '/sessions/:sessionId/decisions',
    '/sessions/:sessionId/action-items',
    '/sessions/:sessionId/action-items/:actionItemId/complete',
    '/sessions/:sessionId/minutes/circulate',
    '/sessions/:sessionId/minutes/silence-procedure',
    '/sessions/:sessionId/minutes/silence-broken',
    '/sessions/:sessionId/minutes/adopt',
    ...each(['norms', 'cbms', 'topics'], (kind) => `/${kind}/:id/positions`),
    ...each(['norms', 'cbms'], (kind) => `/${kind}/:id/decisions`),
    ...each(['norms', 'cbms'], (kind) => `/${kind}/:id/withdrawal`),
    '/norms/:id/capital-responses',
    '/cbms/:id/links',
    '/cbms/:id/implementation-reports',
    '/cbms/:id/suspension',
    '/cbms/:id/resumption',
    ...each(['sessions', 'norms', 'cbms', 'topics'], (kind) => `/${kind}/:id/corrections`),
  ], CLERK],

  ['GET', [
    '/tracks',
    '/tracks/:trackId',
    '/tracks/:trackId/board',
    '/tracks/:trackId/board/live',
    '/tracks/:trackId/matrix',
    '/tracks/:trackId/sessions',
    '/sessions/:sessionId',
    ...each(['norms', 'cbms', 'topics'], (kind) => `/${kind}/:id`),
  ], READERS],

  ['GET', ['/audit/events', '/audit/streams/:streamId', '/audit/checkpoints', '/audit/public-key', '/audit/bundle'], AUDITOR],
  ['POST', ['/audit/verify'], AUDITOR],
  ['POST', ['/audit/checkpoints', '/projections/rebuild'], AUDITOR_OR_CLERK],
];

/**
 * Routes on which a browser's EventSource, which cannot send headers, may pass its token as
 * `?access_token=` (RFC 6750 §2.3). The token is cut from the URL before anything can log it.
 */
const QUERY_TOKEN_ROUTES: readonly string[] = ['GET /tracks/:/board/live'];

/** `/norms/:normId/positions` → `/norms/:/positions`. */
export const normalizePattern = (pattern: string): string => {
  const withoutSlash = pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
  return withoutSlash.replace(/:[^/]+/g, ':');
};

const keyOf = (method: string, pattern: string): string => `${method === 'HEAD' ? 'GET' : method.toUpperCase()} ${normalizePattern(pattern)}`;

const RULES: ReadonlyMap<string, RoutePolicy> = new Map(
  TABLE.flatMap(([method, patterns, policy]) => patterns.map((pattern) => [keyOf(method, pattern), policy] as const)),
);

const QUERY_TOKEN_KEYS: ReadonlySet<string> = new Set(QUERY_TOKEN_ROUTES);

const isUnderPublicPrefix = (pattern: string): boolean =>
  PUBLIC_GET_PREFIXES.some((prefix) => pattern === prefix || pattern.startsWith(`${prefix}/`));

/** The policy of a registered route, or undefined when the table does not know it (refused). */
export const policyOf = (method: string, pattern: string): RoutePolicy | undefined => {
  const key = keyOf(method, pattern);
  const rule = RULES.get(key);
  if (rule !== undefined) return rule;
  return key.startsWith('GET ') && isUnderPublicPrefix(pattern) ? 'public' : undefined;
};

export const acceptsQueryToken = (method: string, pattern: string): boolean => QUERY_TOKEN_KEYS.has(keyOf(method, pattern));
