import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AppConfig, ConfigError, type Role, ROLES } from '../config/app-config.js';
import { ensureDir } from '../shared/ensure-dir.js';

/** Who a token belongs to: `name` becomes every recorded event's metadata.recordedBy. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

/** One line of a token file: only the SHA-256 of the token is ever stored. */
export interface TokenFileEntry {
  readonly name: string;
  readonly role: Role;
  readonly sha256: string;
}

export const GENERATED_TOKENS_FILE = 'tokens.json';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export const sha256OfToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** 256 random bits, URL-safe, with a prefix that secret scanners and people can recognise. */
export const newToken = (): string => `nlt_${randomBytes(32).toString('base64url')}`;

interface StoredToken extends Principal {
  readonly digest: Buffer;
}

/** Tokens made on a first start, not yet kept (see TokenRegistry.keepFirstStartTokens). */
interface FirstStartTokens {
  readonly path: string;
  readonly tokens: ReadonlyArray<{ readonly role: Role; readonly token: string }>;
  readonly entries: readonly TokenFileEntry[];
}

/** The known tokens, by hash only. */
export class TokenRegistry {
  private readonly tokens: readonly StoredToken[];
  private firstStart: FirstStartTokens | undefined;

  constructor(entries: readonly TokenFileEntry[], firstStart?: FirstStartTokens) {
    this.tokens = entries.map((entry) => ({ name: entry.name, role: entry.role, digest: Buffer.from(entry.sha256, 'hex') }));
    this.firstStart = firstStart;
  }

