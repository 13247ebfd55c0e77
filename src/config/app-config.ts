import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

export const ROLES = ['clerk', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenEntry {
  readonly role: Role;
  readonly token: string;
}

/** The typed configuration, the one DI token everything else reads (nothing else reads process.env). */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly store: 'sqlite' | 'eventstoredb';
  readonly dataDir: string;
  readonly esdbConnectionString: string;
  readonly tokens: readonly TokenEntry[] | undefined;
  readonly tokensFile: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** NO_COLOR is set (to anything but the empty string, as no-color.org says): log lines never carry colour codes. */
  readonly noColor: boolean;
  /** Ed25519 private key (PKCS#8 PEM) file for checkpoints; default: <dataDir>/signing-key.pem. */
  readonly signingKeyFile: string | undefined;
  /** SQLite durability: FULL (default) survives power loss; NORMAL only a process crash. */
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Requests per window per client address and per token; 0 turns that limit off. */
  readonly rateLimit: { readonly windowSeconds: number; readonly perAddress: number; readonly perToken: number };
  /** Origins allowed to call the API from a browser; CORS is off when undefined. */
  readonly corsOrigins: readonly string[] | undefined;
  /**
   * Threads a rebuild of the read models may use (one run of tracks each); undefined: one per core,
   * at most 4, less one core for a rebuild asked of a running server (POST /projections/rebuild).
   */
  readonly rebuildThreads: number | undefined;
  /** Live board streams one token may hold open at once; 0: no limit. */
  readonly liveStreamsPerToken: number;
  /** Verify the whole ledger in the background once started, and log what was found (default true). */
  readonly verifyOnStart: boolean;
}

export const APP_CONFIG = Symbol.for('norms-ledger.AppConfig');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

class EnvironmentVariables {
  @IsOptional() @IsInt({ message: 'must be an integer port number from 0 to 65535' }) @Min(0, { message: 'must be an integer port number from 0 to 65535' }) @Max(65535, { message: 'must be an integer port number from 0 to 65535' })
  PORT?: number;

  @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' })
  HOST?: string;

  @IsOptional() @IsIn(['sqlite', 'eventstoredb'], { message: 'must be sqlite or eventstoredb' })
  LEDGER_STORE?: string;

  @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' })
  LEDGER_DATA_DIR?: string;

  @IsOptional() @Matches(/^(esdb|esdb\+discover):\/\/\S+$/, { message: 'must be an esdb:// or esdb+discover:// connection string' })
  ESDB_CONNECTION_STRING?: string;

  // Checked by tokenPairsProblem, which can say which pair is wrong and why.
  @IsOptional() @IsString()
  LEDGER_TOKENS?: string;

  @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' })
  LEDGER_TOKENS_FILE?: string;

  @IsOptional() @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: string;

  @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' })
  LEDGER_SIGNING_KEY_FILE?: string;

  @IsOptional() @IsIn(['FULL', 'NORMAL'], { message: 'must be FULL or NORMAL' })
  LEDGER_SQLITE_SYNCHRONOUS?: string;

  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' })
  LEDGER_VERIFY_ON_START?: string;

  @IsOptional() @IsInt({ message: 'must be an integer number of seconds from 1 to 86400' }) @Min(1, { message: 'must be an integer number of seconds from 1 to 86400' }) @Max(86400, { message: 'must be an integer number of seconds from 1 to 86400' })
  LEDGER_RATE_LIMIT_WINDOW_SECONDS?: number;

  @IsOptional() @IsInt({ message: 'must be a whole number of requests per window from 0 (the limit off) to 1000000000' }) @Min(0, { message: 'must be a whole number of requests per window from 0 (the limit off) to 1000000000' }) @Max(1_000_000_000, { message: 'must be a whole number of requests per window from 0 (the limit off) to 1000000000' })
  LEDGER_RATE_LIMIT_PER_ADDRESS?: number;

