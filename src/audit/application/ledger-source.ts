import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { canonicalJson } from '../../shared/event-store/envelope.js';
import type { EventStore, JsonObject } from '../../shared/event-store/event-store.port.js';
import type { StoredEventText } from '../domain/verifier.js';

/**
 * One stored event as text, exactly as the store holds it (nothing parsed, nothing normalised).
 * `verbatim`: the texts are the store's own bytes (SQLite), which the store writes as RFC 8785
 * canonical JSON; other stores' events are serialised back from what the port parsed.
 */
export type RawEvent = StoredEventText & { readonly verbatim?: true };

/**
 * Rows per read. Measured on verify (100k events, CPU time): 512-1024 beat 4096, whose pages of
 * strings outlive more young-generation collections.
 */
const PAGE_SIZE = 1000;

export interface RawEventsOptions {
  /** Exclusive start position (decimal string); omitted: from the beginning. */
  readonly after?: string;
  /** Inclusive end: read no further than this position (e.g. the head when the read began). */
  readonly upTo?: string | null;
}

const beyond = (position: string, upTo: string): boolean => BigInt(position) > BigInt(upTo);

/**
 * The global log in position order as stored text, a page at a time. From a store's raw log (SQLite)
 * the rows are read unparsed, so that a row whose JSON was damaged is still delivered (and named by
 * the verifier) rather than aborting the read; other stores go through readAll and are serialised back
 * (JSON.stringify keeps the order of the canonical text they were given, so the verifier's fast
 * path still applies to most events; the rest take its full path).
 */
export async function* rawEventPages(store: EventStore, options: RawEventsOptions = {}): AsyncGenerator<RawEvent[]> {
  const upTo = options.upTo;
  if (upTo === null) return;
  const reader = store.rawLog?.();
  if (reader === undefined) {
    let page: RawEvent[] = [];
    for await (const event of store.readAll({ after: options.after ?? 'start' })) {
      if (upTo !== undefined && beyond(event.position, upTo)) break;
      page.push({
        position: event.position,
        streamId: event.streamId,
        revision: event.revision,
        eventId: event.eventId,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
      });
      if (page.length === PAGE_SIZE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
    return;
  }
  let after = options.after === undefined ? 0 : Number(options.after);
  const last = upTo === undefined ? undefined : Number(upTo);
  for (;;) {
    const rows = last === undefined ? reader.page(after, PAGE_SIZE) : reader.range(after, last, PAGE_SIZE);
    if (rows.length === 0) return;
    const page: RawEvent[] = new Array<RawEvent>(rows.length);
    let size = 0;
    for (const row of rows) {
      page[size++] = { position: String(row[0]), streamId: row[1], revision: row[2], eventId: row[3], type: row[4], data: row[5], metadata: row[6], verbatim: true };
    }
    after = rows[rows.length - 1]![0];
    yield page;
    if (rows.length < PAGE_SIZE) return;
    await yieldToEventLoop();
  }
}

/** The global log in position order as stored text, one event at a time. */
export async function* rawEvents(store: EventStore, options: RawEventsOptions = {}): AsyncGenerator<RawEvent> {
  for await (const page of rawEventPages(store, options)) yield* page;
}

export type ParsedRaw =
  | { readonly ok: true; readonly event: { streamId: string; revision: number; position: string; eventId: string; type: string; data: JsonObject; metadata: JsonObject } }
  | { readonly ok: false; readonly detail: string; readonly hash?: string };

export const parseRaw = (raw: RawEvent): ParsedRaw => {
  let data: JsonObject;
  let metadata: JsonObject;
  try {
    data = JSON.parse(raw.data) as JsonObject;
  } catch (error) {
    const detail = `data is not JSON: ${(error as Error).message}`;
    try {
      const hash = (JSON.parse(raw.metadata) as { hash?: unknown }).hash;
      return typeof hash === 'string' ? { ok: false, detail, hash } : { ok: false, detail };
    } catch {
      return { ok: false, detail };
    }
  }
  try {
    metadata = JSON.parse(raw.metadata) as JsonObject;
  } catch (error) {
    return { ok: false, detail: `metadata is not JSON: ${(error as Error).message}` };
  }
  return {
    ok: true,
    event: { streamId: raw.streamId, revision: raw.revision, position: raw.position, eventId: raw.eventId, type: raw.type, data, metadata },
  };
};

/**
 * Why the stored bytes of a parsed event are not what a writer of this ledger stores, if they are
 * not: a changed byte that leaves the values alike (whitespace, an escape, a repeated key, which
 * other readers of the row may take differently) still hashes the same once parsed, so the bytes
 * themselves are compared with the canonical JSON (RFC 8785) the store writes, or, for rows written
 * before stores kept canonical text, with JSON.stringify of the same values in the same key order
 * (what those writers stored). Only for verbatim texts (see RawEvent).
 */
export const storedTextProblem = (raw: RawEvent, event: { readonly data: JsonObject; readonly metadata: JsonObject }): string | undefined => {
  if (raw.verbatim !== true) return undefined;
  for (const [part, text, value] of [['data', raw.data, event.data], ['metadata', raw.metadata, event.metadata]] as const) {
    if (text === JSON.stringify(value)) continue;
    let canonical: string;
    try {
      canonical = canonicalJson(value);
    } catch {
      return undefined; // no canonical form at all: the hash check names it
    }
    if (text !== canonical) return `the stored ${part} is not as written: bytes were changed (whitespace, an escape or a repeated key) though the values parse alike`;
  }
  return undefined;
};

/** One bundle / NDJSON line: the envelope {streamId, revision, position, eventId, type, data, metadata}, stored JSON kept verbatim. */
export const envelopeLine = (raw: RawEvent): string =>
  `{"streamId":${JSON.stringify(raw.streamId)},"revision":${raw.revision},"position":"${raw.position}","eventId":${JSON.stringify(raw.eventId)},"type":${JSON.stringify(raw.type)},"data":${raw.data},"metadata":${raw.metadata}}\n`;
