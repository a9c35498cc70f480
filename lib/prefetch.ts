/**
 * Read-ahead for async iterators (CRM pages): `prefetch(source)` asks the source for item n+1 while the consumer
 * still works on item n, so a slow producer (a CRM call) and a slow consumer (a database transaction) overlap
 * instead of taking turns. The consumer still sees every item once, in the source's order, so anything it decides
 * does not depend on timing.
 *
 * - Bounded: at most `lookahead` items (default 1) are requested beyond those handed out, and the source is never
 *   asked twice at once (requests run one after the other, as a plain `for await` would make them).
 * - Errors: a failure of the source is held and thrown at the consumer's pull of that position, after the items
 *   before it; nothing is requested after it. A held error is never an unhandled rejection.
 * - Early stop: `return()` (a `break` out of `for await`, or a throw in its body) waits for the request in flight,
 *   drops what was read ahead and calls the source's `return()`, so its `finally` blocks run before `return()`
 *   resolves. An error thrown by that `return()` reaches the caller.
 * - `eager`: start reading before the first pull (to have the first item ready when its turn comes).
 */
import { ProductError } from './product-error.ts';

export interface PrefetchOptions {
  /** Items requested ahead of the consumer: a whole number ≥ 1 (default 1). */
  lookahead?: number;
  /** Request the first items right away instead of at the first pull (default false). */
  eager?: boolean;
}

/** One request's outcome; errors are values here so that no request's promise can be rejected unhandled. */
type Settled<T> = { kind: 'item'; value: T } | { kind: 'end' } | { kind: 'error'; error: unknown };

export function prefetch<T>(source: AsyncIterable<T>, options: PrefetchOptions = {}): AsyncGenerator<T, void, undefined> {
  const lookahead = options.lookahead ?? 1;
  if (!Number.isInteger(lookahead) || lookahead < 1) {
    throw new ProductError('BAD_USER_INPUT', `prefetch lookahead must be a whole number of at least 1, not ${lookahead}`);
  }
  let iterator: AsyncIterator<T> | undefined;
  // Requests made and not yet handed out, oldest first.
  const ahead: Promise<Settled<T>>[] = [];
  // The latest request: the next one starts when it has settled, so the source is asked one thing at a time.
  let last: Promise<unknown> = Promise.resolve();
  let sourceDone = false; // the source ended, threw, or was returned: it is not asked for anything more
  let closed = false; // the consumer saw the end or an error, or returned

  const request = (): void => {
    const settled = last.then(async (): Promise<Settled<T>> => {
      if (sourceDone) return { kind: 'end' };
      try {
        iterator ??= source[Symbol.asyncIterator]();
        const r = await iterator.next();
        if (r.done) sourceDone = true;
        return r.done ? { kind: 'end' } : { kind: 'item', value: r.value };
      } catch (error) {
        sourceDone = true;
        return { kind: 'error', error };
      }
    });
    last = settled;
    ahead.push(settled);
  };
  const topUp = (): void => {
    while (!closed && !sourceDone && ahead.length < lookahead) request();
  };

  const stop = async (): Promise<void> => {
    if (closed && sourceDone) return;
    closed = true;
    ahead.length = 0;
    await last; // never rejects: the request in flight (if any) has settled after this
    if (sourceDone) return;
    sourceDone = true;
    await iterator?.return?.();
  };

  const reader: AsyncGenerator<T, void, undefined> = {
    async next(): Promise<IteratorResult<T, void>> {
      if (closed) return { done: true, value: undefined };
      if (ahead.length === 0) request();
      const head = ahead.shift()!;
      // Ask for the next items now, so they are read while the consumer works on this one.
      topUp();
      const settled = await head;
      if (settled.kind === 'item') return { done: false, value: settled.value };
      closed = true;
      ahead.length = 0;
      if (settled.kind === 'error') throw settled.error;
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<T, void>> {
      await stop();
      return { done: true, value: undefined };
    },
    async throw(error: unknown): Promise<IteratorResult<T, void>> {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return reader;
    },
  };
  if (options.eager) topUp();
  return reader;
}
