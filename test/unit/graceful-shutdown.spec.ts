import Fastify from 'fastify';
import { installDrainGuard, startDraining } from '../../src/shared/http/graceful-shutdown.js';

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
