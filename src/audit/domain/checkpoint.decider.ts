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
 * Every request appends a checkpoint, also when nothing changed since the last one: it is a signed
 * statement that the ledger stood so at `issuedAt`, and a 201 names the event it created. Only a
 * checkpoint that would cover less than the last one (an issuer that read the log before another
 * issuer's newer checkpoint) appends nothing: coverage never decreases, which lets a streaming
 * verifier forget the per-stream history older than the last checkpoint's cut. Coverage is counted
 * in events, not compared by upTo: in one store the two agree, but a ledger moved into a store that
 * gave its events positions of their own (EventStoreDB) keeps checkpoints whose upTo names the old
 * store's positions, which may be larger than any here.
 */
export const checkpointDecider: Decider<IssueCheckpoint, CheckpointState, CheckpointIssued> = {
  initialState: () => ({ lastUpTo: null, last: null }),
  decide: (command, state) =>
    state.last !== null && state.last.eventCount > command.checkpoint.eventCount
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
