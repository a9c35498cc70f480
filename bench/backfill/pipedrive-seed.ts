/**
 * The Pipedrive part of the backfill bench's seed folder: `<dir>/pipedrive/{persons,organizations,deals}.json` in the
 * sandbox's v2 seed shape. N persons and N/5 organizations, drawn from the same bulk people and companies as the
 * Salesforce and HubSpot files (bulk-seed.ts), shifted by three quarters of N: with Salesforce holding people
 * [0, N) and HubSpot [N/2, 3N/2), Pipedrive's [3N/4, 7N/4) gives a quarter of its persons in all three CRMs, half
 * in HubSpot too and a quarter in Pipedrive alone — so the `all` scenario links across three CRMs by email.
 * Organizations carry no domain (the default mapping takes only their name), so they link to nothing. No deals, as
 * on the other sides. Deterministic: no clock, no randomness.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bulkCompany, bulkPerson, phone } from './bulk-seed.ts';

export interface PipedriveSeedCounts {
  persons: number;
  organizations: number;
  deals: number;
}

/** Where Pipedrive's people and companies start in the bulk sequences (see the header). */
export function pipedriveOffsets(people: number): { person: number; company: number } {
  return { person: Math.floor((people * 3) / 4), company: Math.floor((Math.ceil(people / 5) * 3) / 4) };
}

// Pipedrive's v2 times are RFC 3339 at second precision.
const pdTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function writePipedriveSeed(dir: string, people: number): PipedriveSeedCounts {
  const companies = Math.ceil(people / 5);
  const offsets = pipedriveOffsets(people);
  const organizations: object[] = [];
  const persons: object[] = [];
  // Ids are given (1-based within Pipedrive) so persons can name their organization.
  const orgId = (c: number) => c - offsets.company + 1;
  for (let c = offsets.company; c < offsets.company + companies; c++) {
    const { name, ms } = bulkCompany(c);
    organizations.push({
      id: orgId(c), name, address: `${c} Market St, San Francisco, CA 94105, United States`,
      add_time: pdTime(ms - 86_400_000), update_time: pdTime(ms - 1_800_000),
    });
  }
  for (let p = offsets.person; p < offsets.person + people; p++) {
    const { firstName, lastName, email, ms, company } = bulkPerson(p);
    const inRange = company >= offsets.company && company < offsets.company + companies;
    persons.push({
      id: p - offsets.person + 1, first_name: firstName, last_name: lastName,
      emails: [{ value: email, primary: true, label: 'work' }],
      phones: [{ value: phone(p), primary: true, label: 'work' }],
      ...(inRange ? { org_id: orgId(company) } : {}),
      add_time: pdTime(ms - 86_400_000), update_time: pdTime(ms - 5_400_000),
    });
  }
  const write = (object: string, data: unknown[]) => {
    fs.mkdirSync(path.join(dir, 'pipedrive'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pipedrive', `${object}.json`), JSON.stringify(data));
  };
  write('persons', persons);
  write('organizations', organizations);
  write('deals', []);
  return { persons: persons.length, organizations: organizations.length, deals: 0 };
}
