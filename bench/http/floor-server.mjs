// The floor of bench/http-positions.bench.mjs (--floor), run as its own process: the bare server's app
// (NestJS on Fastify, the ledger's position DTO and global validation pipe), whose one route also does
// the least any durable, hash-chained ledger must do per command: seal the event (sealMetadata: RFC
// 8785 canonical JSON and SHA-256 over the previous hash) and append it to the ledger's own SQLite
// store (SqliteEventStore: WAL, synchronous=FULL, group commit, expected revision), then answer 201.
// Nothing else: no token, no fold or decider, no idempotency, no read model. What the ledger adds on
// top of this is its features; what this costs over the bare route is the price of durability itself.
//
//   PORT=3102 DATA_DIR=/tmp/x [SYNCHRONOUS=NORMAL] node bench/http/floor-server.mjs      # prints "listening <port>" when ready
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { importDist } from '../lib/bench-kit.mjs';

const { StatePositionDto } = await importDist('subjects/http/subject.dtos.js');
const { LedgerValidationPipe } = await importDist('shared/http/validation.js');
const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
const { GENESIS_HASH, sealMetadata } = await importDist('shared/event-store/envelope.js');
/** As src/bootstrap.ts MAX_BODY_BYTES. */
const MAX_BODY_BYTES = 1024 * 1024;

// FULL unless the bench diagnoses NORMAL for both (its --synchronous).
const store = new SqliteEventStore({ file: join(process.env.DATA_DIR ?? '.', 'floor.sqlite'), synchronous: process.env.SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL', mustWrite: true });
/** Each stream's head as this process appended it: revision and hash (requests on one stream take successive revisions). */
const heads = new Map();

class FloorPositionsController {
  async statePosition(normId, body) {
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
  }
}
// Plain JS has no decorator syntax: applied as tsc would, as in bare-server.mjs.
const method = Object.getOwnPropertyDescriptor(FloorPositionsController.prototype, 'statePosition');
Reflect.defineMetadata('design:paramtypes', [String, StatePositionDto], FloorPositionsController.prototype, 'statePosition');
Reflect.decorate([Post('norms/:normId/positions'), HttpCode(201)], FloorPositionsController.prototype, 'statePosition', method);
Param('normId')(FloorPositionsController.prototype, 'statePosition', 0);
Body()(FloorPositionsController.prototype, 'statePosition', 1);
Reflect.decorate([Controller()], FloorPositionsController);

class FloorModule {}
Reflect.decorate([Module({ controllers: [FloorPositionsController] })], FloorModule);

const app = await NestFactory.create(FloorModule, new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }), { logger: false, bodyParser: false });
app.useGlobalPipes(new LedgerValidationPipe());
const port = Number(process.env.PORT ?? 3102);
await app.listen(port, '127.0.0.1');
process.stdout.write(`listening ${port}\n`);

const stop = async () => {
  await app.close();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('message', (message) => {
  if (message === 'stop') void stop();
});
