import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AccessControl, QUERY_TOKEN_PARAMETER } from './access-control.js';
import { RefusalLog } from './refusal-log.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The problem detail of a 401 or 403, kept for the access log. */
    refusal?: string;
  }
}

/** Who sent a request, for the log: a principal's name, never a token. */
const callerName = (request: FastifyRequest, access: AccessControl): string => {
  const known = request.principal ?? access.callerOf(request);
  if (known !== undefined) return known.name;
  const query = request.query as Record<string, unknown> | undefined;
  return request.headers.authorization !== undefined || query?.[QUERY_TOKEN_PARAMETER] !== undefined ? 'unknown token' : 'no token';
};

/**
 * The access log: every request at `debug` (method, route pattern, status, duration, who,
 * correlation id), and 401 and 403 at `warn` with why, so an operator sees who tries tokens or
 * routes they may not use. Below `debug`, at most REFUSAL_LINES_PER_WINDOW refusals a minute are
 * written one by one, and one line sums up the rest by status and caller (RefusalLog): one client
 * sending bad tokens within its rate limit wrote 25 MB of log a minute. At `debug` every refusal
 * is written, as every other request is: the operator asked for everything. Only the route's
 * pattern is written, never the URL: no id typed by a client, no query string (an EventSource's
 * access_token). The levels are fixed at start: below `debug` nothing is added to a request that
 * is not refused.
 */
export const installAccessLog = (fastify: FastifyInstance, access: AccessControl): void => {
  const logger = new Logger('Access');
  const refusals = Logger.isLevelEnabled('warn');
  const everything = Logger.isLevelEnabled('debug');
  const limited = refusals && !everything ? new RefusalLog(logger) : undefined;
  // Nest's app.close() closes Fastify: the last summary is written then, and its timer cleared.
  if (limited !== undefined) {
    fastify.addHook('onClose', (_instance: FastifyInstance, done: () => void) => {
      limited.close();
      done();
    });
  }
  const write = (request: FastifyRequest, reply: FastifyReply): void => {
    const status = reply.statusCode;
    const caller = callerName(request, access);
    const line = (): string =>
      `${request.method} ${request.routeOptions.url ?? '(no route)'} ${status} ${reply.elapsedTime.toFixed(1)} ms, ${caller} [${request.correlationId ?? request.id}]` +
      // A live stream ends so when its client goes.
      (reply.raw.writableFinished ? '' : ', closed before the answer ended');
    if (status === 401 || status === 403) {
      // Built only when written: past the window's limit a flood costs a count, not a string.
      const refused = (): string => `${line()}: refused: ${request.refusal ?? 'no reason given'}`;
      if (limited !== undefined) limited.refused(status, caller, refused);
      else if (refusals) logger.warn(refused());
    } else logger.debug(line());
  };
  if (refusals) {
    fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      const status = reply.statusCode;
      if ((status === 401 || status === 403) && typeof payload === 'string') {
        try {
          request.refusal = String((JSON.parse(payload) as { detail?: unknown }).detail);
        } catch {
          // Not a problem+json body: the status says enough.
        }
      }
      done(null, payload);
    });
  }
  if (everything) {
    // 'close', not Fastify's onResponse: a live stream (a hijacked reply) its client closes never finishes.
    fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      reply.raw.once('close', () => write(request, reply));
      done();
    });
  } else if (refusals) {
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (reply.statusCode === 401 || reply.statusCode === 403) write(request, reply);
      done();
    });
  }
};