  @IsOptional() @IsInt({ message: 'must be a whole number of requests per window from 0 (the limit off) to 1000000000' }) @Min(0, { message: 'must be a whole number of requests per window from 0 (the limit off) to 1000000000' }) @Max(1_000_000_000, { message: 'must be a whole number of requests per window from 0 (the limit off) to 1000000000' })
  LEDGER_RATE_LIMIT_PER_TOKEN?: number;

  @IsOptional() @Matches(/^https?:\/\/[^\s,/]+(,https?:\/\/[^\s,/]+)*$/, { message: 'must be origins such as https://dash.example.org, separated by commas, without paths' })
  LEDGER_CORS_ORIGINS?: string;

  @IsOptional() @IsInt({ message: 'must be a whole number of threads from 1 to 4' }) @Min(1, { message: 'must be a whole number of threads from 1 to 4' }) @Max(4, { message: 'must be a whole number of threads from 1 to 4' })
  LEDGER_REBUILD_THREADS?: number;

  @IsOptional() @IsInt({ message: 'must be a whole number of open streams from 0 (the limit off) to 1000000' }) @Min(0, { message: 'must be a whole number of open streams from 0 (the limit off) to 1000000' }) @Max(1_000_000, { message: 'must be a whole number of open streams from 0 (the limit off) to 1000000' })
  LEDGER_LIVE_STREAMS_PER_TOKEN?: number;
}

/** Thrown with a one-line message naming every bad variable. */
export class ConfigError extends Error {
  constructor(readonly variables: readonly string[], message: string) {
    // One line, whatever a parser's message quoted (a file's newline, say).
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
    this.name = 'ConfigError';
  }
}

const KNOWN = [
  'PORT', 'HOST', 'LEDGER_STORE', 'LEDGER_DATA_DIR', 'ESDB_CONNECTION_STRING', 'LEDGER_TOKENS', 'LEDGER_TOKENS_FILE',
  'LOG_LEVEL', 'LEDGER_SIGNING_KEY_FILE', 'LEDGER_SQLITE_SYNCHRONOUS',
  'LEDGER_RATE_LIMIT_WINDOW_SECONDS', 'LEDGER_RATE_LIMIT_PER_ADDRESS', 'LEDGER_RATE_LIMIT_PER_TOKEN', 'LEDGER_CORS_ORIGINS',
  'LEDGER_REBUILD_THREADS', 'LEDGER_LIVE_STREAMS_PER_TOKEN', 'LEDGER_VERIFY_ON_START',
] as const;

const INTEGERS: ReadonlySet<string> = new Set([
  'PORT', 'LEDGER_RATE_LIMIT_WINDOW_SECONDS', 'LEDGER_RATE_LIMIT_PER_ADDRESS', 'LEDGER_RATE_LIMIT_PER_TOKEN', 'LEDGER_REBUILD_THREADS', 'LEDGER_LIVE_STREAMS_PER_TOKEN',
]);

/** EventStoreDB on this machine, the single insecure node docker-compose.yml starts. */
export const DEFAULT_ESDB_CONNECTION_STRING = 'esdb://localhost:2113?tls=false';

/**
 * Live board streams one token may hold open: each stream under a cut is computed again after every
 * write to its track, so one token opening thousands slowed every user (a security audit's finding).
 * A wall of dashboards sharing one viewer token stays well inside it.
 */
export const DEFAULT_LIVE_STREAMS_PER_TOKEN = 64;

/** Generous enough that no test or benchmark trips them: a ceiling against runaway clients. */
export const DEFAULT_RATE_LIMIT = { windowSeconds: 60, perAddress: 120_000, perToken: 60_000 } as const;

/** Tokens shorter than this are accepted from LEDGER_TOKENS (tests, development) with a warning. */
export const SHORT_TOKEN_LENGTH = 16;

