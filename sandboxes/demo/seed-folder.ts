/**
 * The sandbox seed-folder format (issue 3): `<dir>/salesforce/{Contact,Account,Opportunity,Lead}.json` and
 * `<dir>/hubspot/{contacts,companies,deals}.json`, `<dir>/pipedrive/{persons,organizations,deals}.json`,
 * `<dir>/dynamics/{contacts,accounts,opportunities}.json`, `<dir>/zoho/{Contacts,Accounts,Deals}.json`, each file a JSON array of records in the CRM's REST shape
 * (Dynamics: Dataverse rows by attribute logical name, lookups as `_<name>_value` GUIDs; Zoho: records by API name, lookups as `{ id }`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DynamicsDemoSeed } from './dynamics-records.ts';
import type { HubSpotSeed } from './hubspot-records.ts';
import type { PipedriveDemoSeed } from './pipedrive-records.ts';
import type { SalesforceSeed } from './salesforce-records.ts';
import type { ZohoDemoSeed } from './zoho-records.ts';
import type { DemoTruth } from './truth.ts';

export const SEED_FILES = {
  salesforce: ['Contact', 'Account', 'Opportunity', 'Lead'],
  hubspot: ['contacts', 'companies', 'deals'],
  pipedrive: ['persons', 'organizations', 'deals'],
  dynamics: ['contacts', 'accounts', 'opportunities'],
  zoho: ['Contacts', 'Accounts', 'Deals'],
} as const;

export interface SeedFolderContent {
  salesforce: SalesforceSeed;
  hubspot: HubSpotSeed;
  /** Absent: no Pipedrive folder (its sandbox then starts empty). */
  pipedrive?: PipedriveDemoSeed;
  /** Absent: no Dynamics folder (its sandbox then starts empty). */
  dynamics?: DynamicsDemoSeed;
  /** Absent: no Zoho folder (its sandbox then starts empty). */
  zoho?: ZohoDemoSeed;
  truth?: DemoTruth;
}

/**
 * Writes the seed folder (creating it) and returns the paths written. Synchronous on purpose: a sandbox's
 * reset hook can call it without caring whether it awaits. With `includeTruth`, the ground truth goes to
 * `<dir>/truth.json`, outside the CRM folders so the sandboxes never read it.
 */
export function writeSeedFolder(dir: string, seed: SeedFolderContent, options: { includeTruth?: boolean } = {}): string[] {
  const written: string[] = [];
  const write = (file: string, data: unknown) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
    written.push(file);
  };
  for (const object of SEED_FILES.salesforce) write(path.join(dir, 'salesforce', `${object}.json`), seed.salesforce[object]);
  for (const object of SEED_FILES.hubspot) write(path.join(dir, 'hubspot', `${object}.json`), seed.hubspot[object]);
  if (seed.pipedrive) for (const object of SEED_FILES.pipedrive) write(path.join(dir, 'pipedrive', `${object}.json`), seed.pipedrive[object]);
  if (seed.dynamics) for (const object of SEED_FILES.dynamics) write(path.join(dir, 'dynamics', `${object}.json`), seed.dynamics[object]);
  if (seed.zoho) for (const object of SEED_FILES.zoho) write(path.join(dir, 'zoho', `${object}.json`), seed.zoho[object]);
  if (options.includeTruth && seed.truth) write(path.join(dir, 'truth.json'), seed.truth);
  return written;
}
