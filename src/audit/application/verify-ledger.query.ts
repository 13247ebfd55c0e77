import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import type { PublicKeyInfo } from '../domain/checkpoint.js';
import { LedgerVerifier, type VerificationReport } from '../domain/verifier.js';
import { type CheckpointSigner, SIGNING_KEY, trustedPublicKeys } from '../infrastructure/signing-key.js';
import { parseRaw, rawEvents } from './ledger-source.js';

/** Called every `PROGRESS_EVERY` events with the number checked so far. */
export type ProgressListener = (eventsChecked: number) => void;
export const PROGRESS_EVERY = 1000;

/** Verifies the whole stored log, up to the head as it was when verification began. */
export const verifyStore = async (
  store: EventStore,
  publicKeys: readonly PublicKeyInfo[],
  onProgress?: ProgressListener,
): Promise<VerificationReport> => {
  const verifier = new LedgerVerifier({ publicKeys });
  const head = await store.headPosition();
  let count = 0;
  for await (const raw of rawEvents(store, { upTo: head })) {
    const parsed = parseRaw(raw);
    if (parsed.ok) verifier.add(parsed.event);
    else verifier.unparseable(parsed.hash !== undefined ? { ...raw, hash: parsed.hash } : raw, parsed.detail);
    if (onProgress !== undefined && ++count % PROGRESS_EVERY === 0) onProgress(count);
  }
  onProgress?.(count);
  return verifier.finish();
};

export class VerifyLedgerQuery extends Query<VerificationReport> {}

@QueryHandler(VerifyLedgerQuery)
export class VerifyLedgerHandler implements IQueryHandler<VerifyLedgerQuery, VerificationReport> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SIGNING_KEY) private readonly signer: CheckpointSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute(): Promise<VerificationReport> {
    return verifyStore(this.store, trustedPublicKeys(this.config, this.signer));
  }
}
