/**
 * Synthetic reference fields read from associations. HubSpot names a deal's company and contacts only through
 * associations (no deal property holds them), so deals gain two read-only fields named like HubSpot's own contact
 * property `associatedcompanyid`:
 *  - `associatedcompanyid`: the deal's primary company (association type 5, deal→company primary), else the
 *    lowest associated company id;
 *  - `associatedcontactid`: the lowest associated contact id (deal→contact has no primary type).
 * Values are id strings, or null without an association. They are filled for a whole page with one associations v4
 * batch read per association type (`POST /crm/v4/associations/deals/{companies|contacts}/batch/read`), never one
 * call per record, and only when asked for. A portal with a real deal property of the same name keeps its own:
 * nothing synthetic is added then.
 */
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, FieldDescription, NativeRecord } from '../contract/index.ts';
import { chunk } from '../runtime/index.ts';
import type { HubSpotApi } from './client.ts';
import { HUBSPOT, expectResults } from './client.ts';

/** One synthetic reference field of an object type. */
export interface SyntheticReference {
  name: string;
  label: string;
  /** The v4 path segment of the associated object type. */
  toObjectType: 'companies' | 'contacts';
  /** The HUBSPOT_DEFINED type id that marks the primary association, when the pair has one. */
  primaryTypeId?: number;
  /** The v3 name of the association type, shown as the field's native type. */
  typeName: string;
}

const SYNTHETIC: Record<string, readonly SyntheticReference[]> = {
  deals: [
    { name: 'associatedcompanyid', label: 'Primary associated company ID (from the deal\'s associations)', toObjectType: 'companies', primaryTypeId: 5, typeName: 'deal_to_company' },
    { name: 'associatedcontactid', label: 'Associated contact ID, lowest (from the deal\'s associations)', toObjectType: 'contacts', typeName: 'deal_to_contact' },
  ],
};

/** HubSpot's input limit of an associations v4 batch read. */
export const MAX_ASSOCIATION_BATCH = 1000;

/** The synthetic references an object type can have (`deals`, `deal` and `0-3` alike); none for others. */
export function syntheticReferencesOf(canonicalObjectType: string): readonly SyntheticReference[] {
  return SYNTHETIC[canonicalObjectType] ?? [];
}

/** The synthetic fields a description adds: those whose name no real property of the portal takes. */
export function syntheticFieldDescriptions(canonicalObjectType: string, realNames: ReadonlySet<string>): FieldDescription[] {
  return syntheticReferencesOf(canonicalObjectType).filter((s) => !realNames.has(s.name)).map((s) => ({
    name: s.name,
    label: s.label,
    type: 'reference',
    nativeType: `association/${s.typeName}`,
    nillable: true,
    // Associations are not properties: HubSpot would refuse the name in a write.
    createable: false,
    updateable: false,
    custom: false,
    unique: false,
    externalId: false,
    referenceTo: [s.toObjectType],
    // One associations batch read per page: not worth paying for a query that does not select it.
    separateRead: true,
  }));
}

/** What a read asks HubSpot for: the real properties, and the synthetic references to fill afterwards. */
export interface ReadPlan {
  properties: string[];
  synthetic: readonly SyntheticReference[];
}

/**
 * Splits the requested fields (undefined: every field) into HubSpot properties and synthetic references. The
 * portal's property names are needed only when a synthetic one may be involved (cached by the catalog).
 */
export async function planRead(
  canonicalObjectType: string, fields: readonly string[] | undefined, propertyNames: () => Promise<string[]>,
): Promise<ReadPlan> {
  const candidates = syntheticReferencesOf(canonicalObjectType).filter((s) => fields === undefined || fields.includes(s.name));
  if (fields !== undefined && candidates.length === 0) return { properties: [...fields], synthetic: [] };
  const real = await propertyNames();
  const realSet = new Set(real);
  const synthetic = candidates.filter((s) => !realSet.has(s.name));
  const skip = new Set(synthetic.map((s) => s.name));
  return { properties: (fields ?? real).filter((n) => !skip.has(n)), synthetic };
}

