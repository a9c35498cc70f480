/** The change event wire format, the filter, and the per-subscriber ordered queue. */
import { describe, expect, it } from 'vitest';
import { MAX_CHANGE_PAYLOAD_BYTES, decodeCustomerChanged, encodeCustomerChanged } from '../../../db/change-events.ts';
import { firesFor } from '../../../gateway/subscriptions/change-hub.ts';
import { OrderedQueue } from '../../../gateway/subscriptions/ordered-queue.ts';

describe('customer_changed payloads', () => {
  it('round-trips an event, de-duplicating field names', () => {
    const payload = encodeCustomerChanged({ customerId: 'cus_1', changedFields: ['phone', 'phone', 'email'], version: 4, at: new Date('2025-01-02T03:04:05Z') });
    expect(decodeCustomerChanged(payload)).toEqual({ customerId: 'cus_1', changedFields: ['phone', 'email'], version: 4, at: '2025-01-02T03:04:05.000Z' });
  });

  it('drops the field list (ids only) when the payload would not fit in a NOTIFY', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `field_${i}`);
    const payload = encodeCustomerChanged({ customerId: 'cus_1', changedFields: many });
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_CHANGE_PAYLOAD_BYTES);
    expect(decodeCustomerChanged(payload)!.changedFields).toBeUndefined();
  });

  it('rejects malformed payloads instead of throwing', () => {
    for (const bad of ['not json', '{}', '{"customerId":5,"at":"x"}', '{"customerId":"c","changedFields":"phone","at":"x"}']) {
      expect(decodeCustomerChanged(bad)).toBeNull();
    }
    expect(() => encodeCustomerChanged({ customerId: '' })).toThrow();
  });
});

describe('firesFor', () => {
  const event = { customerId: 'a', changedFields: ['phone'], at: 'now' };
  it('matches on customer and on field overlap; an ids-only event matches any field', () => {
    expect(firesFor({ ids: new Set(['a']), fields: new Set(['phone']), resolution: null }, event)).toBe(true);
    expect(firesFor({ ids: new Set(['b']), fields: null, resolution: null }, event)).toBe(false);
    expect(firesFor({ ids: null, fields: new Set(['title']), resolution: null }, event)).toBe(false);
    expect(firesFor({ ids: null, fields: new Set(['title']), resolution: null }, { customerId: 'a', at: 'now' })).toBe(true);
  });
});

describe('OrderedQueue', () => {
  it('says which sequences it dropped, once', () => {
    const queue = new OrderedQueue<number>(2, () => {});
    expect(queue.takeDropped()).toBeUndefined();
    for (const n of [11, 12, 13, 14]) queue.push(Promise.resolve(n), n);
    expect(queue.dropped).toBe(2);
    expect(queue.takeDropped()).toEqual({ min: 11, max: 12 });
    expect(queue.takeDropped()).toBeUndefined();
  });

  it('hands out items in push order even when an earlier one settles later', async () => {
    const queue = new OrderedQueue<number>(10, () => {});
    let release!: (n: number) => void;
    queue.push(new Promise((r) => (release = r)));
    queue.push(Promise.resolve(2));
    const first = queue.next();
    setTimeout(() => release(1), 20);
    expect((await first).value).toBe(1);
    expect((await queue.next()).value).toBe(2);
  });

  it('drops the oldest items beyond its capacity and ends a waiting consumer on return()', async () => {
    let closed = 0;
    const queue = new OrderedQueue<number>(2, () => closed++);
    for (const n of [1, 2, 3]) queue.push(Promise.resolve(n));
    expect(queue.dropped).toBe(1);
    expect(queue.takeDropped()).toBeNull(); // pushed without a sequence: it cannot be read back
    expect((await queue.next()).value).toBe(2);
    expect((await queue.next()).value).toBe(3);
    const waiting = queue.next();
    await queue.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
