/**
 * Loads records in Salesforce's own REST shape (as a query or retrieve returns them), ids preserved.
 * Unlike client writes, seeds may carry system fields (CreatedDate, SystemModstamp, IsDeleted…) so a data set
 * can describe history. Anything malformed stops the load with the file (or source) name and record index.
 */
import { readSeedFiles } from '../../common/seed-files.ts';
import type { ObjectDef } from '../describe/field-types.ts';
import { USER_ID, to18 } from '../ids.ts';
import type { SalesforceOrg } from '../org.ts';
import type { SfRecord } from '../store.ts';
import { formatDateTime, parseDateTime } from '../time.ts';
import { coerceValue } from './coerce.ts';
import { applyDerived } from './derived.ts';

/**
 * Records per object in Salesforce REST shape. `User` is optional: owners referenced by other records but not
 * listed get a placeholder user, and the integration user always exists.
 */
export type SalesforceSeed = { Contact?: object[]; Account?: object[]; Opportunity?: object[]; Lead?: object[]; User?: object[] };

export const SEED_OBJECTS = ['User', 'Account', 'Contact', 'Opportunity', 'Lead'] as const;

/** Thrown for a malformed seed; the message names the source and record index. */
export class SeedError extends Error {}

interface Loaded {
  source: string;
  index: number;
  type: string;
  record: SfRecord;
}

/** Reads `<dir>/salesforce/<Object>.json`; a missing file means no records of that type. */
export async function readSeedDir(dir: string): Promise<{ seed: SalesforceSeed; sources: Record<string, string> }> {
  const { records, files } = await readSeedFiles(dir, 'salesforce', SEED_OBJECTS, (message, cause) => new SeedError(message, { cause }));
  return { seed: records as SalesforceSeed, sources: files };
}

/**
 * Replaces all records with the seed. Validates everything first (references after all types are read, so
 * file order does not matter) and only then swaps the data in.
 */
export function loadSeed(org: SalesforceOrg, seed: SalesforceSeed, sources: Record<string, string> = {}): void {
  const loaded: Loaded[] = [];
  const seenIds = new Set<string>();
  for (const type of SEED_OBJECTS) {
    const obj = org.meta.requireObject(type);
    const source = sources[type] ?? `demoSeed.${type}`;
    (seed[type] ?? []).forEach((raw, index) => {
      const where = `${source}: record ${index}`;
      try {
        const record = seedRecord(org, obj, raw);
        if (seenIds.has(record.Id)) throw new Error(`duplicate Id ${record.Id}`);
        seenIds.add(record.Id);
        loaded.push({ source, index, type, record });
      } catch (err) {
        throw new SeedError(`${where}: ${(err as Error).message}`, { cause: err });
      }
    });
  }
  org.store.clear();
  for (const l of loaded) org.store.put(l.type, l.record);
  addMissingUsers(org);
  try {
    for (const l of loaded) checkSeedReferences(org, org.meta.requireObject(l.type), l.record, `${l.source}: record ${l.index}`);
  } catch (err) {
    org.store.clear();
    throw err;
  }
}

