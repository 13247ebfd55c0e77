import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { CHECKPOINT_ISSUED, CHECKPOINT_STREAM } from '../domain/checkpoint.events.js';
import type { PublicKeyInfo } from '../domain/checkpoint.js';
import { LedgerVerifier, type VerificationReport } from '../domain/verifier.js';
import { type CheckpointSigner, SIGNING_KEY, trustedPublicKeys } from '../infrastructure/signing-key.js';
import { parseRaw, rawEventPages } from './ledger-source.js';

/** Called every `PROGRESS_EVERY` events with the number checked so far. */
export type ProgressListener = (eventsChecked: number) => void;
export const PROGRESS_EVERY = 1000;

export interface VerifyStoreOptions {
  /** False forces the full path (parse + canonicalize + SHA-256) for every event. */
  readonly fastPath?: boolean;
}

/** The `upTo` of the last checkpoint at or before `head`, if any: how far the fast path may go. */
const lastCheckpointUpTo = async (store: EventStore, head: string): Promise<string | undefined> => {
  let recent: RecordedEvent[];
  try {
    recent = await store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 4 });
  } catch {
    // No checkpoint stream, or a damaged checkpoint row the port cannot parse: no fast path, and the
    // full path names the damage.
    return undefined;
  }
  const within = recent.find((event) => event.type === CHECKPOINT_ISSUED && BigInt(event.position) <= BigInt(head));
  const upTo = (within?.data as { upTo?: unknown } | undefined)?.upTo;
  return typeof upTo === 'string' && /^\d{1,30}$/.test(upTo) ? upTo.replace(/^0+(?=\d)/, '') : undefined;
};

const verifyPass = async (
  store: EventStore,
  head: string | null,
  publicKeys: readonly PublicKeyInfo[],
  onProgress: ProgressListener | undefined,
  fastUpTo: string | undefined,
): Promise<{ report: VerificationReport; verifier: LedgerVerifier }> => {
  const verifier = new LedgerVerifier(fastUpTo !== undefined ? { publicKeys, fastUpTo } : { publicKeys });
  let count = 0;
  let nextProgress = PROGRESS_EVERY;
  for await (const page of rawEventPages(store, { upTo: head })) {
    for (const raw of page) {
      if (verifier.addStoredText(raw)) continue;
      const parsed = parseRaw(raw);
      if (parsed.ok) verifier.add(parsed.event);
      else verifier.unparseable(parsed.hash !== undefined ? { ...raw, hash: parsed.hash } : raw, parsed.detail);
    }
    count += page.length;
    if (onProgress !== undefined && count >= nextProgress) {
      onProgress(count);
      nextProgress = count + PROGRESS_EVERY;
    }
  }
  onProgress?.(count);
  return { report: verifier.finish(), verifier };
};

/**
 * Verifies the whole stored log, up to the head as it was when verification began. Events covered
 * by the last checkpoint take the verifier's fast path (the stored canonical text hashed as it is);
 * the report of that pass is kept only when it is clean and that checkpoint was checked. Otherwise
 * (damage, a checkpoint that does not verify, rows without canonical text) the log is verified again
 * on the full path, so every problem is named exactly as the full path names it.
 */
export const verifyStore = async (
  store: EventStore,
  publicKeys: readonly PublicKeyInfo[],
  onProgress?: ProgressListener,
  options: VerifyStoreOptions = {},
): Promise<VerificationReport> => {
  const head = await store.headPosition();
  if (head !== null && options.fastPath !== false) {
    const fastUpTo = await lastCheckpointUpTo(store, head);
    if (fastUpTo !== undefined) {
      const { report, verifier } = await verifyPass(store, head, publicKeys, onProgress, fastUpTo);
      if (report.ok && coversPosition(verifier.checkpointedUpTo, fastUpTo)) return report;
    }
  }
  return (await verifyPass(store, head, publicKeys, onProgress, undefined)).report;
};

/** Positions are canonical decimal strings: longer is larger, equal lengths compare as text. */
const coversPosition = (upTo: string | undefined, position: string): boolean =>
  upTo !== undefined && (upTo.length > position.length || (upTo.length === position.length && upTo >= position));

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
