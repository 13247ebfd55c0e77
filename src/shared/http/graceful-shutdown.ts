import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { HttpProblemCode, problem, PROBLEM_CONTENT_TYPE } from './problem-details.js';

/** How long a stopping server lets the requests in flight finish before it closes their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;
/** How often a draining server closes the connections that carry no request. */
const IDLE_SWEEP_MS = 250;
/** How long a draining server still takes the connections waiting to be accepted (and answers them 503). */
const ACCEPT_LINGER_MS = 250;

const draining = new WeakSet<FastifyInstance>();
/** The answers each server owes: what a drain that runs out of time answers 503 instead of cutting off. */
const pending = new WeakMap<FastifyInstance, Set<ServerResponse>>();
/** Requests that arrived while each server drained (answered 503 shutting-down). */
const refusedWhileDraining = new WeakMap<FastifyInstance, number>();
/** The connections each server holds: a drain closes those on which nothing has arrived. */
const connections = new WeakMap<FastifyInstance, Set<Socket>>();

const SHUTTING_DOWN = (detail: string) => JSON.stringify(problem(503, HttpProblemCode.shuttingDown, detail));

/**
 * While the server drains, a request that still arrives on a connection it holds is answered 503
 * problem+json (Fastify's own answer then was a bare `{"error":…}` JSON), and every answer closes
 * its connection, so that the drain ends when the requests in flight do.
 */
export const installDrainGuard = (fastify: FastifyInstance): void => {
  const owed = new Set<ServerResponse>();
  pending.set(fastify, owed);
  const open = new Set<Socket>();
  connections.set(fastify, open);
  fastify.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!draining.has(fastify)) {
      owed.add(reply.raw);
      reply.raw.once('close', () => owed.delete(reply.raw));
      done();
      return;
    }
    refusedWhileDraining.set(fastify, (refusedWhileDraining.get(fastify) ?? 0) + 1);
    const body = SHUTTING_DOWN('the server is shutting down: send the request again in a moment, to another instance or once it has restarted');
    void reply.status(503).header('content-type', PROBLEM_CONTENT_TYPE).header('retry-after', '5').header('connection', 'close').send(body);
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (draining.has(fastify)) void reply.header('connection', 'close');
    done(null, payload);
  });
};

/** From now on `fastify` answers as a server that drains (installDrainGuard). */
export const startDraining = (fastify: FastifyInstance): void => {
  draining.add(fastify);
};

export interface DrainOptions {
  /** Ends what would hold the drain open for ever (live event streams). */
  readonly endStreams: () => void;
  readonly graceMs?: number;
  /** Told how many requests were still running when the grace ran out (they are answered 503). */
  readonly onForced?: (requests: number) => void;
}

/** What a graceful stop did, for its last log line. */
export interface DrainSummary {
  /** From the start of the drain until the application (read models, store) was closed. */
  readonly durationMs: number;
  /** Requests being answered when the drain began (live streams included: they are ended). */
  readonly inFlight: number;
  /** Of those, the ones still running after the grace: answered 503 shutting-down, not finished. */
  readonly cutOff: number;
  /** Requests that arrived during the drain, answered 503 shutting-down. */
  readonly refused: number;
}

/** The last line of a graceful stop: how long it took, what was answered, that the store is closed. */
export const stoppedLine = ({ durationMs, inFlight, cutOff, refused }: DrainSummary): string =>
  `stopped in ${durationMs} ms: ${inFlight - cutOff} of ${inFlight} request(s) in flight answered, ${cutOff} cut off by the ${SHUTDOWN_GRACE_MS / 1000} s limit (answered 503)` +
  `${refused > 0 ? `, ${refused} arriving meanwhile answered 503` : ''}; the read models and the event store are closed`;

/**
 * A graceful stop: no new connection is accepted, the requests in flight are answered (those still
 * running after `graceMs` with a 503), and only then does the application close (the read
 * models stop, the store closes). Nest's own shutdown closed the modules first, so requests in flight
 * were cut off or answered 503 by a projection already stopped. Resolves with what it did.
 */
export const drainAndClose = async (app: NestFastifyApplication, options: DrainOptions): Promise<DrainSummary> => {
  const began = performance.now();
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  startDraining(fastify);
  const inFlight = pending.get(fastify)?.size ?? 0;
  const refusedBefore = refusedWhileDraining.get(fastify) ?? 0;
  let cutOff = 0;
  options.endStreams();
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    // Connections the system has accepted that the server has not taken yet (a burst of clients)
    // carry requests already sent: closing the listening socket would reset them. They are taken,
    // and answered 503 like any request from now on, for a moment before it closes.
    await new Promise((resolve) => setTimeout(resolve, ACCEPT_LINGER_MS));
    await new Promise<void>((resolve) => {
      const graceMs = options.graceMs ?? SHUTDOWN_GRACE_MS;
      const forced = setTimeout(() => {
        clearInterval(sweep);
        // What is still running is answered 503, not cut off: the client knows to send it again.
        const unanswered = [...(pending.get(fastify) ?? [])].filter((response) => !response.headersSent && !response.destroyed);
        for (const response of unanswered) {
          response.writeHead(503, { 'content-type': PROBLEM_CONTENT_TYPE, 'retry-after': '5', connection: 'close' });
          response.end(SHUTTING_DOWN(`the server is shutting down and could not finish this request within ${graceMs / 1000} s: send it again once it has restarted`));
        }
        cutOff = unanswered.length;
        if (unanswered.length > 0) options.onForced?.(unanswered.length);
        // Answers still being written get a moment to leave; then every connection is closed.
        setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, IDLE_SWEEP_MS);
      }, graceMs);
      // Stops accepting and keeps the connections: http.Server#close also closes the idle ones at
      // once, and a request a client has sent that the server has not read yet is on an 'idle'
      // connection: it was reset. Such requests are read and answered (each answer closes its
      // connection); a connection still idle a moment later carries none, and is closed.
      // closeIdleConnections leaves a connection on which not a byte has arrived (Node times its
      // headers from the connection's start, so it counts as busy): a browser keeps such spare
      // connections open, and each held the drain until the browser used or dropped it, or for
      // the whole grace (the dashboard had by then reopened its live stream). One silent at two
      // sweeps in a row is closed: it carries no request.
      let silentBefore = new Set<Socket>();
      const sweep = setInterval(() => {
        server.closeIdleConnections();
        const silent = new Set([...(connections.get(fastify) ?? [])].filter((socket) => socket.bytesRead === 0 && !socket.destroyed));
        for (const socket of silent) if (silentBefore.has(socket)) socket.destroy();
        silentBefore = silent;
      }, IDLE_SWEEP_MS);
      NetServer.prototype.close.call(server, () => {
        clearTimeout(forced);
        clearInterval(sweep);
        resolve();
      });
    });
  }
  await app.close();
  return { durationMs: Math.round(performance.now() - began), inFlight, cutOff, refused: (refusedWhileDraining.get(fastify) ?? 0) - refusedBefore };
};
