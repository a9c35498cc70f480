/**
 * The demo's fifth CRM: the partner channel works in Zoho CRM (v8 record shapes, as the Zoho sandbox seeds them: module
 * API names, 19-digit ids as strings, lookups as `{ id }`, times in the org's +05:30 offset without milliseconds).
 * Every third company of the demo world is the channel's: the company is an account, half of its people (the same
 * people the other CRMs hold, by work email) are contacts, and some of its deals are Zoho deals. Its companies overlap
 * the Dynamics service division's and the Pipedrive sales division's, so some people sit in all five CRMs.
 *
 * The channel writes records its own way: phones as partners send them (mostly international), a title newer or older
 * than the other CRMs' as `Modified_Time` says, a nickname now and then, a state written out, no mobile for many.
 * `Modified_Time` is spread over 120 days, so last-write-wins picks Zoho for some people and not for others.
 *
 * Drawn from a PRNG of its own, after the other CRMs: adding this CRM changes none of their records. The ground truth
 * (truth.ts) does not list Zoho records; a contact has its person's work email.
 */
import { type PhoneStyle, PLAIN_ADDRESS_STYLE, formatAddress, formatPhone, variantAddressStyle } from './formats.ts';
import { CLOSED_LOST_STAGE, CLOSED_WON_STAGE, SALESFORCE_STAGES } from './model.ts';
import type { DemoCompany, DemoDeal, DemoPerson } from './model.ts';
import { divisionAccountOf, divisionCompanies, newestElsewhere } from './division.ts';
import { Prng } from './prng.ts';
import { DAY_MS, DEMO_REFERENCE_DATE_MS } from './timestamps.ts';

/** A Zoho record as the Zoho sandbox seeds it (id, Created_Time and Modified_Time kept). */
export type ZohoDemoRecord = Record<string, unknown> & { id: string; Created_Time: string; Modified_Time: string };

export interface ZohoDemoSeed {
  Contacts: ZohoDemoRecord[];
  Accounts: ZohoDemoRecord[];
  Deals: ZohoDemoRecord[];
}

/** Which companies the partner channel owns: every third one from the first (never a Lead-only prospect). */
export const ZOHO_DIVISION_EVERY = 3;
const CONTACT_SHARE = 0.5;
const DEAL_SHARE = 0.5;
// Zoho's own salt, so its draws never depend on (or disturb) the other CRMs' sequences.
const SALT = 0x2040;
/** The demo org works in India Standard Time, as Zoho shows it. */
const ORG_OFFSET_MINUTES = 330;
/** The demo org's id prefix: the sandbox gives new records another, so seeded ids never collide with new ones. */
const ID_PREFIX = '5725767000000';

/** ISO-8601 in the org's +05:30 offset, to the second: what Zoho answers for date-time fields. */
export function zohoDateTime(ms: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + ORG_OFFSET_MINUTES * 60_000).toISOString().slice(0, 19);
  return `${local}+05:30`;
}

/** Partners send numbers in international form far more often than in national form. */
function phoneStyle(rng: Prng): PhoneStyle {
  return rng.weighted<PhoneStyle>([['intl-spaced', 4], ['e164', 2], ['national', 1]]);
}

/** Zoho's standard pipeline has no Prospecting or Perception Analysis: the nearest stage before them. */
const ZOHO_STAGE: Record<string, string> = {
  Prospecting: 'Qualification', 'Id. Decision Makers': 'Identify Decision Makers', 'Perception Analysis': 'Identify Decision Makers',
};

