/**
 * Phones through the real gateway on the demo (sandboxes seeded as `npm start` seeds them): a British customer whose
 * Salesforce or HubSpot record holds a national number ('0113 496 0654') is served that number in E.164, where the
 * default region (US) used to make it `phone: null`; and updateCustomer refuses a phone that is no number with
 * BAD_USER_INPUT naming the format, queueing nothing, while a national number is accepted in the customer's country
 * and queued in E.164.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { outboxRowsOf } from '../../db/writeback-store.ts';

interface Node {
  id: string;
  phone: string | null;
  mailingCountry: string | null;
  salesforceContacts: { Phone: string | null }[];
  hubspotContacts: { phone: string | null }[];
}

const PAGE = '{ customers(first: 500) { edges { node { id phone mailingCountry salesforceContacts { Phone } hubspotContacts { phone } } } } }';
const UPDATE = `mutation($id: ID!, $input: CustomerInput!) {
  updateCustomer(id: $id, input: $input) { enqueued plan { writes { crm nativeField value } } }
}`;
const digits = (s: string) => s.replace(/\D/g, '');
/** '0113 496 0654' → '+441134960654': the UK trunk 0 gives way to the country code. */
const gbE164 = (national: string) => `+44${digits(national).slice(1)}`;

describe('phones on the demo, through the gateway', () => {
  let t: TestApp;
  let customers: Node[];

  beforeAll(async () => {
    t = await startTestApp();
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>(PAGE);
    expect(page.errors).toBeUndefined();
    customers = page.data!.customers.edges.map((e) => e.node);
  }, 240_000);
  afterAll(async () => t?.close());

  const nationalPhones = (n: Node) => [...n.salesforceContacts.map((c) => c.Phone), ...n.hubspotContacts.map((c) => c.phone)]
    .filter((p): p is string => typeof p === 'string' && /^\(?0/.test(p.trim()));

  it('serves a GB national number held in a sandbox record as E.164', async () => {
    const british = customers.filter((n) => n.mailingCountry === 'GB' && nationalPhones(n).length > 0);
    expect(british.length).toBeGreaterThan(0);
    for (const n of british) expect(n.phone, `${n.id} holds ${nationalPhones(n).join(', ')}`).toMatch(/^\+44\d{9,10}$/);
    // At least one is served exactly the national number its record holds (others may hold a planted conflict).
    expect(british.some((n) => nationalPhones(n).some((p) => gbE164(p) === n.phone))).toBe(true);
    const one = british.find((n) => nationalPhones(n).some((p) => gbE164(p) === n.phone))!;
    const single = await t.gql<{ customer: { phone: string | null } }>('query($id: ID!) { customer(id: $id) { phone } }', { id: one.id });
    expect(single.data!.customer.phone).toBe(one.phone);
  });

  it('answers BAD_USER_INPUT for a phone that is no number, saying the format, and queues nothing', async () => {
    const target = customers.find((n) => n.salesforceContacts.length === 1 && n.hubspotContacts.length === 1)!;
    const before = (await outboxRowsOf(t.app.database.db, [target.id])).length;
    const res = await t.gql(UPDATE, { id: target.id, input: { phone: 'hello' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.field).toBe('phone');
    expect(res.errors?.[0]?.message).toContain('+44 20 7946 0958');
    expect(res.data?.updateCustomer ?? null).toBeNull();
    expect((await outboxRowsOf(t.app.database.db, [target.id])).length).toBe(before);
  });

  it("accepts a national number in the customer's own country and writes it in E.164 to every CRM", async () => {
    const british = customers.find((n) => n.mailingCountry === 'GB' && n.salesforceContacts.length === 1 && n.hubspotContacts.length === 1)!;
    expect(british).toBeDefined();
    const res = await t.gql<{ updateCustomer: { enqueued: number; plan: { writes: { crm: string; nativeField: string; value: string }[] } } }>(
      UPDATE, { id: british.id, input: { phone: '020 7946 0123' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCustomer.enqueued).toBe(2);
    const writes = res.data!.updateCustomer.plan.writes.map((w) => `${w.crm}.${w.nativeField}=${w.value}`).sort();
    expect(writes).toEqual(['hubspot.phone="+442079460123"', 'salesforce.Phone="+442079460123"']);
    // Delivered by the write-back worker to both sandboxes, and served back unchanged.
    const until = Date.now() + 20_000;
    for (;;) {
      const rows = await outboxRowsOf(t.app.database.db, [british.id]);
      if (rows.length > 0 && rows.every((r) => r.status === 'done')) break;
      if (Date.now() > until) throw new Error(`outbox not delivered: ${JSON.stringify(rows.map((r) => [r.status, r.lastError]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = await t.gql<{ customer: Node }>('query($id: ID!) { customer(id: $id) { id phone mailingCountry salesforceContacts { Phone } hubspotContacts { phone } } }', { id: british.id });
    expect(after.data!.customer).toMatchObject({ phone: '+442079460123', salesforceContacts: [{ Phone: '+442079460123' }], hubspotContacts: [{ phone: '+442079460123' }] });
  });
});
