/**
 * What the per-CRM seeds beside bulk-seed.ts share (pipedrive-seed.ts, dynamics-seed.ts, zoho-seed.ts): each holds
 * N of the bulk people and N/5 of the bulk companies, shifted along the bulk sequences by a fraction of N (and of
 * N/5) so that its people fall on different combinations of the other CRMs' ranges; a person names their company
 * only when it is in the same CRM. Plus the JSON files under `<dir>/<crm>/` and second-precision UTC times.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SeedSlice {
  /** First bulk person and first bulk company of the slice. */
  person: number;
  company: number;
  people: number;
  companies: number;
  /** Whether bulk company c is in the slice (a person at another company names none). */
  hasCompany(c: number): boolean;
}

/** N people and N/5 companies from `shift` of the way along: person floor(N × shift), company floor(N/5 × shift). */
export function seedSlice(people: number, shift: number): SeedSlice {
  const companies = Math.ceil(people / 5);
  const person = Math.floor(people * shift);
  const company = Math.floor(companies * shift);
  return { person, company, people, companies, hasCompany: (c) => c >= company && c < company + companies };
}

/** The slice's bulk company and person numbers, in order. */
export function* companiesOf(slice: SeedSlice): Generator<number> {
  for (let c = slice.company; c < slice.company + slice.companies; c++) yield c;
}
export function* peopleOf(slice: SeedSlice): Generator<number> {
  for (let p = slice.person; p < slice.person + slice.people; p++) yield p;
}

/** `2024-05-01T12:00:00Z`: RFC 3339 at second precision (Pipedrive v2, Dataverse). */
export const secondsUtc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Writes `<dir>/<crm>/<name>.json` for each file, as the sandboxes' seed folders hold them. */
export function writeSeedFiles(dir: string, crm: string, files: Record<string, unknown[]>): void {
  fs.mkdirSync(path.join(dir, crm), { recursive: true });
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, crm, `${name}.json`), JSON.stringify(data));
}
