import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { keyIdOf, type PublicKeyInfo, publicKeyProblem } from '../../audit/domain/checkpoint.js';
import { addTrustedKey, knownPublicKeys, readTrustedKeys } from '../../audit/infrastructure/signing-key.js';
import { type CliIo, configOrExit, EXIT_OK, fail, processIo, once } from '../cli-io.js';

/**
 * The public key in FILE: a PEM key (public, or the retired private key file itself: only its
 * public half is kept), or JSON as GET /audit/public-key answers it ({keyId, algorithm, spki}) or as
 * a bundle's last line carries it ({"publicKey": {…}}).
 */
export const publicKeyFromFile = (file: string): PublicKeyInfo => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    // As import and verify --bundle name a file they cannot read, not with raw errno text.
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a key file' : code === 'EACCES' || code === 'EPERM' ? `cannot be read (${code}: permission denied)` : (error as Error).message;
    throw new Error(`--in ${file}: ${why}`);
  }
  if (text.includes('-----BEGIN')) {
    let key;
    try {
      key = createPublicKey(text);
    } catch {
      throw new Error(`--in ${file}: not a PEM key`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`--in ${file}: a ${key.asymmetricKeyType ?? 'unknown'} key, checkpoints are signed with Ed25519`);
    const der = key.export({ format: 'der', type: 'spki' });
    return { keyId: keyIdOf(der), algorithm: 'Ed25519', spki: der.toString('base64') };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`--in ${file}: neither a PEM key nor JSON`);
  }
  const record = (parsed as { publicKey?: unknown } | null)?.publicKey ?? parsed;
  const problem = publicKeyProblem(record);
  if (problem !== undefined) throw new Error(`--in ${file}: ${problem}`);
  const { keyId, algorithm, spki } = record as PublicKeyInfo;
  return { keyId, algorithm, spki };
};

/**
 * `norms-ledger trust-key --in FILE`: adds a retired key's public half to <dataDir>/trusted-keys.json,
 * so that the checkpoints it signed still verify after a deliberate key change. The ledger's own
 * key and keys already trusted are left as they are.
 */
export const runTrustKey = (config: AppConfig, options: { in: string }, io: CliIo = processIo): number => {
  try {
    const key = publicKeyFromFile(options.in);
    if (knownPublicKeys(config).some((known) => known.keyId === key.keyId)) {
      const trusted = readTrustedKeys(config).some((known) => known.keyId === key.keyId);
      io.out.write(`key ${key.keyId} is already ${trusted ? 'trusted' : "this ledger's signing key"}: nothing was written\n`);
      return EXIT_OK;
    }
    addTrustedKey(config, key);
    io.out.write(`trusting key ${key.keyId} (from ${options.in}): checkpoints it signed verify here\n`);
    return EXIT_OK;
  } catch (error) {
    return fail(io, 'trust-key', error);
  }
};

export const trustKeyCommand = (): Command =>
  new Command('trust-key')
    .description("trust a retired signing key's public half, so that checkpoints it signed still verify after a key change (adds it to trusted-keys.json)")
    .requiredOption('--in <file>', 'the key: a PEM key (public, or the old private key file), or JSON as GET /audit/public-key answers it', once('--in'))
    .action((options: { in: string }) => {
      const config = configOrExit('trust-key');
      if (config !== undefined) process.exitCode = runTrustKey(config, options);
    });