/** The development tokens docker-compose.yml falls back to: public, so never to be served beyond this machine. */
const PUBLIC_DEVELOPMENT_TOKEN = /-change-me$/;

/** A warning when LEDGER_TOKENS holds docker-compose.yml's public development tokens, naming their roles; undefined otherwise. */
export const publicTokenWarning = (config: AppConfig): string | undefined => {
  const roles = [...new Set((config.tokens ?? []).filter(({ token }) => PUBLIC_DEVELOPMENT_TOKEN.test(token)).map(({ role }) => role))];
  return roles.length === 0
    ? undefined
    : `LEDGER_TOKENS has docker-compose.yml's public development ${roles.length === 1 ? 'token' : 'tokens'} (${roles.join(', ')}): anyone who reads that file can use ${roles.length === 1 ? 'it' : 'them'}; set LEDGER_TOKENS before serving beyond this machine`;
};

/** A warning about LEDGER_TOKENS tokens short enough to guess, naming their roles; undefined when none is. */
export const shortTokenWarning = (config: AppConfig): string | undefined => {
  const roles = [...new Set((config.tokens ?? []).filter(({ token }) => token.length < SHORT_TOKEN_LENGTH).map(({ role }) => role))];
  return roles.length === 0
    ? undefined
    : `LEDGER_TOKENS has ${roles.length === 1 ? 'a token' : 'tokens'} shorter than ${SHORT_TOKEN_LENGTH} characters (${roles.join(', ')}): fine for tests, guessable anywhere else`;
};

const TOKEN_PAIRS = 'must be role:token pairs separated by commas (roles clerk, auditor, viewer; tokens without commas or spaces)';
/** A role is quoted back only when it looks like one: a token pasted without its role must not reach the log. */
const QUOTABLE_ROLE = /^[A-Za-z_-]{1,16}$/;

/**
 * What is wrong with LEDGER_TOKENS, naming each bad pair (counted from 1) and why, never quoting
 * a token; undefined when it is well formed. Any non-empty token is taken (DESIGN §8: for tests
 * and development); serve warns about short ones.
 */
