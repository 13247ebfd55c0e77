import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const CLERK = 'reliability-clerk-token-0123456789';
export const AUDITOR = 'reliability-auditor-token-0123456789';

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'norms-ledger-reliability-'));
export const removeDataDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: any;
}

/** The request never got an answer (refused, reset, server killed mid-request). */
export class NoAnswerError extends Error {
  constructor(override readonly cause: Error) {
    super(`no answer: ${cause.message}`);
    this.name = 'NoAnswerError';
  }
}

/**
 * A small keep-alive JSON client on node:http: every outcome is either an answer or a
 * NoAnswerError, which is what a crash test needs to tell "acknowledged" from "lost".
 */
export class JsonClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(readonly port: number) {}

  request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; token?: string } = {}): Promise<Answer> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<Answer>((done, fail) => {
      const req = httpRequest({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => fail(new NoAnswerError(error)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          done({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on('aborted', () => fail(new NoAnswerError(new Error('response aborted'))));
      });
      req.on('error', (error) => fail(new NoAnswerError(error)));
      req.end(payload);
    });
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}, token = CLERK): Promise<Answer> {
    return this.request('POST', path, { body, headers, token });
  }

  get(path: string, token = AUDITOR): Promise<Answer> {
    return this.request('GET', path, { token });
  }

  /** POST that must answer 201. */
  async ok(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const answer = await this.post(path, body, headers);
    if (answer.status !== 201) throw new Error(`POST ${path} → ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * `node dist/main.js` as a child process on a fixed port and data directory, with a clerk and an
 * auditor token and rate limits off. Started again after every kill, on the same directory.
 */
export class LedgerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  starts = 0;

  constructor(
    readonly dataDir: string,
    readonly port: number,
    /** Added to the environment; `undefined` removes a variable (LEDGER_TOKENS: a first start). */
    private readonly extraEnv: Record<string, string | undefined> = {},
    /** The directory holding dist/ (and the working directory): the repository unless a test ships a copy. */
    private readonly root: string = ROOT,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the server printed its listening line and GET /health answered 200. */
  async start(timeoutMs = 120_000): Promise<void> {
    const main = join(this.root, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: npm test builds it (pretest); run \`npm run build\``);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      LEDGER_STORE: 'sqlite',
      LEDGER_DATA_DIR: this.dataDir,
      LEDGER_TOKENS: `clerk:${CLERK},auditor:${AUDITOR}`,
      LEDGER_RATE_LIMIT_PER_ADDRESS: '0',
      LEDGER_RATE_LIMIT_PER_TOKEN: '0',
      LOG_LEVEL: 'warn',
      ...this.extraEnv,
    };
    delete env['LEDGER_TOKENS_FILE'];
    delete env['LEDGER_CORS_ORIGINS'];
    delete env['LEDGER_SIGNING_KEY_FILE'];
    for (const [name, value] of Object.entries(this.extraEnv)) if (value === undefined) delete env[name];
    this.output = '';
    this.starts++;
    const child = spawn(process.execPath, [main], { env, cwd: this.root, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`the ledger did not start within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      // Kept after start too: `log` is the last 8 KiB the server printed.
      let listening = false;
      const keep = (chunk: Buffer): void => {
        this.output = (this.output + chunk.toString()).slice(-8192);
        if (!listening && /listening on/.test(this.output)) {
          listening = true;
          clearTimeout(timer);
          done();
        }
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', (chunk: Buffer) => {
        this.output = (this.output + chunk.toString()).slice(-8192);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`the ledger exited (${signal ?? code}) before listening:\n${this.output}`));
      });
    });
    const client = new JsonClient(this.port);
    try {
      for (let attempt = 0; ; attempt++) {
        const health = await client.request('GET', '/health').catch((error: unknown) => ({ status: 0, body: String(error) }));
        if (health.status === 200) return;
        if (attempt >= 50) throw new Error(`GET /health → ${health.status}: ${JSON.stringify(health.body)}`);
        await new Promise((wake) => setTimeout(wake, 20));
      }
    } finally {
      client.close();
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no close; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM once; resolves with how the process ended (SIGKILL if it takes longer than 30 s). */
  async terminate(): Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) throw new Error('the ledger is not running');
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.kill('SIGTERM');
    try {
      return await exited;
    } finally {
      clearTimeout(force);
    }
  }

  /** Graceful stop (SIGTERM), SIGKILL if it takes longer than 15 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(force);
  }

  get log(): string {
    return this.output;
  }

  /** Closes this end of the server's standard output, as `npm start | head -1` does once it has its line. */
  closeStdout(): void {
    this.child?.stdout?.destroy();
  }
}

export interface RunningLedger {
  readonly dataDir: string;
  readonly server: LedgerProcess;
  readonly client: JsonClient;
}

/** A server started on a fresh data directory, and a client to it; nothing is left behind if the start fails. */
export const startedLedger = async (extraEnv: Record<string, string | undefined> = {}, root: string = ROOT): Promise<RunningLedger> => {
  const dataDir = newDataDir();
  const server = new LedgerProcess(dataDir, await freePort(), extraEnv, root);
  try {
    await server.start();
  } catch (error) {
    await server.kill();
    removeDataDir(dataDir);
    throw error;
  }
  return { dataDir, server, client: new JsonClient(server.port) };
};

/** Closes the client, stops the server (SIGTERM, or SIGKILL with `kill`) and removes its data directory. */
export const disposeLedger = async (ledger: RunningLedger | undefined, how: 'stop' | 'kill' = 'stop'): Promise<void> => {
  if (ledger === undefined) return;
  ledger.client.close();
  await (how === 'kill' ? ledger.server.kill() : ledger.server.stop());
  removeDataDir(ledger.dataDir);
};

/** Track `trackId` with parties us and cn (an agency and a delegate each), a held session and `norms` norms. */
export const seedTrack = async (client: JsonClient, trackId: string, sessionId: string, normIds: readonly string[]): Promise<void> => {
  await client.ok('/tracks', { trackId, name: 'Reliability track', effectiveOn: '2026-01-05' });
  for (const [partyId, name] of [['us', 'United States'], ['cn', 'China']] as const) {
    await client.ok(`/tracks/${trackId}/parties`, { partyId, name, effectiveOn: '2026-01-05' });
    await client.ok(`/tracks/${trackId}/agencies`, { agencyId: `${partyId}-mfa`, partyId, name: `${name} foreign ministry`, effectiveOn: '2026-01-05' });
    await client.ok(`/tracks/${trackId}/delegates`, { delegateId: `${partyId}-d1`, partyId, agencyId: `${partyId}-mfa`, effectiveOn: '2026-01-05' });
  }
  await client.ok(`/tracks/${trackId}/sessions`, { sessionId, number: 1, place: 'Geneva', scheduledFor: '2026-02-10', effectiveOn: '2026-01-06' });
  await client.ok(`/sessions/${sessionId}/held`, {
    heldOn: '2026-02-10',
    place: 'Geneva',
    agenda: [{ itemId: 'item-1', title: 'Opening' }, { itemId: 'item-2', title: 'Norms' }],
    attendance: { us: ['us-d1'], cn: ['cn-d1'] },
  });
  for (const normId of normIds) {
    await client.ok(`/tracks/${trackId}/norms`, { normId, title: `Norm ${normId}`, summary: 'A norm under negotiation.', proposedBy: ['us'], sessionId, agendaItemId: 'item-2' });
  }
};

const STANCES = ['supports', 'reserves', 'opposes', 'abstains', 'conditional'] as const;

/** A valid PositionStated body; the stance varies with `n` so that the board keeps changing. */
export const positionBody = (statementId: string, n: number, sessionId?: string): Record<string, unknown> => {
  const partyId = n % 2 === 0 ? 'us' : 'cn';
  const stance = STANCES[n % STANCES.length]!;
  return {
    statementId,
    partyId,
    delegateId: `${partyId}-d1`,
    stance,
    ...(stance === 'conditional' ? { condition: 'Subject to capital review.' } : {}),
    text: `Statement ${statementId}.`,
    channel: n % 3 === 0 ? 'written' : 'oral',
    ...(sessionId !== undefined ? { sessionId, agendaItemId: 'item-2' } : {}),
  };
};
