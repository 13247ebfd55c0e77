import { rmSync } from 'node:fs';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import type { Decider, DomainEvent } from '../../src/shared/domain/decider.js';
import { ConflictError, NotFoundError, PreconditionFailedError, UnprocessableError } from '../../src/shared/domain/domain-error.js';
import type { Clock, IdGenerator } from '../../src/shared/event-store/clock.js';
import { canonicalJson, computeEventHash, GENESIS_HASH, type LedgerMetadata, sha256Hex } from '../../src/shared/event-store/envelope.js';
import { type CommandContext, fold, handleCommand, idempotentEventId } from '../../src/shared/event-store/handle-command.js';
import { foldedStreamCacheFor } from '../../src/shared/event-store/folded-stream-cache.js';

/** A minimal aggregate: a list of notes, where a note id may be used once. */
type NoteEvent = DomainEvent<'NoteAdded', { noteId: string; text: string }>;
interface AddNote {
  noteId: string;
  text: string;
  effectiveOn: string;
}
type Notes = { ids: string[] };
const notes: Decider<AddNote, Notes, NoteEvent> = {
  initialState: () => ({ ids: [] }),
  decide: (command, state) => {
    if (state.ids.includes(command.noteId)) throw new ConflictError('duplicate-note', `note ${command.noteId} already recorded`);
    if (command.text === 'noop') return [];
    return [{ type: 'NoteAdded', data: { noteId: command.noteId, text: command.text } }];
  },
  evolve: (state, event) => ({ ids: [...state.ids, event.data.noteId] }),
};

