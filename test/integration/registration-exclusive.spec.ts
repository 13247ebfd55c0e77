import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import type { Decider, DomainEvent } from '../../src/shared/domain/decider.js';
import type { Clock, IdGenerator } from '../../src/shared/event-store/clock.js';
import { type CommandContext, handleCommand } from '../../src/shared/event-store/handle-command.js';
import { EstablishTrackCommand, EstablishTrackHandler } from '../../src/tracks/application/establish-track.command.js';
import { RegisterAgencyCommand, RegisterAgencyHandler } from '../../src/tracks/application/register-agency.command.js';
import { RegisterDelegateCommand, RegisterDelegateHandler } from '../../src/tracks/application/register-delegate.command.js';
import { RegisterPartyCommand, RegisterPartyHandler } from '../../src/tracks/application/register-party.command.js';

/*
 * A track's parties, agencies and delegates are facts other streams' commands are decided on (a
 * decision's consensus counts the parties registered by then; a statement's delegate must be of its
 * party). A registration therefore waits for every command being decided and runs alone, as session
 * changes do: decided side by side, a registration could be recorded first while a decision decided
 * on the registry before it was recorded too (found racing them over HTTP, 4 times in 14).
 */
type Noted = DomainEvent<'Noted', { text: string }>;
const notes: Decider<{ text: string; effectiveOn: string }, null, Noted> = {
  initialState: () => null,
  decide: (command) => [{ type: 'Noted', data: { text: command.text } }],
  evolve: (state) => state,
};

const clock: Clock = { now: () => new Date('2026-05-01T12:00:00.000Z') };
let n = 0;
const ids: IdGenerator = { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
const context: CommandContext = { principal: 'clerk', correlationId: 'corr-1' };

describe('track registrations run alone', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it.each([
    ['a party', (deps: { store: SqliteEventStore; clock: Clock; ids: IdGenerator }) => new RegisterPartyHandler(deps).execute(new RegisterPartyCommand('seg', { partyId: 'uk', name: 'United Kingdom', effectiveOn: '2026-01-05' }, context))],
    ['an agency', (deps: { store: SqliteEventStore; clock: Clock; ids: IdGenerator }) => new RegisterAgencyHandler(deps).execute(new RegisterAgencyCommand('seg', { agencyId: 'us-dod', partyId: 'us', name: 'Defense', effectiveOn: '2026-01-05' }, context))],
    ['a delegate', (deps: { store: SqliteEventStore; clock: Clock; ids: IdGenerator }) => new RegisterDelegateHandler(deps).execute(new RegisterDelegateCommand('seg', { delegateId: 'us-d9', partyId: 'us', agencyId: 'us-mfa', effectiveOn: '2026-01-05' }, context))],
  ])('registering %s waits for a command being decided on another stream', async (_what, register) => {
    const deps = { store, clock, ids };
    await new EstablishTrackHandler(deps).execute(new EstablishTrackCommand({ trackId: 'seg', name: 'Track', effectiveOn: '2026-01-05' }, context));
    await new RegisterPartyHandler(deps).execute(new RegisterPartyCommand('seg', { partyId: 'us', name: 'United States', effectiveOn: '2026-01-05' }, context));
    await new RegisterAgencyHandler(deps).execute(new RegisterAgencyCommand('seg', { agencyId: 'us-mfa', partyId: 'us', name: 'State', effectiveOn: '2026-01-05' }, context));
    const order: string[] = [];
    let letThrough!: () => void;
    const gate = new Promise<void>((resolve) => (letThrough = resolve));
    const deciding = handleCommand(deps, {
      decider: notes, streamId: 'notes-a', subject: 'notes notes-a', expectation: 'any', context,
      command: async () => {
        order.push('decision reads the registry');
        await gate;
        return { text: 'decided', effectiveOn: '2026-04-30' };
      },
    }).then(() => order.push('decision recorded'));
    await new Promise((resolve) => setImmediate(resolve));
    const registering = register(deps).then(() => order.push('registration recorded'));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['decision reads the registry']);
    letThrough();
    await Promise.all([deciding, registering]);
    expect(order).toEqual(['decision reads the registry', 'decision recorded', 'registration recorded']);
  });
});
