import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind } from '../domain/domain-error.js';
import {
  DamagedEventError,
  InvalidAppendError,
  InvalidPositionError,
  StoreUnavailableError,
  StreamNotFoundError,
  UnknownEventSchemaError,
  WrongExpectedRevisionError,
} from '../event-store/event-store.errors.js';
import { ClockBehindError } from '../event-store/transaction-time.js';
import { ServiceUnavailableError } from '../application/service-unavailable.error.js';
import { HttpProblemCode, problem, PROBLEM_CONTENT_TYPE, type ProblemDetails, requestProblem } from './problem-details.js';
import { BODY_CHARSET, BODY_ENCODED, BODY_PROTOTYPE_KEY, BODY_REPEATED_FIELD, JsonBodyError } from './json-body.js';
import { RequestValidationError } from './validation.js';

export const STATUS_OF_KIND: Readonly<Record<DomainErrorKind, number>> = {
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  unprocessable: 422,
};

/** The request's path, without its query. */
const pathOf = (request: FastifyRequest): string => request.url.split('?')[0]!;

/** Fastify's own rejections, reached through Nest's error handler as HttpException causes. */
const FASTIFY_PROBLEMS: Readonly<Record<string, (error: Error & { statusCode?: number }, request: FastifyRequest) => ProblemDetails>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => problem(413, HttpProblemCode.bodyTooLarge, 'the request body is larger than 1 MiB (1048576 bytes)'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => problem(415, HttpProblemCode.unsupportedMediaType, 'send the request body as JSON, with Content-Type: application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => requestProblem(HttpProblemCode.malformedJson, 'the Content-Length header does not match the body', '(body)'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => requestProblem(HttpProblemCode.malformedJson, 'the body is empty; send a JSON object', '(body)'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => requestProblem(HttpProblemCode.malformedJson, 'the body is not valid JSON', '(body)'),
  // A `..` segment under a static prefix (/docs/../package.json): nothing is there, and a 403 would read as a missing role.
  FST_STATIC_FORBIDDEN_PATH: (_error, request) => problem(404, HttpProblemCode.routeNotFound, `there is no route ${request.method} ${pathOf(request)}: a path with a .. segment names nothing here`),
};

/** Our JSON parser's refusals (json-body.ts), which reach the filter as they were thrown. */
const bodyProblem = (error: JsonBodyError): ProblemDetails => {
  if (error.code === BODY_REPEATED_FIELD) {
    return problem(400, HttpProblemCode.invalidRequest, error.message, { errors: [{ field: error.field ?? '(body)', message: 'is given more than once' }] });
  }
  if (error.code === BODY_PROTOTYPE_KEY) {
    return problem(400, HttpProblemCode.invalidRequest, error.message, { errors: [{ field: error.field ?? '(body)', message: 'must not be used as a key: it names the prototype of a JavaScript object' }] });
  }
  if (error.code === BODY_ENCODED || error.code === BODY_CHARSET) return problem(415, HttpProblemCode.unsupportedMediaType, error.message);
  return requestProblem(HttpProblemCode.malformedJson, error.message, '(body)');
};

/**
 * Node's error for a request whose connection closed before its body was complete (`abortIncoming`).
 * By its fields, not `instanceof Error`: Node creates it in its own realm, which is not a test's.
 */
const isClientAbort = (exception: unknown): boolean => {
  const error = exception as Partial<NodeJS.ErrnoException> | null;
  return typeof error === 'object' && error !== null && error.code === 'ECONNRESET' && error.message === 'aborted';
};

/** Methods a route of this API may have; HEAD comes with every GET (Fastify's `exposeHeadRoutes`). */
const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods the server has a route for at the request's path (empty when the path has none). */
export const allowedMethods = (request: FastifyRequest): string[] => {
  const url = pathOf(request);
  const methods: string[] = ROUTE_METHODS.filter((method) => request.server.findRoute({ method, url }) !== null);
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
};

/** No route for the request: a 405 naming the methods its path takes, else a 404. */
const noRouteProblem = (request: FastifyRequest): ProblemDetails => {
  const allowed = allowedMethods(request);
  // A route's own 404 (an unknown dashboard asset) is not about the method.
  if (allowed.length > 0 && !allowed.includes(request.method)) {
    return problem(405, HttpProblemCode.methodNotAllowed, `${pathOf(request)} does not take ${request.method}: it answers ${allowed.join(', ')}`);
  }
  return problem(404, HttpProblemCode.routeNotFound, `there is no route ${request.method} ${pathOf(request)}`);
};

/**
 * Answers a request no route takes (404, or 405 with Allow) before its body is read: it has no
 * body to be wrong about, so a malformed or oversized one must not turn the 405 into a 400 or 413.
 */
export const installEarlyNoRoute = (fastify: FastifyInstance): void => {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!request.is404) {
      done();
      return;
    }
    const body = noRouteProblem(request);
    if (body.status === 405) void reply.header('Allow', allowedMethods(request).join(', '));
    void reply.code(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  });
};

