import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { canonicalJson } from '../../shared/event-store/envelope.js';
import type { CheckpointIssuedData, CheckpointPayload } from './checkpoint.events.js';

/** What GET /audit/public-key answers and the last line of a bundle carries. */
export interface PublicKeyInfo {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  /** Base64 of the SubjectPublicKeyInfo DER bytes. */
  readonly spki: string;
}

/** keyId = the first 16 hex digits of SHA-256 of the SPKI DER bytes. */
export const keyIdOf = (spkiDer: Uint8Array): string => createHash('sha256').update(spkiDer).digest('hex').slice(0, 16);

/** Only the six signed fields, whatever else the data carries, so extra fields cannot change what is signed. */
export const checkpointPayload = (data: CheckpointPayload): CheckpointPayload => ({
  upTo: data.upTo,
  eventCount: data.eventCount,
  streamCount: data.streamCount,
  root: data.root,
  issuedAt: data.issuedAt,
  keyId: data.keyId,
});

/** The bytes the signature covers: UTF-8 of the JCS of the six fields. */
export const checkpointSigningBytes = (payload: CheckpointPayload): Buffer => Buffer.from(canonicalJson(checkpointPayload(payload)), 'utf8');

const POSITION = /^\d{1,30}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Why the data of a CheckpointIssued event is not a well-formed checkpoint, or undefined when it is. */
export const checkpointShapeProblem = (data: unknown): string | undefined => {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'data is not an object';
  const d = data as Record<string, unknown>;
  if (typeof d.upTo !== 'string' || !POSITION.test(d.upTo)) return 'upTo is not a decimal position string';
  if (!isCount(d.eventCount)) return 'eventCount is not a non-negative integer';
  if (!isCount(d.streamCount)) return 'streamCount is not a non-negative integer';
  if (typeof d.root !== 'string' || !HEX64.test(d.root)) return 'root is not 64 lowercase hex digits';
  if (typeof d.issuedAt !== 'string' || !ISO_UTC.test(d.issuedAt)) return 'issuedAt is not an ISO-8601 UTC timestamp';
  if (typeof d.keyId !== 'string' || !HEX16.test(d.keyId)) return 'keyId is not 16 lowercase hex digits';
  if (typeof d.signature !== 'string' || !BASE64.test(d.signature)) return 'signature is not base64';
  return undefined;
};

/** The seven keys of a checkpoint's data (DESIGN §6). */
const CHECKPOINT_KEYS: ReadonlySet<string> = new Set(['upTo', 'eventCount', 'streamCount', 'root', 'issuedAt', 'keyId', 'signature']);

/**
 * Keys of a checkpoint's data beyond the seven: nothing signs them (the signature covers six), so
 * a claim added there after signing would read as vouched for.
 */
export const extraCheckpointKeys = (data: object): string[] => Object.keys(data).filter((key) => !CHECKPOINT_KEYS.has(key));

/** Why a public key record cannot be used, or undefined when it can. */
export const publicKeyProblem = (key: unknown): string | undefined => {
  if (key === null || typeof key !== 'object' || Array.isArray(key)) return 'publicKey is not an object';
  const k = key as Record<string, unknown>;
  if (k.algorithm !== 'Ed25519') return `publicKey algorithm ${JSON.stringify(k.algorithm)} is not Ed25519`;
  if (typeof k.spki !== 'string' || !BASE64.test(k.spki)) return 'publicKey spki is not base64';
  const der = Buffer.from(k.spki, 'base64');
  try {
    const parsed = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (parsed.asymmetricKeyType !== 'ed25519') return `publicKey spki holds a ${parsed.asymmetricKeyType} key, not Ed25519`;
  } catch {
    return 'publicKey spki is not a DER SubjectPublicKeyInfo';
  }
  if (k.keyId !== keyIdOf(der)) return `publicKey keyId ${JSON.stringify(k.keyId)} does not match its spki (${keyIdOf(der)})`;
  return undefined;
};

/** True when `signature` is the Ed25519 signature of the checkpoint's six fields by `key`. */
export const checkpointSignatureValid = (data: CheckpointIssuedData, key: PublicKeyInfo): boolean => {
  try {
    const publicKey = createPublicKey({ key: Buffer.from(key.spki, 'base64'), format: 'der', type: 'spki' });
    return verifySignature(null, checkpointSigningBytes(data), publicKey, Buffer.from(data.signature, 'base64'));
  } catch {
    return false;
  }
};
