// The floor of bench/http-positions.bench.mjs, run as its own process: the bare server's app (NestJS
// on Fastify, the ledger's position DTO and global validation pipe), whose one route also does
// the least any durable, hash-chained ledger must do per command: seal the event (sealMetadata: RFC
// 8785 canonical JSON and SHA-256 over the previous hash) and append it to the ledger's own SQLite
// store (SqliteEventStore: WAL, synchronous=FULL, group commit, expected revision), then answer 201.
// Nothing else: no token, no fold or decider, no idempotency, no read model. What the ledger adds on
// top of this is its features; what this costs over the bare route is the price of durability itself.
//
//   PORT=3102 DATA_DIR=/tmp/x [SYNCHRONOUS=NORMAL] node bench/http/floor-server.mjs      # prints "listening <port>" when ready
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { importDist } from '../lib/bench-kit.mjs';
import { servePositionsRoute } from './positions-route-app.mjs';

const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { GENESIS_HASH, sealMetadata } = await importDist('shared/event-store/envelope.js');

// FULL unless the bench diagnoses NORMAL for both (its --synchronous).
const store = new SqliteEventStore({ file: join(process.env.DATA_DIR ?? '.', 'floor.sqlite'), synchronous: process.env.SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL', mustWrite: true });
/** Each stream's head as this process appended it: revision and hash (requests on one stream take successive revisions). */
const heads = new Map();

const statePosition = async (normId, body) => {
  const streamId = `norm-${normId}`;
  const head = heads.get(streamId) ?? { revision: -1, hash: GENESIS_HASH };
  const revision = head.revision + 1;
  const event = { eventId: randomUUID(), type: 'PositionStated', data: { normId, ...body }, revision, streamId };
  const now = new Date().toISOString();
  const metadata = sealMetadata(
    { ...event, metadata: { schemaVersion: 1, effectiveOn: now.slice(0, 10), recordedAt: now, recordedBy: 'clerk', correlationId: randomUUID(), causationId: randomUUID() } },
    head.hash,
  );
  heads.set(streamId, { revision, hash: metadata.hash });
  const result = await store.append(streamId, [{ eventId: event.eventId, type: event.type, data: event.data, metadata }], head.revision < 0 ? 'no_stream' : head.revision);
  return { streamId, revision: result.revision, position: result.position, recordedAt: now, events: result.events };
};

await servePositionsRoute({ defaultPort: 3102, handle: statePosition, onStop: () => store.close() });
