/**
 * A large seed folder for the backfill bench, written in the sandboxes' seed format (`<dir>/salesforce/*.json`,
 * `<dir>/hubspot/*.json`; pipedrive-seed.ts adds `<dir>/pipedrive/*.json` of the same people). The demo generator
 * (sandboxes/demo) plants conflicts with care but grows worse than linearly
 * (tens of thousands of customers take minutes), so the bench writes plain records of the same shapes:
 * N Salesforce Contacts and N HubSpot contacts, one company per 5 people on each side. Half the people are in both
 * CRMs (same email, so the linker joins them) and companies overlap by domain the same way. Deterministic: no clock,
 * no randomness.
 */
import fs from 'node:fs';
import path from 'node:path';
import { salesforceIdChecksum } from '../../sandboxes/demo/salesforce-id.ts';

export interface BulkSeedCounts {
  salesforce: { Contact: number; Account: number; Opportunity: number; Lead: number };
  hubspot: { contacts: number; companies: number; deals: number };
}

const BASE_MS = Date.UTC(2026, 9, 1);
const OWNER = `005Dm0000001AbC${salesforceIdChecksum('005Dm0000001AbC')}`;
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra'];

/** 18-char Salesforce id with its real checksum: key prefix + zero-padded base-10 counter. */
function sfId(prefix: string, n: number): string {
  const id15 = `${prefix}Bk${String(n).padStart(10, '0')}`;
  return id15 + salesforceIdChecksum(id15);
}

const sfTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const hsTime = (ms: number) => new Date(ms).toISOString();
export const phone = (n: number) => `+1 415 ${String(200 + (n % 700)).padStart(3, '0')} ${String(n % 10_000).padStart(4, '0')}`;

function sfSystem(ms: number) {
  return {
    IsDeleted: false, CreatedDate: sfTime(ms - 86_400_000), CreatedById: OWNER, LastModifiedDate: sfTime(ms),
    LastModifiedById: OWNER, SystemModstamp: sfTime(ms), OwnerId: OWNER,
  };
}

/** Bulk person p (0-based): the same name, email and company (floor(p / 5)) in every CRM that holds them. */
export function bulkPerson(p: number): { firstName: string; lastName: string; email: string; ms: number; company: number } {
  const firstName = FIRST[p % FIRST.length]!;
  const lastName = `${LAST[Math.floor(p / FIRST.length) % LAST.length]!}${p}`;
  const email = `${firstName}.${lastName}@bulk-company-${Math.floor(p / 5)}.example.com`.toLowerCase();
  return { firstName, lastName, email, ms: BASE_MS - p * 1000, company: Math.floor(p / 5) };
}

/** Bulk company c: its name (Salesforce adds " Inc."), domain and modification time. */
export function bulkCompany(c: number): { name: string; domain: string; ms: number } {
  return { name: `Bulk Company ${c}`, domain: `bulk-company-${c}.example.com`, ms: BASE_MS - c * 60_000 };
}

/**
 * Person p (0-based) is in Salesforce when p < people and in HubSpot when p >= people / 2, so with `people`
 * per CRM the two overlap by half. Company c likewise; person p works at company floor(p / 5).
 */
export function writeBulkSeed(dir: string, people: number): BulkSeedCounts {
  const companies = Math.ceil(people / 5);
  const sfContacts: object[] = [];
  const sfAccounts: object[] = [];
  const hsContacts: object[] = [];
  const hsCompanies: object[] = [];
  const hsOffset = Math.floor(people / 2);
  const companyOffset = Math.floor(companies / 2);
  for (let c = 0; c < companies + companyOffset; c++) {
    const { name, domain, ms } = bulkCompany(c);
    if (c < companies) {
      const Id = sfId('001', c);
      sfAccounts.push({
        attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${Id}` }, Id, Name: `${name} Inc.`, Website: `https://${domain}`,
        Phone: phone(c), Industry: 'Technology', AnnualRevenue: 1_000_000 + c, NumberOfEmployees: 10 + (c % 500),
        BillingStreet: `${c} Market St`, BillingCity: 'San Francisco', BillingState: 'CA', BillingPostalCode: '94105', BillingCountry: 'United States',
        ...sfSystem(ms),
      });
    }
    if (c >= companyOffset) {
      const id = String(5_000_000 + c);
      hsCompanies.push({
        id, archived: false, createdAt: hsTime(ms - 86_400_000), updatedAt: hsTime(ms - 3_600_000),
        properties: {
          name, domain, website: domain, phone: phone(c), industry: 'COMPUTER_SOFTWARE', city: 'San Francisco', state: 'CA', zip: '94105',
          country: 'United States', createdate: hsTime(ms - 86_400_000), hs_lastmodifieddate: hsTime(ms - 3_600_000), hs_object_id: id,
        },
      });
    }
  }
  for (let p = 0; p < people + hsOffset; p++) {
    const { firstName, lastName, email, ms, company } = bulkPerson(p);
    if (p < people) {
      const Id = sfId('003', p);
      sfContacts.push({
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${Id}` }, Id, FirstName: firstName, LastName: lastName, Email: email,
        Phone: phone(p), MobilePhone: null, Title: p % 3 ? 'Engineer' : 'Manager', Department: null,
        AccountId: company < companies ? sfId('001', company) : null, LeadSource: 'Web', MailingStreet: `${p} Main St`,
        MailingCity: 'San Francisco', MailingState: 'CA', MailingPostalCode: '94105', MailingCountry: 'United States',
        HasOptedOutOfEmail: false, Description: null, ...sfSystem(ms),
      });
    }
    if (p >= hsOffset) {
      const id = String(1_000_000 + p);
      const companyId = company >= companyOffset && company < companies + companyOffset ? String(5_000_000 + company) : undefined;
      hsContacts.push({
        id, archived: false, createdAt: hsTime(ms - 86_400_000), updatedAt: hsTime(ms - 7_200_000),
        properties: {
          email, firstname: firstName, lastname: lastName, phone: phone(p).replace(/ /g, ''), jobtitle: p % 3 ? 'Engineer' : 'Manager',
          city: 'San Francisco', state: 'CA', zip: '94105', country: 'United States', lifecyclestage: 'customer',
          ...(companyId ? { associatedcompanyid: companyId } : {}),
          createdate: hsTime(ms - 86_400_000), lastmodifieddate: hsTime(ms - 7_200_000), hs_object_id: id,
        },
        ...(companyId ? { associations: { companies: { results: [{ id: companyId, type: 'contact_to_company' }] } } } : {}),
      });
    }
  }
  const write = (file: string, data: unknown[]) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(data));
  };
  write(path.join(dir, 'salesforce', 'Contact.json'), sfContacts);
  write(path.join(dir, 'salesforce', 'Account.json'), sfAccounts);
  write(path.join(dir, 'salesforce', 'Opportunity.json'), []);
  write(path.join(dir, 'salesforce', 'Lead.json'), []);
  write(path.join(dir, 'hubspot', 'contacts.json'), hsContacts);
  write(path.join(dir, 'hubspot', 'companies.json'), hsCompanies);
  write(path.join(dir, 'hubspot', 'deals.json'), []);
  return {
    salesforce: { Contact: sfContacts.length, Account: sfAccounts.length, Opportunity: 0, Lead: 0 },
    hubspot: { contacts: hsContacts.length, companies: hsCompanies.length, deals: 0 },
  };
}
