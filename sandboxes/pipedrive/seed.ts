/**
 * Seeds: v2-shaped partial records loaded as if imported — no API call counted, no ledger entry, their
 * `add_time`/`update_time` kept. From code (`seed` option, `POST /_sandbox/pipedrive/seed`) or from a seed folder
 * `<dir>/pipedrive/{persons,organizations,deals}.json` (each a JSON array; a missing file is an empty object).
 */
import { readSeedFiles } from '../common/seed-files.ts';
import { badRequest } from './errors.ts';
import { OBJECT_NAMES } from './objects.ts';
import { Company } from './store.ts';
import type { StoredRecord } from './store.ts';
import { seedRecord } from './writes.ts';

/** A v2 record, partly given: `id` optional; `add_time`/`update_time` (RFC 3339 or `YYYY-MM-DD HH:MM:SS`) kept. */
export type SeedRecord = Record<string, unknown>;

export interface PipedriveSeed {
  persons?: SeedRecord[];
  organizations?: SeedRecord[];
  deals?: SeedRecord[];
}

/**
 * Adds the seed's records to `company`, all or nothing: every record is checked before any is stored. Records
 * with an id keep it (replacing a stored one); the others get the next free ids.
 */
export function loadSeed(company: Company, seed: PipedriveSeed): Record<string, number> {
  if (!seed || typeof seed !== 'object') throw badRequest('The seed must be an object {persons?, organizations?, deals?}');
  const unknown = Object.keys(seed).filter((k) => !(OBJECT_NAMES as readonly string[]).includes(k));
  if (unknown.length) throw badRequest(`Unknown seed objects: ${unknown.join(', ')}`);
  const checked: StoredRecord[] = [];
  for (const object of OBJECT_NAMES) {
    const list = seed[object] ?? [];
    if (!Array.isArray(list)) throw badRequest(`seed.${object} must be an array`);
    list.forEach((raw, i) => {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest(`seed.${object}[${i}] must be an object`);
      try {
        checked.push(seedRecord(company, object, raw));
      } catch (err) {
        (err as Error).message = `seed.${object}[${i}]: ${(err as Error).message}`;
        throw err;
      }
    });
  }
  for (const record of checked) if (record.id > 0) company.records.put(record);
  for (const record of checked) if (record.id === 0) company.records.put({ ...record, id: company.records.allocateId(record.object) });
  return Object.fromEntries(OBJECT_NAMES.map((o) => [o, (seed[o] ?? []).length]));
}

export function buildCompany(seed: PipedriveSeed = {}): Company {
  const company = new Company();
  loadSeed(company, seed);
  return company;
}

export async function readSeedDir(dir: string): Promise<PipedriveSeed> {
  return (await readSeedFiles(dir, 'pipedrive', OBJECT_NAMES)).records as PipedriveSeed;
}
