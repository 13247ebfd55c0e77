import { DamagedEventError, UnknownEventSchemaError } from '../../shared/event-store/event-store.errors.js';

/**
 * A failure as one rebuild thread posts it to another: its message and code, and the fields of the
 * ledger errors whose class decides the answer (a damaged event is a 500 `ledger-damaged`, an
 * event of a newer schema a 503 `event-schema-unknown`), so that the thread that receives it throws
 * the same class. A plain Error on arrival would be a 500 `internal-error`.
 */
export interface ThreadFailure {
  readonly type: 'failed';
  readonly message: string;
  readonly code?: string;
  readonly ledger?:
    | { readonly kind: 'damaged'; readonly position: string; readonly streamId: string; readonly revision: number; readonly reason: string }
    | { readonly kind: 'schema'; readonly position: string; readonly streamId: string; readonly revision: number; readonly schemaVersion: unknown; readonly known: number };
}

export const threadFailureOf = (error: unknown): ThreadFailure => {
  const code = (error as { code?: unknown })?.code;
  const base = { type: 'failed' as const, message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
  if (error instanceof DamagedEventError) {
    return { ...base, ledger: { kind: 'damaged', position: error.position, streamId: error.streamId, revision: error.revision, reason: error.reason } };
  }
  if (error instanceof UnknownEventSchemaError) {
    return { ...base, ledger: { kind: 'schema', position: error.position, streamId: error.streamId, revision: error.revision, schemaVersion: error.schemaVersion, known: error.known } };
  }
  return base;
};

export const errorOfThreadFailure = (failure: ThreadFailure): Error => {
  const { ledger } = failure;
  if (ledger?.kind === 'damaged') return new DamagedEventError(ledger.position, ledger.streamId, ledger.revision, ledger.reason);
  if (ledger?.kind === 'schema') return new UnknownEventSchemaError(ledger.position, ledger.streamId, ledger.revision, ledger.schemaVersion, ledger.known);
  return Object.assign(new Error(failure.message), failure.code !== undefined ? { code: failure.code } : {});
};
