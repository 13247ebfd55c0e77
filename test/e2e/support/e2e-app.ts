import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jest } from '@jest/globals';
import request from 'supertest';
import { loadConfig } from '../../../src/config/app-config.js';
import { CLOCK, type Clock } from '../../../src/shared/event-store/clock.js';
import { EVENT_STORE, type EventStore } from '../../../src/shared/event-store/event-store.port.js';

/*
 * @fastify/static (Swagger UI assets) requires an ESM-only dependency, which Jest's module loader
 * cannot require on Node 20; the UI assets are not under test, the OpenAPI JSON is.
 */
jest.unstable_mockModule('@fastify/static', () => ({ default: async () => {} }));
const { createApp } = await import('../../../src/bootstrap.js');

export interface E2eApp {
  readonly app: NestFastifyApplication;
  readonly store: EventStore;
  readonly dataDir: string;
  readonly http: () => ReturnType<typeof request>;
  /** POST a JSON body as the clerk, with optional headers. */
  readonly post: (path: string, body?: unknown, headers?: Record<string, string>) => request.Test;
  /** Pins the server clock (recordedAt, default effective dates). */
  readonly fixClock: (iso: string) => void;
  readonly close: () => Promise<void>;
}

/** The clerk's token in every e2e app (LEDGER_TOKENS); its principal name is 'clerk'. */
export const CLERK_TOKEN = 'e2e-clerk-token-0123456789';
/** The auditor's token in every e2e app (audit routes). */
export const AUDITOR_TOKEN = 'e2e-auditor-token-0123456789';

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'norms-ledger-e2e-'));

/**
 * The real app on a SQLite file in `dataDir` (a fresh temp dir unless given, e.g. to restart);
 * `env` adds settings, e.g. LEDGER_STORE=eventstoredb with an ESDB_CONNECTION_STRING.
 */
export const startApp = async (dataDir: string = newDataDir(), env: Record<string, string> = {}): Promise<E2eApp> => {
  // No verification of the whole ledger at each start (the product's default), but where a test asks
  // for it (verify-on-start.e2e.spec.ts): it only logs, and would otherwise scan every test's ledger.
  const config = loadConfig({ LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL', LEDGER_VERIFY_ON_START: 'false', LEDGER_TOKENS: `clerk:${CLERK_TOKEN},auditor:${AUDITOR_TOKEN}`, ...env });
  const app = await createApp(config, { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const clock = app.get<Clock>(CLOCK);
  const originalNow = clock.now;
  const http = () => request(app.getHttpServer());
  return {
    app,
    store: app.get<EventStore>(EVENT_STORE),
    dataDir,
    http,
    post: (path, body, headers = {}) => {
      const test = http().post(path).set('Authorization', `Bearer ${CLERK_TOKEN}`);
      for (const [name, value] of Object.entries(headers)) void test.set(name, value);
      return body === undefined ? test : test.send(body as object);
    },
    fixClock: (iso) => {
      (clock as { now: () => Date }).now = () => new Date(iso);
    },
    close: async () => {
      (clock as { now: () => Date }).now = originalNow;
      await app.close();
    },
  };
};

export const removeDataDir = (dataDir: string): void => rmSync(dataDir, { recursive: true, force: true });

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';
export const problemType = (code: string): string => `https://norms-ledger.dev/problems/${code}`;
