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
import { bulkCompany, bulkPerson, phone } from './bulk-seed.ts';
import { companiesOf, peopleOf, secondsUtc, seedSlice, writeSeedFiles } from './seed-slice.ts';

export interface DynamicsSeedCounts {
  contacts: number;
  accounts: number;
  opportunities: number;
}

/** Where Dynamics' people and companies start in the bulk sequences (see the header). */
export const DYNAMICS_SHIFT = 1 / 4;
export function dynamicsOffsets(people: number): { person: number; company: number } {
  const { person, company } = seedSlice(people, DYNAMICS_SHIFT);
  return { person, company };
}

/** One opportunity per this many contacts (Zoho's deals follow the same rule). */
export const CONTACTS_PER_OPPORTUNITY = 10;

/** A GUID from a counter; the first hex digit tells the table apart (c contact, a account, b opportunity). */
export const dynamicsGuid = (table: 'a' | 'b' | 'c', n: number) => `${table}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function writeDynamicsSeed(dir: string, people: number): DynamicsSeedCounts {
  const slice = seedSlice(people, DYNAMICS_SHIFT);
  const accounts: object[] = [];
  const contacts: object[] = [];
  const opportunities: object[] = [];
  // Dataverse's times are at second precision, `2024-05-01T12:00:00Z` (secondsUtc).
  for (const c of companiesOf(slice)) {
    const { name, domain, ms } = bulkCompany(c);
    accounts.push({
      accountid: dynamicsGuid('a', c), name, websiteurl: `https://${domain}`, telephone1: phone(c), numberofemployees: 10 + (c % 500),
      address1_line1: `${c} Market St`, address1_city: 'San Francisco', address1_stateorprovince: 'CA', address1_postalcode: '94105',
      address1_country: 'United States', createdon: secondsUtc(ms - 86_400_000), modifiedon: secondsUtc(ms - 2_700_000),
    });
  }
  for (const p of peopleOf(slice)) {
    const { firstName, lastName, email, ms, company } = bulkPerson(p);
    const contactid = dynamicsGuid('c', p);
    const account = slice.hasCompany(company) ? dynamicsGuid('a', company) : null;
    contacts.push({
      contactid, firstname: firstName, lastname: lastName, emailaddress1: email, telephone1: phone(p),
      jobtitle: p % 3 ? 'Engineer' : 'Manager', address1_city: 'San Francisco', address1_stateorprovince: 'CA', address1_postalcode: '94105',
      address1_country: 'United States', ...(account ? { _parentcustomerid_value: account } : {}),
      createdon: secondsUtc(ms - 86_400_000), modifiedon: secondsUtc(ms - 2_700_000),
    });
    if ((p - slice.person) % CONTACTS_PER_OPPORTUNITY === 0) {
      const k = opportunities.length;
      opportunities.push({
        opportunityid: dynamicsGuid('b', k), name: `Bulk deal ${k} (${lastName})`, estimatedvalue: 10_000 + k, estimatedclosedate: '2026-12-31',
        salesstage: k % 4, closeprobability: (k * 10) % 100, _parentcontactid_value: contactid,
        _parentaccountid_value: account, _customerid_value: account ?? contactid,
        createdon: secondsUtc(ms - 86_400_000), modifiedon: secondsUtc(ms - 2_700_000),
      });
    }
  }
  writeSeedFiles(dir, 'dynamics', { contacts, accounts, opportunities });
  return { contacts: contacts.length, accounts: accounts.length, opportunities: opportunities.length };
}
