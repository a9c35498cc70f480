/**
 * The Zoho CRM part of the backfill bench's seed folder: `<dir>/zoho/{Contacts,Accounts,Deals}.json` in the sandbox's
 * seed shape (sandboxes/zoho/README.md: module API names, `id` a numeric string, `Created_Time`/`Modified_Time` in
 * the org offset `+05:30`, lookups as `{ id }`). N contacts and N/5 accounts drawn from the same bulk people and
 * companies as the other CRMs' files (bulk-seed.ts, seed-slice.ts), shifted by three eighths of N: with Salesforce
 * holding people [0, N), HubSpot [N/2, 3N/2), Pipedrive [3N/4, 7N/4) and Dynamics [N/4, 5N/4), Zoho's [3N/8, 11N/8)
 * falls in five parts — in Salesforce and Dynamics (an eighth), in Salesforce, HubSpot and Dynamics (a quarter), in
 * all five CRMs (a quarter), in HubSpot, Pipedrive and Dynamics (a quarter), in HubSpot and Pipedrive (an eighth) —
 * so no golden person is Zoho's alone, and a quarter of them are merged from every CRM. Accounts [3C/8, 11C/8) of
 * the C = N/5 companies carry the company's `Website`, so they join the Salesforce and HubSpot companies (which hold
 * [0, 3C/2)) by domain. Contacts name their account (`Account_Name`); one deal per 10 contacts names that contact
 * and account (`Contact_Name`, `Account_Name`), so relations are resolved too; the other CRMs' deals are other deals,
 * so each is a golden deal of its own. Ids are 19 digits, as Zoho's are, under a prefix that is not the sandbox's
 * own (its id sequence ignores them). Deterministic: no clock, no randomness.
 */
import { bulkCompany, bulkPerson, phone } from './bulk-seed.ts';
import { CONTACTS_PER_OPPORTUNITY } from './dynamics-seed.ts';
import { companiesOf, peopleOf, seedSlice, writeSeedFiles } from './seed-slice.ts';

export interface ZohoSeedCounts {
  Contacts: number;
  Accounts: number;
  Deals: number;
}

/** Where Zoho's people and companies start in the bulk sequences (see the header). */
export const ZOHO_SHIFT = 3 / 8;

const MODULE_DIGIT = { Accounts: 1, Contacts: 2, Deals: 3 } as const;
/** A 19-digit Zoho id from a counter: 8-digit prefix, the module's digit, a 10-digit counter. */
export const zohoId = (module: keyof typeof MODULE_DIGIT, n: number) => `41508689${MODULE_DIGIT[module]}${String(n).padStart(10, '0')}`;

/** `2026-10-01T05:30:00+05:30`: the instant in the org's offset at second precision, as Zoho renders times. */
export const zohoTime = (ms: number) => `${new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 19)}+05:30`;

/** Stages of Zoho's standard Deals picklist, open and closed (resolver-engine/defaults/picklists.ts). */
const STAGES = ['Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Closed Won'];

export function writeZohoSeed(dir: string, people: number): ZohoSeedCounts {
  const slice = seedSlice(people, ZOHO_SHIFT);
  const Accounts: object[] = [];
  const Contacts: object[] = [];
  const Deals: object[] = [];
  for (const c of companiesOf(slice)) {
    const { name, domain, ms } = bulkCompany(c);
    Accounts.push({
      id: zohoId('Accounts', c), Account_Name: name, Website: `https://${domain}`, Phone: phone(c), Employees: 10 + (c % 500),
      Billing_Street: `${c} Market St`, Billing_City: 'San Francisco', Billing_State: 'CA', Billing_Code: '94105', Billing_Country: 'United States',
      Created_Time: zohoTime(ms - 86_400_000), Modified_Time: zohoTime(ms - 3_600_000),
    });
  }
  for (const p of peopleOf(slice)) {
    const { firstName, lastName, email, ms, company } = bulkPerson(p);
    const account = slice.hasCompany(company) ? { id: zohoId('Accounts', company) } : null;
    Contacts.push({
      id: zohoId('Contacts', p), First_Name: firstName, Last_Name: lastName, Email: email, Phone: phone(p),
      Title: p % 3 ? 'Engineer' : 'Manager', Mailing_City: 'San Francisco', Mailing_State: 'CA', Mailing_Zip: '94105',
      Mailing_Country: 'United States', ...(account ? { Account_Name: account } : {}),
      Created_Time: zohoTime(ms - 86_400_000), Modified_Time: zohoTime(ms - 3_600_000),
    });
    if ((p - slice.person) % CONTACTS_PER_OPPORTUNITY === 0) {
      const k = Deals.length;
      Deals.push({
        id: zohoId('Deals', k), Deal_Name: `Zoho bulk deal ${k} (${lastName})`, Stage: STAGES[k % STAGES.length], Amount: 20_000 + k,
        Probability: (k * 10) % 100, Closing_Date: '2026-12-31', Contact_Name: { id: zohoId('Contacts', p) },
        ...(account ? { Account_Name: account } : {}),
        Created_Time: zohoTime(ms - 86_400_000), Modified_Time: zohoTime(ms - 3_600_000),
      });
    }
  }
  writeSeedFiles(dir, 'zoho', { Contacts, Accounts, Deals });
  return { Contacts: Contacts.length, Accounts: Accounts.length, Deals: Deals.length };
}
