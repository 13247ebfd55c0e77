import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { issueCheckpoint, ledgerDamaged } from '../../audit/application/issue-checkpoint.command.js';
import { verifyStore } from '../../audit/application/verify-ledger.query.js';
import { defaultSigningKeyFile, knownPublicKeys, lastCheckpointKeyId, signingKeyFor, trustedPublicKeys } from '../../audit/infrastructure/signing-key.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { randomIds, systemClock } from '../../shared/event-store/clock.js';
import { type CliIo, configOrExit, EXIT_OK, fail, processIo } from '../cli-io.js';
import { closeStore, openExistingStore } from '../cli-store.js';

const operator = (): string => {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
};

/**
 * Why a ledger that has no signing key yet would be refused a checkpoint, found before the key is
 * made: issueCheckpoint verifies only once it holds a signer, and a refused command must leave no
 * key behind. Such a ledger has no checkpoint (signingKeyFor refuses one that has, making nothing),
 * so what verify finds in it depends on no key of its own. This costs a second verification, once
 * in a ledger's life: its first checkpoint, when no server, export or import made the key before.
 */
const refusalBeforeTheKeyIsMade = async (config: AppConfig, store: EventStore): Promise<Error | undefined> => {
  if (config.signingKeyFile !== undefined || existsSync(defaultSigningKeyFile(config)) || (await lastCheckpointKeyId(store)) !== undefined) return undefined;
  const report = await verifyStore(store, knownPublicKeys(config));
  return report.ok ? undefined : ledgerDamaged(report);
};

/** `norms-ledger checkpoint`: verifies the ledger, then signs it as it stands, also when nothing changed since the last checkpoint. */
export const runCheckpoint = async (config: AppConfig, io: CliIo = processIo): Promise<number> => {
  let store;
  try {
    store = await openExistingStore(config, { mustWrite: true });
  } catch (error) {
    return fail(io, 'checkpoint', error);
  }
  try {
    const refusal = await refusalBeforeTheKeyIsMade(config, store);
    if (refusal !== undefined) return fail(io, 'checkpoint', refusal);
    const signer = await signingKeyFor(config, store, (line) => io.err.write(`norms-ledger checkpoint: ${line}\n`));
    const result = await issueCheckpoint({ store, clock: systemClock, ids: randomIds, signer, trustedKeys: trustedPublicKeys(config, signer) }, { principal: operator(), correlationId: randomUUID() });
    const { checkpoint } = result;
    const covers = `${checkpoint.eventCount} events in ${checkpoint.streamCount} streams up to position ${checkpoint.upTo}, root ${checkpoint.root}, key ${checkpoint.keyId}`;
    io.out.write(`checkpoint issued at position ${result.position}: ${covers}\n`);
    return EXIT_OK;
  } catch (error) {
    return fail(io, 'checkpoint', error);
  } finally {
    await closeStore(store);
  }
};

export const checkpointCommand = (): Command =>
  new Command('checkpoint')
    .description('append a signed checkpoint (RFC 6962 Merkle root over every stream, Ed25519) to ledger-checkpoints')
    .action(async () => {
      const config = configOrExit('checkpoint');
      if (config !== undefined) process.exitCode = await runCheckpoint(config);
    });
