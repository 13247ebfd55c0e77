import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import { request } from 'node:http';
import { connect } from 'node:net';
import { drainAndClose, installDrainGuard, startDraining, stoppedLine } from '../../src/shared/http/graceful-shutdown.js';

describe('a server that drains', () => {
  it('answers a request that still arrives 503 problem+json with Retry-After and closes its connection (Fastify answered a bare {"error":…} JSON)', async () => {
    const fastify = Fastify();
    installDrainGuard(fastify);
    fastify.get('/x', async () => ({ ok: true }));
    try {
      const before = await fastify.inject({ method: 'GET', url: '/x' });
      expect(before.statusCode).toBe(200);
      expect(before.headers.connection).not.toBe('close');
      startDraining(fastify);
      const during = await fastify.inject({ method: 'GET', url: '/x' });
      expect(during.statusCode).toBe(503);
      expect(during.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(during.headers['retry-after']).toBe('5');
      expect(during.headers.connection).toBe('close');
      expect(during.json()).toEqual({
        type: 'https://norms-ledger.dev/problems/shutting-down',
        title: 'Shutting down',
        status: 503,
        detail: 'the server is shutting down: send the request again in a moment, to another instance or once it has restarted',
      });
    } finally {
      await fastify.close();
    }
  });
});

describe('a drain that runs out of time', () => {
  it('answers a request still running 503 shutting-down instead of cutting it off, then closes the application', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    @Controller()
    class SlowController {
      @Get('slow')
      slow(): Promise<never> {
        started();
        return new Promise<never>(() => undefined);
      }
    }
    @Module({ controllers: [SlowController] })
    class SlowModule {}
    const app = await NestFactory.create<NestFastifyApplication>(SlowModule, new FastifyAdapter(), { logger: false });
    installDrainGuard(app.getHttpAdapter().getInstance());
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const answer = new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/slow' }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
      })
        .on('error', reject)
        .end();
    });
    await running;
    const forced: number[] = [];
    const summary = await drainAndClose(app, { endStreams: () => undefined, graceMs: 100, onForced: (requests) => forced.push(requests) });
    const { status, type, body } = await answer;
    expect({ status, type, forced }).toEqual({ status: 503, type: 'application/problem+json; charset=utf-8', forced: [1] });
    expect(summary).toEqual({ durationMs: expect.any(Number), inFlight: 1, cutOff: 1, refused: 0 });
    expect(summary.durationMs).toBeGreaterThanOrEqual(100);
    expect(JSON.parse(body)).toMatchObject({ type: 'https://norms-ledger.dev/problems/shutting-down', status: 503 });
  });
});

describe('a drain and the connections that carry nothing', () => {
  it('closes a connection on which nothing was ever sent (a browser keeps such spares) instead of waiting the whole grace for it', async () => {
    @Module({})
    class EmptyModule {}
    const app = await NestFactory.create<NestFastifyApplication>(EmptyModule, new FastifyAdapter(), { logger: false });
    installDrainGuard(app.getHttpAdapter().getInstance());
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const spare = connect(port, '127.0.0.1');
    spare.on('error', () => undefined);
    await new Promise((resolve) => spare.once('connect', resolve));
    const closed = new Promise<void>((resolve) => spare.once('close', () => resolve()));
    // Node's closeIdleConnections leaves it (it counts as busy): the drain lasted the whole grace.
    const summary = await drainAndClose(app, { endStreams: () => undefined, graceMs: 5_000 });
    await closed;
    expect(summary).toEqual({ durationMs: expect.any(Number), inFlight: 0, cutOff: 0, refused: 0 });
    expect(summary.durationMs).toBeLessThan(2_000);
  });
});

describe('the last line of a graceful stop', () => {
  it('says how long it took, how many requests were answered or cut off, and that the store is closed', () => {
    expect(stoppedLine({ durationMs: 312, inFlight: 5, cutOff: 1, refused: 2 })).toBe(
      'stopped in 312 ms: 4 of 5 request(s) in flight answered, 1 cut off by the 10 s limit (answered 503), 2 arriving meanwhile answered 503; the read models and the event store are closed',
    );
    expect(stoppedLine({ durationMs: 260, inFlight: 0, cutOff: 0, refused: 0 })).toBe(
      'stopped in 260 ms: 0 of 0 request(s) in flight answered, 0 cut off by the 10 s limit (answered 503); the read models and the event store are closed',
    );
  });
});
