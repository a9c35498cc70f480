/**
 * Seeding: records "as the v3 API returns them" (ids preserved, v3 `associations` block), from a folder
 * (`<dir>/hubspot/{contacts,companies,deals}.json`) or from objects in memory (the demo generator). A malformed
 * file or record stops the load with an error naming the file and the record index. Seeding is not an API
 * write: it leaves no ledger entries and sends no webhooks.
 */
import { readSeedFiles } from '../common/seed-files.ts';
import { OBJECT_TYPE_NAMES, OBJECT_TYPES, resolveObjectType } from './object-types.ts';
import type { ObjectTypeName } from './object-types.ts';
import { associationType, associationTypeByName, defaultAssociationType } from './association-types.ts';
import { Portal } from './store.ts';
import type { StoredRecord } from './store.ts';
import { normalizeValue, parseHubSpotDate } from './properties.ts';
import { setValues } from './writes.ts';

export type HubSpotSeed = { contacts?: object[]; companies?: object[]; deals?: object[] };

/** Where each list came from, for error messages (a file path, or `demoSeed.contacts`). */
export type SeedSources = Partial<Record<ObjectTypeName, string>>;

export class SeedError extends Error {}

export async function readSeedDir(dir: string): Promise<{ seed: HubSpotSeed; sources: SeedSources }> {
  const { records, files } = await readSeedFiles(dir, 'hubspot', OBJECT_TYPE_NAMES, (message) => new SeedError(`HubSpot seed file ${message}`));
  return { seed: records as HubSpotSeed, sources: files as SeedSources };
}

/** Builds a fresh portal from a seed; throws SeedError naming the source and record index. */
export function buildPortal(seed: HubSpotSeed, sources: SeedSources = {}): Portal {
  const portal = new Portal();
  const pendingAssociations: { type: ObjectTypeName; index: number; id: string; raw: unknown }[] = [];
  const seen = new Set<string>();
  for (const type of OBJECT_TYPE_NAMES) {
    const list = seed[type] ?? [];
    if (!Array.isArray(list)) throw new SeedError(`HubSpot seed ${sources[type] ?? `demoSeed.${type}`} must be an array`);
    list.forEach((raw, index) => {
      const where = `HubSpot seed ${sources[type] ?? `demoSeed.${type}`}, record ${index}`;
      try {
        const record = seedRecord(portal, type, raw, seen);
        const assoc = (raw as { associations?: unknown }).associations;
        if (assoc !== undefined) pendingAssociations.push({ type, index, id: record.id, raw: assoc });
      } catch (err) {
        throw new SeedError(`${where}: ${(err as Error).message}`);
      }
    });
  }
  for (const p of pendingAssociations) {
    try {
      seedAssociations(portal, p.type, p.id, p.raw);
    } catch (err) {
      throw new SeedError(`HubSpot seed ${sources[p.type] ?? `demoSeed.${p.type}`}, record ${p.index}: ${(err as Error).message}`);
    }
  }
  return portal;
}

