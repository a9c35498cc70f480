/**
 * Admin identity decisions end to end, through the gateway of the demo app: merging two customers, the merged id
 * resolving to the survivor, splitting records back out, and decisions surviving a re-run of the linker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenCustomerChanged } from '../../db/change-events.ts';
import type { CustomerChangedEvent } from '../../db/change-events.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Source { crm: string; objectType: string; recordId: string }
interface Node { id: string; sources: Source[] }

const CUSTOMER = 'query ($id: ID!) { customer(id: $id) { id sources { crm objectType recordId } } }';
const key = (s: Source) => `${s.crm}|${s.objectType}|${s.recordId}`;

describe('identity admin: mergeCustomers / unmergeCustomer', () => {
  let t: TestApp;
  let a: Node;
  let b: Node;

  const customer = async (id: string) => {
    const res = await t.gql<{ customer: Node | null }>(CUSTOMER, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.customer;
  };
  const count = async () => (await t.gql<{ customers: { totalCount: number } }>('{ customers(first: 1) { totalCount } }')).data!.customers.totalCount;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 50) { edges { node { id sources { crm objectType recordId } } } } }');
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.customers.edges.map((e) => e.node);
    // Two different customers: merging them gives one customer with the sources of both.
    a = nodes[0]!;
    b = nodes[1]!;
    expect(a).toBeDefined();
    expect(b).toBeDefined();
  }, 120_000);
  afterAll(async () => t?.close());

  it('unknown ids are NOT_FOUND naming the id; an unknown review pair is BAD_USER_INPUT', async () => {
    const missing = 'cus_01J9Z3K7Q4W8X2M5N6P7R8S9T0';
    const res = await t.gql('mutation ($s: ID!, $m: [ID!]!) { mergeCustomers(survivorId: $s, mergedIds: $m) { customer { id } } }', { s: a.id, m: [missing] });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(res.errors?.[0]?.message).toContain(missing);
    const res2 = await t.gql('mutation ($id: ID!) { unmergeCustomer(id: $id, records: [{ crm: "x", objectType: "y", recordId: "z" }]) { customer { id } } }', { id: missing });
    expect(res2.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(res2.errors?.[0]?.message).toContain(missing);
    const res3 = await t.gql('mutation { acceptMatch(id: "999999") { customer { id } } }');
    expect(res3.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res3.errors?.[0]?.message).toContain('999999');
  });

  it('merges, keeps the merged id resolving to the survivor, and the merge survives a linker re-run', async () => {
    const before = await count();
    const events: CustomerChangedEvent[] = [];
    const unlisten = await listenCustomerChanged(t.app.database, (e) => events.push(e));
    const res = await t.gql<{ mergeCustomers: { customer: Node } }>(
      'mutation ($s: ID!, $m: [ID!]!) { mergeCustomers(survivorId: $s, mergedIds: $m) { customer { id sources { crm objectType recordId } } } }',
      { s: a.id, m: [b.id] },
    );
    expect(res.errors).toBeUndefined();
    const both = [...a.sources, ...b.sources].map(key).sort();
    expect(res.data!.mergeCustomers.customer.sources.map(key).sort()).toEqual(both);
    const viaMerged = await customer(b.id);
    expect(viaMerged?.id).toBe(a.id);
    expect(viaMerged!.sources.map(key).sort()).toEqual(both);
    expect(await count()).toBe(before - 1);
    // customerChanged for the survivor, delivered once the merge committed.
    for (let i = 0; i < 50 && !events.some((e) => e.customerId === a.id); i++) await new Promise((r) => setTimeout(r, 100));
    await unlisten();
    expect(events.some((e) => e.customerId === a.id)).toBe(true);

    await t.app.link();
    expect((await customer(a.id))!.sources.map(key).sort()).toEqual(both);
    expect((await customer(b.id))?.id).toBe(a.id);
    expect(await count()).toBe(before - 1);

    // Merging the merged-away id again names the survivor to use instead.
    const again = await t.gql('mutation ($s: ID!, $m: [ID!]!) { mergeCustomers(survivorId: $s, mergedIds: $m) { customer { id } } }', { s: a.id, m: [b.id] });
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toBe(`'${b.id}' was merged into '${a.id}': use '${a.id}' (the surviving record) instead`);
  });

  it('unmerges into two customers again, and the split survives a linker re-run', async () => {
    const before = await count();
    const res = await t.gql<{ unmergeCustomer: { customer: Node; splitCustomer: Node } }>(
      'mutation ($id: ID!, $r: [NativeRecordRefInput!]!) { unmergeCustomer(id: $id, records: $r) { customer { id sources { crm objectType recordId } } splitCustomer { id sources { crm objectType recordId } } } }',
      { id: a.id, r: b.sources },
    );
    expect(res.errors).toBeUndefined();
    const { customer: kept, splitCustomer: split } = res.data!.unmergeCustomer;
    expect(kept.sources.map(key)).toEqual(a.sources.map(key));
    expect(split.sources.map(key)).toEqual(b.sources.map(key));
    expect(split.id).not.toBe(a.id);
    expect(await count()).toBe(before + 1);

    await t.app.link();
    expect((await customer(a.id))!.sources.map(key)).toEqual(a.sources.map(key));
    expect((await customer(split.id))!.sources.map(key)).toEqual(b.sources.map(key));
    expect(await count()).toBe(before + 1);
  });

  it('refuses to split a record that is not linked to the customer', async () => {
    const res = await t.gql('mutation ($id: ID!) { unmergeCustomer(id: $id, records: [{ crm: "hubspot", objectType: "contacts", recordId: "nope" }]) { customer { id } } }', { id: a.id });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('nope');
  });
});
