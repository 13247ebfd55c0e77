import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { issueCheckpoint } from '../../audit/application/issue-checkpoint.command.js';
import { signingKeyFor, trustedPublicKeys } from '../../audit/infrastructure/signing-key.js';
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

/** `norms-ledger checkpoint`: verifies the ledger, then signs it as it stands, also when nothing changed since the last checkpoint. */
export const runCheckpoint = async (config: AppConfig, io: CliIo = processIo): Promise<number> => {
  let store;
  try {
    store = await openExistingStore(config, { mustWrite: true });
  } catch (error) {
    return fail(io, 'checkpoint', error);
  }
  try {
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