export const tokenPairsProblem = (value: string): string | undefined => {
  if (value.trim() === '') return `${TOKEN_PAIRS}: it is empty (unset it to use a token file or the generated tokens)`;
  const pairs = value.split(',');
  const problems = pairs.flatMap((pair, index): string[] => {
    const at = `pair ${index + 1}`;
    if (pair.trim() === '') return [`${at} is empty (${index === pairs.length - 1 ? 'a trailing comma' : index === 0 ? 'a leading comma' : 'two commas in a row'})`];
    if (pair !== pair.trim()) return [`${at} has a space around it (pairs are separated by a comma alone)`];
    const colon = pair.indexOf(':');
    if (colon < 0) return [`${at} has no role (write role:token)`];
    const role = pair.slice(0, colon);
    const token = pair.slice(colon + 1);
    if (!(ROLES as readonly string[]).includes(role)) {
      if ((ROLES as readonly string[]).includes(role.toLowerCase())) return [`${at}: role "${role}" must be written in lower case (${role.toLowerCase()})`];
      return [QUOTABLE_ROLE.test(role) ? `${at}: unknown role "${role}"` : `${at}: unknown role (not shown: it does not look like one; is the role missing?)`];
    }
    if (token === '') return [`${at} (${role}): empty token`];
    if (/\s/.test(token)) return [`${at} (${role}): the token has a space in it`];
    return [];
  });
  return problems.length === 0 ? undefined : `${TOKEN_PAIRS}: ${problems.join('; ')}`;
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): AppConfig => {
  const raw: Record<string, unknown> = {};
  for (const name of KNOWN) {
    const value = env[name];
    // Digits alone, as every other variable is taken as written: " 3000" is refused as " sqlite" is.
    if (value !== undefined) raw[name] = INTEGERS.has(name) && /^\d+$/.test(value) ? Number(value) : value;
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { forbidUnknownValues: false });
  if (env.LEDGER_TOKENS && env.LEDGER_TOKENS_FILE) {
    throw new ConfigError(['LEDGER_TOKENS', 'LEDGER_TOKENS_FILE'], 'invalid configuration: LEDGER_TOKENS and LEDGER_TOKENS_FILE: set one of them, not both');
  }
  const problems = errors.map((error) => ({ variable: error.property, problem: Object.values(error.constraints ?? {})[0] ?? 'is invalid' }));
  const tokensProblem = env.LEDGER_TOKENS === undefined ? undefined : tokenPairsProblem(env.LEDGER_TOKENS);
  if (tokensProblem !== undefined) problems.push({ variable: 'LEDGER_TOKENS', problem: tokensProblem });
  if (problems.length > 0) {
    const parts = problems.map(({ variable, problem }) => `${variable}=${JSON.stringify(redact(variable, env[variable]))} ${problem}`);
    throw new ConfigError(problems.map(({ variable }) => variable), `invalid configuration: ${parts.join('; ')}`);
  }
  const tokens = vars.LEDGER_TOKENS?.split(',').map((pair) => {
    // Split at the first colon: a token may itself contain colons.
    const colon = pair.indexOf(':');
    return { role: pair.slice(0, colon) as Role, token: pair.slice(colon + 1) };
  });
  // A token names one principal: given twice, which role it acts in would depend on the order.
  const repeated = tokens?.find((entry, index) => tokens.findIndex((other) => other.token === entry.token) !== index);
  if (repeated !== undefined) {
    const roles = tokens!.filter((entry) => entry.token === repeated.token).map((entry) => entry.role);
    throw new ConfigError(['LEDGER_TOKENS'], `invalid configuration: LEDGER_TOKENS gives the same token ${roles.length} times (${roles.join(', ')}): each role:token pair needs a token of its own`);
  }
  return {
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? '127.0.0.1',
    store: (vars.LEDGER_STORE ?? 'sqlite') as AppConfig['store'],
    dataDir: vars.LEDGER_DATA_DIR ?? './data',
    esdbConnectionString: vars.ESDB_CONNECTION_STRING ?? DEFAULT_ESDB_CONNECTION_STRING,
    tokens,
    tokensFile: vars.LEDGER_TOKENS_FILE,
    logLevel: (vars.LOG_LEVEL ?? 'info') as AppConfig['logLevel'],
    noColor: (env.NO_COLOR ?? '') !== '',
    signingKeyFile: vars.LEDGER_SIGNING_KEY_FILE,
    sqliteSynchronous: (vars.LEDGER_SQLITE_SYNCHRONOUS ?? 'FULL') as AppConfig['sqliteSynchronous'],
    rateLimit: {
      windowSeconds: vars.LEDGER_RATE_LIMIT_WINDOW_SECONDS ?? DEFAULT_RATE_LIMIT.windowSeconds,
      perAddress: vars.LEDGER_RATE_LIMIT_PER_ADDRESS ?? DEFAULT_RATE_LIMIT.perAddress,
      perToken: vars.LEDGER_RATE_LIMIT_PER_TOKEN ?? DEFAULT_RATE_LIMIT.perToken,
    },
    corsOrigins: vars.LEDGER_CORS_ORIGINS?.split(','),
    rebuildThreads: vars.LEDGER_REBUILD_THREADS,
    liveStreamsPerToken: vars.LEDGER_LIVE_STREAMS_PER_TOKEN ?? DEFAULT_LIVE_STREAMS_PER_TOKEN,
    verifyOnStart: vars.LEDGER_VERIFY_ON_START !== 'false',
  };
};

/** Secrets never reach a log line, even a configuration error. */
const redact = (name: string, value: string | undefined): string | undefined =>
  name === 'LEDGER_TOKENS' && value !== undefined ? '<redacted>' : value;
