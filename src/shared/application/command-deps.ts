import type { Provider } from '@nestjs/common';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator, utcDay } from '../event-store/clock.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import type { CommandDeps } from '../event-store/handle-command.js';

/** What every command handler needs for handleCommand: the store, the clock and the id source. */
export const COMMAND_DEPS = Symbol.for('norms-ledger.CommandDeps');

export const commandDepsProvider: Provider = {
  provide: COMMAND_DEPS,
  inject: [EVENT_STORE, CLOCK, ID_GENERATOR],
  useFactory: (store: EventStore, clock: Clock, ids: IdGenerator): CommandDeps => ({ store, clock, ids }),
};

/** DESIGN §7: an effective date not given defaults to the day of recording (UTC). */
export const today = (deps: CommandDeps): string => utcDay(deps.clock.now());
