/**
 * The demo's fourth CRM: a service division works in Dynamics 365 (Dataverse Web API v9.2 rows, as the Dynamics
 * sandbox seeds them: attribute logical names, lookups as `_<name>_value` GUIDs, `modifiedon` without milliseconds).
 * Every second company of the demo world is that division's: the company is an account, most of its people (the same
 * people the other CRMs hold, by work email) are contacts, and some of its deals are opportunities. It looks after the
 * Pipedrive sales division's companies too (every fourth, all of them odd), so some people sit in all four CRMs.
 *
 * The division writes its records its own way, which is what the golden view must resolve: phones in yet another
 * format, a title that is newer or older than Salesforce's depending on when the service desk last touched the
 * record, a nickname or a name without diacritics, an abbreviated address, a mobile left out. `modifiedon` is spread
 * over 100 days, so last-write-wins picks Dynamics for some people and not for others.
 *
 * Drawn from a PRNG of its own (like Pipedrive's), after the other CRMs: adding this CRM changes none of their
 * records. The ground truth (truth.ts) does not list Dynamics rows; a contact has its person's work email.
 */
import { type PhoneStyle, PLAIN_ADDRESS_STYLE, formatAddress, formatPhone, variantAddressStyle } from './formats.ts';
import { CLOSED_LOST_STAGE, CLOSED_WON_STAGE, SALESFORCE_STAGES } from './model.ts';
import type { DemoCompany, DemoDeal, DemoPerson } from './model.ts';
import { foldToAscii } from './names.ts';
import { divisionAccountOf, divisionCompanies, newestElsewhere } from './division.ts';
import { Prng } from './prng.ts';
import { DAY_MS, DEMO_REFERENCE_DATE_MS } from './timestamps.ts';

/** A Dataverse row as the Dynamics sandbox seeds it (primary key, createdon and modifiedon kept). */
export type DynamicsDemoRecord = Record<string, unknown> & { createdon: string; modifiedon: string };

export interface DynamicsDemoSeed {
  contacts: DynamicsDemoRecord[];
  accounts: DynamicsDemoRecord[];
  opportunities: DynamicsDemoRecord[];
}

/** Which companies the Dynamics division owns: every second one from the second (never a Lead-only prospect). */
export const DYNAMICS_DIVISION_EVERY = 2;
const CONTACT_SHARE = 0.6;
const OPPORTUNITY_SHARE = 0.4;
// Dynamics' own salt, so its draws never depend on (or disturb) the other CRMs' sequences.
const SALT = 0xd365;