export function renderZoho(seed: number, companies: DemoCompany[], people: DemoPerson[], deals: DemoDeal[]): ZohoDemoSeed {
  const rng = new Prng(seed ^ SALT);
  const out: ZohoDemoSeed = { Contacts: [], Accounts: [], Deals: [] };
  let sequence = 100_000;
  const nextId = () => `${ID_PREFIX}${++sequence}`;
  const division = divisionCompanies(companies, ZOHO_DIVISION_EVERY, 0);
  /** Modified 1–120 days before the reference date: newer than the other CRMs' records for some, older for others. */
  const clock = (modifiedMs = DEMO_REFERENCE_DATE_MS - rng.int(1, 120 * 24) * (DAY_MS / 24) - rng.int(0, 3599) * 1000) => ({
    Created_Time: zohoDateTime(modifiedMs - rng.int(30, 600) * DAY_MS),
    Modified_Time: zohoDateTime(modifiedMs),
  });

  const accountIds = new Map<DemoCompany, string>();
  for (const company of division) {
    const id = nextId();
    accountIds.set(company, id);
    const address = formatAddress(company.address, rng.chance(0.5) ? variantAddressStyle(rng, PLAIN_ADDRESS_STYLE) : PLAIN_ADDRESS_STYLE);
    out.Accounts.push({
      id,
      Account_Name: rng.chance(0.5) ? company.legalName : company.brand,
      Website: `https://${company.domain}`,
      Phone: formatPhone(company.mainPhone, phoneStyle(rng)),
      Employees: company.employees,
      Annual_Revenue: company.annualRevenue,
      Billing_Street: address.street.replace('\n', ', '),
      Billing_City: address.city,
      Billing_State: address.state,
      Billing_Code: address.postalCode,
      Billing_Country: address.country,
      ...clock(),
    });
  }

  const contactIds = new Map<DemoPerson, string>();
  for (const person of people) {
    const accountId = divisionAccountOf(person, accountIds);
    if (accountId === undefined) continue;
    if (!rng.chance(CONTACT_SHARE)) continue;
    const id = nextId();
    contactIds.set(person, id);
    const { Created_Time, Modified_Time } = clock();
    const newer = Date.parse(Modified_Time) > newestElsewhere(person);
    // Edited after the other CRMs: the current title; before: often the previous one.
    const title = newer ? person.title : rng.chance(0.5) ? person.previousTitle : person.title;
    const address = rng.chance(0.7) ? formatAddress(person.address, rng.chance(0.4) ? variantAddressStyle(rng, PLAIN_ADDRESS_STYLE) : PLAIN_ADDRESS_STYLE) : null;
    const style = phoneStyle(rng);
    out.Contacts.push({
      id,
      First_Name: person.nickname && rng.chance(0.25) ? person.nickname : person.firstName,
      Last_Name: person.lastName,
      Email: person.email,
      Phone: formatPhone(person.phone, style),
      Mobile: person.mobile && rng.chance(0.5) ? formatPhone(person.mobile, style) : null,
      Title: title,
      Department: person.department,
      Email_Opt_Out: person.optedOutOfEmail,
      Mailing_Street: address?.street.replace('\n', ', ') ?? null,
      Mailing_City: address?.city ?? null,
      Mailing_State: address?.state ?? null,
      Mailing_Zip: address?.postalCode ?? null,
      Mailing_Country: address?.country ?? null,
      Account_Name: { id: accountId },
      Created_Time,
      Modified_Time,
    });
  }

  for (const deal of deals) {
    const accountId = accountIds.get(deal.company);
    const view = deal.views.salesforce ?? deal.views.hubspot;
    if (accountId === undefined || !view || !rng.chance(DEAL_SHARE)) continue;
    const contactId = deal.contact ? contactIds.get(deal.contact) : undefined;
    const stage = SALESFORCE_STAGES[view.stage]?.name ?? 'Qualification';
    const lostToCompetition = view.stage === CLOSED_LOST_STAGE && rng.chance(0.4);
    out.Deals.push({
      id: nextId(),
      Deal_Name: view.name,
      Amount: view.amount,
      Stage: lostToCompetition ? 'Closed Lost to Competition' : ZOHO_STAGE[stage] ?? stage,
      Closing_Date: new Date(view.closeMs).toISOString().slice(0, 10),
      Probability: view.stage === CLOSED_WON_STAGE ? 100 : SALESFORCE_STAGES[view.stage]?.probability ?? 10,
      Account_Name: { id: accountId },
      ...(contactId !== undefined ? { Contact_Name: { id: contactId } } : {}),
      ...clock(),
    });
  }
  return out;
}
