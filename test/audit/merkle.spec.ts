import { createHash } from 'node:crypto';
import { leafHash, ledgerRoot, merkleTreeHash } from '../../src/audit/domain/merkle.js';

const sha = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const node = (left: Buffer, right: Buffer): Buffer => sha(Buffer.from([1]), left, right);
const leaf = (text: string): Buffer => sha(Buffer.from([0]), Buffer.from(text, 'utf8'));

describe('RFC 6962 Merkle tree hash', () => {
  const leaves = [0, 1, 2, 3, 4].map((n) => leaf(`leaf ${n}`));

  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(merkleTreeHash([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('is the leaf hash for one leaf', () => {
    expect(merkleTreeHash(leaves.slice(0, 1))).toBe(leaves[0]!.toString('hex'));
  });

  it('splits at the largest power of two below n', () => {
    const [a, b, c, d, e] = leaves as [Buffer, Buffer, Buffer, Buffer, Buffer];
    expect(merkleTreeHash([a, b, c])).toBe(node(node(a, b), c).toString('hex'));
    expect(merkleTreeHash([a, b, c, d])).toBe(node(node(a, b), node(c, d)).toString('hex'));
    expect(merkleTreeHash([a, b, c, d, e])).toBe(node(node(node(a, b), node(c, d)), e).toString('hex'));
  });

  it('makes one leaf per stream of the UTF-8 JCS of [streamId, lastRevision, lastHash]', () => {
    const hash = 'ab'.repeat(32);
    expect(leafHash({ streamId: 'norm-a', lastRevision: 3, lastHash: hash })).toEqual(leaf(`["norm-a",3,"${hash}"]`));
  });

  it('orders streams by code point, whatever order they come in', () => {
    const heads = ['norm-b', 'norm-a', 'Zeta', '\u{1F600}x', '\uFFFDy'].map((streamId, i) => ({ streamId, lastRevision: i, lastHash: String(i) }));
    const sorted = ['Zeta', 'norm-a', 'norm-b', '\uFFFDy', '\u{1F600}x'].map((id) => heads.find((head) => head.streamId === id)!);
    expect(ledgerRoot(heads)).toBe(merkleTreeHash(sorted.map(leafHash)));
  });
});
