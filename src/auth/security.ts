import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRequire } from 'node:module';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import { AccessControl, redactQueryToken } from './access-control.js';
import { installAccessLog } from './access-log.js';
import { RateLimiter, TooManyRequestsError } from './rate-limiter.js';
import { RequestValidationError } from '../shared/http/validation.js';

/**
 * No command body nests anywhere near this deep; class-transformer recurses into every level and
 * overflows the stack at about 2,000, which would be a 500.
 */
export const MAX_BODY_DEPTH = 64;

/** Iterative on purpose: a recursive walk would overflow on exactly the bodies it is there to stop. */
export const nestingDepth = (value: unknown, limit: number): number => {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) if (child !== null && typeof child === 'object') stack.push([child, level]);
  }
  return deepest;
};
import { policyOf } from './route-policy.js';

/**
 * The docs (Swagger UI) and the dashboard load only their own scripts; Swagger UI's inline
 * <style> needs 'unsafe-inline' for styles, its icons data: images. No upgrade-insecure-requests:
 * the default deployment is plain HTTP on 127.0.0.1, where it would break every asset.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

type HelmetMiddleware = (request: unknown, response: unknown, next: (error?: unknown) => void) => void;

/**
 * The header set helmet writes for this policy, computed once at start-up. @fastify/helmet 13
 * builds a new helmet middleware (and parses the policy again) on every request, which cost about
 * 3% of a command's CPU; the headers never vary per request here (no CSP nonces). helmet is
 * resolved from @fastify/helmet's own dependency, so the version is the one that plugin pins.
 */
export const securityHeaders = (): { readonly set: ReadonlyArray<readonly [string, string]>; readonly remove: readonly string[] } => {
  const fromPlugin = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'));
  const helmet = fromPlugin('helmet') as (options: object) => HelmetMiddleware;
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void remove.push(name),
    getHeader: () => undefined,
  };
  let failure: unknown;
  let finished = false;
  helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY })({}, recorder, (error) => {
    failure = error;
    finished = true;
  });
  // helmet 8 is synchronous; anything else would mean headers could differ per request.
  if (!finished || failure !== undefined) throw new Error(`helmet did not produce a static header set: ${String(failure ?? 'not synchronous')}`);
  return { set, remove };
};

const ROUTES = new WeakMap<NestFastifyApplication, ReadonlyArray<{ method: string; url: string }>>();

/** Every route registered on the app since applySecurity ran (all of them, from createApp). */
export const registeredRoutes = (app: NestFastifyApplication): ReadonlyArray<{ method: string; url: string }> => ROUTES.get(app) ?? [];

const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Correlation-Id', 'Last-Event-ID'];
const CORS_EXPOSED_HEADERS = ['ETag', 'X-Correlation-Id', 'Retry-After', 'WWW-Authenticate'];

/**
 * Everything global on the Fastify app that keeps it safe: security headers, CORS (only for the
 * configured origins), then one onRequest hook for rate limits and the access check, so a
 * refused request is refused before its body is even read. Call before any route is
 * added and after the correlation-id hook (so refusals carry X-Correlation-Id).
 */
const HEALTH_ROUTES: ReadonlySet<string> = new Set(['/health', '/health/ready']);

export const applySecurity = async (app: NestFastifyApplication, config: AppConfig): Promise<void> => {
  const fastify = app.getHttpAdapter().getInstance();
  const routes: Array<{ method: string; url: string }> = [];
  ROUTES.set(app, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  const headers = securityHeaders();
  // On the raw response, as helmet does, so that every answer (refusals included) carries them.
  fastify.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const raw = reply.raw;
    for (const [name, value] of headers.set) raw.setHeader(name, value);
    for (const name of headers.remove) raw.removeHeader(name);
    // Answers carry the record and tokens' refusals: no shared or browser cache keeps them. A route
    // that may be cached says so itself (the dashboard's files: no-cache), which overrides this.
    raw.setHeader('Cache-Control', 'no-store');
    done();
  });
  if (config.corsOrigins !== undefined) {
    app.enableCors({
      origin: [...config.corsOrigins],
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: CORS_REQUEST_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
    });
  }
  const access = app.get(AccessControl);
  const limits = app.get(RateLimiter);
  installAccessLog(fastify, access);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    redactQueryToken(request);
    try {
      // Health probes (a load balancer's, an orchestrator's) are never throttled: a 429 would read as down.
      // One that sends a token this server does not know is: the details a known token gets would
      // otherwise make the probes an unthrottled way to try tokens.
      const probe = HEALTH_ROUTES.has(request.routeOptions.url ?? '');
      if (!probe || (request.headers.authorization !== undefined && access.callerOf(request) === undefined)) limits.address(request.ip);
      access.check(request, reply);
      if (request.principal !== undefined) limits.token(request.principal.name);
    } catch (error) {
      if (error instanceof TooManyRequestsError) void reply.header('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  });

  fastify.addHook('preValidation', async (request: FastifyRequest) => {
    if (request.body !== null && typeof request.body === 'object' && nestingDepth(request.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      throw new RequestValidationError([{ field: '(body)', message: `must not nest objects or arrays more than ${MAX_BODY_DEPTH} levels deep` }], `the request body nests more than ${MAX_BODY_DEPTH} levels deep`);
    }
  });

  fastify.addHook('onReady', async () => {
    const unlisted = routes.filter((route) => policyOf(route.method, route.url) === undefined).map((route) => `${route.method} ${route.url}`);
    if (unlisted.length > 0) {
      new Logger('Access').warn(`no access rule, so refused to everyone (add them to src/auth/route-policy.ts): ${unlisted.join(', ')}`);
    }
  });
};
