import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/event-store/envelope.js';

/** The last event of one stream as of a cut: one Merkle leaf. */
export interface StreamHead {
  readonly streamId: string;
  readonly lastRevision: number;
  readonly lastHash: string;
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** RFC 6962 §2.1: SHA-256(0x00 ‖ UTF-8 JCS of [streamId, lastRevision, lastHash]). */
export const leafHash = (head: StreamHead): Buffer =>
  createHash('sha256')
    .update(LEAF_PREFIX)
    .update(Buffer.from(canonicalJson([head.streamId, head.lastRevision, head.lastHash]), 'utf8'))
    .digest();

const nodeHash = (left: Buffer, right: Buffer): Buffer => createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();

/** Largest power of two strictly below n (n >= 2). */
const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const treeHash = (leaves: readonly Buffer[], from: number, to: number): Buffer => {
  const n = to - from;
  if (n === 1) return leaves[from]!;
  const k = splitPoint(n);
  return nodeHash(treeHash(leaves, from, from + k), treeHash(leaves, from + k, to));
};

/** The RFC 6962 Merkle tree hash over leaf hashes in order; the empty tree is SHA-256 of nothing. */
export const merkleTreeHash = (leafHashes: readonly Buffer[]): string =>
  leafHashes.length === 0 ? createHash('sha256').digest('hex') : treeHash(leafHashes, 0, leafHashes.length).toString('hex');

/**
 * The ledger root (DESIGN.md §6): one leaf per stream, sorted by streamId in code-point order, which
 * is the byte order of UTF-8 (String#sort compares UTF-16 units).
 */
export const ledgerRoot = (heads: Iterable<StreamHead>): string => {
  const keyed = [...heads].map((head) => ({ head, key: Buffer.from(head.streamId, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return merkleTreeHash(keyed.map(({ head }) => leafHash(head)));
};
