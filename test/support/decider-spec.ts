import type { Decider, DomainEvent, FoldedEvent } from '../../src/shared/domain/decider.js';
import { DomainError } from '../../src/shared/domain/domain-error.js';

/** A given event: the domain event, optionally with the store facts a fold reads. */
export type Given<E extends DomainEvent> = E & Partial<Pick<FoldedEvent<E>, 'eventId' | 'effectiveOn' | 'recordedAt'>>;

const toFolded = <E extends DomainEvent>(event: Given<E>, revision: number): FoldedEvent<E> =>
  ({
    ...event,
    eventId: event.eventId ?? `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    revision,
    effectiveOn: event.effectiveOn ?? '2026-01-01',
    recordedAt: event.recordedAt ?? '2026-01-01T00:00:00.000Z',
  }) as FoldedEvent<E>;

/**
 * Decider tests as data (after Emmett's DeciderSpecification):
 *   spec.given([...events]).when(command).then([...events])
 *   spec.given([...events]).when(command).thenThrows(ErrorClass, 'code', /message/)
 */
export const deciderSpec = <C, S, E extends DomainEvent>(decider: Decider<C, S, E>) => ({
  given: (events: ReadonlyArray<Given<E>>) => {
    const state = events.map(toFolded).reduce((s, event) => decider.evolve(s, event), decider.initialState());
    return {
      state,
      when: (command: C) => {
        const run = (): readonly E[] => decider.decide(command, state);
        return {
          then: (expected: readonly E[]): void => {
            expect(run()).toEqual(expected);
          },
          thenThrows: (errorClass: abstract new (...args: never[]) => DomainError, code?: string, message?: RegExp | string): void => {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(errorClass);
            if (code !== undefined) expect((thrown as DomainError).code).toBe(code);
            if (message !== undefined) expect((thrown as Error).message).toMatch(message);
          },
        };
      },
    };
  },
});
