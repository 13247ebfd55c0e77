import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { checkpointSigningBytes, keyIdOf, type PublicKeyInfo, publicKeyProblem } from '../domain/checkpoint.js';
import type { CheckpointPayload } from '../domain/checkpoint.events.js';
import { ensureDir } from '../../shared/ensure-dir.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { CHECKPOINT_STREAM } from '../domain/checkpoint.events.js';

/** The key checkpoints are signed with. The private half never leaves this object. */
export interface CheckpointSigner {
  readonly publicKey: PublicKeyInfo;
  /** Base64 Ed25519 signature over the UTF-8 JCS of the six signed fields. */
  sign(payload: CheckpointPayload): string;
}

export const SIGNING_KEY = Symbol.for('norms-ledger.SigningKey');

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

export const defaultSigningKeyFile = (config: Pick<AppConfig, 'dataDir'>): string => join(config.dataDir, 'signing-key.pem');

export const publicKeyInfo = (key: KeyObject): PublicKeyInfo => {
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { keyId: keyIdOf(der), algorithm: 'Ed25519', spki: der.toString('base64') };
};

const signerOf = (privateKey: KeyObject): CheckpointSigner => {
  const publicKey = publicKeyInfo(privateKey);
  return { publicKey, sign: (payload) => sign(null, checkpointSigningBytes(payload), privateKey).toString('base64') };
};

const readPrivateKey = (file: string): KeyObject => {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SigningKeyError(`signing key ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new SigningKeyError(`signing key ${file}: not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`signing key ${file}: a ${key.asymmetricKeyType ?? 'unknown'} key, checkpoints need Ed25519`);
  }
  return key;
};

/** Where a key's creation, or a key file others may read, is told: a log line on the server, a stderr line in the CLI. */
export type KeyNotice = (line: string) => void;

/** A private key readable by group or others is told about (DESIGN §6: owner-only); its mode is the operator's to change. */
const warnIfShared = (file: string, notice: KeyNotice | undefined): void => {
  if (notice === undefined) return;
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    return;
  }
  if ((mode & 0o077) !== 0) {
    notice(`warning: the signing key ${file} may be read by others (mode ${(mode & 0o777).toString(8).padStart(3, '0')}): run chmod 600 ${file}`);
  }
};

/**
 * The key id the ledger's newest checkpoint names, undefined when it has none: a ledger that has
 * checkpoints must keep the key that signed them, so no key is made for it.
 */
export const lastCheckpointKeyId = async (store: EventStore): Promise<string | undefined> => {
  const [last] = await readStreamOrEmpty(store, CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
  if (last === undefined) return undefined;
  const keyId = (last.data as { keyId?: unknown }).keyId;
  return typeof keyId === 'string' ? keyId : '(unreadable)';
};

/**
 * A configured key file must exist (a typo must not silently mint a new identity); the default
 * <dataDir>/signing-key.pem is created on first start, owner-only (file 0600, directory 0700 if
 * this creates it), and only for a ledger without checkpoints (`checkpointKeyId` undefined): a
 * lost key file on a ledger whose checkpoints it signed is refused, naming the key expected,
 * rather than replaced by a key that verifies none of them.
 */
export const loadOrCreateSigningKey = (
  config: Pick<AppConfig, 'dataDir' | 'signingKeyFile'>,
  ledger: { readonly checkpointKeyId?: string | undefined } = {},
  notice?: KeyNotice,
): CheckpointSigner => {
  if (config.signingKeyFile !== undefined) {
    const signer = signerOf(readPrivateKey(config.signingKeyFile));
    warnIfShared(config.signingKeyFile, notice);
    return signer;
  }
  const file = defaultSigningKeyFile(config);
  if (!existsSync(file)) {
    if (ledger.checkpointKeyId !== undefined) {
      throw new SigningKeyError(
        `signing key ${file}: no such file, but the ledger's checkpoints are signed by key ${ledger.checkpointKeyId}: ` +
          `put the key file holding key ${ledger.checkpointKeyId} back (no new key is made for a ledger that has checkpoints; to change keys, see README "Keys")`,
      );
    }
    ensureDir(dirname(file), 0o700);
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    try {
      // 'wx': when two processes start at once, the first key written wins and the other reads it.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
      notice?.(`created the signing key ${file} (key ${publicKeyInfo(privateKey).keyId}): keep a copy; the checkpoints it signs verify only with it`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SigningKeyError(`signing key ${file}: cannot create it: ${(error as Error).message}`);
      }
    }
  }
  const signer = signerOf(readPrivateKey(file));
  warnIfShared(file, notice);
  return signer;
};

/** The signing key for a ledger: loadOrCreateSigningKey, told whether the ledger already has checkpoints. */
export const signingKeyFor = async (config: Pick<AppConfig, 'dataDir' | 'signingKeyFile'>, store: EventStore, notice?: KeyNotice): Promise<CheckpointSigner> =>
  loadOrCreateSigningKey(config, { checkpointKeyId: await lastCheckpointKeyId(store) }, notice);

/** Start-up's check before the store opens: a key file that is there must be a key; none is made here. */
export const checkSigningKeyFile = (config: Pick<AppConfig, 'dataDir' | 'signingKeyFile'>): void => {
  const file = config.signingKeyFile ?? defaultSigningKeyFile(config);
  if (config.signingKeyFile !== undefined || existsSync(file)) readPrivateKey(file);
};

export const trustedKeysFile = (config: Pick<AppConfig, 'dataDir'>): string => join(config.dataDir, 'trusted-keys.json');

/** Keys of imported bundles, so their checkpoints still verify here. */
export const readTrustedKeys = (config: Pick<AppConfig, 'dataDir'>): PublicKeyInfo[] => {
  const file = trustedKeysFile(config);
  if (!existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SigningKeyError(`trusted keys ${file}: not JSON: ${(error as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new SigningKeyError(`trusted keys ${file}: expected {"keys": [...]}`);
  return keys.map((key, index) => {
    const problem = publicKeyProblem(key);
    if (problem !== undefined) throw new SigningKeyError(`trusted keys ${file}: key ${index}: ${problem}`);
    return key as PublicKeyInfo;
  });
};

export const addTrustedKey = (config: Pick<AppConfig, 'dataDir'>, key: PublicKeyInfo): void => {
  const keys = readTrustedKeys(config);
  if (keys.some((known) => known.keyId === key.keyId)) return;
  const file = trustedKeysFile(config);
  ensureDir(dirname(file), 0o700);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys: [...keys, key] }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
};

/** Our own key first (it signs from now on), then those of imported bundles (they signed older checkpoints): what verify trusts and a bundle carries. */
export const trustedPublicKeys = (config: Pick<AppConfig, 'dataDir'>, signer: CheckpointSigner): [PublicKeyInfo, ...PublicKeyInfo[]] => [
  signer.publicKey,
  ...readTrustedKeys(config).filter((key) => key.keyId !== signer.publicKey.keyId),
];

/** For read-only work (verify): the keys known here, without creating a signing key as a side effect. */
export const knownPublicKeys = (config: Pick<AppConfig, 'dataDir' | 'signingKeyFile'>, notice?: KeyNotice): PublicKeyInfo[] => {
  const file = config.signingKeyFile ?? defaultSigningKeyFile(config);
  const own = config.signingKeyFile !== undefined || existsSync(file) ? [publicKeyInfo(readPrivateKey(file))] : [];
  if (own.length > 0) warnIfShared(file, notice);
  return [...own, ...readTrustedKeys(config).filter((key) => !own.some((mine) => mine.keyId === key.keyId))];
};
