/**
 * The Dynamics 365 part of the backfill bench's seed folder: `<dir>/dynamics/{contacts,accounts,opportunities}.json`
 * in the sandbox's seed shape (sandboxes/dynamics/README.md: attribute logical names, lookups as `_<name>_value`
 * GUIDs). N contacts and N/5 accounts drawn from the same bulk people and companies as the other CRMs' files
 * (bulk-seed.ts), shifted by a quarter of N: with Salesforce holding people [0, N), HubSpot [N/2, 3N/2) and Pipedrive
 * [3N/4, 7N/4), Dynamics' [N/4, 5N/4) falls in four equal parts — in Salesforce only, in Salesforce and HubSpot, in
 * all four CRMs, in HubSpot and Pipedrive — so every contact is joined by email to people another CRM holds, through
 * different combinations of CRMs, and no golden person is Dynamics' alone. Accounts carry the company's website
 * (`websiteurl`, which the default mapping reads as the domain), so they join the Salesforce and HubSpot companies
 * by domain. Contacts name their account (`_parentcustomerid_value`); one opportunity per 10 contacts names its
 * contact and that contact's account (`_parentcontactid_value`, `_parentaccountid_value`, `_customerid_value`), so
 * the relations are resolved too. The other CRMs' files hold no deals, so each opportunity is a golden deal of its
 * own. Deterministic: no clock, no randomness (GUIDs are counters).
 */
import fs from 'node:fs';
import path from 'node:path';
import { bulkCompany, bulkPerson, phone } from './bulk-seed.ts';

export interface DynamicsSeedCounts {
  contacts: number;
  accounts: number;
  opportunities: number;
}

/** Where Dynamics' people and companies start in the bulk sequences (see the header). */
export function dynamicsOffsets(people: number): { person: number; company: number } {
  return { person: Math.floor(people / 4), company: Math.floor(Math.ceil(people / 5) / 4) };
}

/** One opportunity per this many contacts. */
export const CONTACTS_PER_OPPORTUNITY = 10;

/** A GUID from a counter; the first hex digit tells the table apart (c contact, a account, b opportunity). */
export const dynamicsGuid = (table: 'a' | 'b' | 'c', n: number) => `${table}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

// Dataverse's times are at second precision, `2024-05-01T12:00:00Z`.
const dvTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function writeDynamicsSeed(dir: string, people: number): DynamicsSeedCounts {
  const companies = Math.ceil(people / 5);
  const offsets = dynamicsOffsets(people);
  const accounts: object[] = [];
  const contacts: object[] = [];
  const opportunities: object[] = [];
  const hasAccount = (c: number) => c >= offsets.company && c < offsets.company + companies;
  for (let c = offsets.company; c < offsets.company + companies; c++) {
    const { name, domain, ms } = bulkCompany(c);
    accounts.push({
      accountid: dynamicsGuid('a', c), name, websiteurl: `https://${domain}`, telephone1: phone(c), numberofemployees: 10 + (c % 500),
      address1_line1: `${c} Market St`, address1_city: 'San Francisco', address1_stateorprovince: 'CA', address1_postalcode: '94105',
      address1_country: 'United States', createdon: dvTime(ms - 86_400_000), modifiedon: dvTime(ms - 2_700_000),
    });
  }
  for (let p = offsets.person; p < offsets.person + people; p++) {
    const { firstName, lastName, email, ms, company } = bulkPerson(p);
    const contactid = dynamicsGuid('c', p);
    contacts.push({
      contactid, firstname: firstName, lastname: lastName, emailaddress1: email, telephone1: phone(p),
      jobtitle: p % 3 ? 'Engineer' : 'Manager', address1_city: 'San Francisco', address1_stateorprovince: 'CA', address1_postalcode: '94105',
      address1_country: 'United States', ...(hasAccount(company) ? { _parentcustomerid_value: dynamicsGuid('a', company) } : {}),
      createdon: dvTime(ms - 86_400_000), modifiedon: dvTime(ms - 2_700_000),
    });
    if ((p - offsets.person) % CONTACTS_PER_OPPORTUNITY === 0) {
      const k = opportunities.length;
      const account = hasAccount(company) ? dynamicsGuid('a', company) : null;
      opportunities.push({
        opportunityid: dynamicsGuid('b', k), name: `Bulk deal ${k} (${lastName})`, estimatedvalue: 10_000 + k, estimatedclosedate: '2026-12-31',
        salesstage: k % 4, closeprobability: (k * 10) % 100, _parentcontactid_value: contactid,
        _parentaccountid_value: account, _customerid_value: account ?? contactid,
        createdon: dvTime(ms - 86_400_000), modifiedon: dvTime(ms - 2_700_000),
      });
    }
  }
  const write = (table: string, data: unknown[]) => {
    fs.mkdirSync(path.join(dir, 'dynamics'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dynamics', `${table}.json`), JSON.stringify(data));
  };
  write('contacts', contacts);
  write('accounts', accounts);
  write('opportunities', opportunities);
  return { contacts: contacts.length, accounts: accounts.length, opportunities: opportunities.length };
}
