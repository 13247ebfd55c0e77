import type { DomainError } from '../../src/shared/domain/domain-error.js';
import type { SessionFacts } from '../../src/shared/domain/facts.js';

/** Shared by the norm, CBM and topic decider tables. */
export type ErrorClass = abstract new (...args: never[]) => DomainError;

/** Facts of a session held on us-cn-seg, attended by cn-1 and us-1. */
export const heldSession = (overrides: Partial<SessionFacts> = {}): SessionFacts => ({
  sessionId: 's1',
  trackId: 'us-cn-seg',
  status: 'held',
  heldOn: '2026-03-10',
  attendance: { cn: ['cn-1'], us: ['us-1'] },
  agendaItemIds: ['item-1'],
  minutesStatus: 'none',
  ...overrides,
});