/** The synthetic names among `fields` of a write that no real property takes (they must not be written). */
export async function syntheticNamesWritten(
  canonicalObjectType: string, fieldsOfItems: readonly Record<string, unknown>[], propertyNames: () => Promise<string[]>,
): Promise<Set<string>> {
  const named = syntheticReferencesOf(canonicalObjectType).filter((s) => fieldsOfItems.some((f) => f[s.name] !== undefined));
  if (named.length === 0) return new Set();
  // Without the property list (HubSpot unreachable) the names count as synthetic: their items fail, not the call.
  const real = new Set(await propertyNames().catch((): string[] => []));
  return new Set(named.filter((s) => !real.has(s.name)).map((s) => s.name));
}

/** Throws CRM_VALIDATION when an item's fields name a synthetic reference (the item fails alone, before any call). */
export function refuseSynthetic(objectType: string, fields: Record<string, unknown>, synthetic: ReadonlySet<string>): void {
  const named = Object.keys(fields).filter((n) => fields[n] !== undefined && synthetic.has(n));
  if (named.length === 0) return;
  throw new ConnectorError('CRM_VALIDATION', HUBSPOT,
    `${named.join(', ')} on ${objectType} come from associations and are read only; change the associations in HubSpot instead`,
    { details: { fields: named } });
}

/** The subset of the v4 batch answer we read (the client renames `from` to `_from`). */
interface AssociationResult {
  _from?: { id?: string };
  from?: { id?: string };
  to?: { toObjectId?: string | number; associationTypes?: { typeId?: number }[] }[];
  paging?: { next?: { after?: string } };
}

interface Associated { id: string; typeIds: number[] }

/** Numeric ids compared as numbers, without the precision limit of a double. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function pick(reference: SyntheticReference, associated: readonly Associated[]): string | null {
  if (associated.length === 0) return null;
  const primary = reference.primaryTypeId === undefined ? undefined : associated.find((a) => a.typeIds.includes(reference.primaryTypeId!));
  if (primary) return primary.id;
  return [...associated].sort((a, b) => compareIds(a.id, b.id))[0]!.id;
}

/**
 * All associations of `ids` to `toObjectType`: one batch read per 1,000 ids; an input whose list HubSpot pages
 * is read on in one more batch for every such input together. Ids without associations answer a 207 entry
 * `NO_ASSOCIATIONS_FOUND`, which is simply "none".
 */
async function readAssociations(api: HubSpotApi, fromObjectType: string, toObjectType: string, ids: readonly string[], options: CallOptions): Promise<Map<string, Associated[]>> {
  const found = new Map<string, Associated[]>();
  let pending: { id: string; after?: string }[] = ids.map((id) => ({ id }));
  while (pending.length > 0) {
    const pages = await Promise.all(chunk(pending, MAX_ASSOCIATION_BATCH).map((inputs) =>
      api.call(options.lane ?? 'interactive', (client) =>
        client.crm.associations.v4.batchApi.getPageWithHttpInfo(fromObjectType, toObjectType, { inputs: inputs.map((i) => ({ ...i })) }), { signal: options.signal })));
    const next: { id: string; after: string }[] = [];
    for (const page of pages) {
      for (const result of expectResults<AssociationResult>(page, 'an associations batch read')) {
        const id = String(result._from?.id ?? result.from?.id ?? '');
        if (!id) continue;
        const list = found.get(id) ?? [];
        for (const to of result.to ?? []) {
          if (to?.toObjectId === undefined || to.toObjectId === null) continue;
          list.push({ id: String(to.toObjectId), typeIds: (to.associationTypes ?? []).map((t) => Number(t?.typeId)) });
        }
        found.set(id, list);
        const after = result.paging?.next?.after;
        if (after !== undefined && after !== '') next.push({ id, after });
      }
    }
    pending = next;
  }
  return found;
}

/**
 * Fills the synthetic references of a page of records in place: one batch read per reference (in parallel), for the
 * live records only (an archived record's associations are gone); archived ones get null.
 */
export async function fillSyntheticReferences(
  api: HubSpotApi, objectType: string, records: readonly NativeRecord[], synthetic: readonly SyntheticReference[], options: CallOptions = {},
): Promise<void> {
  if (synthetic.length === 0 || records.length === 0) return;
  const live = [...new Set(records.filter((r) => !r.deleted).map((r) => r.id))];
  const answers = await Promise.all(synthetic.map((s) =>
    live.length ? readAssociations(api, objectType, s.toObjectType, live, options) : Promise.resolve(new Map<string, Associated[]>())));
  synthetic.forEach((s, k) => {
    for (const record of records) record.fields[s.name] = record.deleted ? null : pick(s, answers[k]!.get(record.id) ?? []);
  });
}