/** ISO-8601 UTC to the second, what Dataverse answers for DateAndTime attributes. */
export function dataverseDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A version-4 GUID from the PRNG: deterministic, and shaped like the ones Dataverse hands out. */
function guid(rng: Prng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = (8 + rng.int(0, 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Service agents type numbers as callers read them out: national forms more than E.164. */
function phoneStyle(rng: Prng, person: DemoPerson): PhoneStyle {
  return person.phone.country === 'US'
    ? rng.weighted<PhoneStyle>([['dotted', 3], ['dashed', 2], ['intl-spaced', 2], ['e164', 1]])
    : rng.weighted<PhoneStyle>([['national', 3], ['intl-spaced', 2], ['e164', 1]]);
}

/**
 * The opportunity's sales stage (0 Qualify, 1 Develop, 2 Propose, 3 Close), nearest to the Salesforce stage the other
 * CRMs hold; a won or lost one stays in the stage it closed from, the last. Without it every open opportunity would
 * read as Qualify, and, newer than the others, win the golden stage with it.
 */
const DYNAMICS_SALES_STAGE: Record<string, number> = {
  Prospecting: 0, Qualification: 0, 'Needs Analysis': 1, 'Value Proposition': 1, 'Id. Decision Makers': 1,
  'Perception Analysis': 1, 'Proposal/Price Quote': 2, 'Negotiation/Review': 3, 'Closed Won': 3, 'Closed Lost': 3,
};

export function renderDynamics(seed: number, companies: DemoCompany[], people: DemoPerson[], deals: DemoDeal[]): DynamicsDemoSeed {
  const rng = new Prng(seed ^ SALT);
  const out: DynamicsDemoSeed = { contacts: [], accounts: [], opportunities: [] };
  const division = divisionCompanies(companies, DYNAMICS_DIVISION_EVERY, 1);
  /** Modified 1–100 days before the reference date: newer than the other CRMs' records for some, older for others. */
  const clock = (modifiedMs = DEMO_REFERENCE_DATE_MS - rng.int(1, 100 * 24) * (DAY_MS / 24) - rng.int(0, 3599) * 1000) => ({
    createdon: dataverseDateTime(modifiedMs - rng.int(30, 600) * DAY_MS),
    modifiedon: dataverseDateTime(modifiedMs),
  });

  const accountIds = new Map<DemoCompany, string>();
  for (const company of division) {
    const id = guid(rng);
    accountIds.set(company, id);
    const address = formatAddress(company.address, rng.chance(0.4) ? variantAddressStyle(rng, PLAIN_ADDRESS_STYLE) : PLAIN_ADDRESS_STYLE);
    out.accounts.push({
      accountid: id,
      name: rng.chance(0.6) ? company.legalName : company.brand,
      websiteurl: `https://www.${company.domain}`,
      telephone1: formatPhone(company.mainPhone, rng.pick<PhoneStyle>(['intl-spaced', 'national', 'dotted'])),
      // The service desk counts heads now and then: sometimes a newer (or older) figure than sales has.
      numberofemployees: rng.chance(0.3) ? Math.max(1, Math.round(company.employees * (0.85 + rng.next() * 0.3))) : company.employees,
      revenue: company.annualRevenue,
      address1_line1: address.street,
      address1_city: address.city,
      address1_stateorprovince: address.state,
      address1_postalcode: address.postalCode,
      address1_country: address.country,
      ...clock(),
    });
  }

  const contactIds = new Map<DemoPerson, string>();
  for (const person of people) {
    const accountId = divisionAccountOf(person, accountIds);
    if (accountId === undefined) continue;
    if (!rng.chance(CONTACT_SHARE)) continue;
    const id = guid(rng);
    contactIds.set(person, id);
    const elsewhere = newestElsewhere(person);
    const { createdon, modifiedon } = clock();
    const newer = Date.parse(modifiedon) > elsewhere;
    // Edited after the other CRMs: the current title (or a promotion they have not heard of); before: the previous one.
    const title = newer ? person.title : rng.chance(0.6) ? person.previousTitle : person.title;
    const nameRoll = rng.next();
    const firstName = person.nickname && nameRoll < 0.35 ? person.nickname : nameRoll > 0.8 ? foldToAscii(person.firstName) : person.firstName;
    const address = rng.chance(0.85)
      ? formatAddress(person.address, rng.chance(0.5) ? variantAddressStyle(rng, PLAIN_ADDRESS_STYLE) : PLAIN_ADDRESS_STYLE)
      : null;
    const style = phoneStyle(rng, person);
    out.contacts.push({
      contactid: id,
      firstname: firstName,
      lastname: rng.chance(0.15) ? foldToAscii(person.lastName) : person.lastName,
      emailaddress1: person.email,
      telephone1: formatPhone(person.phone, style),
      mobilephone: person.mobile && rng.chance(0.7) ? formatPhone(person.mobile, style) : null,
      jobtitle: title,
      department: person.department,
      donotemail: person.optedOutOfEmail,
      address1_line1: address?.street.replace('\n', ', ') ?? null,
      address1_city: address?.city ?? null,
      address1_stateorprovince: address?.state ?? null,
      address1_postalcode: address?.postalCode ?? null,
      address1_country: address?.country ?? null,
      _parentcustomerid_value: accountId,
      createdon,
      modifiedon,
    });
  }

  for (const deal of deals) {
    const accountId = accountIds.get(deal.company);
    const view = deal.views.salesforce ?? deal.views.hubspot;
    if (accountId === undefined || !view || !rng.chance(OPPORTUNITY_SHARE)) continue;
    const contactId = deal.contact ? contactIds.get(deal.contact) : undefined;
    const won = view.stage === CLOSED_WON_STAGE;
    const lost = view.stage === CLOSED_LOST_STAGE;
    out.opportunities.push({
      opportunityid: guid(rng),
      name: view.name,
      // The service desk rounds the estimate to the hundred.
      estimatedvalue: rng.chance(0.3) ? Math.round(view.amount / 100) * 100 : view.amount,
      estimatedclosedate: new Date(view.closeMs).toISOString().slice(0, 10),
      statecode: won ? 1 : lost ? 2 : 0,
      statuscode: won ? 3 : lost ? 4 : 1,
      salesstage: DYNAMICS_SALES_STAGE[SALESFORCE_STAGES[view.stage]?.name ?? ''] ?? 0,
      _parentaccountid_value: accountId,
      ...(contactId !== undefined ? { _parentcontactid_value: contactId } : {}),
      ...clock(),
    });
  }
  return out;
}
