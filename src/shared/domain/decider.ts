/**
 * The Decider (after Emmett / Jérémie Chassaing): pure functions, no clock, no I/O.
 * Time and ids arrive on the command; `evolve` must be deterministic so replay is.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  /** Overrides the command's effective date for this event (e.g. a correction defaults to its target's). */
  readonly effectiveOn?: string;
}

/** What `evolve` sees of a stored event: the domain event plus the store facts a fold may need. */
export type FoldedEvent<E extends DomainEvent = DomainEvent> = E & {
  readonly eventId: string;
  readonly revision: number;
  readonly effectiveOn: string;
  readonly recordedAt: string;
};

export interface Decider<Command, State, Event extends DomainEvent> {
  readonly initialState: () => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: FoldedEvent<Event>) => State;
}

/** Which stream state a command expects (declared once per command, as Eventuous does). */
export type StreamExpectation = 'new' | 'existing' | 'any';
