/**
 * A read-write lock within this process: any number of `shared` holders at once, or one
 * `exclusive` holder alone. Fair: once an exclusive waiter queues, later shared requests queue
 * behind it, so a steady stream of shared work cannot starve it.
 */
export class ReadWriteLock {
  private readers = 0;
  private writer = false;
  private readonly queue: Array<{ readonly exclusive: boolean; readonly wake: () => void }> = [];

  async run<T>(mode: 'shared' | 'exclusive', work: () => Promise<T>): Promise<T> {
    const exclusive = mode === 'exclusive';
    const waiting = this.acquire(exclusive);
    if (waiting !== undefined) await waiting;
    try {
      return await work();
    } finally {
      if (exclusive) this.writer = false;
      else this.readers--;
      this.drain();
    }
  }

  /** Holders now: readers, and whether the exclusive holder is in. */
  get state(): { readonly readers: number; readonly exclusive: boolean; readonly waiting: number } {
    return { readers: this.readers, exclusive: this.writer, waiting: this.queue.length };
  }

  private acquire(exclusive: boolean): Promise<void> | undefined {
    if (this.queue.length === 0 && !this.writer && (!exclusive || this.readers === 0)) {
      if (exclusive) this.writer = true;
      else this.readers++;
      return undefined;
    }
    return new Promise<void>((wake) => this.queue.push({ exclusive, wake }));
  }

  private drain(): void {
    while (this.queue.length > 0 && !this.writer) {
      const next = this.queue[0]!;
      if (next.exclusive) {
        if (this.readers > 0) return;
        this.queue.shift();
        this.writer = true;
        next.wake();
        return;
      }
      this.queue.shift();
      this.readers++;
      next.wake();
    }
  }
}