const httpCode = (status: number): string => (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * Retry-After of a command the event store refused (a full disk, an I/O error, EventStoreDB out of
 * reach): what an operator fixes, so not a second; the health probes say when it is up again.
 */
export const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 10;

/**
 * The one place where errors become HTTP answers: RFC 9457 problem+json, with a stable `type`
 * per code. Anything unexpected is logged with its correlation id and answered as a bare 500.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toProblem(exception, request);
    if (body.status === 405) void reply.header('Allow', allowedMethods(request).join(', '));
    if (exception instanceof ServiceUnavailableError || exception instanceof ClockBehindError) void reply.header('Retry-After', String(exception.retryAfterSeconds));
    if (exception instanceof StoreUnavailableError) void reply.header('Retry-After', String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  toProblem(exception: unknown, request: FastifyRequest): ProblemDetails {
    if (exception instanceof RequestValidationError) {
      return problem(400, HttpProblemCode.invalidRequest, exception.message, { errors: exception.errors });
    }
    if (exception instanceof JsonBodyError) return bodyProblem(exception);
    if (exception instanceof DomainError) {
      return problem(STATUS_OF_KIND[exception.kind], exception.code, exception.message);
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception, request);
    if (exception instanceof InvalidAppendError) {
      if (exception.reason === 'event-too-large') {
        return problem(413, 'event-too-large', 'the record is too large to be stored (over 1 MiB once recorded); shorten its texts');
      }
    }
    if (exception instanceof WrongExpectedRevisionError) {
      return problem(409, 'concurrent-writes', 'the record is being changed by others right now: try again');
    }
    if (exception instanceof StreamNotFoundError) return problem(404, 'not-found', `${exception.streamId} does not exist`);
    if (exception instanceof InvalidPositionError) {
      return problem(400, HttpProblemCode.invalidRequest, exception.message, { errors: [{ field: 'after', message: 'must be a position of this ledger (an event\'s position, or the next of a page)' }] });
    }
    if (exception instanceof DamagedEventError) {
      this.logger.error(`${request.method} ${request.url} [${request.correlationId ?? request.id}]: ${exception.message}`);
      return problem(500, 'ledger-damaged', `${exception.message}; POST /audit/verify (or norms-ledger verify) names every damaged event`);
    }
    if (exception instanceof UnknownEventSchemaError) {
      this.logger.error(`${request.method} ${request.url} [${request.correlationId ?? request.id}]: ${exception.message}`);
      // Not the client's doing and not damage: an instance older than the ledger (a rolling upgrade).
      return problem(503, 'event-schema-unknown', `${exception.message}; ${exception.outcome}`);
    }
    if (exception instanceof ClockBehindError) {
      this.logger.error(`${request.method} ${request.url} [${request.correlationId ?? request.id}]: ${exception.message}`);
      return problem(503, 'clock-behind', exception.message);
    }
    if (exception instanceof ServiceUnavailableError) {
      this.logger.warn(`${request.method} ${request.url} [${request.correlationId ?? request.id}]: ${exception.message}`);
      return problem(503, exception.code, exception.message);
    }
    if (isClientAbort(exception)) {
      // The client went away mid-body (or was timed out): nobody reads the answer and nothing was recorded; not a server fault.
      this.logger.warn(`${request.method} ${request.url} [${request.correlationId ?? request.id}]: the client closed the connection before sending the whole request; nothing was recorded`);
      return requestProblem(HttpProblemCode.requestAborted, 'the connection closed before the whole request was received', '(body)');
    }
    if (exception instanceof StoreUnavailableError) {
      this.logger.error(`${request.method} ${request.url} [${request.correlationId ?? request.id}]: ${exception.message}`);
      // A full disk is the operator's to fix, and worth telling the clerk (nothing was recorded).
      const detail = exception.code === 'SQLITE_FULL'
        ? 'the event store cannot write: the disk that holds it is full; nothing was recorded: try again once space is freed'
        : 'the event store is unavailable; try again later';
      return problem(503, HttpProblemCode.storeUnavailable, detail);
    }
    this.logger.error(
      `${request.method} ${request.url} [${request.correlationId ?? request.id}]: ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return problem(500, HttpProblemCode.internalError, `an unexpected error occurred; quote correlation id ${request.correlationId ?? request.id} when reporting it`);
  }

  private fromHttpException(exception: HttpException, request: FastifyRequest): ProblemDetails {
    const cause = exception.cause as (Error & { code?: string; statusCode?: number }) | undefined;
    const fastify = cause?.code !== undefined ? FASTIFY_PROBLEMS[cause.code] : undefined;
    if (fastify !== undefined && cause !== undefined) return fastify(cause, request);
    const status = exception.getStatus();
    if (cause instanceof SyntaxError || (status === 400 && cause?.code?.startsWith('FST_ERR_CTP') === true)) {
      return requestProblem(HttpProblemCode.malformedJson, `the body is not valid JSON: ${cause!.message}`, '(body)');
    }
    if (exception instanceof NotFoundException && cause === undefined) return noRouteProblem(request);
    if (status >= 500) {
      this.logger.error(`${request.method} ${request.url} [${request.correlationId ?? request.id}]: ${exception.stack ?? exception.message}`);
      return problem(status, HttpProblemCode.internalError, `an unexpected error occurred; quote correlation id ${request.correlationId ?? request.id} when reporting it`);
    }
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    return status === 400 ? requestProblem(httpCode(status), detail, '(request)') : problem(status, httpCode(status), detail);
  }
}
