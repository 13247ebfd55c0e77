import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../shared/event-store/event-store.errors.js';

/** The schema version this build writes. Bump it with a new entry in MIGRATIONS, never edit one. */
export const EVENT_STORE_SCHEMA_VERSION = 1;

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE events (
      position   INTEGER PRIMARY KEY AUTOINCREMENT,
      stream_id  TEXT    NOT NULL,
      revision   INTEGER NOT NULL CHECK (revision >= 0),
      event_id   TEXT    NOT NULL,
      type       TEXT    NOT NULL,
      data       TEXT    NOT NULL,
      metadata   TEXT    NOT NULL,
      idempotency_key TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.idempotencyKey')) VIRTUAL
    );
    -- The backstop behind the expected-revision check: two writers can never share a revision.
    CREATE UNIQUE INDEX events_stream_revision ON events (stream_id, revision);
    CREATE UNIQUE INDEX events_event_id ON events (event_id);
    CREATE INDEX events_idempotency_key ON events (idempotency_key) WHERE idempotency_key IS NOT NULL;
  `,
};

/** Refuses, before anything touches the file, a database written by a newer build. */
export const assertKnownSchema = (db: Database.Database, file: string): number => {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > EVENT_STORE_SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `${file} was written by event store schema version ${current}, but this norms-ledger build knows only up to ${EVENT_STORE_SCHEMA_VERSION}: upgrade norms-ledger; the file was not changed`,
    );
  }
  return current;
};

/** Brings a database up to this build's schema. */
export const migrate = (db: Database.Database, file: string): void => {
  const current = assertKnownSchema(db, file);
  for (let version = current + 1; version <= EVENT_STORE_SCHEMA_VERSION; version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) throw new StoreUnavailableError(`no migration to event store schema version ${version}`);
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
};
