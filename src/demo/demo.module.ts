import { type DynamicModule, Global, Inject, type INestApplicationContext, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { openEventStore } from '../infrastructure/event-store.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { CLOCK, type Clock, ID_GENERATOR, randomIds } from '../shared/event-store/clock.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { SubjectsModule } from '../subjects/subjects.module.js';
import { TracksModule } from '../tracks/tracks.module.js';

/**
 * A clock the demo loader moves forward: each action is recorded on the day the story says the
 * secretariat entered it, so "what the ledger said at D" (knownAt) has something to show. It never
 * goes backwards, so recordedAt grows with the global position exactly as on a live server.
 */
export class DemoClock implements Clock {
  /** Undefined until the loader first moves it: until then it tells the real time. */
  private current: Date | undefined;

  now(): Date {
    return this.current ?? new Date();
  }

  /** Moves to `instant`, or a millisecond past the last instant if that is later. */
  advanceTo(instant: Date): Date {
    const floor = this.current === undefined ? -Infinity : this.current.getTime() + 1;
    this.current = new Date(Math.max(instant.getTime(), floor));
    return this.current;
  }
}

@Global()
@Module({})
class DemoLedgerModule implements OnApplicationShutdown {
  static forRoot(clock: Clock, store?: EventStore): DynamicModule {
    return {
      module: DemoLedgerModule,
      providers: [
        store !== undefined
          ? { provide: EVENT_STORE, useValue: store }
          : { provide: EVENT_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openEventStore(config, { mustWrite: true }) },
        { provide: CLOCK, useValue: clock },
        { provide: ID_GENERATOR, useValue: randomIds },
      ],
      exports: [EVENT_STORE, CLOCK, ID_GENERATOR],
    };
  }

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * The write side only: the same CQRS command bus, handlers and deciders as the server, on the
 * configured store, without HTTP, auth, audit keys or read models (the server's catch-up
 * subscription projects the demo when it starts). The clock is the demo's, so that recordedAt tells
 * the story; everything else (ids, hashing, append) is the production path.
 */
@Module({})
export class DemoModule {
  static forRoot(config: AppConfig, clock: Clock, store?: EventStore): DynamicModule {
    return {
      module: DemoModule,
      imports: [ConfigModule.forRoot(config), CqrsModule.forRoot(), DemoLedgerModule.forRoot(clock, store), TracksModule, SessionsModule, SubjectsModule],
    };
  }
}

export interface DemoContextOptions {
  /** Use this store instead of opening the configured one (tests: SQLite ':memory:'). Closed with the context. */
  readonly store?: EventStore;
  readonly clock?: DemoClock;
}

/** A Nest application context (no HTTP server) with the command bus wired to the store. */
export const createDemoContext = async (config: AppConfig, options: DemoContextOptions = {}): Promise<INestApplicationContext> => {
  const app = await NestFactory.createApplicationContext(DemoModule.forRoot(config, options.clock ?? new DemoClock(), options.store), {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  return app;
};
