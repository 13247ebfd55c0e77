/**
 * An in-process protocol fake of EventStoreDB's gRPC API. It is NOT EventStoreDB: one node, in
 * memory, no auth, no TLS, no deletes, no metadata streams, no projections or persistent
 * subscriptions. It speaks the wire protocol that @eventstore/db-client 6.x uses (the client's own
 * generated service definitions, served by @grpc/grpc-js) so that the EventStoreDB adapter can run
 * unmodified against it. Where behaviour matters, it follows the server's source; the comments cite
 * files of github:EventStore/EventStore (snapshot of 2025-03-28, commit 3f1acb7e4), "src/" omitted.
 */
import * as grpc from '@grpc/grpc-js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb.js';
import type { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb.js';
import type { Status } from '@eventstore/db-client/generated/status_pb.js';
import type { Code } from '@eventstore/db-client/generated/code_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { randomUUID } from 'node:crypto';

export interface FakeEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** Log position of the event's record: commit = prepare for implicit transactions (AllReader.cs). */
  readonly position: bigint;
  readonly created: bigint;
}

type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;
type Proposed = Pick<FakeEvent, 'id' | 'type' | 'contentType' | 'data' | 'metadata'>;
export type AppendOutcome =
  | { readonly kind: 'written' | 'idempotent'; readonly lastRevision: number; readonly position: bigint | undefined }
  | { readonly kind: 'wrong-expected-version'; readonly current: number }
  /** The ids are those of events written but not yet indexed: the server drops the write and answers nothing (see FakeLog.unreplicatedWindowMs). */
  | { readonly kind: 'not-ready' };

/** ClusterVNodeOptions.cs: MaxAppendSize = 1_024 * 1_024; Event.SizeOnDisk = data + metadata + 2 * type length. */
export const MAX_APPEND_SIZE = 1024 * 1024;
const sizeOnDisk = (event: Proposed): number => event.data.length + event.metadata.length + event.type.length * 2;
/** Enumerator.cs: ReadBatchSize = 32, the default filter search window; the checkpoint interval is window * multiplier. */
const READ_BATCH_SIZE = 32;

/**
 * The log: events in position order, by stream, and by id. The by-id map stands for IndexWriter's
 * committed-events cache plus its fallback to the index, and it never forgets. The real cache does:
 * it is 8 MiB of memory (ESConsts.CommitedEventsMemCacheLimit = 8 * 1024 * 1024, a byte budget, so
 * tens of thousands of entries), held only by the node that wrote (filled by PreCommit in
 * StorageWriterService), and lost on a restart or a leader change; only appends with an exact
 * revision fall back to the index. So an `any` append that this fake answers as idempotent may be
 * written twice on a real server: a test must not pass through that.
 */
export class FakeLog {
  readonly events: FakeEvent[] = [];
  private readonly streams = new Map<string, FakeEvent[]>();
  private readonly byId = new Map<string, FakeEvent>();
  private readonly writtenAt = new WeakMap<FakeEvent, number>();
  /**
   * How long after its write an event counts as not yet indexed (0, the default: never). An append
   * whose ids are events still in that window is not answered "idempotent": IndexWriter.CheckCommit
   * decides CommitDecision.IdempotentNotReady when the stream's last indexed event is before them,
   * and StorageWriterService drops the write ("wait for the client to retry"), so the client gets
   * only the request manager's timeout. On a real node the window is the flush before the index
   * commit, in a cluster the replication round trip. (Unlike the server, the fake's reads already
   * show events inside the window.)
   */
  unreplicatedWindowMs = 0;
  private readonly listeners = new Set<(event: FakeEvent) => void>();
  /** Where the next record goes: positions are byte offsets with gaps, as in a real transaction file. */
  endPosition = 0n;

  stream(streamId: string): readonly FakeEvent[] {
    return this.streams.get(streamId) ?? [];
  }

