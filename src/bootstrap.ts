import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { lookup } from 'node:dns/promises';
import { accessSync, constants, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { type AppConfig, publicTokenWarning, shortTokenWarning } from './config/app-config.js';
import { AppModule } from './app.module.js';
import { SIGNING_KEY_NOTICES, type SigningKeyNotice } from './audit/audit.module.js';
import { checkSigningKeyFile } from './audit/infrastructure/signing-key.js';
import { policyOf } from './auth/route-policy.js';
import { applySecurity } from './auth/security.js';
import { loadTokenRegistry, TokenRegistry, tokenSourceLine } from './auth/tokens.js';
import { keepServingWhenOutputCloses } from './shared/closed-output.js';
import { logColours, nestLogger, serverLine } from './shared/server-log.js';
import { ensureDir } from './shared/ensure-dir.js';
import { LiveBoardStreams } from './projections/application/live-board.service.js';
import { readModelFile, removeRebuildLeftovers } from './projections/read-model/rebuild.js';
import { announceServer, markerFileOf, markServerRunning, rebuildLockOf, removeStaleMarkers, runningRebuild, runningServer, urlOf } from './shared/running-server.js';
import { ID_GENERATOR, type IdGenerator } from './shared/event-store/clock.js';
import { HttpProblemCode, problem, PROBLEM_CONTENT_TYPE, ProblemDetailsDto, requestProblem } from './shared/http/problem-details.js';
import { drainAndClose, installDrainGuard, SHUTDOWN_GRACE_MS, stoppedLine } from './shared/http/graceful-shutdown.js';
import { strictJsonParser } from './shared/http/json-body.js';
import { PROBLEM_DESCRIPTIONS } from './shared/http/command-route.js';
import { finishDocument, serveDocumentAtDocs } from './shared/http/openapi-document.js';
import { operationIdOf } from './shared/http/operation-ids.js';
import { installEarlyNoRoute, ProblemDetailsFilter } from './shared/http/problem-details.filter.js';
import { installCorrelationIds, installRepeatedHeaderCheck } from './shared/http/request-context.js';
import { LedgerValidationPipe } from './shared/http/validation.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * What start-up would fail on, checked before Nest starts, each failure one line naming the
 * variable (DESIGN §8): the host, the data directory, the tokens, the signing key. Inside Nest the same errors
 * would surface as a dependency-injection stack trace, after the store file was already created.
 */
export const preflight = async (config: AppConfig): Promise<void> => {
  try {
    await lookup(config.host);
  } catch (error) {
    throw new Error(`invalid configuration: HOST: cannot resolve ${config.host} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const named = (variable: string, run: () => void): void => {
    try {
      run();
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(message.includes(variable) ? message : `invalid configuration: ${variable}: ${message}`);
    }
  };
  named('LEDGER_DATA_DIR', () => {
    ensureDir(config.dataDir, 0o700);
    try {
      accessSync(config.dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch (error) {
      // Else the first file it cannot look at (the signing key) is reported as missing.
      throw new Error(dataDirAccessProblem(config.dataDir, (error as NodeJS.ErrnoException).code));
    }
  });
  // The read models are per instance: two servers writing one read-model file break each other.
  const rebuild = runningRebuild(config.dataDir);
  if (rebuild !== undefined) throw rebuildRunning(config.dataDir, rebuild);
  const other = runningServer(config.dataDir);
  if (other !== undefined) {
    throw new Error(
      `invalid configuration: LEDGER_DATA_DIR: another norms-ledger server (pid ${other.pid}, ${other.url}) serves ${config.dataDir}; ` +
        `give each instance its own LEDGER_DATA_DIR (read models are per instance) or stop that server first (if pid ${other.pid} is no norms-ledger server, remove ${markerFileOf(config.dataDir, other.pid)})`,
    );
  }
  // Nothing else runs on this directory now: what a killed server or rebuild left goes (a
  // half-built read-model file can be hundreds of MB).
  removeStaleMarkers(config.dataDir);
  removeRebuildLeftovers(readModelFile(config.dataDir));
  named(config.tokensFile !== undefined ? 'LEDGER_TOKENS_FILE' : 'LEDGER_TOKENS', () => void loadTokenRegistry(config));
  // Only checked here: whether a missing default key may be made depends on the ledger having
  // checkpoints, which the audit module asks the store once it is open.
  named(config.signingKeyFile !== undefined ? 'LEDGER_SIGNING_KEY_FILE' : 'LEDGER_DATA_DIR', () => checkSigningKeyFile(config));
  await assertPortFree(config);
};

/**
 * Why the server may not use its data directory, with the remedy for that cause: a read-only file
 * system is no matter of ownership (root was told to run as the directory's owner).
 */
export const dataDirAccessProblem = (dataDir: string, code: string | undefined): string =>
  code === 'EROFS'
    ? `${dataDir} is on a read-only file system (EROFS): the server writes its ledger there; mount it read-write, or choose a directory on a writable file system`
    : `this user may not read and write ${dataDir} (${code}): run the server as the user that owns it (the directory is owner-only, 0700)`;

/**
 * A warning when the data directory lets group or others write into it: they could rename or
 * delete the ledger, its signing key or tokens.json, whatever those files' own modes. The server
 * makes its directory 0700, but takes one that exists as it is: its mode is the operator's.
 */
export const dataDirWarning = (dataDir: string): string | undefined => {
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o022) === 0) return undefined;
  const who = (mode & 0o022) === 0o022 ? 'its group and others' : mode & 0o020 ? 'its group' : 'others';
  return `LEDGER_DATA_DIR ${dataDir} may be written by ${who} (mode 0${mode.toString(8)}): they could replace or delete the ledger, the signing key and tokens.json; chmod 700 ${dataDir}`;
};

const rebuildRunning = (dataDir: string, pid: number): Error =>
  new Error(
    `invalid configuration: LEDGER_DATA_DIR: a norms-ledger rebuild (pid ${pid}) is rebuilding the read models of ${dataDir}; ` +
      `start the server once it has finished (it would keep the file the rebuild replaces; if pid ${pid} is no rebuild, remove ${rebuildLockOf(dataDir)})`,
  );

/** A port in use (or not ours to bind) is found before Nest starts, as one line naming HOST and PORT. */
const assertPortFree = (config: AppConfig): Promise<void> =>
  new Promise((resolvePort, rejectPort) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      rejectPort(new Error(`cannot listen on HOST=${config.host} PORT=${config.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : (error.message.split('\n')[0] ?? error.code)}`)),
    );
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => probe.close(() => resolvePort()));
  });

/**
 * Listens, naming HOST and PORT when that fails (an unknown host, a port in use); then, on a first
 * start, keeps and shows the tokens made for it (only now: a start that failed kept none). Returns
 * the URL it answers on (the port the system chose for PORT=0).
 */
export const listen = async (app: NestFastifyApplication, config: AppConfig): Promise<string> => {
  // Start-up work (opening the read models, a rebuild) fails with its own message, not as a listen failure.
  await app.init();
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    throw new Error(`cannot listen on HOST=${config.host} PORT=${config.port}: ${(error as Error).message.split('\n')[0]}`);
  }
  const server = app.getHttpServer() as { address(): AddressInfo | string | null; once(event: 'close', listener: () => void): unknown };
  const url = urlOf(server.address(), `http://${config.host}:${config.port}`);
  server.once('close', markServerRunning(config.dataDir, url));
  app.get(TokenRegistry).keepFirstStartTokens((text) => {
    for (const line of text.split('\n')) if (line !== '') process.stdout.write(serverLine(config, 'log', 'Tokens', line));
  });
  return url;
};

/**
 * `npm start` and `norms-ledger serve`: preflight (one line naming the variable, before Nest
 * starts), the app, then listen (closing the app if that fails). Resolves with the "listening on"
 * line, stamped as a log line; rejects with an error whose message is one line.
 */
export const serve = async (config: AppConfig): Promise<string> => {
  keepServingWhenOutputCloses();
  await preflight(config);
  for (const warning of [shortTokenWarning(config), publicTokenWarning(config)]) if (warning !== undefined) process.stdout.write(serverLine(config, 'warn', 'Tokens', warning));
  const exposed = dataDirWarning(config.dataDir);
  if (exposed !== undefined) process.stdout.write(serverLine(config, 'warn', 'DataDir', exposed));
  // Marked from before the read models open: a start-up rebuild (a new read-model schema) runs
  // before the server listens, and a CLI rebuild must not swap the file under it meanwhile.
  let announced: ReturnType<typeof announceServer>;
  try {
    announced = announceServer(config.dataDir, '(starting, not listening yet)');
  } catch (error) {
    throw new Error(`invalid configuration: LEDGER_DATA_DIR: cannot write in ${config.dataDir} (${(error as Error).message.split('\n')[0]}): the server writes its files there`);
  }
  // A CLI rebuild that began since the preflight looked (announceServer looks again).
  if ('rebuildBy' in announced) throw rebuildRunning(config.dataDir, announced.rebuildBy);
  const unmarkStarting = announced.unmark;
  let app: NestFastifyApplication;
  try {
    app = await createApp(config);
  } catch (error) {
    unmarkStarting();
    throw error;
  }
  for (const notice of app.get<SigningKeyNotice[]>(SIGNING_KEY_NOTICES)) process.stdout.write(serverLine(config, notice.level, 'SigningKey', notice.text));
  new Logger('Tokens').log(tokenSourceLine(config, app.get(TokenRegistry)));
  let url: string;
  try {
    url = await listen(app, config);
  } catch (error) {
    await app.close();
    unmarkStarting();
    throw error;
  }
  stopGracefullyOnSignals(app);
  return serverLine(config, 'log', 'Server', `norms-ledger listening on ${url} (store: ${config.store}, data: ${config.dataDir})`);
};

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * SIGTERM (or Ctrl-C, SIGHUP) drains, then closes (drainAndClose), then ends the process by the same
 * signal, as a supervisor expects; a second signal during the drain ends it at once.
 */
const stopGracefullyOnSignals = (app: NestFastifyApplication): void => {
  const logger = new Logger('Shutdown');
  const stop = (signal: NodeJS.Signals): void => {
    for (const other of STOP_SIGNALS) process.off(other, stop);
    logger.log(`${signal}: answering the requests in flight (at most ${SHUTDOWN_GRACE_MS / 1000} s), then stopping`);
    drainAndClose(app, {
      endStreams: () => app.get(LiveBoardStreams).beforeApplicationShutdown(),
      onForced: (requests) => logger.warn(`${requests} request(s) still running after ${SHUTDOWN_GRACE_MS / 1000} s: answered 503 shutting-down`),
    })
      .then(
        (summary) => logger.log(stoppedLine(summary)),
        (error: unknown) => logger.error(`stopping: ${(error as Error).message.split('\n')[0]}`),
      )
      .finally(() => process.kill(process.pid, signal));
  };
  for (const signal of STOP_SIGNALS) process.once(signal, stop);
};

const BEARER = 'bearer';
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } };
const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * The access table (src/auth/route-policy.ts) written into the OpenAPI document: a public
 * operation needs no token; every other one needs a bearer token, answers 401 without a valid one
 * and 403 to a role the table does not allow, naming the roles that may.
 */
const documentAccess = (document: OpenAPIObject): void => {
  const problemJson = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDto' } } };
  for (const [path, item] of Object.entries(document.paths)) {
    const pattern = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const method of OPERATIONS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const policy = policyOf(method.toUpperCase(), pattern);
      if (policy === 'public') {
        operation.security = [];
        continue;
      }
      operation.security = [{ [BEARER]: [] }];
      operation.responses['400'] ??= { description: 'A query parameter this route does not take (`errors` names it)', content: problemJson };
      operation.responses['401'] ??= { description: 'No token, or one that is not known (WWW-Authenticate: Bearer)', content: problemJson };
      operation.responses['403'] ??= { description: `The token's role may not use this route (allowed: ${policy === undefined ? 'none' : policy.join(', ')})`, content: problemJson };
      operation.responses['429'] ??= { description: 'Too many requests from this address or with this token (`too-many-requests`)', headers: RETRY_AFTER, content: problemJson };
      operation.responses['500'] ??= { description: 'An unexpected failure (`internal-error`, with the correlation id to quote), or a stored event that cannot be read (`ledger-damaged`, naming it: run verify)', content: problemJson };
      operation.responses['503'] ??= { description: PROBLEM_DESCRIPTIONS[503]!, headers: RETRY_AFTER, content: problemJson };
      const unavailable = operation.responses['503'];
      if (!('$ref' in unavailable)) unavailable.headers ??= RETRY_AFTER;
    }
  }
};

