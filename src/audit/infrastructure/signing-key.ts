import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { checkpointSigningBytes, keyIdOf, type PublicKeyInfo, publicKeyProblem } from '../domain/checkpoint.js';
import type { CheckpointPayload } from '../domain/checkpoint.events.js';
import { ensureDir } from '../../shared/ensure-dir.js';

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

/**
 * A configured key file must exist (a typo must not silently mint a new identity); the default
 * <dataDir>/signing-key.pem is created on first start, owner-only (file 0600, directory 0700 if
 * this creates it).
 */
export const loadOrCreateSigningKey = (config: Pick<AppConfig, 'dataDir' | 'signingKeyFile'>): CheckpointSigner => {
  if (config.signingKeyFile !== undefined) return signerOf(readPrivateKey(config.signingKeyFile));
  const file = defaultSigningKeyFile(config);
  if (!existsSync(file)) {
    ensureDir(dirname(file), 0o700);
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    try {
      // 'wx': when two processes start at once, the first key written wins and the other reads it.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SigningKeyError(`signing key ${file}: cannot create it: ${(error as Error).message}`);
      }
    }
  }
  return signerOf(readPrivateKey(file));
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
export const knownPublicKeys = (config: Pick<AppConfig, 'dataDir' | 'signingKeyFile'>): PublicKeyInfo[] => {
  const file = config.signingKeyFile ?? defaultSigningKeyFile(config);
  const own = config.signingKeyFile !== undefined || existsSync(file) ? [publicKeyInfo(readPrivateKey(file))] : [];
  return [...own, ...readTrustedKeys(config).filter((key) => !own.some((mine) => mine.keyId === key.keyId))];
};
