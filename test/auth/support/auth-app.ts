import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jest } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../../src/shared/event-store/event-store.port.js';

// Swagger UI's static assets need an ESM-only module Jest cannot load on Node 20 (see test/e2e/support).
jest.unstable_mockModule('@fastify/static', () => ({ default: async () => {} }));
const { createApp } = await import('../../../src/bootstrap.js');

export const TOKENS = {
  clerk: 'clerk-token-0123456789abcdef',
  auditor: 'auditor-token-0123456789abcdef',
  viewer: 'viewer-token-0123456789abcdef',
} as const;
export type Caller = keyof typeof TOKENS | 'none' | 'unknown';
export const UNKNOWN_TOKEN = 'unknown-token-0123456789abcdef';

export const LEDGER_TOKENS = Object.entries(TOKENS).map(([role, token]) => `${role}:${token}`).join(',');

export const authorization = (caller: Caller): Record<string, string> =>
  caller === 'none' ? {} : { authorization: `Bearer ${caller === 'unknown' ? UNKNOWN_TOKEN : TOKENS[caller]}` };

export interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly json: () => any;
}

export interface Call {
  readonly method: string;
  readonly url: string;
  readonly as?: Caller;
  readonly headers?: Record<string, string | string[]>;
  /** An object is sent as JSON; a string as is (set content-type yourself). */
  readonly payload?: unknown;
}

export interface AuthApp {
  readonly app: NestFastifyApplication;
  readonly fastify: FastifyInstance;
  readonly store: EventStore;
  readonly dataDir: string;
  /** Real HTTP over loopback (Fastify's inject needs an ESM-only module Jest cannot load on Node 20). */
  readonly call: (call: Call) => Promise<Answer>;
  readonly close: () => Promise<void>;
}

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'norms-ledger-auth-'));
export const removeDataDir = (dataDir: string): void => rmSync(dataDir, { recursive: true, force: true });

/** The real app (createApp) on a SQLite file, tokens from LEDGER_TOKENS unless `env` says otherwise. */
export const startAuthApp = async (env: Record<string, string> = {}, options: { logger?: false } = { logger: false }): Promise<AuthApp> => {
  const dataDir = env.LEDGER_DATA_DIR ?? newDataDir();
  // An empty value removes a default (e.g. LEDGER_TOKENS: '' to use a token file instead).
  const merged = Object.entries({ LEDGER_TOKENS, LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', LEDGER_VERIFY_ON_START: 'false', ...env, LEDGER_DATA_DIR: dataDir }).filter(([, value]) => value !== '');
  const config = loadConfig(Object.fromEntries(merged));
  const app = await createApp(config, options);
  await app.init();
  await app.listen(0, '127.0.0.1');
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const address = fastify.server.address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  return {
    app,
    fastify,
    store: app.get<EventStore>(EVENT_STORE),
    dataDir,
    // node:http with keep-alive: a third of fetch's CPU per request, which the fuzzer feels.
    call: ({ method, url, as = 'none', headers = {}, payload }) =>
      new Promise<Answer>((resolve, reject) => {
        const json = payload !== undefined && typeof payload !== 'string';
        const body = payload === undefined ? undefined : Buffer.from(json ? JSON.stringify(payload) : (payload as string), 'utf8');
        const outgoing = httpRequest(`${base}${url}`, {
          method,
          agent,
          headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...authorization(as), ...headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) },
        }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const flat = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]));
            resolve({ statusCode: response.statusCode ?? 0, headers: flat, body: text, json: () => JSON.parse(text) });
          });
          response.on('error', reject);
        });
        outgoing.on('error', reject);
        outgoing.end(body);
      }),
    close: async () => {
      agent.destroy();
      await app.close();
      if (env.LEDGER_DATA_DIR === undefined) removeDataDir(dataDir);
    },
  };
};

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** RFC 9457 shape as the shared filter writes it. */
export const isProblem = (response: Answer): boolean => {
  if (response.headers['content-type'] !== PROBLEM_JSON) return false;
  let body: Record<string, any>;
  try {
    body = response.json();
  } catch {
    return false;
  }
  return (
    typeof body.type === 'string' && body.type.startsWith('https://norms-ledger.dev/problems/') &&
    typeof body.title === 'string' && body.title.length > 0 &&
    body.status === response.statusCode &&
    typeof body.detail === 'string' &&
    (body.errors === undefined || (Array.isArray(body.errors) && body.errors.every((e: { field?: unknown; message?: unknown }) => typeof e.field === 'string' && typeof e.message === 'string')))
  );
};

/**
 * Fastify's own view of its router, as a cross-check of what applySecurity's onRoute hook saw.
 * printRoutes drops some wildcard routes, so it can only say "at least these".
 */
export const printedRoutes = (fastify: FastifyInstance): Array<{ method: string; url: string }> =>
  parseRouteTree(fastify.printRoutes({ commonPrefix: false }));

export const parseRouteTree = (tree: string): Array<{ method: string; url: string }> => {
  const stack: string[] = [];
  const routes: Array<{ method: string; url: string }> = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│   |    )*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    if (match[3] === undefined) continue;
    for (const method of match[3].split(', ')) routes.push({ method, url: stack.join('') });
  }
  return routes;
};
