import { describe, expect, it } from 'vitest';
import { DEMO_SALESFORCE_USERS, generateDemoSeed, isValidSalesforceId, salesforceIdChecksum } from '../../../sandboxes/demo/index.ts';

const seed = generateDemoSeed();

/** An independent oracle: each 5-char group, reversed, read as a binary number of "is uppercase" bits. */
function referenceChecksum(id15: string): string {
  return [0, 5, 10]
    .map((start) => {
      const bits = [...id15.slice(start, start + 5)].reverse().map((c) => (/[A-Z]/.test(c) ? '1' : '0')).join('');
      return 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'.charAt(parseInt(bits, 2));
    })
    .join('');
}

describe('Salesforce ids', () => {
  it('computes the documented checksum', () => {
    // The example Salesforce's own documentation uses for the 15 → 18 char conversion.
    expect(salesforceIdChecksum('001D000000IqhSL')).toBe('IAZ');
    expect(isValidSalesforceId('001D000000IqhSLIAZ')).toBe(true);
    expect(isValidSalesforceId('001D000000IqhSLIAA')).toBe(false);
    expect(isValidSalesforceId('001D000000IqhSL')).toBe(false);
    expect(salesforceIdChecksum('003ZZZZZZZZZZZZ')).toBe('Y55');
    expect(salesforceIdChecksum('006abcdezzzzz09')).toBe('AAA');
  });

  it('gives every record a valid, unique 18-char id with its object key prefix', () => {
    const prefixes = { Account: '001', Contact: '003', Opportunity: '006', Lead: '00Q' } as const;
    const all: string[] = [];
    for (const [type, records] of Object.entries(seed.salesforce) as [keyof typeof prefixes, { Id: string }[]][]) {
      for (const r of records) {
        expect(isValidSalesforceId(r.Id), r.Id).toBe(true);
        expect(r.Id.slice(15), r.Id).toBe(referenceChecksum(r.Id.slice(0, 15)));
        expect(r.Id.slice(0, 3)).toBe(prefixes[type]);
        all.push(r.Id);
      }
    }
    expect(new Set(all).size).toBe(all.length);
    for (const user of DEMO_SALESFORCE_USERS) expect(isValidSalesforceId(user.Id)).toBe(true);
  });

  it('exercises the checksum with uppercase letters', () => {
    expect(seed.salesforce.Contact.some((c) => !c.Id.endsWith('AAA'))).toBe(true);
  });
});

describe('references', () => {
  const accounts = new Set(seed.salesforce.Account.map((a) => a.Id));
  const contacts = new Set(seed.salesforce.Contact.map((c) => c.Id));
  const owners = new Set(DEMO_SALESFORCE_USERS.map((u) => u.Id));
  const hsCompanies = new Set(seed.hubspot.companies.map((c) => c.id));
  const hsContacts = new Set(seed.hubspot.contacts.map((c) => c.id));

  it('point from Salesforce contacts and opportunities to existing records', () => {
    for (const c of seed.salesforce.Contact) {
      expect(c.AccountId).not.toBeNull();
      expect(accounts.has(c.AccountId as string)).toBe(true);
    }
    for (const o of seed.salesforce.Opportunity) {
      expect(accounts.has(o.AccountId as string)).toBe(true);
      if (o.ContactId !== null) expect(contacts.has(o.ContactId)).toBe(true);
    }
    for (const r of [...seed.salesforce.Contact, ...seed.salesforce.Account, ...seed.salesforce.Opportunity, ...seed.salesforce.Lead]) {
      expect(owners.has(r.OwnerId)).toBe(true);
    }
    expect(seed.salesforce.Opportunity.some((o) => o.ContactId !== null)).toBe(true);
  });

  it('point from HubSpot associations to existing objects', () => {
    for (const c of seed.hubspot.contacts) {
      const results = c.associations?.companies?.results ?? [];
      expect(results).toHaveLength(1);
      for (const a of results) {
        expect(a.type).toBe('contact_to_company');
        expect(hsCompanies.has(a.id)).toBe(true);
        expect(c.properties.associatedcompanyid).toBe(a.id);
      }
    }
    for (const d of seed.hubspot.deals) {
      const companies = d.associations?.companies?.results ?? [];
      expect(companies).toHaveLength(1);
      for (const a of companies) expect(hsCompanies.has(a.id) && a.type === 'deal_to_company').toBe(true);
      for (const a of d.associations?.contacts?.results ?? []) expect(hsContacts.has(a.id) && a.type === 'deal_to_contact').toBe(true);
    }
  });

  it('agree across CRMs for deals recorded in both', () => {
    const { truth } = seed;
    const companyByKey = new Map(truth.companies.map((c) => [c.key, c]));
    const both = truth.deals.filter((d) => d.presence === 'both');
    expect(both.length).toBeGreaterThan(5);
    for (const deal of both) {
      const opp = seed.salesforce.Opportunity.find((o) => o.Id === deal.salesforce);
      const hsDeal = seed.hubspot.deals.find((d) => d.id === deal.hubspot);
      const company = companyByKey.get(deal.companyKey);
      expect(opp?.AccountId).toBe(company?.salesforce);
      expect(hsDeal?.associations?.companies?.results[0]?.id).toBe(company?.hubspot);
    }
  });
});
