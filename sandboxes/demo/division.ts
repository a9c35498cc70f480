/**
 * What the demo's divisions (Dynamics 365's service division, Zoho CRM's partner channel) share: which companies are
 * theirs, which people they file as contacts, and when the other CRMs last touched a person, so a division's record
 * is newer for some people and older for others. Each division draws from a PRNG of its own; nothing here draws.
 */
import type { DemoCompany, DemoPerson } from './model.ts';

/** Every `every`-th company from the `offset`-th, never a Lead-only prospect. */
export function divisionCompanies(companies: DemoCompany[], every: number, offset: number): DemoCompany[] {
  return companies.filter((c) => c.presence !== 'prospect').filter((_, i) => i % every === offset);
}

/**
 * The division's account id for a person it may file as a contact: their company's, if the division has it. Leads are
 * not contacts anywhere, and a household's shared personal email would join two people's records: divisions file work
 * contacts only.
 */
export function divisionAccountOf(person: DemoPerson, accountIds: ReadonlyMap<DemoCompany, string>): string | undefined {
  if (person.salesforceObject === 'Lead' || person.hardNegative?.kind === 'shared-household-email') return undefined;
  return accountIds.get(person.company);
}

/** The most recent time Salesforce or HubSpot modified a record of the person (0: none). */
export function newestElsewhere(person: DemoPerson): number {
  return Math.max(0, ...[...person.views.salesforce, ...person.views.hubspot].map((v) => Math.max(v.modifiedMs, v.modstampMs)));
}
