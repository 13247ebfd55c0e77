import { statSync } from 'node:fs';
import type { AppConfig } from '../config/app-config.js';
import { openEventStore, sqliteFile } from '../infrastructure/event-store.module.js';
import type { EventStore } from '../shared/event-store/event-store.port.js';

/** Opening a SQLite store creates it: commands that read a ledger must not leave an empty one behind. */
export const openExistingStore = async (config: AppConfig, use: { readonly mustWrite?: boolean } = {}): Promise<EventStore> => {
  if (config.store === 'sqlite') {
    try {
      statSync(sqliteFile(config));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // existsSync says "no" to a file this user may not look at, too: that is not a missing ledger.
      if (code === 'EACCES' || code === 'EPERM') {
        throw new Error(`cannot look into LEDGER_DATA_DIR=${config.dataDir} (${code}: permission denied): run as the user that owns it (the directory is owner-only, 0700)`);
      }
      throw new Error(`no ledger at ${sqliteFile(config)} (LEDGER_DATA_DIR=${config.dataDir})`);
    }
  }
  return openEventStore(config, use);
};

/** Rough event count for a progress bar: SQLite positions count events; others say nothing. */
export const estimatedEvents = async (config: AppConfig, store: EventStore): Promise<number | undefined> => {
  if (config.store !== 'sqlite') return undefined;
  const head = await store.headPosition();
  return head === null ? 0 : Number(head);
};

/**
 * Closes the store while holding the event loop open: the SQLite adapter waits for its unref'd
 * checkpoint worker to exit, and without a ref'd handle the process could end mid-close, losing
 * the exit code still to be set.
 */
export const closeStore = async (store: EventStore): Promise<void> => holdingOpen(() => store.close());

/**
 * Runs a close while holding the event loop open (see closeStore): the EventStoreDB client, once
 * disposed, holds no handle either, and a command that failed then ended with exit code 0.
 */
export const holdingOpen = async (close: () => Promise<void>): Promise<void> => {
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    await close();
  } finally {
    clearInterval(keepAlive);
  }
};
