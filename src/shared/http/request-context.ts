import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdGenerator } from '../event-store/clock.js';
import { canonicalJson, sha256Hex } from '../event-store/envelope.js';
import type { CommandContext } from '../event-store/handle-command.js';
import { principalOf, type RequestWithPrincipal } from './principal.js';
import { RequestValidationError } from './validation.js';

export const CORRELATION_HEADER = 'x-correlation-id';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
const MAX_CORRELATION_ID_LENGTH = 128;
/** Visible ASCII: what a header value can carry unambiguously and a log line can show. */
const VISIBLE_ASCII = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

declare module 'fastify' {
  interface FastifyRequest {
    correlationId?: string;
  }
}

/** `W/"<revision>"` as sent in ETag; a strong `"<revision>"` is accepted too. */
export const formatETag = (revision: number): string => `W/"${revision}"`;

export const IF_MATCH_MESSAGE = 'must be W/"<revision>" with the revision from an earlier ETag, e.g. W/"3"';

/**
 * Parses If-Match. Anything but one (weak or strong) entity tag holding a revision is a 400, not a
 * 412: a malformed header is a broken request, not a stale one, and a retry will not fix it.
 */
export const parseIfMatch = (header: string | string[] | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = /^\s*(?:W\/)?"(0|[1-9]\d{0,14})"\s*$/.exec(value);
  if (match === null) throw new RequestValidationError([{ field: 'If-Match', message: IF_MATCH_MESSAGE }]);
  return Number(match[1]);
};

export const parseIdempotencyKey = (header: string | string[] | undefined): string | undefined => {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !VISIBLE_ASCII.test(value)) {
    throw new RequestValidationError([
      { field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` },
    ]);
  }
  return value;
};

/** Route + canonical body: what "the same request" means for an Idempotency-Key. */
export const requestFingerprint = (method: string, url: string, body: unknown): string =>
  sha256Hex(canonicalJson([method.toUpperCase(), url.split('?')[0], body === undefined ? null : body]));

/**
 * Accepts the caller's X-Correlation-Id (visible ASCII, at most 128 characters) or makes one, and
 * echoes it on every response, problems included, so a clerk can quote it.
 */
export const installCorrelationIds = (fastify: FastifyInstance, ids: IdGenerator): void => {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const given = request.headers[CORRELATION_HEADER];
    const value = typeof given === 'string' && given.length <= MAX_CORRELATION_ID_LENGTH && VISIBLE_ASCII.test(given) ? given : ids.uuid();
    request.correlationId = value;
    void reply.header('X-Correlation-Id', value);
    done();
  });
};

export const commandContextOf = (request: FastifyRequest & RequestWithPrincipal): CommandContext => {
  const idempotencyKey = parseIdempotencyKey(request.headers[IDEMPOTENCY_HEADER]);
  const ifMatch = parseIfMatch(request.headers['if-match']);
  return {
    principal: principalOf(request),
    correlationId: request.correlationId ?? String(request.id),
    ...(idempotencyKey !== undefined ? { idempotencyKey, requestFingerprint: requestFingerprint(request.method, request.url, request.body) } : {}),
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  };
};

/** Who asks, how to trace it, how to de-duplicate it, which revision it expects. */
export const CommandCtx = createParamDecorator((_data: unknown, context: ExecutionContext): CommandContext =>
  commandContextOf(context.switchToHttp().getRequest<FastifyRequest & RequestWithPrincipal>()),
);
