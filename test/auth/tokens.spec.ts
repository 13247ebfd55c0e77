import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { entriesFromPairs, GENERATED_TOKENS_FILE, loadTokenRegistry, parseTokenFile, sha256OfToken, TokenRegistry, tokenSourceLine } from '../../src/auth/tokens.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'norms-ledger-tokens-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('tokens', () => {
  it('names LEDGER_TOKENS after their role, numbering a role that has several', () => {
    const config = loadConfig({ LEDGER_TOKENS: 'clerk:clerk-a-0123456789abcdef,viewer:viewer-0123456789abcdef,clerk:clerk-b-0123456789abcdef' });
    expect(entriesFromPairs(config.tokens!).map(({ name, role }) => ({ name, role }))).toEqual([
      { name: 'clerk-1', role: 'clerk' },
      { name: 'viewer', role: 'viewer' },
      { name: 'clerk-2', role: 'clerk' },
    ]);
    const registry = loadTokenRegistry(config);
    expect(registry.principalFor('clerk-b-0123456789abcdef')).toEqual({ name: 'clerk-2', role: 'clerk' });
    expect(registry.principalFor('clerk-b-0123456789abcdeX')).toBeUndefined();
    expect(registry.principalFor('')).toBeUndefined();
  });

  it('generates one token per role on first start: kept only once the server listens, hashes only, owner-only, shown once', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const shown: string[] = [];
    const config = loadConfig({ LEDGER_DATA_DIR: dataDir });
    // A start that fails before it listens (a port in use, a bad setting) keeps nothing: the next one makes new tokens.
    const failed = loadTokenRegistry(config);
    expect(failed.size).toBe(3);
    expect(existsSync(join(dataDir, GENERATED_TOKENS_FILE))).toBe(false);
    const first = loadTokenRegistry(config);
    first.keepFirstStartTokens((text) => shown.push(text));
    first.keepFirstStartTokens((text) => shown.push(text));
    expect(shown).toHaveLength(1);
    const tokens = [...shown[0]!.matchAll(/^\s+(clerk|auditor|viewer)\s+(nlt_[A-Za-z0-9_-]{43})$/gm)].map((m) => ({ role: m[1]!, token: m[2]! }));
    expect(tokens.map((t) => t.role)).toEqual(['clerk', 'auditor', 'viewer']);

    const path = join(dataDir, GENERATED_TOKENS_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = readFileSync(path, 'utf8');
    for (const { role, token } of tokens) {
      expect(stored).not.toContain(token);
      expect(stored).toContain(sha256OfToken(token));
      expect(first.principalFor(token)).toEqual({ name: role, role });
    }

    const again = loadTokenRegistry(config);
    again.keepFirstStartTokens((text) => shown.push(text));
    expect(shown).toHaveLength(1);
    expect(again.principalFor(tokens[0]!.token)).toEqual({ name: 'clerk', role: 'clerk' });
  });

  it('says at start which tokens are in force, how many per role, and that a generated tokens.json is ignored while a variable overrides it', () => {
    const dataDir = tempDir();
    const generated = join(dataDir, GENERATED_TOKENS_FILE);
    const firstStart = loadConfig({ LEDGER_DATA_DIR: dataDir });
    const made = loadTokenRegistry(firstStart);
    expect(tokenSourceLine(firstStart, made)).toBe(`tokens: none configured, so one per role is made, 3 tokens (1 clerk, 1 auditor, 1 viewer): shown once the server listens, only their SHA-256 kept in ${generated}`);
    made.keepFirstStartTokens(() => undefined);
    expect(tokenSourceLine(firstStart, loadTokenRegistry(firstStart))).toBe(`tokens: ${generated}, made on the first start, 3 tokens (1 clerk, 1 auditor, 1 viewer)`);

    const pairs = loadConfig({ LEDGER_DATA_DIR: dataDir, LEDGER_TOKENS: 'clerk:clerk-a-0123456789abcdef,clerk:clerk-b-0123456789abcdef,viewer:viewer-0123456789abcdef' });
    expect(tokenSourceLine(pairs, loadTokenRegistry(pairs))).toBe(
      `tokens: LEDGER_TOKENS, 3 tokens (2 clerk, 0 auditor, 1 viewer); ${generated}, made on a first start, is ignored (its tokens are in force again if this variable is unset)`,
    );
    const file = join(tempDir(), 'prod-tokens.json');
    writeFileSync(file, JSON.stringify([{ name: 'secretariat-ana', role: 'clerk', sha256: sha256OfToken('ana-token-0123456789abcdef') }]));
    const fromFile = loadConfig({ LEDGER_DATA_DIR: dataDir, LEDGER_TOKENS_FILE: file });
    expect(tokenSourceLine(fromFile, loadTokenRegistry(fromFile))).toBe(
      `tokens: LEDGER_TOKENS_FILE ${file}, 1 token (1 clerk, 0 auditor, 0 viewer); ${generated}, made on a first start, is ignored (its tokens are in force again if this variable is unset)`,
    );
    const elsewhere = loadConfig({ LEDGER_DATA_DIR: tempDir(), LEDGER_TOKENS_FILE: file });
    expect(tokenSourceLine(elsewhere, loadTokenRegistry(elsewhere))).toBe(`tokens: LEDGER_TOKENS_FILE ${file}, 1 token (1 clerk, 0 auditor, 0 viewer)`);
  });

  it('a first start that finds tokens.json made meanwhile by another start: one line naming LEDGER_DATA_DIR', () => {
    const dataDir = tempDir();
    const config = loadConfig({ LEDGER_DATA_DIR: dataDir });
    const mine = loadTokenRegistry(config);
    loadTokenRegistry(config).keepFirstStartTokens(() => undefined);
    expect(() => mine.keepFirstStartTokens(() => undefined)).toThrow(`LEDGER_DATA_DIR: another norms-ledger made ${join(dataDir, GENERATED_TOKENS_FILE)} while this one started: start again to use its tokens`);
  });

  it('reads LEDGER_TOKENS_FILE (the same format as the generated file)', () => {
    const file = join(tempDir(), 'tokens.json');
    writeFileSync(file, JSON.stringify([{ name: 'secretariat-ana', role: 'clerk', sha256: sha256OfToken('ana-token-0123456789abcdef') }]));
    const registry = loadTokenRegistry(loadConfig({ LEDGER_TOKENS_FILE: file }));
    expect(registry.principalFor('ana-token-0123456789abcdef')).toEqual({ name: 'secretariat-ana', role: 'clerk' });
  });

  it.each([
    ['not json', /not valid JSON/],
    // A file ends with a newline, which the parser's message quotes: still one line.
    ['not json\n', /not valid JSON/],
    ['{\n  "name": "a",\n', /not valid JSON/],
    ['[]', /non-empty JSON array/],
    ['[{"name":"a","role":"admin","sha256":"' + 'a'.repeat(64) + '"}]', /entry 1 \(a\): role must be one of clerk, auditor, viewer/],
    ['[{"name":"a","role":"clerk","sha256":"abc"}]', /entry 1 \(a\): sha256 must be 64 lowercase hex digits/],
    ['[{"name":"a","role":"clerk","token":"plain"}]', /entry 1 has unknown field token \(store only the sha256 of a token\)/],
    ['[{"name":"a","role":"clerk","sha256":"' + 'a'.repeat(64) + '"},{"name":"a","role":"viewer","sha256":"' + 'b'.repeat(64) + '"}]', /entry 2: name a is used twice/],
    ['[{"name":"a","role":"clerk","sha256":"' + 'a'.repeat(64) + '"},{"name":"b","role":"viewer","sha256":"' + 'a'.repeat(64) + '"}]', /entry 2 \(b\): the same token is listed twice/],
  ])('refuses a bad token file %s with one line naming the variable', (text, message) => {
    let error: unknown;
    try {
      parseTokenFile(text, 'LEDGER_TOKENS_FILE', '/etc/ledger/tokens.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['LEDGER_TOKENS_FILE']);
    expect((error as Error).message).toMatch(/^invalid configuration: LEDGER_TOKENS_FILE: \/etc\/ledger\/tokens\.json: /);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('names the variable when the token file cannot be read', () => {
    expect(() => loadTokenRegistry(loadConfig({ LEDGER_TOKENS_FILE: '/nonexistent/tokens.json' }))).toThrow(/LEDGER_TOKENS_FILE: cannot read \/nonexistent\/tokens\.json \(ENOENT\)/);
  });

  it('never matches when nothing is stored', () => {
    expect(new TokenRegistry([]).principalFor('anything-0123456789')).toBeUndefined();
  });
});
