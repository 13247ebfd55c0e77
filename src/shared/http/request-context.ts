import { type CallHandler, createParamDecorator, type ExecutionContext, Injectable, type NestInterceptor, type Type } from '@nestjs/common';
import { PARAMTYPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import type { IdGenerator } from '../event-store/clock.js';
import { canonicalJson, sha256Hex } from '../event-store/envelope.js';
import type { CommandContext, IfMatch } from '../event-store/handle-command.js';
import { principalOf, type RequestWithPrincipal } from './principal.js';
import { type FieldError, HttpProblemCode, problem, PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { LedgerValidationPipe, RequestValidationError } from './validation.js';

export const CORRELATION_HEADER = 'x-correlation-id';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
const MAX_CORRELATION_ID_LENGTH = 128;
/**
 * Visible ASCII, with spaces only between other characters (header values are trimmed in transit):
 * what a header value can carry unambiguously and a log line can show.
 */
export const VISIBLE_ASCII = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

declare module 'fastify' {
  interface FastifyRequest {
    correlationId?: string;
  }
}

/** `W/"<revision>"` as sent in ETag; a strong `"<revision>"` is accepted too. */
export const formatETag = (revision: number): string => `W/"${revision}"`;

export const IF_MATCH_MESSAGE = 'must be W/"<revision>" with the revision from an earlier ETag (e.g. W/"3"), a comma-separated list of them, or *';

type HeaderValue = string | string[] | undefined;

const headerText = (header: string | string[]): string => (Array.isArray(header) ? header.join(',') : header);
const ENTITY_TAG = /^(?:W\/)?"(0|[1-9]\d{0,14})"$/;

/**
 * If-Match: anything but `*` or a list of (weak or strong) entity tags holding revisions is a 400,
 * not a 412: a malformed header is a broken request, not a stale one, and a retry will not fix it.
 */
const readIfMatch = (header: HeaderValue): { ifMatch?: IfMatch; problem?: FieldError } => {
  if (header === undefined) return {};
  const text = headerText(header).trim();
  if (text === '*') return { ifMatch: '*' };
  const revisions: number[] = [];
  // RFC 9110 §5.6.1: a recipient accepts (and ignores) empty list elements.
  const tags = text.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
  if (tags.length === 0) return { problem: { field: 'If-Match', message: IF_MATCH_MESSAGE } };
  for (const tag of tags) {
    const match = ENTITY_TAG.exec(tag);
    if (match === null) return { problem: { field: 'If-Match', message: IF_MATCH_MESSAGE } };
    revisions.push(Number(match[1]));
  }
  return { ifMatch: revisions };
};

const ifMatchProblem = (header: HeaderValue): FieldError | undefined => readIfMatch(header).problem;

const idempotencyKeyProblem = (header: HeaderValue): FieldError | undefined => {
  if (header === undefined) return undefined;
  const value = headerText(header);
  return value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !VISIBLE_ASCII.test(value)
    ? { field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` }
    : undefined;
};

/** Every malformed command header, in the order a 400 lists them (before the body's fields). */
export const commandHeaderProblems = (headers: FastifyRequest['headers']): FieldError[] =>
  [idempotencyKeyProblem(headers[IDEMPOTENCY_HEADER]), ifMatchProblem(headers['if-match'])].filter((problem) => problem !== undefined);

/** Parses If-Match (see readIfMatch). */
export const parseIfMatch = (header: HeaderValue): IfMatch | undefined => {
  const { ifMatch, problem } = readIfMatch(header);
  if (problem !== undefined) throw new RequestValidationError([problem]);
  return ifMatch;
};

export const parseIdempotencyKey = (header: HeaderValue): string | undefined => {
  const problem = idempotencyKeyProblem(header);
  if (problem !== undefined) throw new RequestValidationError([problem]);
  return header === undefined ? undefined : headerText(header);
};

/** The DTO class of a route's @Body(): the metatype Nest hands the validation pipe for it. */
const bodyTypeOf = (context: ExecutionContext): Type | undefined => {
  const handler = context.getHandler().name;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler) ?? {}) as Record<string, { index: number }>;
  const body = Object.entries(args).find(([key]) => key.split(':')[0] === String(RouteParamtypes.BODY))?.[1];
  if (body === undefined) return undefined;
  const types = Reflect.getMetadata(PARAMTYPES_METADATA, context.getClass().prototype as object, handler) as Type[] | undefined;
  return types?.[body.index];
};

/**
 * Checks If-Match and Idempotency-Key before the route's parameters are resolved. Nest resolves
 * them concurrently and answers the first failure, so a bad header thrown by CommandCtx would hide
 * the body's problems; DESIGN §7 wants one 400 listing every invalid field, so here, and only when a
 * header is bad, the body is validated too and both lists go into one answer.
 */
@Injectable()
export class CommandHeadersInterceptor implements NestInterceptor {
  private readonly pipe = new LedgerValidationPipe();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const headers = commandHeaderProblems(request.headers);
    if (headers.length === 0) return next.handle();
    throw new RequestValidationError([...headers, ...(await this.bodyProblems(context, request.body))]);
  }

  private async bodyProblems(context: ExecutionContext, body: unknown): Promise<readonly FieldError[]> {
    const metatype = bodyTypeOf(context);
    if (metatype === undefined) return [];
    try {
      await this.pipe.transform(body, { type: 'body', metatype, data: undefined });
      return [];
    } catch (error) {
      if (error instanceof RequestValidationError) return error.errors;
      throw error;
    }
  }
}

/**
 * Route + canonical body: what "the same request" means for an Idempotency-Key. No body and `{}`
 * are one request (a route that takes no body accepts both), so a retry may switch between them.
 */
export const requestFingerprint = (method: string, url: string, body: unknown): string => {
  const request = [method.toUpperCase(), url.split('?')[0], body === undefined || body === null ? {} : body];
  try {
    return sha256Hex(canonicalJson(request));
  } catch {
    // No canonical form (a lone surrogate): the body pipe refuses such a body with a 400, which must
    // not be pre-empted by a 500 from here; this fingerprint is never used.
    return sha256Hex(JSON.stringify(request));
  }
};

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

/**
 * Headers that hold one value. Node keeps the first of two Host, Authorization or Content-Type
 * headers and joins two Idempotency-Keys into one ("k1, k2"), so a request that sends one twice
 * would be read as something other than what it says (two tokens, a key no retry matches): it is a
 * 400 that names them, before any token is looked at or any body read, as is an HTTP/1.1 request
 * without Host. If-Match may repeat: its values are one list (RFC 9110 §5.3).
 */
const SINGLE_VALUED_HEADERS: ReadonlyArray<readonly [name: string, field: string]> = [
  // First: its absence is checked too.
  ['host', 'Host'],
  ['authorization', 'Authorization'],
  ['content-type', 'Content-Type'],
  [IDEMPOTENCY_HEADER, 'Idempotency-Key'],
];

export const installRepeatedHeaderCheck = (fastify: FastifyInstance): void => {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // Counted in one pass over the raw names, for the few names checked only: this runs on every request.
    const raw = request.raw.rawHeaders;
    const counts = SINGLE_VALUED_HEADERS.map(() => 0);
    for (let i = 0; i < raw.length; i += 2) {
      const index = SINGLE_VALUED_HEADERS.findIndex(([name]) => name.length === raw[i]!.length && name === raw[i]!.toLowerCase());
      if (index >= 0) counts[index]! += 1;
    }
    const errors = SINGLE_VALUED_HEADERS.filter((_, index) => counts[index]! > 1).map(([, field]) => ({ field, message: 'is given more than once: send it once' }));
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (Node's own answer to it has no body).
    if (counts[0] === 0 && request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor >= 1) errors.unshift({ field: 'Host', message: 'is required in an HTTP/1.1 request' });
    if (errors.length === 0) {
      done();
      return;
    }
    const detail = errors.map((error) => `${error.field} ${error.message}`).join('; ');
    void reply.code(400).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(400, HttpProblemCode.invalidRequest, detail, { errors })));
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
