import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DEMO_CUSTOMERS, demoGroundTruth, generateDemoSeed, isValidSalesforceId } from '../../../sandboxes/demo/index.ts';

describe('demo seed determinism', () => {
  afterEach(() => vi.restoreAllMocks());

  it('yields identical JSON for the same seed', () => {
    const a = JSON.stringify(generateDemoSeed({ seed: 7 }));
    const b = JSON.stringify(generateDemoSeed({ seed: 7 }));
    expect(a).toBe(b);
    expect(JSON.stringify(generateDemoSeed())).toBe(JSON.stringify(generateDemoSeed({ customers: DEFAULT_DEMO_CUSTOMERS })));
  });

  it('yields a different set for a different seed', () => {
    expect(JSON.stringify(generateDemoSeed({ seed: 1 }))).not.toBe(JSON.stringify(generateDemoSeed({ seed: 2 })));
  });

  it('never reads Math.random or the clock', () => {
    const random = vi.spyOn(Math, 'random').mockImplementation(() => { throw new Error('Math.random used'); });
    const now = vi.spyOn(Date, 'now').mockImplementation(() => { throw new Error('Date.now used'); });
    expect(() => generateDemoSeed({ seed: 3 })).not.toThrow();
    expect(random).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
  });

  it('demoGroundTruth matches the truth of generateDemoSeed', () => {
    expect(demoGroundTruth({ seed: 5, customers: 120 })).toEqual(generateDemoSeed({ seed: 5, customers: 120 }).truth);
  });

  it.each([
    [0, 11], [1, 11], [2, 11], [7, 11], [19, 11], [20, 11], [45, 11], [300, 1], [300, 99], [300, 12345], [1000, 11],
  ])('keeps its invariants for %i customers with seed %i', (customers, seed) => {
    const { salesforce, hubspot, truth } = generateDemoSeed({ customers, seed });
    expect(truth.people).toHaveLength(customers);
    const sfIds = [...salesforce.Account, ...salesforce.Contact, ...salesforce.Opportunity, ...salesforce.Lead].map((r) => r.Id);
    expect(sfIds.every(isValidSalesforceId)).toBe(true);
    expect(new Set(sfIds).size).toBe(sfIds.length);
    const accounts = new Set(salesforce.Account.map((a) => a.Id));
    const contacts = new Set(salesforce.Contact.map((c) => c.Id));
    expect(salesforce.Contact.every((c) => c.AccountId !== null && accounts.has(c.AccountId))).toBe(true);
    expect(salesforce.Opportunity.every((o) => accounts.has(o.AccountId ?? '') && (o.ContactId === null || contacts.has(o.ContactId)))).toBe(true);
    const hsCompanies = new Set(hubspot.companies.map((c) => c.id));
    const hsContacts = new Set(hubspot.contacts.map((c) => c.id));
    expect(hubspot.contacts.every((c) => (c.associations?.companies?.results ?? []).every((a) => hsCompanies.has(a.id)))).toBe(true);
    expect(hubspot.deals.every((d) => (d.associations?.contacts?.results ?? []).every((a) => hsContacts.has(a.id)))).toBe(true);
    const emails = hubspot.contacts.map((c) => c.properties.email?.trim().toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
    const hard = truth.people.filter((p) => p.link === 'name+phone').length;
    if (customers >= 40) expect(hard).toBeGreaterThanOrEqual(5);
  });

  it('rejects a bad customer count', () => {
    expect(() => generateDemoSeed({ customers: -1 })).toThrow(RangeError);
    expect(() => generateDemoSeed({ customers: 2.5 })).toThrow(RangeError);
  });
});
