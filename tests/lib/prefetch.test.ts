/**
 * lib/prefetch.ts: the consumer sees the source's items in order, item n+1 is requested while the consumer holds
 * item n (and no further than the lookahead), a source error reaches the consumer at its position, and stopping
 * early stops the source without leaving a rejected request behind. Everything is counted, nothing is timed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prefetch } from '../../lib/prefetch.ts';
import { ProductError } from '../../lib/product-error.ts';

/** Lets every pending promise chain run (several macrotask turns: the chains here are a few steps deep). */
const settle = async (turns = 5) => { for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r)); };

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** A producer of `count` pages that counts how many it was asked for and whether its finally ran. */
function pages(count: number, opts: { failAt?: number; gate?: (n: number) => Promise<void> } = {}) {
  const state = { requested: 0, finished: false, gen: undefined as unknown as AsyncGenerator<number> };
  state.gen = (async function* () {
    try {
      for (let n = 1; n <= count; n++) {
        state.requested = n;
        await opts.gate?.(n);
        if (n === opts.failAt) throw new Error(`page ${n} failed`);
        yield n;
      }
    } finally {
      state.finished = true;
    }
  })();
  return state;
}

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => { unhandled = []; process.on('unhandledRejection', onUnhandled); });
afterEach(() => { process.off('unhandledRejection', onUnhandled); });

describe('prefetch', () => {
  it('hands out every item once, in the source order, whatever the lookahead', async () => {
    for (const lookahead of [1, 2, 5, 50]) {
      const seen: number[] = [];
      for await (const n of prefetch(pages(12).gen, { lookahead })) {
        seen.push(n);
        if (n % 3 === 0) await settle(); // a consumer slower than the producer on some items
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
  });

  it('requests page 2 while the consumer still holds page 1, and no further than the lookahead', async () => {
    const plain = pages(10);
    for await (const _ of plain.gen) {
      await settle();
      expect(plain.requested).toBe(1); // without prefetch: page 2 is asked for only after page 1 is done
      break;
    }

    const one = pages(10);
    const withOne = prefetch(one.gen);
    const first = await withOne.next();
    expect(first.value).toBe(1);
    await settle();
    expect(one.requested).toBe(2); // page 2 read while page 1 is being processed
    await settle(20);
    expect(one.requested).toBe(2); // and not page 3: the lookahead is one page
    expect((await withOne.next()).value).toBe(2);
    await settle();
    expect(one.requested).toBe(3);
    await withOne.return();

    const three = pages(10);
    const withThree = prefetch(three.gen, { lookahead: 3 });
    await withThree.next();
    await settle(20);
    expect(three.requested).toBe(4);
    await withThree.return();
  });

  it('never asks the source for two items at once', async () => {
    let inFlight = 0;
    let most = 0;
    let n = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        async next() {
          inFlight++;
          most = Math.max(most, inFlight);
          await settle(1);
          inFlight--;
          return n < 20 ? { done: false, value: ++n } : { done: true, value: undefined };
        },
      }),
    };
    const seen: number[] = [];
    for await (const v of prefetch(source, { lookahead: 4 })) seen.push(v);
    expect(seen).toHaveLength(20);
    expect(most).toBe(1);
  });

  it('starts reading before the first pull only when eager', async () => {
    const lazy = pages(5);
    const lazyReader = prefetch(lazy.gen);
    await settle();
    expect(lazy.requested).toBe(0);
    await lazyReader.return();

    const eager = pages(5);
    const eagerReader = prefetch(eager.gen, { eager: true });
    await settle();
    expect(eager.requested).toBe(1);
    expect((await eagerReader.next()).value).toBe(1);
    await eagerReader.return();
  });

  it('throws a source error at its position, after the items before it, even when it was read ahead', async () => {
    for (const lookahead of [1, 3]) {
      const source = pages(10, { failAt: 3 });
      const reader = prefetch(source.gen, { lookahead });
      expect((await reader.next()).value).toBe(1);
      await settle(); // with lookahead 3 the failure is read ahead here, while the consumer holds page 1
      expect(source.requested).toBe(lookahead === 1 ? 2 : 3);
      expect((await reader.next()).value).toBe(2);
      await expect(reader.next()).rejects.toThrow('page 3 failed');
      expect(await reader.next()).toEqual({ done: true, value: undefined });
      expect(source.requested).toBe(3); // nothing asked after the failure
      expect(source.finished).toBe(true);
    }
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('a break stops the source, waiting for the request in flight, and leaves no rejection unhandled', async () => {
    const page2 = deferred();
    // Page 2 is read ahead and fails, but only once the consumer has already broken out of the loop.
    const source = pages(10, { failAt: 2, gate: (n) => (n === 2 ? page2.promise : Promise.resolve()) });
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const n of prefetch(source.gen)) {
        seen.push(n);
        await settle();
        expect(source.requested).toBe(2); // page 2 is in flight
        setImmediate(() => page2.resolve());
        break;
      }
    })();
    await consumer; // resolves: the failure of a page nobody asked for is dropped
    expect(seen).toEqual([1]);
    expect(source.finished).toBe(true); // the source's finally ran before the loop was left
    expect(source.requested).toBe(2);
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('a throw in the consumer stops the source too', async () => {
    const source = pages(10);
    await expect((async () => {
      for await (const n of prefetch(source.gen, { lookahead: 2 })) if (n === 2) throw new Error('database down');
    })()).rejects.toThrow('database down');
    expect(source.finished).toBe(true);
    expect(source.requested).toBe(4); // pages 3 and 4 were read ahead, nothing after
    await settle();
    expect(source.requested).toBe(4);
  });

  it('refuses a lookahead that is not a whole number of at least 1', () => {
    for (const lookahead of [0, -1, 1.5, Number.NaN]) {
      expect(() => prefetch(pages(1).gen, { lookahead })).toThrow(ProductError);
    }
  });
});
