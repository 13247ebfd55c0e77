/**
 * Commands shared by norm, cbm and topic deciders. `data` is the request body (route ids of the
 * subject itself come from the stream's state); the facts are read by the handler from other
 * streams just before deciding (src/shared/domain/facts.ts). Every command has a concrete
 * `effectiveOn`: the handler resolves the DESIGN.md §7 default before deciding.
 */
import type { CorrectionFields } from '../../shared/domain/corrections.js';
import type { SessionFacts, TrackFacts } from '../../shared/domain/facts.js';
import type { PositionFields } from './position.events.js';

export interface SubjectCommandBase {
  readonly effectiveOn: string;
  /** The subject's track. */
  readonly track: TrackFacts;
}

/** POST /{norms|cbms|topics}/:id/positions. `session`: facts of `data.sessionId`, when given and found. */
export interface StatePosition extends SubjectCommandBase {
  readonly type: 'StatePosition';
  readonly data: PositionFields;
  readonly session?: SessionFacts;
}

export interface DecisionFields {
  readonly decisionId: string;
  /** `agree_ad_referendum` for norms, `agree_cbm` for cbms; the other kind is refused (422). */
  readonly kind: string;
  readonly sessionId: string;
  readonly agendaItemId?: string;
  readonly text?: string;
}

/** POST /{norms|cbms}/:id/decisions. `session`: facts of `data.sessionId`. */
export interface RecordDecision extends SubjectCommandBase {
  readonly type: 'RecordDecision';
  readonly data: DecisionFields;
  readonly session?: SessionFacts;
}

export interface WithdrawalFields {
  readonly partyIds: readonly string[];
  readonly reason?: string;
  readonly sessionId?: string;
  readonly agendaItemId?: string;
}

/** POST /{norms|cbms}/:id/withdrawal. */
export interface WithdrawSubject extends SubjectCommandBase {
  readonly type: 'WithdrawSubject';
  readonly data: WithdrawalFields;
  readonly session?: SessionFacts;
}

/**
 * POST /{norms|cbms|topics}/:id/corrections. `targetSession`: facts of the session the target
 * record was made at (find it with `recordSessionOf(state, data.target)`); `effectiveOn` defaults
 * to the target's (`recordOf(state, data.target)?.effectiveOn`).
 */
export interface CorrectRecord extends SubjectCommandBase {
  readonly type: 'CorrectRecord';
  readonly data: CorrectionFields;
  readonly targetSession?: SessionFacts;
}