  onAppended(listener: (event: FakeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** IndexWriter.cs CheckCommit, then the write; a refused or idempotent append writes nothing. */
  append(streamId: string, expected: Expected, proposed: readonly Proposed[]): AppendOutcome {
    const stream = this.stream(streamId);
    const current = stream.length - 1;
    const wrong = { kind: 'wrong-expected-version', current } as const;
    // StorageWriterService.ActOnCommitCheckFailure: Idempotent -> AlreadyCommitted(last event number, its log position).
    const idempotent = (last: FakeEvent): AppendOutcome =>
      Date.now() - (this.writtenAt.get(last) ?? 0) < this.unreplicatedWindowMs
        ? { kind: 'not-ready' }
        : { kind: 'idempotent', lastRevision: last.revision, position: last.position };
    // A metadata-only stream also "exists"; the fake has no metadata streams.
    if (expected === 'stream_exists' && current < 0) return wrong;
    if (expected === 'any' || expected === 'stream_exists') {
      // Idempotency by id anywhere in the stream: the first id decides; a later miss is CorruptedIdempotency,
      // which the writer answers as WrongExpectedVersion. (On a real node only while the ids are in the
      // cache: see the class comment.)
      const found: FakeEvent[] = [];
      for (const event of proposed) {
        const hit = this.byId.get(event.id);
        if (!hit || hit.streamId !== streamId) {
          if (found.length === 0) return this.write(streamId, current, proposed);
          return wrong;
        }
        found.push(hit);
      }
      return found.length === 0 ? this.write(streamId, current, proposed) : idempotent(found[found.length - 1]!);
    }
    const expectedVersion = expected === 'no_stream' ? -1 : Number(expected);
    if (expectedVersion < current) {
      // The ids must be exactly the events that follow the expected version, in order.
      let eventNumber = expectedVersion;
      for (const event of proposed) {
        eventNumber += 1;
        if (stream[eventNumber]?.id !== event.id) return wrong;
      }
      return eventNumber === expectedVersion ? wrong : idempotent(stream[eventNumber]!);
    }
    if (expectedVersion > current) return wrong;
    return this.write(streamId, current, proposed);
  }

  private write(streamId: string, current: number, proposed: readonly Proposed[]): AppendOutcome {
    if (proposed.length === 0) return { kind: 'written', lastRevision: current, position: undefined };
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    const written: FakeEvent[] = [];
    for (const event of proposed) {
      const stored: FakeEvent = { ...event, streamId, revision: stream.length, position: this.endPosition, created: BigInt(Date.now()) * 10_000n };
      // A prepare record's size, roughly: a header, the names and the payloads.
      this.endPosition += BigInt(90 + 2 * streamId.length + sizeOnDisk(event));
      stream.push(stored);
      this.events.push(stored);
      this.byId.set(stored.id, stored);
      this.writtenAt.set(stored, Date.now());
      written.push(stored);
    }
    for (const event of written) for (const listener of this.listeners) listener(event);
    const last = written[written.length - 1]!;
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }
}

const utf8 = new TextDecoder();
const streamNameOf = (identifier: StreamIdentifier | undefined): string => utf8.decode(identifier?.getStreamName_asU8() ?? new Uint8Array());
const identifierOf = (streamId: string): StreamIdentifier => new sharedPb.StreamIdentifier().setStreamName(Buffer.from(streamId, 'utf8'));

const uuidOf = (uuid: UUID | undefined): string => {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const bits = uuid.getStructured()!;
  const hex = [bits.getMostSignificantBits(), bits.getLeastSignificantBits()]
    .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const proposedOf = (message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): Proposed => ({
  id: uuidOf(message.getId()),
  // Streams.Append.cs refuses a message without these (RequiredMetadataPropertyMissing); the client always sends both.
  type: message.getMetadataMap().get('type') ?? '',
  contentType: message.getMetadataMap().get('content-type') ?? 'application/octet-stream',
  data: message.getData_asU8(),
  metadata: message.getCustomMetadata_asU8(),
});

const recorded = (event: FakeEvent): ReadResp => {
  const record = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(event.id))
    .setStreamIdentifier(identifierOf(event.streamId))
    .setStreamRevision(String(event.revision))
    .setPreparePosition(String(event.position))
    .setCommitPosition(String(event.position))
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  record.getMetadataMap().set('type', event.type).set('content-type', event.contentType).set('created', String(event.created));
  return new streamsPb.ReadResp().setEvent(new streamsPb.ReadResp.ReadEvent().setEvent(record).setCommitPosition(String(event.position)));
};

/** A $all position as the server compares them (TFPos): commit first, then prepare. */
type Pos = readonly [commit: bigint, prepare: bigint];
const after = (a: Pos, b: Pos): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
const checkpointAt = ([commit, prepare]: Pos): ReadResp =>
  new streamsPb.ReadResp().setCheckpoint(new streamsPb.ReadResp.Checkpoint().setCommitPosition(String(commit)).setPreparePosition(String(prepare)));

type Filter = (event: FakeEvent) => boolean;

/** Streams.Read.cs ConvertToEventFilter + EventFilter.cs: prefixes use StartsWith, a regex is an unanchored match. */
const filterOf = (options: ReadReq.Options): Filter | undefined => {
  if (options.getFilterOptionCase() !== streamsPb.ReadReq.Options.FilterOptionCase.FILTER) return undefined;
  const filter = options.getFilter()!;
  const onStream = filter.getFilterCase() === streamsPb.ReadReq.Options.FilterOptions.FilterCase.STREAM_IDENTIFIER;
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const field = (event: FakeEvent): string => (onStream ? event.streamId : event.type);
  // .NET and JS regexes agree on what clients send here (anchors, classes, alternations, lookahead).
  if (expression.getRegex()) {
    const regex = new RegExp(expression.getRegex());
    return (event) => regex.test(field(event));
  }
  const prefixes = expression.getPrefixList();
  return (event) => prefixes.some((prefix) => field(event).startsWith(prefix));
};

export interface EsdbFakeOptions {
  /** Offer BatchAppend in ServerFeatures, as servers since 21.10 do; without it the client falls back to Append. */
  readonly batchAppend?: boolean;
  /**
   * Append a system event (a `$statsCollected` in `$stats-<node>`) this often, so that system events
   * interleave with the ledger's in `$all`. A stand-in: a 24.10 node does not write its stats to the
   * database by default (ClusterVNodeOptions.StatsStorage = File), but the standard projections that
   * docker-compose.yml turns on write `$>` link events to `$ce-*`, `$et-*` and `$streams` for every
   * event appended, plus their checkpoints, all of them system events the adapter must pass over.
   */
  readonly statsIntervalMs?: number;
  /** See FakeLog.unreplicatedWindowMs; 0 (the default) keeps every idempotent answer immediate. */
  readonly unreplicatedWindowMs?: number;
  /**
   * How long a dropped write (not-ready) waits for its answer: the server's WriteTimeoutMs, 2000 by
   * default (ClusterVNodeOptions.cs), shorter here.
   */
  readonly writeTimeoutMs?: number;
}

/**
 * What the next appends (Append or BatchAppend, one fault each, in order) meet instead of being
 * decided, as a real server answers them (nothing is written):
 * - not-ready, busy, no-leader-info: BatchAppend's NotHandled answers (Streams.BatchAppend.cs: a
 *   Status with an Empty detail and "Server Is Not Ready", "Server Is Busy" or "No leader info
 *   available in response"; the client makes them UnknownError "Could not recognize …"); on Append,
 *   RpcExceptions.ServerNotReady/ServerBusy (Unavailable) or NoLeaderInfo (Unknown);
 * - not-leader: RpcExceptions.LeaderInfo (NotFound with the not-leader trailers naming this fake as
 *   the leader), which on BatchAppend ends the whole call; the client reconnects to the leader named;
 * - access-denied: the AccessDenied status (BatchAppend) or RpcExceptions.AccessDenied (Append).
 */
export type AppendFault = 'not-ready' | 'busy' | 'no-leader-info' | 'not-leader' | 'access-denied';

export interface EsdbFake {
  readonly port: number;
  readonly connectionString: string;
  readonly log: FakeLog;
  /**
   * How many Append and BatchAppend calls arrived (which path the client took), and how many reads
   * of one stream arrived, and of those how many asked for the leader (the `requires-leader` header,
   * without which a follower of a cluster answers from its own, possibly stale, copy).
   */
  readonly calls: { append: number; batchAppend: number; streamReads: number; streamReadsOnLeader: number };
  /** Faults for the next appends, taken in order (see AppendFault). */
  readonly appendFaults: AppendFault[];
  stop(): Promise<void>;
}

export const startEsdbFake = async (options: EsdbFakeOptions = {}): Promise<EsdbFake> => {
  const batchAppend = options.batchAppend ?? true;
  const log = new FakeLog();
  log.unreplicatedWindowMs = options.unreplicatedWindowMs ?? 0;
  const writeTimeoutMs = options.writeTimeoutMs ?? 100;
  const appendFaults: AppendFault[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, act: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      act();
    }, ms);
    timers.add(timer);
  };
  // Assigned once bound: the not-leader fault names this fake as the leader.
  let port = 0;
  /** An Append's answer to a fault: the RpcExceptions the server throws (see AppendFault). */
  const appendFaultError = (fault: AppendFault): Partial<grpc.StatusObject> => {
    const metadata = new grpc.Metadata();
    switch (fault) {
      case 'not-ready':
        return { code: grpc.status.UNAVAILABLE, details: 'Server Is Not Ready' };
      case 'busy':
        return { code: grpc.status.UNAVAILABLE, details: 'Server Is Too Busy' };
      case 'no-leader-info':
        return { code: grpc.status.UNKNOWN, details: 'No leader info available in response' };
      case 'not-leader':
        metadata.set('exception', 'not-leader');
        metadata.set('leader-endpoint-host', '127.0.0.1');
        metadata.set('leader-endpoint-port', String(port));
        return { code: grpc.status.NOT_FOUND, details: 'Leader info available', metadata };
      case 'access-denied':
        metadata.set('exception', 'access-denied');
        return { code: grpc.status.PERMISSION_DENIED, details: 'Access Denied', metadata };
    }
  };
  const calls = { append: 0, batchAppend: 0, streamReads: 0, streamReadsOnLeader: 0 };
  const open = new Set<() => void>();
  const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');
  const systemEvent = (streamId: string, type: string, data: unknown): void => {
    log.append(streamId, 'any', [{ id: randomUUID(), type, contentType: 'application/json', data: json(data), metadata: new Uint8Array() }]);
  };
  // A fresh node's $all is never empty: it starts with system streams' events, before any user event.
  systemEvent('$users', '$User', { LoginName: 'admin' });
  systemEvent('$user-admin', '$user', { loginName: 'admin', fullName: 'Event Store Administrator' });
  // (A stand-in for the system events a node writes at start; see statsIntervalMs.)
  systemEvent('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-id': process.pid });

  const read = (call: grpc.ServerWritableStream<ReadReq, ReadResp>): void => {
    const request = call.request.getOptions();
    const { StreamOptionCase, CountOptionCase, ReadDirection } = streamsPb.ReadReq.Options;
    if (!request?.getUuidOption()) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: ' `uuidOption` is a required argument' });
      return;
    }
    const filter = filterOf(request);
    if (request.getCountOptionCase() === CountOptionCase.SUBSCRIPTION) return subscribe(call, request, filter);
    const count = BigInt(request.getCount());
    const backwards = request.getReadDirection() === ReadDirection.BACKWARDS;
    let events: FakeEvent[];
    if (request.getStreamOptionCase() === StreamOptionCase.STREAM) {
      calls.streamReads++;
      if (call.metadata.get('requires-leader')[0] === 'true') calls.streamReadsOnLeader++;
      const streamId = streamNameOf(request.getStream()!.getStreamIdentifier());
      const stream = log.stream(streamId);
      if (stream.length === 0) {
        // Enumerator.ReadStreamForwards/Backwards.cs: NoStream is a StreamNotFound message, then the read ends.
        call.write(new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(identifierOf(streamId))));
        call.end();
        return;
      }
      const { RevisionOptionCase } = streamsPb.ReadReq.Options.StreamOptions;
      const option = request.getStream()!.getRevisionOptionCase();
      const end = stream.length - 1;
      const from = option === RevisionOptionCase.START ? 0 : option === RevisionOptionCase.END ? (backwards ? end : stream.length) : Number(request.getStream()!.getRevision());
      // IndexReader.cs: a backward read from past the end returns the last events; a forward one, none.
      events = backwards ? stream.slice(0, Math.min(from, end) + 1).reverse() : stream.slice(from);
    } else {
      const { AllOptionCase } = streamsPb.ReadReq.Options.AllOptions;
      const all = request.getAll()!;
      const option = all.getAllOptionCase();
      const at = option === AllOptionCase.POSITION ? BigInt(all.getPosition()!.getCommitPosition()) : option === AllOptionCase.START ? 0n : log.endPosition;
      // AllReader.ReadAllEventsForwardInternal reads the record that starts at the position; from a byte
      // that starts none, TFChunkReadSide throws (ValidateRecordLength), StorageReaderWorker answers
      // ReadAllResult.InvalidPosition, and Enumerator.ReadAllForwards, which has no case for it, fails
      // the call with RpcExceptions.UnknownError.
      if (!backwards && option === AllOptionCase.POSITION && at !== 0n && at !== log.endPosition && !log.events.some((e) => e.position === at)) {
        call.emit('error', { code: grpc.status.UNKNOWN, details: `Unexpected ReadAllResult: InvalidPosition (${at})` });
        return;
      }
      // AllReader.cs: forwards from a pre-position includes the record there; backwards from a post-position,
      // only records that start before it.
      events = backwards ? log.events.filter((e) => e.position < at).reverse() : log.events.filter((e) => e.position >= at);
      if (filter) events = events.filter(filter);
    }
    for (const event of events.slice(0, count > BigInt(events.length) ? events.length : Number(count))) call.write(recorded(event));
    call.end();
  };

  /** Enumerator.AllSubscription(Filtered).cs: confirmation, catch-up strictly after the start, checkpoint, caughtUp, live. */
  const subscribe = (call: grpc.ServerWritableStream<ReadReq, ReadResp>, request: ReadReq.Options, filter: Filter | undefined): void => {
    if (request.getStreamOptionCase() !== streamsPb.ReadReq.Options.StreamOptionCase.ALL) {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the fake serves subscriptions to $all only' });
      return;
    }
    const { AllOptionCase } = streamsPb.ReadReq.Options.AllOptions;
    const all = request.getAll()!;
    const option = all.getAllOptionCase();
    // ConvertCheckpoint: Start is HeadOfTf (-1, -1); End is the last indexed position at confirmation.
    const last = log.events.at(-1)?.position ?? -1n;
    const position = all.getPosition();
    let checkpoint: Pos =
      option === AllOptionCase.POSITION ? [BigInt(position!.getCommitPosition()), BigInt(position!.getPreparePosition())] : option === AllOptionCase.END ? [last, last] : [-1n, -1n];
    // Enumerator.AllSubscription(Filtered).cs CatchUp: a read from a byte that starts no record answers
    // InvalidPosition, which ends the call with RpcExceptions.InvalidPositionException (InvalidArgument;
    // the client, which has no case for that code, makes it an UnknownError keeping code and details).
    if (option === AllOptionCase.POSITION && checkpoint[0] !== 0n && checkpoint[0] !== log.endPosition && !log.events.some((e) => e.position === checkpoint[0])) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'Trying to read from an invalid position.' });
      return;
    }
    const window = filter && request.getFilter()!.getWindowCase() === streamsPb.ReadReq.Options.FilterOptions.WindowCase.MAX ? request.getFilter()!.getMax() : READ_BATCH_SIZE;
    const interval = filter ? window * Math.max(1, request.getFilter()!.getCheckpointintervalmultiplier()) : Number.POSITIVE_INFINITY;
    let considered = 0;
    const deliver = (event: FakeEvent): void => {
      if (!after([event.position, event.position], checkpoint) || call.cancelled) return;
      if (!filter || filter(event)) call.write(recorded(event));
      checkpoint = [event.position, event.position];
      // Filtered subscriptions report a checkpoint every `interval` events considered, matching or not.
      if (++considered >= interval) {
        considered = 0;
        call.write(checkpointAt(checkpoint));
      }
    };
    call.write(new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    for (const event of [...log.events]) deliver(event);
    // CatchUp at end of stream: a checkpoint at the read's CurrentPos, which AllReader.cs leaves at
    // (post-position of the last record, 0): before the next event's (p, p), so nothing live is skipped.
    const end: Pos = [log.endPosition, 0n];
    if (filter && after(end, checkpoint)) checkpoint = end;
    if (filter && checkpoint[0] >= 0n) call.write(checkpointAt(checkpoint));
    call.write(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
    const unsubscribe = log.onAppended(deliver);
    const close = (): void => {
      unsubscribe();
      open.delete(close);
      if (!call.cancelled) call.end();
    };
    open.add(close);
    call.on('cancelled', close);
    call.on('error', close);
  };

  const expectedOf = (
    cases: { readonly any: number; readonly noStream: number; readonly streamExists: number },
    option: number,
    revision: () => string,
  ): Expected =>
    option === cases.any ? 'any' : option === cases.noStream ? 'no_stream' : option === cases.streamExists ? 'stream_exists' : BigInt(revision());

  const append = (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>): void => {
    calls.append++;
    let header: AppendReq.Options | undefined;
    const events: Proposed[] = [];
    let size = 0;
    let failed = false;
    call.on('data', (message: AppendReq) => {
      if (failed) return;
      if (!header) {
        header = message.getOptions();
        return;
      }
      const event = proposedOf(message.getProposedMessage()!);
      size += sizeOnDisk(event);
      if (size > MAX_APPEND_SIZE) {
        // Streams.Append.cs + RpcExceptions.MaxAppendSizeExceeded: InvalidArgument with these trailers.
        failed = true;
        const metadata = new grpc.Metadata();
        metadata.set('exception', 'maximum-append-size-exceeded');
        metadata.set('maximum-append-size', String(MAX_APPEND_SIZE));
        callback({ code: grpc.status.INVALID_ARGUMENT, details: `Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`, metadata });
        return;
      }
      events.push(event);
    });
    call.on('end', () => {
      if (failed || !header) return failed ? undefined : callback({ code: grpc.status.INTERNAL, details: 'no options' });
      const { ExpectedStreamRevisionCase: Case } = streamsPb.AppendReq.Options;
      const option = header.getExpectedStreamRevisionCase();
      const expected = expectedOf({ any: Case.ANY, noStream: Case.NO_STREAM, streamExists: Case.STREAM_EXISTS }, option, () => header!.getRevision());
      const fault = appendFaults.shift();
      if (fault) return callback(appendFaultError(fault));
      const outcome = log.append(streamNameOf(header.getStreamIdentifier()), expected, events);
      if (outcome.kind === 'not-ready') {
        // Streams.Append.cs: the request manager's PrepareTimeout/CommitTimeout is RpcExceptions.Timeout (Aborted).
        later(writeTimeoutMs, () => callback({ code: grpc.status.ABORTED, details: 'Operation timed out: Prepare phase timeout.' }));
        return;
      }
      const response = new streamsPb.AppendResp();
      if (outcome.kind === 'wrong-expected-version') {
        // Streams.Append.cs HandleWriteEventsCompleted: the current and the 20.6.0 fields are both set.
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
        const empty = new emptyPb.Empty();
        if (expected === 'any') wrong.setExpectedAny(empty).setAny2060(empty);
        else if (expected === 'stream_exists') wrong.setExpectedStreamExists(empty).setStreamExists2060(empty);
        // (The server also sets ExpectedRevision2060 = ulong.MaxValue for no_stream; a JS number cannot carry it.)
        else if (expected === 'no_stream') wrong.setExpectedNoStream(empty);
        else wrong.setExpectedRevision(String(expected)).setExpectedRevision2060(Number(expected));
        if (outcome.current < 0) wrong.setCurrentNoStream(empty).setNoStream2060(empty);
        else wrong.setCurrentRevision(String(outcome.current)).setCurrentRevision2060(outcome.current);
        callback(null, response.setWrongExpectedVersion(wrong));
        return;
      }
      const success = new streamsPb.AppendResp.Success();
      if (outcome.lastRevision < 0) success.setNoStream(new emptyPb.Empty());
      else success.setCurrentRevision(String(outcome.lastRevision));
      if (outcome.position === undefined) success.setNoPosition(new emptyPb.Empty());
      else success.setPosition(new streamsPb.AppendResp.Position().setCommitPosition(String(outcome.position)).setPreparePosition(String(outcome.position)));
      callback(null, response.setSuccess(success));
    });
  };

  /** Status.cs (Google.Rpc): the error details are an Any that the client unpacks by type name. */
  const status = (code: grpc.status, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string): Status => {
    const details = new anyPb.Any();
    details.pack(detail.serializeBinary(), typeName);
    // google.rpc.Code and gRPC's status codes are the same numbers.
    return new statusPb.Status().setCode(code as number as Code).setMessage(message).setDetails(details);
  };

  const batch = (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    calls.batchAppend++;
    const pending = new Map<string, { streamId: string; expected: Expected; events: Proposed[]; size: number }>();
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId();
      const key = uuidOf(correlation);
      const options = request.getOptions();
      if (options) {
        const { ExpectedStreamPositionCase: Case } = streamsPb.BatchAppendReq.Options;
        const option = options.getExpectedStreamPositionCase();
        const expected = expectedOf({ any: Case.ANY, noStream: Case.NO_STREAM, streamExists: Case.STREAM_EXISTS }, option, () => options.getStreamPosition());
        if (!pending.has(key)) pending.set(key, { streamId: streamNameOf(options.getStreamIdentifier()), expected, events: [], size: 0 });
      }
      const write = pending.get(key);
      if (!write) return;
      const respond = (response: BatchAppendResp): void => {
        if (!call.cancelled) call.write(response.setCorrelationId(correlation).setStreamIdentifier(identifierOf(write.streamId)));
      };
      for (const message of request.getProposedMessagesList()) {
        const event = proposedOf(message);
        write.size += sizeOnDisk(event);
        write.events.push(event);
      }
      if (write.size > MAX_APPEND_SIZE) {
        pending.delete(key);
        const detail = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(MAX_APPEND_SIZE);
        respond(new streamsPb.BatchAppendResp().setError(status(grpc.status.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', detail, 'event_store.client.MaximumAppendSizeExceeded')));
        return;
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const fault = appendFaults.shift();
      if (fault === 'not-leader') {
        // Streams.BatchAppend.cs throws RpcExceptions.LeaderInfo, which ends the whole call.
        call.emit('error', appendFaultError(fault));
        return;
      }
      if (fault === 'access-denied') {
        respond(new streamsPb.BatchAppendResp().setError(status(grpc.status.PERMISSION_DENIED, 'Access Denied', new sharedPb.AccessDenied(), 'event_store.client.AccessDenied')));
        return;
      }
      if (fault) {
        // Streams.BatchAppend.cs NotHandled: no code, an Empty detail (which the client does not recognise) and the reason.
        const message = { 'not-ready': 'Server Is Not Ready', busy: 'Server Is Busy', 'no-leader-info': 'No leader info available in response' }[fault];
        const details = new anyPb.Any();
        details.pack(new emptyPb.Empty().serializeBinary(), 'google.protobuf.Empty');
        respond(new streamsPb.BatchAppendResp().setError(new statusPb.Status().setMessage(message).setDetails(details)));
        return;
      }
      const outcome = log.append(write.streamId, write.expected, write.events);
      if (outcome.kind === 'not-ready') {
        // StorageWriterService drops the write; the request manager times out and BatchAppend answers Status.Timeout.
        later(writeTimeoutMs, () =>
          respond(new streamsPb.BatchAppendResp().setError(status(grpc.status.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout'))),
        );
        return;
      }
      if (outcome.kind === 'wrong-expected-version') {
        // WrongExpectedVersion.cs Create: current revision or CurrentNoStream; the expectation as sent.
        const detail = new sharedPb.WrongExpectedVersion();
        const empty = new emptyPb.Empty();
        if (outcome.current < 0) detail.setCurrentNoStream(empty);
        else detail.setCurrentStreamRevision(String(outcome.current));
        if (write.expected === 'any') detail.setExpectedAny(empty);
        else if (write.expected === 'no_stream') detail.setExpectedNoStream(empty);
        else if (write.expected === 'stream_exists') detail.setExpectedStreamExists(empty);
        else detail.setExpectedStreamPosition(String(write.expected));
        respond(new streamsPb.BatchAppendResp().setError(status(grpc.status.ALREADY_EXISTS, 'WrongExpectedVersion', detail, 'event_store.client.WrongExpectedVersion')));
        return;
      }
      // BatchAppendResp.cs Success.Completed.
      const success = new streamsPb.BatchAppendResp.Success();
      if (outcome.lastRevision < 0) success.setNoStream(new emptyPb.Empty());
      else success.setCurrentRevision(String(outcome.lastRevision));
      if (outcome.position === undefined) success.setNoPosition(new emptyPb.Empty());
      else success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(String(outcome.position)).setPreparePosition(String(outcome.position)));
      respond(new streamsPb.BatchAppendResp().setSuccess(success));
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  };

  /** ServerFeatures.cs: lower-case service and method names, with these features. */
  const supportedMethods = (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>): void => {
    const method = (service: string, name: string, ...features: string[]): SupportedMethod =>
      new featuresPb.SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
    const streams = 'event_store.client.streams.streams';
    const methods = [method(streams, 'read', 'position', 'events'), method(streams, 'append')];
    if (batchAppend) methods.push(method(streams, 'batchappend', 'deadline_duration'));
    methods.push(method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'));
    callback(null, new featuresPb.SupportedMethods().setEventStoreServerVersion('0.0.0-fake').setMethodsList(methods));
  };

  const server = new grpc.Server();
  // Methods left out (Delete, Tombstone, every other service) answer UNIMPLEMENTED.
  const streamsImpl: grpc.UntypedServiceImplementation = { read, append };
  if (batchAppend) streamsImpl.batchAppend = batch;
  server.addService(streamsGrpc.StreamsService, streamsImpl);
  server.addService(featuresGrpc.ServerFeaturesService, { getSupportedMethods: supportedMethods });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const stats = options.statsIntervalMs
    ? setInterval(() => systemEvent('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-id': process.pid }), options.statsIntervalMs)
    : undefined;
  return {
    port,
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    log,
    calls,
    appendFaults,
    stop: async () => {
      clearInterval(stats);
      for (const timer of timers) clearTimeout(timer);
      for (const close of [...open]) close();
      server.forceShutdown();
    },
  };
};