  /**
   * On a first start, once the server listens: writes the made tokens' hashes (owner-only) and shows
   * the tokens, this once. Until then nothing is kept, so a start that fails (a port in use, a bad
   * setting) leaves no tokens.json behind and the next start shows new tokens. A no-op for tokens
   * from configuration or from an earlier start. `wx` refuses a file another process just made.
   */
  keepFirstStartTokens(announce: (text: string) => void = (text) => void process.stdout.write(text)): void {
    const made = this.firstStart;
    if (made === undefined) return;
    ensureDir(dirname(made.path));
    try {
      writeFileSync(made.path, `${JSON.stringify(made.entries, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new ConfigError(['LEDGER_DATA_DIR'], `LEDGER_DATA_DIR: another norms-ledger made ${made.path} while this one started: start again to use its tokens`);
    }
    chmodSync(made.path, 0o600);
    this.firstStart = undefined;
    announce(
      [
        '',
        `no tokens were configured, so one per role was made. They are shown ONCE; only their SHA-256 is kept in ${made.path}.`,
        ...made.tokens.map(({ role, token }) => `  ${role.padEnd(7)} ${token}`),
        'Send one as "Authorization: Bearer <token>". Lost them? Stop the server, delete that file and start again.',
        '',
      ].join('\n'),
    );
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Whether these are a first start's tokens, not kept yet. */
  get madeForFirstStart(): boolean {
    return this.firstStart !== undefined;
  }

  /** How many tokens each role has, as `3 tokens (1 clerk, 1 auditor, 1 viewer)`. */
  get census(): string {
    const perRole = ROLES.map((role) => `${this.tokens.filter((token) => token.role === role).length} ${role}`);
    return `${this.tokens.length} token${this.tokens.length === 1 ? '' : 's'} (${perRole.join(', ')})`;
  }

  /**
   * Compares the presented token's digest with every stored digest in constant time and without
   * stopping at a match, so neither timing nor position tells anything about the stored tokens.
   */
  principalFor(token: string): Principal | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: StoredToken | undefined;
    for (const stored of this.tokens) {
      if (timingSafeEqual(digest, stored.digest) && found === undefined) found = stored;
    }
    return found === undefined ? undefined : { name: found.name, role: found.role };
  }
}

/** LEDGER_TOKENS: a role's only token is named after the role; several are `clerk-1`, `clerk-2`… */
export const entriesFromPairs = (pairs: NonNullable<AppConfig['tokens']>): TokenFileEntry[] => {
  const perRole = new Map<Role, number>();
  for (const { role } of pairs) perRole.set(role, (perRole.get(role) ?? 0) + 1);
  const seen = new Map<Role, number>();
  return pairs.map(({ role, token }) => {
    const index = (seen.get(role) ?? 0) + 1;
    seen.set(role, index);
    return { name: perRole.get(role) === 1 ? role : `${role}-${index}`, role, sha256: sha256OfToken(token) };
  });
};

/** Validates a token file's content; every problem is named with the entry it is in. */
export const parseTokenFile = (text: string, variable: string, path: string): TokenFileEntry[] => {
  const fail = (problem: string): never => {
    throw new ConfigError([variable], `invalid configuration: ${variable}: ${path}: ${problem}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return fail('must be a non-empty JSON array of {name, role, sha256}');
  const names = new Set<string>();
  const hashes = new Set<string>();
  return parsed.map((raw: unknown, index): TokenFileEntry => {
    // Counted from 1, as a person counts them (and as LEDGER_TOKENS pairs are).
    const at = `entry ${index + 1}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(`${at} must be an object {name, role, sha256}`);
    const { name, role, sha256, ...rest } = raw as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) return fail(`${at} has unknown field ${extra[0]}${extra[0] === 'token' ? ' (store only the sha256 of a token)' : ''}`);
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) return fail(`${at}: name must be 1 to 64 letters, digits, '.', '_', '@' or '-'`);
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return fail(`${at} (${name}): role must be one of ${ROLES.join(', ')}`);
    if (typeof sha256 !== 'string' || !SHA256_PATTERN.test(sha256)) return fail(`${at} (${name}): sha256 must be 64 lowercase hex digits`);
    if (names.has(name)) return fail(`${at}: name ${name} is used twice`);
    if (hashes.has(sha256)) return fail(`${at} (${name}): the same token is listed twice`);
    names.add(name);
    hashes.add(sha256);
    return { name, role: role as Role, sha256 };
  });
};

const readTokenFile = (path: string, variable: string): TokenFileEntry[] => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([variable], `invalid configuration: ${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseTokenFile(text, variable, path);
};

/** First start without configured tokens: one token per role, in memory until the server listens. */
const makeTokens = (dataDir: string): TokenRegistry => {
  const tokens = ROLES.map((role) => ({ role, token: newToken() }));
  const entries = tokens.map(({ role, token }) => ({ name: role, role, sha256: sha256OfToken(token) }));
  return new TokenRegistry(entries, { path: join(dataDir, GENERATED_TOKENS_FILE), tokens, entries });
};

/**
 * LEDGER_TOKENS, else LEDGER_TOKENS_FILE, else <dataDir>/tokens.json; without any of them (a first
 * start), tokens are made and kept once the server listens (TokenRegistry.keepFirstStartTokens).
 */
export const loadTokenRegistry = (config: AppConfig): TokenRegistry => {
  if (config.tokens !== undefined) return new TokenRegistry(entriesFromPairs(config.tokens));
  if (config.tokensFile !== undefined) return new TokenRegistry(readTokenFile(config.tokensFile, 'LEDGER_TOKENS_FILE'));
  const generated = join(config.dataDir, GENERATED_TOKENS_FILE);
  if (existsSync(generated)) return new TokenRegistry(readTokenFile(generated, 'LEDGER_DATA_DIR'));
  return makeTokens(config.dataDir);
};

/**
 * The start-up line saying which tokens are in force and how many per role; when LEDGER_TOKENS or
 * LEDGER_TOKENS_FILE is set, it says a generated tokens.json in the data directory is ignored (it is
 * in force again once they are unset, an audit found nothing said so).
 */
export const tokenSourceLine = (config: AppConfig, registry: TokenRegistry): string => {
  const generated = join(config.dataDir, GENERATED_TOKENS_FILE);
  const ignored = existsSync(generated) ? `; ${generated}, made on a first start, is ignored (its tokens are in force again if this variable is unset)` : '';
  if (config.tokens !== undefined) return `tokens: LEDGER_TOKENS, ${registry.census}${ignored}`;
  if (config.tokensFile !== undefined) return `tokens: LEDGER_TOKENS_FILE ${config.tokensFile}, ${registry.census}${ignored}`;
  if (registry.madeForFirstStart) return `tokens: none configured, so one per role is made, ${registry.census}: shown once the server listens, only their SHA-256 kept in ${generated}`;
  return `tokens: ${generated}, made on the first start, ${registry.census}`;
};
