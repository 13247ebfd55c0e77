import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { LedgerMetadata } from '../../shared/event-store/envelope.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { readStreamOrEmpty } from '../../shared/event-store/handle-command.js';
import { CHECKPOINT_ISSUED, CHECKPOINT_STREAM, type CheckpointIssuedData } from '../domain/checkpoint.events.js';

export interface CheckpointListing extends CheckpointIssuedData {
  readonly position: string;
  readonly revision: number;
  readonly eventId: string;
  readonly recordedAt: string;
}

export const listCheckpoints = async (store: EventStore): Promise<{ checkpoints: CheckpointListing[] }> => ({
  checkpoints: (await readStreamOrEmpty(store, CHECKPOINT_STREAM))
    .filter((event) => event.type === CHECKPOINT_ISSUED)
    .map((event) => ({
      ...(event.data as unknown as CheckpointIssuedData),
      position: event.position,
      revision: event.revision,
      eventId: event.eventId,
      recordedAt: (event.metadata as LedgerMetadata).recordedAt,
    })),
});

export class ListCheckpointsQuery extends Query<{ checkpoints: CheckpointListing[] }> {}

@QueryHandler(ListCheckpointsQuery)
export class ListCheckpointsHandler implements IQueryHandler<ListCheckpointsQuery, { checkpoints: CheckpointListing[] }> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(): Promise<{ checkpoints: CheckpointListing[] }> {
    return listCheckpoints(this.store);
  }
}
