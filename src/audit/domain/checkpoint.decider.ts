import type { Decider } from '../../shared/domain/decider.js';
import { CHECKPOINT_ISSUED, type CheckpointIssued, type CheckpointIssuedData } from './checkpoint.events.js';

export interface IssueCheckpoint {
  readonly checkpoint: CheckpointIssuedData;
  readonly effectiveOn: string;
}

export interface CheckpointState {
  /** upTo of the last checkpoint, or null before the first. */
  readonly lastUpTo: string | null;
  readonly last: CheckpointIssuedData | null;
}

/**
 * A checkpoint covering no more than the last one is already satisfied: nothing is appended. This
 * also keeps upTo increasing when two issuers race, which lets a streaming verifier forget the
 * per-stream history older than the last checkpoint's upTo.
 */
export const checkpointDecider: Decider<IssueCheckpoint, CheckpointState, CheckpointIssued> = {
  initialState: () => ({ lastUpTo: null, last: null }),
  decide: (command, state) =>
    state.lastUpTo !== null && BigInt(state.lastUpTo) >= BigInt(command.checkpoint.upTo)
      ? []
      : [{ type: CHECKPOINT_ISSUED, data: command.checkpoint }],
  evolve: (state, event) => {
    switch (event.type) {
      case CHECKPOINT_ISSUED:
        return { lastUpTo: event.data.upTo, last: event.data };
      default:
        return state;
    }
  },
};