/**
 * A request Node's HTTP parser refuses (headers over its limit, a malformed request line, a
 * timeout), answered as Fastify's default handler answers it, but as problem+json like every
 * other error.
 */
const clientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(431, 'headers-too-large', 'the request headers (or the URL) are larger than this server reads (16 KiB)')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(408, 'request-timeout', 'the request was not received in time')
        : requestProblem(HttpProblemCode.malformedRequest, 'the request is not well-formed HTTP', '(request)');
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n\r\n${text}`);
  }
  socket.destroy(error);
};

/**
 * How hard answers are compressed: brotli quality 5 and gzip level 6 (zlib's default). On a board
 * of 1 MB (57 parties), brotli 5 gives 48 KiB in about 7 ms, where 4 gave 90 KiB and 11 (zlib's
 * default) 31 KiB in 1.4 s; gzip 9 took 5 times as long as 6 for a seventh less.
 */
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 6;

/**
 * Answers of 1 KiB or more are compressed for a client that accepts it (`Accept-Encoding`: br, gzip
 * or deflate, by @fastify/compress; a 57-party board is 1 MB of JSON).
 * Not the live board (server-sent events, sent on a socket of its own) nor the NDJSON streams, which
 * go as they are. Request bodies are never decoded: a compressed body stays a 415 (json-body.ts), so
 * every route is marked `decompress: false` before the plugin's own onRoute hook would add a decoder.
 */
const installCompression = async (app: NestFastifyApplication): Promise<void> => {
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    route.decompress = false;
  });
  await app.register(fastifyCompress, {
    threshold: 1024,
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    zlibOptions: { level: GZIP_LEVEL },
  });
};

/** How long a client may take to send a whole request (Node checks every 30 s, so 60 to 90 s). */
export const REQUEST_TIMEOUT_MS = 60_000;

/** Builds the HTTP application (not listening), as `serve` and the e2e tests use it. */
export const createApp = async (config: AppConfig, options: { logger?: false } = {}): Promise<NestFastifyApplication> => {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({
      bodyLimit: MAX_BODY_BYTES,
      // A request (headers and body) must arrive within this time, else 408 and the socket closes:
      // Fastify's default (none) let a client holding a valid token keep a socket open for ever by
      // sending less body than its Content-Length. 1 MiB in a minute is 17 KiB/s, the slowest
      // link served.
      requestTimeout: REQUEST_TIMEOUT_MS,
      // Node's own answer to a request without Host is a bare 400 with no body:
      // installRepeatedHeaderCheck answers it as problem+json.
      http: { requireHostHeader: false },
      // Refused by Node's HTTP parser before Fastify sees a request: problem+json too.
      clientErrorHandler: clientError,
      // Rejected by the router before any route, hook or filter runs: problem+json like every error.
      frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
        const body =
          error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? problem(414, 'uri-too-long', 'a segment of the path is longer than 100 characters; no id is that long')
            : requestProblem(HttpProblemCode.malformedUrl, 'the path is not a valid URL (a malformed %-escape)', '(path)');
        void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
      },
    }),
    {
      logger: options.logger ?? nestLogger(config.logLevel, logColours(config)),
      abortOnError: false,
      // Fastify's own JSON parser only: a form or text body is then a 415, never parsed into fields.
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  installDrainGuard(fastify);
  fastify.removeContentTypeParser('text/plain');
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser(fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error')));
  installCorrelationIds(fastify, app.get<IdGenerator>(ID_GENERATOR));
  installRepeatedHeaderCheck(fastify);
  await applySecurity(app, config);
  await installCompression(app);
  installEarlyNoRoute(fastify);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(new LedgerValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('norms-ledger')
      .setDescription(
        'An event-sourced, hash-chained ledger of the records of intergovernmental expert talks.\n\n' +
          'Errors are RFC 9457 `application/problem+json` `{type, title, status, detail, errors?}`. `type` is ' +
          '`https://norms-ledger.dev/problems/<code>`, stable per code (see the ProblemDetails schema); `errors` ' +
          '(on every 400) lists every invalid field as `{field, message}`, with paths such as `changes[1].from` or `attendance.cn[0]`; a 400 about the ' +
          'request as a whole (a body that is not JSON, a malformed path) lists it under `(body)`, `(path)` or `(request)`.\n\n' +
          'Commands answer 201 with `ETag: W/"<revision>"`, accept `If-Match: W/"<revision>"` (also a list of tags, or `*`: the record exists; 412 on mismatch, 400 when malformed) ' +
          'and `Idempotency-Key` (at most 128 visible ASCII characters).\n\n' +
          'Texts: lengths count Unicode code points (an emoji is one); a text must hold at least one visible character (white space, ' +
          'zero-width and other invisible characters alone are blank: 400); control characters other than tab, line feed and carriage return ' +
          'are refused (the `pattern` of every text field). Every request schema lists all its fields: any other field is a 400.',
      )
      .setVersion('0.1.0')
      .addTag('tracks', 'A track of talks: its parties, their agencies and delegates, its sessions, and the subjects proposed in it')
      .addTag('sessions', 'A session: scheduled, rescheduled, cancelled or held; its decisions, action items, minutes and corrections')
      .addTag('norms', 'A proposed norm: positions, decisions, capital responses, withdrawal and corrections')
      .addTag('cbms', 'A confidence-building measure: positions, decisions, links, implementation reports, suspension and corrections')
      .addTag('topics', 'A topic of discussion: positions and corrections (topics have no status)')
      .addTag('queries', 'Read models: the board, stance matrix, CBM tracker and session register, at any valid time (asOf) and transaction time (knownAt)')
      .addTag('audit', 'The hash-chained log, its verification, signed checkpoints and the offline bundle')
      .addTag('operations', 'Liveness and readiness')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque token', description: 'A token of role clerk, auditor or viewer (LEDGER_TOKENS or the tokens shown on first start)' }, BEARER)
      .build(),
    { extraModels: [ProblemDetailsDto], operationIdFactory: operationIdOf },
  );
  documentAccess(document);
  finishDocument(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  serveDocumentAtDocs(fastify, document);
  return app;
};
