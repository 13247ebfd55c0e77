import { ROLES } from '../../src/config/app-config.js';
import { normalizePattern, policyOf } from '../../src/auth/route-policy.js';
import { registeredRoutes } from '../../src/auth/security.js';
import { authorization, type AuthApp, type Caller, isProblem, PROBLEM_JSON, printedRoutes, startAuthApp } from './support/auth-app.js';

/**
 * Every route the application registers × every kind of caller, from the app's own router: a
 * route added without a rule in src/auth/route-policy.ts fails here.
 */
describe('access matrix (every registered route × every caller)', () => {
  let t: AuthApp;
  let base: string;
  beforeAll(async () => {
    t = await startAuthApp();
    base = `http://127.0.0.1:${(t.fastify.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await t.close();
  });

  const CALLERS: readonly Caller[] = [...ROLES, 'none', 'unknown'];

  /** Status only: the body is dropped (and a live stream is cut) once the headers are in. */
  const statusOf = async (method: string, url: string, caller: Caller): Promise<{ status: number | 'open-stream'; headers: Headers; body: string }> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3000);
    try {
      const response = await fetch(`${base}${url}`, { method, headers: authorization(caller), signal: controller.signal });
      const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
      const body = streaming ? '' : await response.text();
      if (streaming) await response.body?.cancel();
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if ((error as Error).name === 'AbortError') return { status: 'open-stream', headers: new Headers(), body: '' };
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  const concrete = (pattern: string): string => pattern.replace(/:[^/]+/g, 'zz-missing').replace(/\*/g, 'x');

  it('sees every route Fastify prints (the onRoute record is complete)', () => {
    // printRoutes merges parameter names of one position (`:normId|:id`), so compare normalized.
    const seen = new Set(registeredRoutes(t.app).map((route) => `${route.method} ${normalizePattern(route.url)}`));
    const printed = printedRoutes(t.fastify).filter((route) => !route.url.includes('*')).map((route) => `${route.method} ${normalizePattern(route.url)}`);
    expect(printed.length).toBeGreaterThan(20);
    expect(printed.filter((route) => !seen.has(route))).toEqual([]);
  });

  it('has a rule for every registered route', () => {
    const unlisted = registeredRoutes(t.app)
      .filter((route) => route.method !== 'OPTIONS')
      .filter((route) => policyOf(route.method, route.url) === undefined)
      .map((route) => `${route.method} ${route.url}`);
    expect(unlisted).toEqual([]);
  });

  it('answers each caller as the table says, with problem+json refusals', async () => {
    const routes = registeredRoutes(t.app).filter((route) => route.method !== 'OPTIONS');
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const policy = policyOf(route.method, route.url);
      for (const caller of CALLERS) {
        const expected: 'pass' | 401 | 403 =
          policy === undefined ? 403
          : policy === 'public' ? 'pass'
          : caller === 'none' || caller === 'unknown' ? 401
          : policy.includes(caller) ? 'pass' : 403;
        const answer = await statusOf(route.method, concrete(route.url), caller);
        checked += 1;
        const label = `${route.method} ${route.url} as ${caller}: expected ${expected}, got ${answer.status}`;
        if (expected === 'pass') {
          if (answer.status === 401 || answer.status === 403) failures.push(label);
          continue;
        }
        if (answer.status !== expected) {
          failures.push(label);
          continue;
        }
        if (route.method !== 'HEAD') {
          const problem = { statusCode: expected, headers: Object.fromEntries(answer.headers.entries()), body: answer.body, json: () => JSON.parse(answer.body) };
          if (!isProblem(problem)) failures.push(`${label} but not problem+json: ${answer.headers.get('content-type')} ${answer.body}`);
        } else if (answer.headers.get('content-type') !== PROBLEM_JSON) {
          failures.push(`${label} but ${answer.headers.get('content-type')}`);
        }
        const challenge = answer.headers.get('www-authenticate');
        if (expected === 401 && !(challenge ?? '').startsWith('Bearer realm="norms-ledger"')) failures.push(`${label} without WWW-Authenticate (${challenge})`);
        if (expected === 403 && challenge !== null) failures.push(`${label} with WWW-Authenticate on a 403`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(routes.length * CALLERS.length);
  });
});
