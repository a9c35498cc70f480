/**
 * The per-subscriber stream of change payloads, as an AsyncIterator for graphql-js `subscribe`. Items are pushed
 * as promises at the moment the event arrives and handed out in that order, so a slow resolution of an earlier
 * event never lets a later one overtake it, while resolutions of different events still run concurrently.
 *
 * It is bounded: a subscriber that does not keep up loses its oldest pending items (counted in `dropped`), so one
 * stuck socket cannot grow the gateway's memory without limit.
 */
export class OrderedQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: Promise<T>[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private waitingError: ((err: unknown) => void) | undefined;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: Promise<T>): void {
    if (this.closed) return;
    // Rejections are delivered through next(); this keeps Node from reporting them as unhandled meanwhile.
    item.catch(() => {});
    if (this.waiting) {
      const resolve = this.waiting;
      const reject = this.waitingError!;
      this.waiting = this.waitingError = undefined;
      item.then((value) => resolve({ value, done: false }), reject);
      return;
    }
    this.items.push(item);
    if (this.items.length > this.capacity) {
      this.items.shift();
      this.dropped++;
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    const item = this.items.shift();
    if (item) return item.then((value) => ({ value, done: false }));
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.waitingError = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(err);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.items.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = this.waitingError = undefined;
    this.onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