function seedRecord(portal: Portal, type: ObjectTypeName, raw: unknown, seen: Set<string>): StoredRecord {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('a record must be a JSON object');
  const r = raw as Record<string, unknown>;
  const props = r.properties ?? {};
  if (!props || typeof props !== 'object' || Array.isArray(props)) throw new Error('"properties" must be an object');
  let id: string;
  if (r.id === undefined || r.id === null) id = portal.records.allocateId();
  else if ((typeof r.id === 'string' || typeof r.id === 'number') && /^[1-9]\d*$/.test(String(r.id))) id = String(r.id);
  else throw new Error(`"id" must be a numeric string, got ${JSON.stringify(r.id)}`);
  if (seen.has(`${type}:${id}`)) throw new Error(`duplicate id ${id}`);
  seen.add(`${type}:${id}`);
  if (r.archived !== undefined && typeof r.archived !== 'boolean') throw new Error('"archived" must be a boolean');

  const values: Record<string, string> = {};
  const modified = OBJECT_TYPES[type].modifiedProperty;
  for (const [name, value] of Object.entries(props as Record<string, unknown>)) {
    if (name === 'hs_object_id') continue;
    let def = portal.properties.get(type, name);
    // A real export carries many properties the sandbox does not define: keep them as custom text properties.
    def ??= portal.properties.create(type, { name, label: name, type: 'string', fieldType: 'text', groupName: `${OBJECT_TYPES[type].singular}information` });
    const n = normalizeValue(def, value);
    if ('problem' in n) throw new Error(`property ${name}: ${n.problem.message}`);
    values[name] = n.value;
  }
  const createdAt = timestamp(r.createdAt, 'createdAt') ?? timestamp(values.createdate, 'createdate') ?? new Date().toISOString();
  const updatedAt = timestamp(r.updatedAt, 'updatedAt') ?? timestamp(values[modified], modified) ?? createdAt;
  values.createdate = createdAt;
  values[modified] = updatedAt;
  values.hs_object_id = id;
  const record: StoredRecord = { id, type, properties: {}, history: {}, createdAt, updatedAt, archived: false };
  setValues(record, values, updatedAt, null, 'IMPORT');
  for (const email of type === 'contacts' && values.email ? [values.email] : []) {
    const other = portal.records.findByUnique('contacts', 'email', email);
    if (other) throw new Error(`email ${email} is already used by contact ${other.id}`);
  }
  if (r.archived === true) {
    record.archived = true;
    record.archivedAt = timestamp(r.archivedAt, 'archivedAt') ?? updatedAt;
  }
  portal.records.put(record);
  return record;
}

function timestamp(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const d = parseHubSpotDate(v);
  if (!d) throw new Error(`${what} is not a valid date: ${JSON.stringify(v)}`);
  return d.toISOString();
}

/**
 * Accepts the v3 read block `{companies: {results: [{id, type}]}}` (type names such as `contact_to_company` or
 * numeric type ids) and the v3 create array `[{to: {id}, types: [{associationTypeId}]}]`.
 */
function seedAssociations(portal: Portal, fromType: ObjectTypeName, fromId: string, raw: unknown): void {
  const add = (toType: ObjectTypeName, toId: string, typeRaw: unknown) => {
    const t = typeRaw === undefined || typeRaw === null || typeRaw === ''
      ? defaultAssociationType(fromType, toType)
      : /^\d+$/.test(String(typeRaw)) ? associationType(Number(typeRaw)) : associationTypeByName(String(typeRaw));
    if (!t || t.from !== fromType || t.to !== toType) throw new Error(`association type ${JSON.stringify(typeRaw)} is not valid from ${fromType} to ${toType}`);
    if (!portal.records.raw(toType, toId)) throw new Error(`associated ${toType} ${toId} does not exist`);
    portal.link(fromType, fromId, toType, toId, t.typeId);
  };
  if (Array.isArray(raw)) {
    for (const a of raw as { to?: { id?: unknown }; types?: { associationTypeId?: unknown }[] }[]) {
      for (const spec of a?.types ?? []) {
        const t = associationType(Number(spec?.associationTypeId));
        if (!t || t.from !== fromType) throw new Error(`association type ${JSON.stringify(spec?.associationTypeId)} is not valid from ${fromType}`);
        add(t.to, String(a?.to?.id ?? ''), t.typeId);
      }
    }
    return;
  }
  if (!raw || typeof raw !== 'object') throw new Error('"associations" must be an object or an array');
  for (const [key, block] of Object.entries(raw as Record<string, unknown>)) {
    const toType = resolveObjectType(key);
    if (!toType) throw new Error(`unknown associated object type ${key}`);
    const results = (block as { results?: unknown })?.results;
    if (!Array.isArray(results)) throw new Error(`associations.${key}.results must be an array`);
    for (const item of results as { id?: unknown; type?: unknown }[]) add(toType, String(item?.id ?? ''), item?.type);
  }
}
