import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CLOCK, ID_GENERATOR, randomIds, systemClock } from '../shared/event-store/clock.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openEventStoreDb } from './eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export const sqliteFile = (config: AppConfig): string => join(config.dataDir, 'ledger.sqlite');

/** Opens the configured store; the one place that knows which adapter is in use. */
export const openEventStore = async (config: AppConfig, use: { readonly mustWrite?: boolean } = {}): Promise<EventStore> => {
  switch (config.store) {
    case 'sqlite':
      return new SqliteEventStore({ file: sqliteFile(config), synchronous: config.sqliteSynchronous, mustWrite: use.mustWrite === true });
    case 'eventstoredb':
      // Within the 10 s start-up budget: an unreachable server stops start-up with one clear message.
      return openEventStoreDb(config.esdbConnectionString, { connectTimeoutMs: 8000 });
  }
};

@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openEventStore(config, { mustWrite: true }) },
    { provide: CLOCK, useValue: systemClock },
    { provide: ID_GENERATOR, useValue: randomIds },
  ],
  exports: [EVENT_STORE, CLOCK, ID_GENERATOR],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
