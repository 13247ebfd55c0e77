import { createServer } from 'node:net';
import { openEventStoreDb } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store.js';
import { openEventStore } from '../../src/infrastructure/event-store.module.js';
import { loadConfig } from '../../src/config/app-config.js';
import { StoreUnavailableError } from '../../src/shared/event-store/event-store.errors.js';

/** A port on this machine that nothing listens on: taken from the OS, then released. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

/** A port that accepts TCP and never answers: what a firewall black hole or a wrong service looks like. */
const silentPort = async (): Promise<{ port: number; close: () => Promise<void> }> => {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

const failure = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected start-up to fail');
};

describe('EventStoreDB start-up (no server needed)', () => {
  it('fails fast with one message naming the connection string when nothing listens', async () => {
    const connectionString = `esdb://127.0.0.1:${await closedPort()}?tls=false`;
    const started = Date.now();
    const error = await failure(openEventStoreDb(connectionString, { connectTimeoutMs: 3000 }));
    expect(Date.now() - started).toBeLessThan(3500);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain(`ESDB_CONNECTION_STRING=${connectionString}`);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('Resolution note');
  });

  it('gives up at the deadline when the port accepts connections but never answers', async () => {
    const silent = await silentPort();
    try {
      const connectionString = `esdb://127.0.0.1:${silent.port}?tls=false`;
      const started = Date.now();
      const error = await failure(openEventStoreDb(connectionString, { connectTimeoutMs: 1000 }));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error.message).toContain(`ESDB_CONNECTION_STRING=${connectionString}`);
      expect(error.message).toContain('no answer within 1000 ms');
    } finally {
      await silent.close();
    }
  });

  it('refuses a connection string the client cannot parse, naming it and hiding its password', async () => {
    const error = await failure(openEventStoreDb('esdb://admin:changeit@localhost:notaport?tls=false', { connectTimeoutMs: 1000 }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain('ESDB_CONNECTION_STRING=esdb://admin:***@localhost:notaport?tls=false');
    expect(error.message).toContain('invalid');
    expect(error.message).not.toContain('changeit');
  });

  it('is what LEDGER_STORE=eventstoredb opens, and it stops start-up within 10 seconds', async () => {
    const connectionString = `esdb://127.0.0.1:${await closedPort()}?tls=false`;
    const config = loadConfig({ LEDGER_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: connectionString });
    const started = Date.now();
    const error = await failure(openEventStore(config));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.message).toContain(connectionString);
  }, 12_000);
});
