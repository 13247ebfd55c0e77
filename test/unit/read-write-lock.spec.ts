import { ReadWriteLock } from '../../src/shared/event-store/read-write-lock.js';

/** A promise and the function that settles it. */
const gate = (): { opened: Promise<void>; open: () => void } => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};
const ticks = async (count = 5): Promise<void> => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('ReadWriteLock', () => {
  it('lets shared holders run side by side', async () => {
    const lock = new ReadWriteLock();
    const first = gate();
    const running: string[] = [];
    const a = lock.run('shared', async () => {
      running.push('a');
      await first.opened;
    });
    const b = lock.run('shared', async () => {
      running.push('b');
    });
    await b;
    expect(running).toEqual(['a', 'b']);
    expect(lock.state.readers).toBe(1);
    first.open();
    await a;
    expect(lock.state).toEqual({ readers: 0, exclusive: false, waiting: 0 });
  });

  it('runs an exclusive holder alone: after the shared holders in flight, before shared requests made after it', async () => {
    const lock = new ReadWriteLock();
    const order: string[] = [];
    const inFlight = gate();
    const a = lock.run('shared', async () => {
      order.push('a start');
      await inFlight.opened;
      order.push('a end');
    });
    const alone = gate();
    const x = lock.run('exclusive', async () => {
      order.push('x start');
      expect(lock.state).toMatchObject({ readers: 0, exclusive: true });
      await alone.opened;
      order.push('x end');
    });
    const b = lock.run('shared', async () => {
      order.push('b');
    });
    await ticks();
    expect(order).toEqual(['a start']);
    expect(lock.state.waiting).toBe(2);
    inFlight.open();
    await ticks();
    expect(order).toEqual(['a start', 'a end', 'x start']);
    alone.open();
    await Promise.all([a, x, b]);
    expect(order).toEqual(['a start', 'a end', 'x start', 'x end', 'b']);
    expect(lock.state).toEqual({ readers: 0, exclusive: false, waiting: 0 });
  });

  it('releases the lock when the work throws', async () => {
    const lock = new ReadWriteLock();
    await expect(lock.run('exclusive', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('shared', async () => 'ran')).resolves.toBe('ran');
    expect(lock.state).toEqual({ readers: 0, exclusive: false, waiting: 0 });
  });
});
