import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from '../shared/http/principal.js';
import { acceptsQueryToken, policyOf } from './route-policy.js';
import type { Principal, TokenRegistry } from './tokens.js';

export const AUTH_REALM = 'norms-ledger';
export const QUERY_TOKEN_PARAMETER = 'access_token';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** RFC 6750 b64token. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

const checked = new WeakSet<object>();

const unauthorized = (reply: FastifyReply, detail: string, error?: 'invalid_token' | 'invalid_request'): UnauthorizedException => {
  void reply.header('WWW-Authenticate', `Bearer realm="${AUTH_REALM}"${error === undefined ? '' : `, error="${error}"`}`);
  return new UnauthorizedException(detail);
};

/**
 * Cuts `access_token` values out of the URL before any hook, handler or error log sees it; the
 * token stays readable from the parsed query for the one route that accepts it.
 */
export const redactQueryToken = (request: FastifyRequest): void => {
  const url = request.raw.url;
  if (url === undefined || !url.includes('?') || !url.toLowerCase().includes(QUERY_TOKEN_PARAMETER)) return;
  const [path, query] = [url.slice(0, url.indexOf('?')), url.slice(url.indexOf('?') + 1)];
  const kept = query.split('&').map((pair) => (pair.split('=')[0]!.toLowerCase() === QUERY_TOKEN_PARAMETER ? `${QUERY_TOKEN_PARAMETER}=[redacted]` : pair));
  request.raw.url = `${path}?${kept.join('&')}`;
};

const presentedToken = (request: FastifyRequest, pattern: string, reply: FastifyReply): string | undefined => {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (match === null) throw unauthorized(reply, 'the Authorization header must be "Bearer <token>"', 'invalid_request');
    return match[1];
  }
  if (acceptsQueryToken(request.method, pattern)) {
    const value = (request.query as Record<string, unknown> | undefined)?.[QUERY_TOKEN_PARAMETER];
    if (Array.isArray(value)) throw unauthorized(reply, `${QUERY_TOKEN_PARAMETER} is given more than once: send one token`, 'invalid_request');
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
};

/**
 * Decides whether this request may reach its route, from the route's pattern (never the raw URL)
 * and the bearer token: 401 for no or an unknown token, 403 for a role the table does not allow
 * or a route the table does not know. Runs once per request: from the onRequest hook, before
 * the body is read, and again as the global guard for routes that skipped the hook.
 */
export class AccessControl {
  constructor(private readonly tokens: TokenRegistry) {}

  /**
   * Who a request's Authorization header names, if anyone, refusing nothing: for a public route
   * that shows a known caller more than it shows everyone (GET /health).
   */
  callerOf(request: FastifyRequest): Principal | undefined {
    const match = BEARER.exec(request.headers.authorization ?? '');
    return match === null ? undefined : this.tokens.principalFor(match[1]!);
  }

  check(request: FastifyRequest & RequestWithPrincipal, reply: FastifyReply): void {
    if (checked.has(request)) return;
    const pattern = request.routeOptions.url;
    // No route matched: the not-found handler answers 404 and nothing is exposed.
    if (pattern === undefined) return;
    const policy = policyOf(request.method, pattern);
    if (policy === 'public') {
      checked.add(request);
      return;
    }
    const token = presentedToken(request, pattern, reply);
    if (policy === undefined) throw new ForbiddenException(`${request.method} ${pattern} has no access rule, so no one may use it`);
    if (token === undefined) throw unauthorized(reply, 'this route needs a token: send "Authorization: Bearer <token>"');
    const principal = this.tokens.principalFor(token);
    if (principal === undefined) throw unauthorized(reply, 'the token is not known (revoked, mistyped, or from another server)', 'invalid_token');
    if (!policy.includes(principal.role)) {
      throw new ForbiddenException(`the ${principal.role} role may not use ${request.method} ${pattern}; it is for ${policy.join(', ')}`);
    }
    request.principal = principal;
    checked.add(request);
  }
}
