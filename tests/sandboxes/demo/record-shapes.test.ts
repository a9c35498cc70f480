import { describe, expect, it } from 'vitest';
import { DEMO_REFERENCE_DATE_MS, generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import type { HubSpotObject } from '../../../sandboxes/demo/index.ts';
import {
  HUBSPOT_DATETIME_PATTERN, HUBSPOT_DATE_PATTERN, SALESFORCE_DATETIME_PATTERN, SALESFORCE_DATE_PATTERN,
} from '../../../sandboxes/demo/timestamps.ts';

const seed = generateDemoSeed();
const NINETY_DAYS = 90 * 86_400_000;
/** Parses Salesforce's `+0000` format without relying on Date's lenient parser. */
const sfMs = (s: string) => Date.parse(s.replace('+0000', 'Z'));

describe('Salesforce records', () => {
  it('carry attributes, Id and system fields in the REST shape', () => {
    for (const [type, records] of Object.entries(seed.salesforce)) {
      for (const r of records) {
        expect(r.attributes).toEqual({ type, url: `/services/data/v60.0/sobjects/${type}/${r.Id}` });
        expect(r.IsDeleted).toBe(false);
        expect(r.OwnerId).toMatch(/^005/);
        for (const field of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp'] as const) expect(r[field]).toMatch(SALESFORCE_DATETIME_PATTERN);
        expect(sfMs(r.CreatedDate)).toBeLessThan(sfMs(r.LastModifiedDate));
        expect(sfMs(r.SystemModstamp)).toBeGreaterThanOrEqual(sfMs(r.LastModifiedDate));
        expect(sfMs(r.LastModifiedDate)).toBeGreaterThan(DEMO_REFERENCE_DATE_MS - NINETY_DAYS);
        expect(sfMs(r.LastModifiedDate)).toBeLessThan(DEMO_REFERENCE_DATE_MS);
      }
    }
  });

  it('use the standard picklist values and field types', () => {
    const leadSources = new Set(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']);
    for (const c of seed.salesforce.Contact) {
      expect(c.LastName).toBeTruthy();
      if (c.LeadSource !== null) expect(leadSources.has(c.LeadSource)).toBe(true);
      expect(typeof c.HasOptedOutOfEmail).toBe('boolean');
    }
    const stages = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers',
      'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];
    for (const o of seed.salesforce.Opportunity) {
      expect(stages).toContain(o.StageName);
      expect(o.CloseDate).toMatch(SALESFORCE_DATE_PATTERN);
      expect(typeof o.Amount).toBe('number');
      expect(o.Probability).toBeGreaterThanOrEqual(0);
      expect(o.Probability).toBeLessThanOrEqual(100);
    }
    for (const a of seed.salesforce.Account) {
      expect(typeof a.NumberOfEmployees).toBe('number');
      expect(typeof a.AnnualRevenue).toBe('number');
    }
    for (const l of seed.salesforce.Lead) {
      expect(['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted']).toContain(l.Status);
      expect(l.Company).toBeTruthy();
    }
  });

  it('null, never omit, unset fields', () => {
    const keys = new Set(Object.keys(seed.salesforce.Contact[0] ?? {}));
    for (const c of seed.salesforce.Contact) expect(new Set(Object.keys(c))).toEqual(keys);
    expect(seed.salesforce.Contact.some((c) => c.Phone === null)).toBe(true);
  });
});

describe('HubSpot objects', () => {
  it('have numeric string ids, string-only properties and mirrored timestamps', () => {
    const modified = { contacts: 'lastmodifieddate', companies: 'hs_lastmodifieddate', deals: 'hs_lastmodifieddate' } as const;
    for (const [object, records] of Object.entries(seed.hubspot) as [keyof typeof modified, HubSpotObject[]][]) {
      for (const r of records) {
        expect(r.id).toMatch(/^[1-9]\d*$/);
        expect(r.archived).toBe(false);
        for (const value of Object.values(r.properties)) expect(typeof value).toBe('string');
        expect(r.properties.hs_object_id).toBe(r.id);
        expect(r.createdAt).toMatch(HUBSPOT_DATETIME_PATTERN);
        expect(r.updatedAt).toMatch(HUBSPOT_DATETIME_PATTERN);
        expect(r.properties.createdate).toBe(r.createdAt);
        expect(r.properties[modified[object]]).toBe(r.updatedAt);
        expect(Date.parse(r.updatedAt)).toBeGreaterThan(DEMO_REFERENCE_DATE_MS - NINETY_DAYS);
        expect(Date.parse(r.createdAt)).toBeLessThan(Date.parse(r.updatedAt));
      }
    }
    expect(seed.hubspot.contacts.every((c) => !('hs_lastmodifieddate' in c.properties))).toBe(true);
  });

  it('use HubSpot enumeration values', () => {
    const lifecycle = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];
    const leadStatus = ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'];
    for (const c of seed.hubspot.contacts) {
      expect(lifecycle).toContain(c.properties.lifecyclestage);
      if (c.properties.hs_lead_status) expect(leadStatus).toContain(c.properties.hs_lead_status);
    }
    const stages = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'];
    for (const d of seed.hubspot.deals) {
      expect(d.properties.pipeline).toBe('default');
      expect(stages).toContain(d.properties.dealstage);
      expect(d.properties.closedate).toMatch(HUBSPOT_DATE_PATTERN);
      expect(d.properties.amount).toMatch(/^\d+$/);
    }
    for (const co of seed.hubspot.companies) {
      expect(co.properties.industry).toMatch(/^[A-Z_]+$/);
      expect(co.properties.numberofemployees).toMatch(/^\d+$/);
      expect(co.properties.domain).toMatch(/^[a-z0-9]+\.(com|co\.uk|de)$/);
    }
  });

  it('keeps contact emails unique, as HubSpot enforces', () => {
    const emails = seed.hubspot.contacts.map((c) => c.properties.email?.trim().toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
  });
});

describe('data variety', () => {
  it('has diverse names with diacritics and UK/DE addresses', () => {
    const names = seed.salesforce.Contact.map((c) => `${c.FirstName} ${c.LastName}`).join(' ') + seed.hubspot.contacts.map((c) => `${c.properties.firstname} ${c.properties.lastname}`).join(' ');
    expect(names).toMatch(/[éëüöäßøłñçíóá]/);
    const countries = new Set([...seed.salesforce.Account.map((a) => a.BillingCountry), ...seed.hubspot.companies.map((c) => c.properties.country)]);
    expect([...countries].some((c) => c && /United Kingdom|UK|GB/.test(c))).toBe(true);
    expect([...countries].some((c) => c && /Germany|Deutschland|DE/.test(c))).toBe(true);
  });

  it('keeps every record within the reference window regardless of seed', () => {
    for (const s of [1, 2, 3]) {
      const other = generateDemoSeed({ seed: s, customers: 150 });
      for (const r of other.salesforce.Contact) expect(sfMs(r.LastModifiedDate)).toBeLessThan(DEMO_REFERENCE_DATE_MS);
    }
  });
});
