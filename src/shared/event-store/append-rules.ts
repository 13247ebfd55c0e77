import { type ActualRevision, WrongExpectedRevisionError } from './event-store.errors.js';
import type { AppendResult, ExpectedRevision } from './event-store.port.js';

/** A stored event as the append rules need it. */
export interface StoredRef {
  readonly eventId: string;
  readonly type: string;
  readonly revision: number;
  readonly position: string;
}

export type AppendDecision =
  | { readonly kind: 'replay'; readonly result: AppendResult }
  | { readonly kind: 'write'; readonly firstRevision: number };

/**
 * The port's append rules, shared by every adapter so that they cannot drift apart. `found[i]` is
 * the event of this stream that already has the id of `events[i]`, if any; `current` is the
 * stream's last revision (-1 when there is none). Events already in the stream (same ids, same
 * order, same types, at the place the expectation names) are an idempotent replay; a partial
 * overlap is a conflict; otherwise the expectation is checked and the write starts at current + 1.
 */
export const decideAppend = (
  streamId: string,
  events: ReadonlyArray<{ readonly type: string }>,
  expected: ExpectedRevision,
  current: number,
  found: ReadonlyArray<StoredRef | undefined>,
): AppendDecision => {
  const actual: ActualRevision = current < 0 ? 'no_stream' : current;
  if (found.some((ref) => ref !== undefined)) {
    const first = found[0]?.revision;
    const whole =
      first !== undefined && found.every((ref, index) => ref !== undefined && ref.revision === first + index && ref.type === events[index]!.type);
    const sameExpectation =
      expected === 'any' || expected === 'stream_exists' || (expected === 'no_stream' ? first === 0 : first === expected + 1);
    if (!whole || !sameExpectation) throw new WrongExpectedRevisionError(streamId, expected, actual);
    const refs = found.map((ref) => ({ eventId: ref!.eventId, type: ref!.type, revision: ref!.revision, position: ref!.position }));
    const end = refs[refs.length - 1]!;
    return { kind: 'replay', result: { streamId, revision: end.revision, position: end.position, events: refs, idempotentReplay: true } };
  }
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' && current === -1) ||
    (expected === 'stream_exists' && current >= 0) ||
    expected === current;
  if (!matches) throw new WrongExpectedRevisionError(streamId, expected, actual);
  return { kind: 'write', firstRevision: current + 1 };
};
