/**
 * "This input cannot be written where it must go": the checks a golden mutation's values must pass once the plan says
 * which native fields of which linked CRM records they go to. Refused here, a value never reaches the outbox, where it
 * would otherwise empty a field in one CRM while another dead-letters it (REQUIRED_FIELD_MISSING, STRING_TOO_LONG), or
 * be skipped everywhere without the client noticing (a misspelt picklist value).
 *
 * - Picklist-mapped fields take one of the golden values their writable picklist maps can write back (values and
 *   reverse keys, as configured); a value one CRM takes and another cannot (through a reverse map or not) is fine.
 * - A planned write of an empty value (null, '') to a native field the CRM's metadata marks required is refused.
 * - A planned string longer than the native field's length is refused, naming the smallest limit and its CRM.
 *
 * Metadata comes from each connector's describeObjects, cached briefly per connector and object; when it cannot be
 * read the metadata checks are skipped for that object (the CRM's own refusal then dead-letters, as before).
 */
import type { Connector, FieldDescription } from '../../connectors/contract/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { picklistConverter, picklistGoldenValues } from '../../resolver-engine/mapping/converters/picklist.ts';
import type { PicklistOptions } from '../../resolver-engine/mapping/converters/picklist.ts';
import { WriteBackInputError } from './input-error.ts';
import type { PlannedWrite, WriteBackPlan } from './planner.ts';

/** Native field descriptions of one CRM object; null when the metadata could not be read. */
export type FieldMetadata = (connectorId: string, objectType: string) => Promise<ReadonlyMap<string, FieldDescription> | null>;

const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * Required in the CRM's sense: it may never be null once set. Booleans are non-nillable only because they default
 * to false, and the id is never written, so neither counts.
 */
export function isRequiredField(f: FieldDescription): boolean {
  return !f.nillable && f.updateable && f.type !== 'boolean' && f.type !== 'id';
}

/**
 * Refuses a non-empty value of a picklist-mapped field that none of its writable picklist maps can write back (asked
 * of the converter itself, so the check and the write never disagree).
 */
export function checkPicklistValues(config: MappingConfig, typeName: string, values: Readonly<Record<string, unknown>>): void {
  const type = config.types[typeName];
  if (!type) return;
  for (const [field, value] of Object.entries(values)) {
    if (isEmpty(value)) continue;
    const def = type.fields[field];
    const maps = (def?.mappings ?? []).filter((m) => m.writable && m.converter.name === 'picklist');
    const options = (m: (typeof maps)[number]) => m.converter.options as PicklistOptions;
    const writes = (m: (typeof maps)[number]) => picklistConverter.fromGolden!(value, options(m), {
      goldenType: def!.type, crm: m.crm, objectType: m.objectType, nativeFields: m.from, defaultRegion: config.defaultRegion,
    }).ok;
    if (maps.length === 0 || maps.some(writes)) continue;
    const valid = [...new Set(maps.flatMap((m) => picklistGoldenValues(options(m)) ?? []))];
    throw new WriteBackInputError(field, `${field}: '${String(value)}' is not a valid value; valid values: ${valid.join(', ')}`);
  }
}

const where = (w: PlannedWrite) => `${w.crm} ${w.objectType}.${w.nativeField}`;

/** Refuses the plan's writes the CRMs' metadata says they would reject: emptying a required field, too long a string. */
export async function checkNativeConstraints(plan: WriteBackPlan, metadata: FieldMetadata): Promise<void> {
  const objects = new Map<string, Promise<ReadonlyMap<string, FieldDescription> | null>>();
  const describe = (w: PlannedWrite) => {
    const key = `${w.connectorId}\u0000${w.objectType}`;
    if (!objects.has(key)) objects.set(key, metadata(w.connectorId, w.objectType).catch(() => null));
    return objects.get(key)!;
  };
  const checked = plan.writes.filter((w) => isEmpty(w.value) || typeof w.value === 'string');
  const described = await Promise.all(checked.map(async (w) => ({ w, f: (await describe(w))?.get(w.nativeField) })));
  const tooLong = new Map<string, { w: PlannedWrite; limit: number; length: number }>();
  for (const { w, f } of described) {
    if (!f) continue;
    if (isEmpty(w.value) && isRequiredField(f)) {
      throw new WriteBackInputError(w.field, `${w.field}: a value is required (${where(w)} is required in ${w.crm}); it cannot be emptied`);
    }
    if (typeof w.value === 'string' && f.length !== undefined && w.value.length > f.length) {
      const seen = tooLong.get(w.field);
      if (!seen || f.length < seen.limit) tooLong.set(w.field, { w, limit: f.length, length: w.value.length });
    }
  }
  const [first] = tooLong;
  if (first) {
    const [field, { w, limit, length }] = first;
    throw new WriteBackInputError(field, `${field}: ${length} characters is too long; at most ${limit} (${where(w)} in ${w.crm})`);
  }
}

const TTL_MS = 60_000;
const cache = new WeakMap<Connector, Map<string, { at: number; fields: Promise<ReadonlyMap<string, FieldDescription> | null> }>>();

/**
 * Field metadata read through the connectors, each object described at most once a minute per connector: a custom
 * field's new limit applies within a minute, and mutations do not each cost a metadata call.
 */
export function connectorFieldMetadata(connectors: ReadonlyMap<string, Connector>, now: () => number = Date.now): FieldMetadata {
  return (connectorId, objectType) => {
    const connector = connectors.get(connectorId);
    if (!connector) return Promise.resolve(null);
    const perObject = cache.get(connector) ?? new Map();
    cache.set(connector, perObject);
    const hit = perObject.get(objectType);
    if (hit && now() - hit.at < TTL_MS) return hit.fields;
    const fields = connector.describeObjects([objectType], { lane: 'interactive' })
      .then((objects) => {
        const object = objects.find((o) => o.name === objectType) ?? objects[0];
        return object ? new Map(object.fields.map((f) => [f.name, f])) : null;
      })
      .catch(() => null);
    // A failed read is not kept: the next mutation asks again.
    void fields.then((f) => { if (f === null && perObject.get(objectType)?.fields === fields) perObject.delete(objectType); });
    perObject.set(objectType, { at: now(), fields });
    return fields;
  };
}
