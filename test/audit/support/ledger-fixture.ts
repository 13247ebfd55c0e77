import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCheckpoint } from '../../../src/audit/application/issue-checkpoint.command.js';
import { type CheckpointSigner, loadOrCreateSigningKey, trustedPublicKeys } from '../../../src/audit/infrastructure/signing-key.js';
import { SqliteEventStore } from '../../../src/infrastructure/sqlite/sqlite-event-store.js';
import type { Decider } from '../../../src/shared/domain/decider.js';
import type { Clock, IdGenerator } from '../../../src/shared/event-store/clock.js';
import { type CommandContext, handleCommand } from '../../../src/shared/event-store/handle-command.js';

interface Note {
  readonly text: string;
  readonly effectiveOn: string;
}
type Noted = { readonly type: 'Noted'; readonly data: { text: string; n: number; tags: string[] } };

/** Knows nothing of the domain, as the verifier must not either: every note is an event. */
const noteDecider: Decider<Note, number, Noted> = {
  initialState: () => 0,
  decide: (command, count) => [{ type: 'Noted', data: { text: command.text, n: count, tags: ['a', 'b'] } }],
  evolve: (count) => count + 1,
};

export const fixedClock = (iso = '2026-03-12T09:30:00.000Z'): Clock & { set(iso: string): void } => {
  let now = new Date(iso);
  return { now: () => now, set: (next) => (now = new Date(next)) };
};

export const sequentialIds = (prefix = 0): IdGenerator => {
  let n = 0;
  return { uuid: () => `00000000-0000-4000-8${String(prefix).padStart(3, '0')}-${String(++n).padStart(12, '0')}` };
};

export const context: CommandContext = { principal: 'test', correlationId: 'corr-1' };

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'norms-ledger-audit-'));
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

export interface Ledger {
  readonly store: SqliteEventStore;
  readonly signer: CheckpointSigner;
  readonly dir: string;
  readonly clock: ReturnType<typeof fixedClock>;
  readonly ids: IdGenerator;
  note(streamId: string, text?: string): Promise<void>;
  checkpoint(signer?: CheckpointSigner): Promise<void>;
  close(): Promise<void>;
}

/** A SQLite ledger (in memory unless a file is asked for) with a signing key in a temp dir. */
export const openLedger = (options: { file?: string; dir?: string; idPrefix?: number } = {}): Ledger => {
  const dir = options.dir ?? tempDir();
  const store = new SqliteEventStore({ file: options.file ?? ':memory:', synchronous: 'NORMAL' });
  const signer = loadOrCreateSigningKey({ dataDir: dir, signingKeyFile: undefined });
  const clock = fixedClock();
  const ids = sequentialIds(options.idPrefix);
  const deps = { store, clock, ids };
  return {
    store,
    signer,
    dir,
    clock,
    ids,
    note: async (streamId, text = `note on ${streamId}`) => {
      await handleCommand(deps, {
        decider: noteDecider,
        streamId,
        subject: streamId,
        expectation: 'any',
        command: () => ({ text, effectiveOn: '2026-03-12' }),
        context,
      });
    },
    checkpoint: async (by = signer) => {
      // The keys this data directory trusts (an imported ledger's), and the ledger's own key when
      // another one signs (a rotation), as the server and the CLI pass them.
      await issueCheckpoint({ ...deps, signer: by, trustedKeys: trustedPublicKeys({ dataDir: dir }, signer) }, context);
    },
    close: () => store.close(),
  };
};

/** Three streams, a checkpoint, more events, a second checkpoint, then events no checkpoint covers. */
/** A ledger in a data directory, as the server and the CLI keep one: ledger.sqlite and the signing key there. */
export const openDataDirLedger = (dataDir: string): Ledger => openLedger({ file: join(dataDir, 'ledger.sqlite'), dir: dataDir });

export const seedLedger = async (ledger: Ledger): Promise<void> => {
  for (const streamId of ['norm-a', 'norm-b', 'session-s1']) {
    await ledger.note(streamId, `first ${streamId}`);
    await ledger.note(streamId, `second ${streamId} "quoted" ünïcödé`);
  }
  await ledger.checkpoint();
  await ledger.note('norm-a', 'third');
  await ledger.note('topic-t', 'opened');
  await ledger.checkpoint();
  await ledger.note('norm-b', 'after the last checkpoint');
};

export interface StoredRow {
  readonly position: number;
  readonly stream_id: string;
  readonly revision: number;
  readonly event_id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export const rows = (store: SqliteEventStore): StoredRow[] =>
  store.database.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position').all() as StoredRow[];

export const rowAt = (store: SqliteEventStore, position: number): StoredRow =>
  store.database.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata FROM events WHERE position = ?').get(position) as StoredRow;

export const updateRow = (store: SqliteEventStore, position: number, column: keyof StoredRow, value: string | number): void => {
  store.database.prepare(`UPDATE events SET ${column} = ? WHERE position = ?`).run(value, position);
};

/**
 * The store as a checkpoint that raced later appends sees it: every call as the store's, except
 * that the log's head stays at `head` (the position the checkpoint's tree was computed up to).
 */
export const withFrozenHead = (store: SqliteEventStore, head: string): SqliteEventStore =>
  new Proxy(store, {
    get: (target, property) => {
      if (property === 'headPosition') return async () => head;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
