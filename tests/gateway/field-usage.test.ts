/**
 * Field usage: the coordinates an operation selects (through fragments, aliases and nested types; introspection
 * left out), counted in memory per client and day and added up in the real database by each flush — several flushes
 * and several processes add, a failed flush keeps its counts for the next one. Totals per coordinate over a window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, parse } from 'graphql';
import { FieldUsageStore } from '../../db/field-usage-store.ts';
import { createFieldUsageRecorder, selectedCoordinates } from '../../gateway/field-usage.ts';
import type { FieldUsageCount } from '../../gateway/field-usage.ts';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const schema = buildSchema(`
  type Query { customer(id: ID!): Customer customers: [Customer!]! }
  type Customer { id: ID! email: String phone: String company: Company }
  type Company { name: String domain: String }
`);
const logger = createLogger('test', 'silent');
const doc = (q: string) => parse(q);

describe('selectedCoordinates', () => {
  it('names each selected field with its parent type, through fragments and aliases, without introspection', () => {
    const coordinates = selectedCoordinates(schema, doc(`
      query { c: customer(id: "1") { ...F company { name } __typename } __schema { types { name } } }
      fragment F on Customer { email mail2: email }`));
    expect([...coordinates].sort()).toEqual(['Company.name', 'Customer.company', 'Customer.email', 'Query.customer']);
  });
});

describe('field usage counted and stored', () => {
  let t: TestDatabase;
  let store: FieldUsageStore;
  beforeAll(async () => {
    t = await openTestDatabase();
    store = new FieldUsageStore(t.db);
  });
  afterAll(async () => t?.close());

  it('adds the counts of every flush and every process, per client', async () => {
    const a = createFieldUsageRecorder({ sink: (c) => store.add(c), logger, flushMs: 0 });
    const b = createFieldUsageRecorder({ sink: (c) => store.add(c), logger, flushMs: 0 });
    const at = new Date('2026-12-01T10:00:00Z');
    a.record(schema, doc('{ customers { email } }'), 'web-app', at);
    a.record(schema, doc('{ customers { email phone } }'), 'web-app', at);
    await a.flush();
    a.record(schema, doc('{ customers { email } }'), 'analytics', new Date('2026-12-02T09:00:00Z'));
    b.record(schema, doc('{ customer(id: "1") { email } }'), 'web-app', new Date('2026-12-02T11:00:00Z'));
    await Promise.all([a.stop(), b.stop()]);
    const totals = await store.totals({ days: 30, now: new Date('2026-12-03T00:00:00Z') });
    expect(totals.find((x) => x.coordinate === 'Customer.email')).toEqual({
      coordinate: 'Customer.email', requests: 4, lastSeenAt: new Date('2026-12-02T11:00:00Z'), clients: ['web-app', 'analytics'],
    });
    expect(totals.find((x) => x.coordinate === 'Customer.phone')?.requests).toBe(1);
    // A window of one day sees only that day; a type filter only that type's fields.
    const lastDay = await store.totals({ days: 1, now: new Date('2026-12-02T23:00:00Z'), type: 'Customer' });
    expect(lastDay.map((x) => [x.coordinate, x.requests])).toEqual([['Customer.email', 2]]);
    expect(await store.totals({ days: 30, coordinates: [], now: new Date('2026-12-03T00:00:00Z') })).toEqual([]);
  });

  it('keeps the counts of a failed flush for the next one', async () => {
    let fail = true;
    const sunk: FieldUsageCount[][] = [];
    const r = createFieldUsageRecorder({ sink: async (c) => { if (fail) throw new Error('database down'); sunk.push(c); }, logger, flushMs: 0 });
    r.record(schema, doc('{ customers { email } }'), 'web-app');
    await r.flush();
    fail = false;
    r.record(schema, doc('{ customers { email } }'), 'web-app');
    await r.flush();
    expect(sunk).toHaveLength(1);
    expect(sunk[0]!.find((c) => c.coordinate === 'Customer.email')?.requests).toBe(2);
  });
});
