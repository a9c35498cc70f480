/**
 * Golden mutations refuse what the CRMs would lose or reject, through the real gateway on the demo: emptying a field a
 * written CRM requires (Salesforce Contact.LastName, Account.Name), a misspelt stage, a day the calendar lacks, a title
 * longer than Salesforce holds. Each refusal is BAD_USER_INPUT naming the field, enqueues nothing and leaves the
 * sandbox records as they were; a valid stage (one HubSpot takes only through its reverse map) is still written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { outboxRowsOf } from '../../db/writeback-store.ts';
import { SALESFORCE_OPPORTUNITY_STAGES } from '../../resolver-engine/defaults/picklists.ts';

interface Person { id: string; lastName: string | null; salesforceContacts: { LastName: string | null }[]; hubspotContacts: { lastname: string | null }[] }
interface Deal { id: string; stage: string | null; closeDate: string | null; salesforceOpportunities: { StageName: string | null }[]; hubspotDeals: { dealstage: string | null }[] }
interface Company { id: string; name: string | null; salesforceAccounts: { Name: string | null }[] }
type Gql = { message: string; extensions?: Record<string, unknown> }[] | undefined;

const PEOPLE = '{ customers(first: 500) { edges { node { id lastName salesforceContacts { LastName } hubspotContacts { lastname } } } } }';
const DEALS = '{ deals(first: 500) { edges { node { id stage closeDate salesforceOpportunities { StageName } hubspotDeals { dealstage } } } } }';
const COMPANIES = '{ companies(first: 500) { edges { node { id name salesforceAccounts { Name } } } } }';
const UPDATE_CUSTOMER = 'mutation($id: ID!, $input: CustomerInput!, $dry: Boolean) { updateCustomer(id: $id, input: $input, dryRun: $dry) { enqueued } }';
const UPDATE_COMPANY = 'mutation($id: ID!, $input: CompanyInput!) { updateCompany(id: $id, input: $input) { enqueued } }';
const UPDATE_DEAL = 'mutation($id: ID!, $input: DealInput!) { updateDeal(id: $id, input: $input) { enqueued plan { writes { crm nativeField value } skipped { crm field reason } } } }';

describe('golden mutations refuse input the CRMs cannot take', () => {
  let t: TestApp;
  let person: Person;
  let deal: Deal;
  let company: Company;

  beforeAll(async () => {
    t = await startTestApp();
    const people = await t.gql<{ customers: { edges: { node: Person }[] } }>(PEOPLE);
    expect(people.errors).toBeUndefined();
    person = people.data!.customers.edges.map((e) => e.node).find((n) => n.salesforceContacts.length === 1 && n.hubspotContacts.length === 1 && n.lastName)!;
    const deals = await t.gql<{ deals: { edges: { node: Deal }[] } }>(DEALS);
    expect(deals.errors).toBeUndefined();
    deal = deals.data!.deals.edges.map((e) => e.node).find((n) => n.salesforceOpportunities.length === 1 && n.hubspotDeals.length === 1
      && n.salesforceOpportunities[0]!.StageName !== 'Needs Analysis' && n.hubspotDeals[0]!.dealstage !== 'qualifiedtobuy')!;
    const companies = await t.gql<{ companies: { edges: { node: Company }[] } }>(COMPANIES);
    expect(companies.errors).toBeUndefined();
    company = companies.data!.companies.edges.map((e) => e.node).find((n) => n.salesforceAccounts.length === 1 && n.name)!;
    expect(person && deal && company).toBeTruthy();
  }, 240_000);
  afterAll(async () => t?.close());

  const outbox = async (id: string) => (await outboxRowsOf(t.app.database.db, [id])).length;
  const expectRefused = (errors: Gql, field: string) => {
    expect(errors?.[0]?.extensions?.code, JSON.stringify(errors)).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.extensions?.field).toBe(field);
    return errors![0]!.message;
  };

  it('refuses lastName: null (Salesforce requires LastName), dry run alike, queueing nothing and leaving both CRMs as they were', async () => {
    const before = await outbox(person.id);
    for (const input of [{ lastName: null }, { lastName: '  ' }]) {
      const res = await t.gql(UPDATE_CUSTOMER, { id: person.id, input });
      expect(expectRefused(res.errors, 'lastName')).toContain('salesforce Contact.LastName');
      expect(res.data?.updateCustomer ?? null).toBeNull();
    }
    const dry = await t.gql(UPDATE_CUSTOMER, { id: person.id, input: { lastName: null }, dry: true });
    expectRefused(dry.errors, 'lastName');
    expect(await outbox(person.id)).toBe(before);
    const after = await t.gql<{ customer: Person }>('query($id: ID!) { customer(id: $id) { id lastName salesforceContacts { LastName } hubspotContacts { lastname } } }', { id: person.id });
    expect(after.data!.customer).toEqual(person);
  });

  it('refuses a company name: null (Salesforce requires Account.Name)', async () => {
    const before = await outbox(company.id);
    const res = await t.gql(UPDATE_COMPANY, { id: company.id, input: { name: null } });
    expect(expectRefused(res.errors, 'name')).toContain('salesforce Account.Name');
    expect(await outbox(company.id)).toBe(before);
  });

  it('refuses a title longer than Salesforce Contact.Title holds, saying the limit and the CRM', async () => {
    const before = await outbox(person.id);
    const res = await t.gql(UPDATE_CUSTOMER, { id: person.id, input: { title: 'x'.repeat(5000) } });
    const message = expectRefused(res.errors, 'title');
    expect(message).toContain('at most 128');
    expect(message).toContain('salesforce Contact.Title');
    expect(await outbox(person.id)).toBe(before);
  });

  it('refuses a misspelt stage, listing the valid golden stages', async () => {
    const before = await outbox(deal.id);
    const res = await t.gql(UPDATE_DEAL, { id: deal.id, input: { stage: 'Closed Wonn' } });
    const message = expectRefused(res.errors, 'stage');
    expect(message).toContain("'Closed Wonn'");
    for (const stage of SALESFORCE_OPPORTUNITY_STAGES) expect(message).toContain(stage);
    expect(await outbox(deal.id)).toBe(before);
  });

  it('refuses a close date the calendar lacks', async () => {
    const before = await outbox(deal.id);
    for (const closeDate of ['2026-02-30', '31/12/2026']) {
      const res = await t.gql(UPDATE_DEAL, { id: deal.id, input: { closeDate } });
      expect(expectRefused(res.errors, 'closeDate')).toContain('YYYY-MM-DD');
    }
    expect(await outbox(deal.id)).toBe(before);
  });

  it('still writes a valid stage, to HubSpot through its reverse map', async () => {
    const res = await t.gql<{ updateDeal: { enqueued: number; plan: { writes: { crm: string; nativeField: string; value: string }[] } } }>(
      UPDATE_DEAL, { id: deal.id, input: { stage: 'needs analysis' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateDeal.enqueued, JSON.stringify(res.data)).toBe(2);
    expect(res.data!.updateDeal.plan.writes.map((w) => `${w.crm}.${w.nativeField}=${w.value}`).sort())
      .toEqual(['hubspot.dealstage="qualifiedtobuy"', 'salesforce.StageName="Needs Analysis"']);
  });
});
