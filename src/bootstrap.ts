import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from './config/app-config.js';
import { AppModule } from './app.module.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Builds the HTTP application (not listening), as `serve` and the e2e tests use it. */
export const createApp = async (config: AppConfig, options: { logger?: false } = {}): Promise<NestFastifyApplication> => {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }),
    { logger: options.logger ?? (config.logLevel === 'silent' ? false : ['log', 'warn', 'error', 'fatal']), abortOnError: false },
  );
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('norms-ledger')
      .setDescription('An event-sourced, hash-chained ledger of the records of intergovernmental expert talks.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
};