const clock: Clock = { now: () => new Date('2026-05-01T12:00:00.000Z') };
let n = 0;
const ids: IdGenerator = { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
const context = (extra: Partial<CommandContext> = {}): CommandContext => ({ principal: 'clerk-1', correlationId: 'corr-1', ...extra });

describe('handleCommand: load, fold, decide, seal, append', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
  });
  afterEach(() => store.close());

  const add = (streamId: string, noteId: string, extra: Partial<CommandContext> = {}, expectation: 'new' | 'existing' | 'any' = 'any', text = 'hello') =>
    handleCommand(
      { store, clock, ids },
      { decider: notes, streamId, subject: `notes ${streamId}`, expectation, command: () => ({ noteId, text, effectiveOn: '2026-04-30' }), context: context(extra) },
    );

  it('appends sealed events whose hashes chain from the genesis hash', async () => {
    const first = await add('notes-a', 'n1');
    const second = await add('notes-a', 'n2');
    expect(first).toMatchObject({ streamId: 'notes-a', revision: 0, recordedAt: '2026-05-01T12:00:00.000Z' });
    expect(second.revision).toBe(1);
    const [e0, e1] = await store.readStream('notes-a');
    const m0 = e0!.metadata as LedgerMetadata;
    const m1 = e1!.metadata as LedgerMetadata;
    expect(m0).toMatchObject({ schemaVersion: 1, effectiveOn: '2026-04-30', recordedBy: 'clerk-1', correlationId: 'corr-1', causationId: 'corr-1', prevHash: GENESIS_HASH });
    expect(m0.hash).toBe(computeEventHash(e0!));
    expect(m1.prevHash).toBe(m0.hash);
    expect(m1.hash).toBe(computeEventHash(e1!));
  });

  it('remembers the fold of what it appended: the next command on the stream reads no event, and decides on the state a full read gives', async () => {
    await add('notes-fold', 'n1');
    const reads: string[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = async (streamId, options) => {
      reads.push(streamId);
      return readStream(streamId, options);
    };
    await add('notes-fold', 'n2');
    await add('notes-fold', 'n3');
    await expect(add('notes-fold', 'n2')).rejects.toThrow('note n2 already recorded');
    expect(reads).toEqual([]);
    // The cached state is the one a fresh fold of the stored events gives.
    const cached = await foldedStreamCacheFor(store).load('notes-fold', notes.evolve, notes.initialState);
    const stored = await readStream('notes-fold');
    expect(cached.state).toEqual(fold(notes, stored));
    expect(cached).toMatchObject({ revision: 2, lastHash: (stored[2]!.metadata as LedgerMetadata).hash, head: { position: stored[2]!.position, eventId: stored[2]!.eventId } });
  });

  it('answers with what it appended even when folding it in afterwards fails: the stream is then only dropped from the cache', async () => {
    const fragile: Decider<AddNote, Notes, NoteEvent> = {
      ...notes,
      evolve: (state, event) => {
        if (event.data.text === 'explode') throw new Error('cannot fold this note');
        return notes.evolve(state, event);
      },
    };
    const addTo = (noteId: string, text: string) =>
      handleCommand(
        { store, clock, ids },
        { decider: fragile, streamId: 'notes-fragile', subject: 'notes notes-fragile', expectation: 'any', command: () => ({ noteId, text, effectiveOn: '2026-04-30' }), context: context() },
      );
    await addTo('n1', 'fine');
    const cache = foldedStreamCacheFor(store);
    const cached = cache.size;
    await expect(addTo('n2', 'explode')).resolves.toMatchObject({ streamId: 'notes-fragile', revision: 1 });
    expect(cache.size).toBe(cached - 1);
    await expect(store.readStream('notes-fragile')).resolves.toHaveLength(2);
  });

  it('enforces the declared stream expectation', async () => {
    await expect(add('notes-b', 'n1', {}, 'existing')).rejects.toThrow(NotFoundError);
    await add('notes-b', 'n1', {}, 'new');
    await expect(add('notes-b', 'n2', {}, 'new')).rejects.toMatchObject({ constructor: ConflictError, code: 'already-exists', message: 'notes notes-b already exists' });
  });

  it('passes domain rejections through and appends nothing', async () => {
    await add('notes-c', 'n1');
    await expect(add('notes-c', 'n1')).rejects.toMatchObject({ code: 'duplicate-note' });
    expect(await store.readStream('notes-c')).toHaveLength(1);
  });

  it('answers an already-satisfied command with the stream as it stands and appends nothing', async () => {
    const first = await add('notes-d', 'n1');
    const noop = await add('notes-d', 'n2', {}, 'any', 'noop');
    expect(noop).toEqual({ ...first, events: [] });
  });

  it('checks If-Match against the folded revision: 412 on mismatch, never retried', async () => {
    await add('notes-e', 'n1');
    await expect(add('notes-e', 'n2', { ifMatch: [5] })).rejects.toMatchObject({ constructor: PreconditionFailedError, code: 'revision-mismatch', message: 'notes notes-e is at revision 0, not 5: reload it and decide again' });
    await expect(add('notes-e', 'n2', { ifMatch: [3, 4] })).rejects.toMatchObject({ code: 'revision-mismatch', message: 'notes notes-e is at revision 0, not one of 3, 4: reload it and decide again' });
    await expect(add('notes-e', 'n2', { ifMatch: [0] })).resolves.toMatchObject({ revision: 1 });
    await expect(add('notes-e', 'n3', { ifMatch: [7, 1] })).resolves.toMatchObject({ revision: 2 });
    expect(await store.readStream('notes-e')).toHaveLength(3);
  });

  it('takes If-Match * as "the stream exists, at any revision": 412 before it does', async () => {
    await expect(add('notes-star', 'n1', { ifMatch: '*' })).rejects.toMatchObject({
      constructor: PreconditionFailedError,
      code: 'revision-mismatch',
      message: 'notes notes-star does not exist yet (If-Match * expects it to exist): send the command without If-Match to create it',
    });
    await expect(store.readStream('notes-star')).rejects.toThrow();
    await add('notes-star', 'n1');
    await expect(add('notes-star', 'n2', { ifMatch: '*' })).resolves.toMatchObject({ revision: 1 });
  });

  describe('Idempotency-Key', () => {
    it('returns the first response to a retry with the same key and request, appending nothing', async () => {
      const first = await add('notes-f', 'n1', { idempotencyKey: 'key-1', requestFingerprint: 'body-1' });
      const head = await store.headPosition();
      const retry = await add('notes-f', 'n1', { idempotencyKey: 'key-1', requestFingerprint: 'body-1' });
      expect(retry).toEqual(first);
      expect(await store.headPosition()).toBe(head);
      const [event] = await store.readStream('notes-f');
      expect((event!.metadata as LedgerMetadata).idempotencyKey).toBe('key-1');
    });

    it('refuses the same key with another request, on the same or another stream (422)', async () => {
      await add('notes-g', 'n1', { idempotencyKey: 'key-2', requestFingerprint: 'body-1' });
      await expect(add('notes-g', 'n2', { idempotencyKey: 'key-2', requestFingerprint: 'body-2' })).rejects.toMatchObject({
        constructor: UnprocessableError,
        code: 'idempotency-key-reused',
      });
      await expect(add('notes-h', 'n1', { idempotencyKey: 'key-2', requestFingerprint: 'body-1' })).rejects.toThrow(UnprocessableError);
      expect(await store.readStream('notes-g')).toHaveLength(1);
      await expect(store.readStream('notes-h')).rejects.toThrow('not found');
    });

    it('keeps keys per principal: another user sending the same key (same request or not) records its own command, and each retry gets its own answer', async () => {
      const mine = await add('notes-p', 'n1', { idempotencyKey: 'daily', requestFingerprint: 'body-1' });
      // Another principal, the same key and the same request: not a replay of mine.
      const theirs = await add('notes-p', 'n2', { idempotencyKey: 'daily', requestFingerprint: 'body-1', principal: 'clerk-2' });
      expect(theirs.revision).toBe(mine.revision + 1);
      expect(theirs.events[0]!.eventId).not.toBe(mine.events[0]!.eventId);
      // Another principal, the same key, another request: not a reuse of mine (no 422).
      const other = await add('notes-q', 'n1', { idempotencyKey: 'daily', requestFingerprint: 'body-2', principal: 'clerk-3' });
      expect(other.revision).toBe(0);
      const head = await store.headPosition();
      expect(await add('notes-p', 'n1', { idempotencyKey: 'daily', requestFingerprint: 'body-1' })).toEqual(mine);
      expect(await add('notes-p', 'n2', { idempotencyKey: 'daily', requestFingerprint: 'body-1', principal: 'clerk-2' })).toEqual(theirs);
      expect(await store.headPosition()).toBe(head);
      const recordedBy = (await store.readStream('notes-p')).map((event) => (event.metadata as LedgerMetadata).recordedBy);
      expect(recordedBy).toEqual(['clerk-1', 'clerk-2']);
    });

    it('still replays an event recorded before keys were per principal (its id derived from the request alone)', async () => {
      const legacyId = idempotentEventId('old-key', sha256Hex(canonicalJson(['notes-r', 'body-1'])), 0);
      let next = 0;
      const legacyIds: IdGenerator = { uuid: () => (next++ === 0 ? legacyId : ids.uuid()) };
      // Recorded as the old code recorded it: the key in metadata, the id from key and request.
      const first = await handleCommand(
        { store, clock, ids: legacyIds },
        { decider: notes, streamId: 'notes-r', subject: 'notes notes-r', expectation: 'any', command: () => ({ noteId: 'n1', text: 'hello', effectiveOn: '2026-04-30' }), context: context() },
      );
      await store.database.prepare("UPDATE events SET metadata = json_set(metadata, '$.idempotencyKey', 'old-key') WHERE event_id = ?").run(legacyId);
      const head = await store.headPosition();
      expect((await add('notes-r', 'n1', { idempotencyKey: 'old-key', requestFingerprint: 'body-1' })).events).toEqual(first.events);
      expect(await store.headPosition()).toBe(head);
    });

    it('holds when the same request is sent many times at once', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => add('notes-i', 'n1', { idempotencyKey: 'key-3', requestFingerprint: 'b' })));
      expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(await store.readStream('notes-i')).toHaveLength(1);
    });

    it('records one command when one key is sent at once with different bodies to different streams; the others are a 422, and retries get the first answer', async () => {
      const streams = Array.from({ length: 8 }, (_, i) => `notes-k${i}`);
      const outcomes = await Promise.allSettled(streams.map((streamId, i) => add(streamId, 'n1', { idempotencyKey: 'key-many', requestFingerprint: `body-${i}` })));
      const won = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [{ i, result: outcome.value }] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'idempotency-key-reused' });
      const recorded = (await Promise.all(streams.map((streamId) => store.readStream(streamId).catch(() => [])))).flat();
      expect(recorded).toHaveLength(1);
      const { i, result } = won[0]!;
      expect(await add(streams[i]!, 'n1', { idempotencyKey: 'key-many', requestFingerprint: `body-${i}` })).toEqual(result);
      await expect(add(streams[(i + 1) % streams.length]!, 'n1', { idempotencyKey: 'key-many', requestFingerprint: `body-${(i + 1) % streams.length}` })).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    });
  });

  it('runs an exclusive command (one that changes facts other streams decide on) only when no command on any stream is being decided', async () => {
    // A command on notes-a reads a fact of another stream and is still deciding when a command that
    // changes that fact arrives: the latter must wait until the former is appended.
    let letThrough!: () => void;
    const deciding = new Promise<void>((resolve) => (letThrough = resolve));
    const order: string[] = [];
    const slow = handleCommand(
      { store, clock, ids },
      {
        decider: notes, streamId: 'notes-a', subject: 'notes notes-a', expectation: 'any', context: context(),
        command: async () => {
          order.push('slow decides');
          await deciding;
          return { noteId: 'n1', text: 'read the fact', effectiveOn: '2026-04-30' };
        },
      },
    ).then((result) => {
      order.push('slow appended');
      return result;
    });
    const exclusive = handleCommand(
      { store, clock, ids },
      {
        decider: notes, streamId: 'facts', subject: 'notes facts', expectation: 'any', context: context(), exclusive: true,
        command: () => {
          order.push('exclusive decides');
          return { noteId: 'f1', text: 'change the fact', effectiveOn: '2026-04-30' };
        },
      },
    ).then((result) => {
      order.push('exclusive appended');
      return result;
    });
    const later = add('notes-b', 'n2').then((result) => {
      order.push('later appended');
      return result;
    });
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['slow decides']);
    letThrough();
    await Promise.all([slow, exclusive, later]);
    expect(order).toEqual(['slow decides', 'slow appended', 'exclusive decides', 'exclusive appended', 'later appended']);
  });

  it('decides concurrent commands without If-Match one after another: all succeed, no gaps', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => add('notes-j', `n${i}`)));
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const stored = await store.readStream('notes-j');
    stored.forEach((event, i) => {
      expect(event.revision).toBe(i);
      expect((event.metadata as LedgerMetadata).prevHash).toBe(i === 0 ? GENESIS_HASH : (stored[i - 1]!.metadata as LedgerMetadata).hash);
    });
  });

  it('re-decides on the fresh state when another instance wins the race, and still refuses a real conflict', async () => {
    const file = `/tmp/ledger-race-${process.pid}-${Date.now()}.sqlite`;
    const one = new SqliteEventStore({ file });
    const two = new SqliteEventStore({ file });
    try {
      const on = (s: SqliteEventStore, noteId: string) =>
        handleCommand(
          { store: s, clock, ids },
          { decider: notes, streamId: 'notes-k', subject: 'notes notes-k', expectation: 'any', command: () => ({ noteId, text: 't', effectiveOn: '2026-04-30' }), context: context() },
        );
      const results = await Promise.allSettled([...Array.from({ length: 8 }, (_, i) => on(i % 2 ? one : two, `n${i}`)), on(one, 'n0'), on(two, 'n1')]);
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled).toHaveLength(8);
      expect(rejected.map((r) => (r.reason as ConflictError).code)).toEqual(['duplicate-note', 'duplicate-note']);
      expect((await one.readStream('notes-k')).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await one.close();
      await two.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    }
  });
});
