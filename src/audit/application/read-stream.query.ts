import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../../shared/domain/domain-error.js';
import { type EventEnvelope, toEnvelope } from '../../shared/event-store/envelope.js';
import { StreamNotFoundError } from '../../shared/event-store/event-store.errors.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { LedgerVerifier, type VerificationProblem } from '../domain/verifier.js';

export interface StreamWithChain {
  readonly streamId: string;
  readonly revision: number;
  readonly events: EventEnvelope[];
  /** The stream's own chain: hashes, links and revisions (checkpoints need the whole log: POST /audit/verify). */
  readonly chain: { readonly ok: boolean; readonly problems: VerificationProblem[] };
}

export const readStreamWithChain = async (store: EventStore, streamId: string): Promise<StreamWithChain> => {
  let recorded;
  try {
    recorded = await store.readStream(streamId);
  } catch (error) {
    if (error instanceof StreamNotFoundError) throw new NotFoundError('stream-not-found', `stream ${streamId} does not exist`);
    throw error;
  }
  const verifier = new LedgerVerifier({ checkCheckpoints: false });
  const events = recorded.map(toEnvelope);
  for (const event of events) verifier.add(event);
  const { ok, problems } = verifier.finish();
  return { streamId, revision: events[events.length - 1]!.revision, events, chain: { ok, problems } };
};

export class ReadStreamQuery extends Query<StreamWithChain> {
  constructor(readonly streamId: string) {
    super();
  }
}

@QueryHandler(ReadStreamQuery)
export class ReadStreamHandler implements IQueryHandler<ReadStreamQuery, StreamWithChain> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(query: ReadStreamQuery): Promise<StreamWithChain> {
    return readStreamWithChain(this.store, query.streamId);
  }
}
