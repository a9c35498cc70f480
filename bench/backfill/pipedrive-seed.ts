/**
 * The Pipedrive part of the backfill bench's seed folder: `<dir>/pipedrive/{persons,organizations,deals}.json` in the
 * sandbox's v2 seed shape. N persons and N/5 organizations, drawn from the same bulk people and companies as the
 * Salesforce and HubSpot files (bulk-seed.ts), shifted by three quarters of N: with Salesforce holding people
 * [0, N) and HubSpot [N/2, 3N/2), Pipedrive's [3N/4, 7N/4) gives a quarter of its persons in all three CRMs, half
 * in HubSpot too and a quarter in Pipedrive alone — so the `all` scenario links across three CRMs by email.
 * Organizations carry no domain (the default mapping takes only their name), so they link to nothing. No deals, as
 * on the other sides. Deterministic: no clock, no randomness.
 */
import { bulkCompany, bulkPerson, phone } from './bulk-seed.ts';
import { companiesOf, peopleOf, secondsUtc, seedSlice, writeSeedFiles } from './seed-slice.ts';

export interface PipedriveSeedCounts {
  persons: number;
  organizations: number;
  deals: number;
}

/** Where Pipedrive's people and companies start in the bulk sequences (see the header). */
export const PIPEDRIVE_SHIFT = 3 / 4;
export function pipedriveOffsets(people: number): { person: number; company: number } {
  const { person, company } = seedSlice(people, PIPEDRIVE_SHIFT);
  return { person, company };
}

export function writePipedriveSeed(dir: string, people: number): PipedriveSeedCounts {
  const slice = seedSlice(people, PIPEDRIVE_SHIFT);
  const organizations: object[] = [];
  const persons: object[] = [];
  // Ids are given (1-based within Pipedrive) so persons can name their organization.
  const orgId = (c: number) => c - slice.company + 1;
  for (const c of companiesOf(slice)) {
    const { name, ms } = bulkCompany(c);
    organizations.push({
      id: orgId(c), name, address: `${c} Market St, San Francisco, CA 94105, United States`,
      add_time: secondsUtc(ms - 86_400_000), update_time: secondsUtc(ms - 1_800_000),
    });
  }
  for (const p of peopleOf(slice)) {
    const { firstName, lastName, email, ms, company } = bulkPerson(p);
    persons.push({
      id: p - slice.person + 1, first_name: firstName, last_name: lastName,
      emails: [{ value: email, primary: true, label: 'work' }],
      phones: [{ value: phone(p), primary: true, label: 'work' }],
      ...(slice.hasCompany(company) ? { org_id: orgId(company) } : {}),
      add_time: secondsUtc(ms - 86_400_000), update_time: secondsUtc(ms - 5_400_000),
    });
  }
  // Pipedrive's v2 times are RFC 3339 at second precision (secondsUtc).
  writeSeedFiles(dir, 'pipedrive', { persons, organizations, deals: [] });
  return { persons: persons.length, organizations: organizations.length, deals: 0 };
}
