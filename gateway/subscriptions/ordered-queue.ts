/**
 * The per-subscriber stream of change payloads, as an AsyncIterator for graphql-js `subscribe`. Items are pushed
 * as promises at the moment the event arrives and handed out in that order, so a slow resolution of an earlier
 * event never lets a later one overtake it, while resolutions of different events still run concurrently.
 *
 * It is bounded: a subscriber that does not keep up loses its oldest pending items (counted in `dropped`), so one
 * stuck socket cannot grow the gateway's memory without limit. Items pushed with their change-log sequence say which
 * ones were lost (`takeDropped`), so the stream above can read them back from the log (change-replay.ts) instead.
 */
export class OrderedQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: Promise<T>[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private waitingError: ((err: unknown) => void) | undefined;
  private readonly seqs: (number | null)[] = [];
  private closed = false;
  dropped = 0;
  /** Sequences of the items dropped since the last `takeDropped` (null when any of them had none). */
  private lost: { min: number; max: number } | null | undefined;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: Promise<T>, seq: number | null = null): void {
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
    this.seqs.push(seq);
    if (this.items.length > this.capacity) {
      this.items.shift();
      const gone = this.seqs.shift() ?? null;
      this.dropped++;
      if (gone === null || this.lost === null) this.lost = null;
      else this.lost = this.lost ? { min: Math.min(this.lost.min, gone), max: Math.max(this.lost.max, gone) } : { min: gone, max: gone };
    }
  }

  /**
   * What was dropped since the last call: undefined for nothing, the sequence range of the dropped items, or null
   * when one of them was pushed without a sequence (it cannot be read back). Resets.
   */
  takeDropped(): { min: number; max: number } | null | undefined {
    const lost = this.lost;
    this.lost = undefined;
    return lost;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    this.seqs.shift();
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
    this.seqs.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = this.waitingError = undefined;
    this.onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