function seedRecord(org: SalesforceOrg, obj: ObjectDef, raw: unknown): SfRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  const row: Record<string, unknown> = {};
  for (const f of obj.fields) row[f.name] = f.defaultValue ?? null;
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === 'attributes') continue;
    const field = org.meta.field(obj.name, key);
    if (!field) {
      // Parent relationship objects (`"Account": {...}`) as a query returns them are allowed and ignored.
      if (org.meta.relationship(obj.name, key) && (value === null || typeof value === 'object')) continue;
      throw new Error(`unknown field '${key}' on ${obj.name}`);
    }
    if (field.type === 'address') continue; // recomputed from its components
    try {
      given[field.name] = coerceValue(field, value);
    } catch (err) {
      throw new Error(`field ${field.name}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (obj.name === 'User' && given.LastName == null && typeof given.Name === 'string') {
    // Seeds often carry only a user's full name.
    const parts = given.Name.trim().split(/\s+/);
    given.LastName = parts.pop() ?? given.Name;
    given.FirstName ??= parts.join(' ') || null;
  }
  Object.assign(row, given);
  const id = typeof given.Id === 'string' ? given.Id : org.newId(obj.keyPrefix);
  if (id.slice(0, 3) !== obj.keyPrefix) throw new Error(`Id ${id} does not have the ${obj.name} key prefix ${obj.keyPrefix}`);
  row.Id = to18(id);
  const missing = obj.fields.filter((f) => f.required && !f.readOnly && row[f.name] === null).map((f) => f.name);
  if (missing.length) throw new Error(`required fields are missing: [${missing.join(', ')}]`);
  const now = formatDateTime(Date.now());
  row.CreatedDate ??= row.LastModifiedDate ?? now;
  row.LastModifiedDate ??= row.CreatedDate;
  row.SystemModstamp ??= row.LastModifiedDate;
  row.CreatedById ??= USER_ID;
  row.LastModifiedById ??= USER_ID;
  if ('OwnerId' in row) row.OwnerId ??= USER_ID;
  row.IsDeleted = given.IsDeleted === true;
  if (row.IsDeleted) row.$deletedAt = parseDateTime(row.SystemModstamp as string);
  applyDerived(obj.name, row, given, true);
  // A seed's own probability/forecast wins over the stage defaults applied above.
  for (const k of ['Probability', 'ForecastCategoryName', 'IsClosed', 'IsWon', 'ExpectedRevenue']) {
    if (given[k] !== undefined && given[k] !== null && obj.name === 'Opportunity') row[k] = given[k];
  }
  return row as SfRecord;
}

function checkSeedReferences(org: SalesforceOrg, obj: ObjectDef, record: SfRecord, where: string): void {
  for (const f of obj.fields) {
    if (f.type !== 'reference' || f.readOnly || record[f.name] === null) continue;
    try {
      const target = f.referenceTo?.[0] ?? '';
      const targetDef = org.meta.object(target);
      const id = record[f.name] as string;
      if (targetDef && id.slice(0, 3) !== targetDef.keyPrefix) throw new Error(`id value of incorrect type: ${id}`);
      if (!org.store.get(target, id)) throw new Error(`no ${target} with Id ${id}`);
    } catch (err) {
      throw new SeedError(`${where}: field ${f.name}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** The integration user, plus a placeholder for every user a record names but the seed does not list. */
function addMissingUsers(org: SalesforceOrg): void {
  const wanted = new Map<string, string>([[USER_ID, 'Integration User']]);
  for (const type of SEED_OBJECTS) {
    const obj = org.meta.requireObject(type);
    const userRefs = obj.fields.filter((f) => f.type === 'reference' && f.referenceTo?.[0] === 'User');
    for (const rec of org.store.all(type, { includeDeleted: true })) {
      for (const f of userRefs) {
        const id = rec[f.name];
        if (typeof id === 'string' && id.startsWith('005') && !wanted.has(id)) wanted.set(id, `Sandbox User ${id.slice(9, 15)}`);
      }
    }
  }
  const stamp = formatDateTime(Date.now());
  for (const [id, name] of wanted) {
    if (org.store.get('User', id)) continue;
    const [first, ...rest] = name.split(' ');
    const row: Record<string, unknown> = {};
    for (const f of org.meta.requireObject('User').fields) row[f.name] = f.defaultValue ?? null;
    Object.assign(row, {
      Id: id, FirstName: first, LastName: rest.join(' '), Name: name, Username: `${id.toLowerCase()}@customer-graph.sandbox`,
      IsDeleted: false, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, CreatedById: USER_ID, LastModifiedById: USER_ID,
    });
    if (id === USER_ID) Object.assign(row, { Username: 'integration@customer-graph.sandbox', Email: 'integration@customer-graph.sandbox' });
    org.store.put('User', row as SfRecord);
  }
}
