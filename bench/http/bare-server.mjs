// The baseline server of bench/http-positions.bench.mjs, run as its own process: a bare NestJS app on
// Fastify with the ledger's own position DTO and global validation pipe (the compiled dist classes),
// one route that validates the body and answers 201, and nothing else (no store, auth, hooks).
//
//   PORT=3101 node bench/http/bare-server.mjs      # prints "listening <port>" when ready
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { importDist } from '../lib/bench-kit.mjs';

const { StatePositionDto } = await importDist('subjects/http/subject.dtos.js');
const { LedgerValidationPipe } = await importDist('shared/http/validation.js');
/** As src/bootstrap.ts MAX_BODY_BYTES (importing bootstrap.js would load the whole ledger). */
const MAX_BODY_BYTES = 1024 * 1024;

// Plain JS has no decorator syntax: apply them as tsc would, with the parameter types that the
// validation pipe reads (design:paramtypes) set explicitly.
class BarePositionsController {
  statePosition(normId, body) {
    return { normId, statementId: body.statementId };
  }
}
const method = Object.getOwnPropertyDescriptor(BarePositionsController.prototype, 'statePosition');
Reflect.defineMetadata('design:paramtypes', [String, StatePositionDto], BarePositionsController.prototype, 'statePosition');
Reflect.decorate([Post('norms/:normId/positions'), HttpCode(201)], BarePositionsController.prototype, 'statePosition', method);
Param('normId')(BarePositionsController.prototype, 'statePosition', 0);
Body()(BarePositionsController.prototype, 'statePosition', 1);
Reflect.decorate([Controller()], BarePositionsController);

class BareModule {}
Reflect.decorate([Module({ controllers: [BarePositionsController] })], BareModule);

// The same adapter options as src/bootstrap.ts createApp.
const app = await NestFactory.create(BareModule, new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }), { logger: false, bodyParser: false });
app.useGlobalPipes(new LedgerValidationPipe());
const port = Number(process.env.PORT ?? 3101);
await app.listen(port, '127.0.0.1');
process.stdout.write(`listening ${port}\n`);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('message', (message) => {
  if (message === 'stop') void stop();
});
