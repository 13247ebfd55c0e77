// The app of bench/http/bare-server.mjs and bench/http/floor-server.mjs: NestJS on Fastify with the
// ledger's position DTO and global validation pipe (the compiled dist classes, the same adapter
// options as src/bootstrap.ts createApp) and one route, POST /norms/:normId/positions, answered 201 by
// `handle(normId, body)`. Listens on PORT (prints "listening <port>" when ready) and stops on SIGTERM,
// SIGINT or an IPC "stop", calling `onStop` after the app has closed.
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { importDist } from '../lib/bench-kit.mjs';

const { StatePositionDto } = await importDist('subjects/http/subject.dtos.js');
const { LedgerValidationPipe } = await importDist('shared/http/validation.js');
/** As src/bootstrap.ts MAX_BODY_BYTES (importing bootstrap.js would load the whole ledger). */
const MAX_BODY_BYTES = 1024 * 1024;

export const servePositionsRoute = async ({ handle, defaultPort, onStop = async () => {} }) => {
  // Plain JS has no decorator syntax: apply them as tsc would, with the parameter types that the
  // validation pipe reads (design:paramtypes) set explicitly.
  class PositionsController {
    statePosition(normId, body) {
      return handle(normId, body);
    }
  }
  const method = Object.getOwnPropertyDescriptor(PositionsController.prototype, 'statePosition');
  Reflect.defineMetadata('design:paramtypes', [String, StatePositionDto], PositionsController.prototype, 'statePosition');
  Reflect.decorate([Post('norms/:normId/positions'), HttpCode(201)], PositionsController.prototype, 'statePosition', method);
  Param('normId')(PositionsController.prototype, 'statePosition', 0);
  Body()(PositionsController.prototype, 'statePosition', 1);
  Reflect.decorate([Controller()], PositionsController);

  class PositionsModule {}
  Reflect.decorate([Module({ controllers: [PositionsController] })], PositionsModule);

  const app = await NestFactory.create(PositionsModule, new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }), { logger: false, bodyParser: false });
  app.useGlobalPipes(new LedgerValidationPipe());
  const port = Number(process.env.PORT ?? defaultPort);
  await app.listen(port, '127.0.0.1');
  process.stdout.write(`listening ${port}\n`);

  const stop = async () => {
    await app.close();
    await onStop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
};
