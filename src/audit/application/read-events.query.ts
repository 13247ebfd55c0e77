import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type EventEnvelope, toEnvelope } from '../../shared/event-store/envelope.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { envelopeLine, rawEvents } from './ledger-source.js';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

export interface EventsFilter {
  /** Exclusive start position; omitted: from the beginning. */
  readonly after?: string;
  readonly streamId?: string;
  readonly type?: string;
}

export interface EventsPage {
  readonly events: EventEnvelope[];
  /** The `after` of the following page, or null when this page reached the end. */
  readonly next: string | null;
}

const matches = (filter: EventsFilter) => (event: Pick<RecordedEvent, 'streamId' | 'type'>): boolean =>
  (filter.streamId === undefined || event.streamId === filter.streamId) && (filter.type === undefined || event.type === filter.type);

export const readEventsPage = async (store: EventStore, filter: EventsFilter, limit: number): Promise<EventsPage> => {
  const keep = matches(filter);
  const events: EventEnvelope[] = [];
  // One event beyond the page tells whether there is a next page.
  for await (const event of store.readAll({
    after: filter.after ?? 'start',
    filter: {
      ...(filter.streamId !== undefined ? { streamPrefixes: [filter.streamId] } : {}),
      ...(filter.type !== undefined ? { eventTypes: [filter.type] } : {}),
    },
  })) {
    if (!keep(event)) continue;
    if (events.length === limit) return { events, next: events[events.length - 1]!.position };
    events.push(toEnvelope(event));
  }
  return { events, next: null };
};

/** The whole (filtered) log as NDJSON lines, the stored JSON verbatim, pulled one page at a time. */
export async function* eventLines(store: EventStore, filter: EventsFilter): AsyncGenerator<string> {
  const keep = matches(filter);
  for await (const raw of rawEvents(store, filter.after !== undefined ? { after: filter.after } : {})) {
    if (keep(raw)) yield envelopeLine(raw);
  }
}

export class ReadEventsQuery extends Query<EventsPage> {
  constructor(
    readonly filter: EventsFilter,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(ReadEventsQuery)
export class ReadEventsHandler implements IQueryHandler<ReadEventsQuery, EventsPage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(query: ReadEventsQuery): Promise<EventsPage> {
    return readEventsPage(this.store, query.filter, query.limit);
  }
}
