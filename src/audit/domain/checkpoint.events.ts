/** The audit feature's published language: other features may import this file, nothing else of audit. */
export const CHECKPOINT_STREAM = 'ledger-checkpoints';
export const CHECKPOINT_ISSUED = 'CheckpointIssued';

/** The six signed fields (DESIGN.md §6). */
export interface CheckpointPayload {
  /** Position of the last event covered, as a decimal string. */
  readonly upTo: string;
  readonly eventCount: number;
  readonly streamCount: number;
  /** RFC 6962 Merkle tree hash, lowercase hex. */
  readonly root: string;
  readonly issuedAt: string;
  readonly keyId: string;
}

export interface CheckpointIssuedData extends CheckpointPayload {
  /** Base64 Ed25519 signature over the UTF-8 JCS of the payload. */
  readonly signature: string;
}

export interface CheckpointIssued {
  readonly type: typeof CHECKPOINT_ISSUED;
  readonly data: CheckpointIssuedData;
}
