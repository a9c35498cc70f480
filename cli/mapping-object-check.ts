/**
 * A mapping save that names a CRM object the CRM does not have (Salesforce `Contactt`, HubSpot `contactz`) is
 * refused with MAPPING_INVALID naming the object, its CRM, the golden type and fields that read it and the nearest
 * object names — instead of being stored while the golden type silently reads nothing from that source (the golden
 * subgraph leaves out objects no CRM subgraph serves).
 *
 * The same rules as the field check (mapping-field-check.ts): only objects the save ADDS are checked (one the version
 * in force already names is `mappingProblems`' job); the CRM's list of objects is asked for at save time (its
 * connector's `listObjects`), so a custom object created a minute ago is accepted; a CRM that cannot be read now,
 * whose connector is disabled or that does not run here does not block the save (logged; `mappingProblems` reports
 * the object while its CRM subgraph does not serve it). Nothing is stored on refusal (the caller's part).
 */
import { ProductError } from '../lib/product-error.ts';
import type { Logger } from '../lib/logger.ts';
import type { ConfigError, MappingConfig } from '../resolver-engine/index.ts';
import { nearestNames, orList } from '../resolver-engine/mapping/nearest-names.ts';
import { indexNativeTypes } from '../subgraphs/golden/native-types.ts';
import { crmPrefix, sourcesOfConfig } from '../subgraphs/source-catalog.ts';

/** One CRM object a refused save named that its CRM does not have. */
export interface UnknownNativeObject {
  crm: string;
  objectType: string;
  /** The golden type whose `objects` names it, `Customer`. */
  goldenType: string;
  /** The golden fields whose mappings read it, `Customer.email`. */
  goldenFields: string[];
  /** Existing object names nearest to it, nearest first. */
  didYouMean: string[];
}

export interface NativeObjectCheckDeps {
  /** The configuration in force. */
  current(): MappingConfig;
  /** Every object name the CRM has, asked of it now; undefined when no connector for `crm` runs here. */
  listObjects(crm: string): Promise<string[] | undefined>;
  /** The stored status of the connector serving `crm` ('active', 'disabled'…), undefined when none. */
  connectorStatus(crm: string): Promise<string | undefined>;
  logger: Pick<Logger, 'warn'>;
}

interface NamedObject { goldenType: string; index: number; crm: string; objectType: string }

function objectsOf(config: MappingConfig): NamedObject[] {
  return Object.entries(config.types).flatMap(([goldenType, t]) =>
    t.objects.map((o, index) => ({ goldenType, index, crm: o.crm, objectType: o.objectType })));
}

const keyOf = (o: { crm: string; objectType: string }) => `${o.crm} ${o.objectType}`;

/** Throws MAPPING_INVALID when `candidate` adds CRM objects their CRM does not have. */
export async function checkMappedNativeObjects(candidate: MappingConfig, deps: NativeObjectCheckDeps): Promise<void> {
  const known = new Set(objectsOf(deps.current()).map(keyOf));
  const added = objectsOf(candidate).filter((o) => !known.has(keyOf(o)));
  if (added.length === 0) return;
  const unknown: (NamedObject & { didYouMean: string[] })[] = [];
  for (const crm of new Set(added.map((o) => o.crm))) {
    const objects = added.filter((o) => o.crm === crm);
    const unchecked = async (): Promise<string | string[]> => {
      if ((await deps.connectorStatus(crm)) === 'disabled') return 'its connector is disabled';
      try {
        return (await deps.listObjects(crm)) ?? 'no connector for it runs here';
      } catch (err) {
        return `its list of objects could not be read now (${(err as Error).message})`;
      }
    };
    const names = await unchecked();
    if (typeof names === 'string') {
      deps.logger.warn({ crm, objects: objects.map((o) => o.objectType) }, `mapping saved with ${crmPrefix(crm)} objects unchecked because ${names}; mappingProblems reports those its CRM subgraph does not serve`);
      continue;
    }
    const existing = new Set(names);
    for (const o of objects) if (!existing.has(o.objectType)) unknown.push({ ...o, didYouMean: nearestNames(o.objectType, names) });
  }
  if (unknown.length === 0) return;
  const unknownObjects: UnknownNativeObject[] = unknown.map((o) => ({
    crm: o.crm, objectType: o.objectType, goldenType: o.goldenType, goldenFields: readersOf(candidate, o), didYouMean: o.didYouMean,
  }));
  const problems: ConfigError[] = unknown.map((o, i) => ({ path: `types.${o.goldenType}.objects[${o.index}].objectType`, message: sentence(unknownObjects[i]!) }));
  throw new ProductError('MAPPING_INVALID', `Nothing was saved. ${unknownObjects.map(sentence).join(' ')}`, { problems, unknownObjects });
}

function readersOf(candidate: MappingConfig, o: NamedObject): string[] {
  return Object.entries(candidate.types[o.goldenType]?.fields ?? {})
    .filter(([, f]) => f.mappings.some((m) => m.crm === o.crm && m.objectType === o.objectType))
    .map(([name]) => `${o.goldenType}.${name}`);
}

function sentence(u: UnknownNativeObject): string {
  const readBy = u.goldenFields.length ? `${u.goldenType}: ${u.goldenFields.join(', ')}` : u.goldenType;
  const hint = u.didYouMean.length ? ` Did you mean ${orList(u.didYouMean)}?` : ` No object of ${crmPrefix(u.crm)} has a similar name.`;
  return `${crmPrefix(u.crm)} has no object ${u.objectType} (read by ${readBy}).${hint}`;
}

/**
 * For `mappingProblems`: the objects the configuration names that their CRM's subgraph (running here) does not serve
 * — a mistyped object saved while its CRM could not be read, or an object deleted in the CRM. The golden subgraph
 * leaves them out (its type then reads nothing from them), so this is where they show. `field` is empty: the whole
 * object is missing. CRMs with no subgraph running here are not reported (nothing to compare with).
 */
export function unservedObjectProblems(config: MappingConfig, natives: readonly { crm: string; typeDefs(): string }[]) {
  const index = indexNativeTypes(natives.map((n) => n.typeDefs()));
  const running = new Set(natives.map((n) => n.crm));
  return sourcesOfConfig(config)
    .filter((s) => running.has(s.crm) && !index.has(s.typeName))
    .map((s) => ({
      goldenType: s.goldenType as string, crm: s.crm, objectType: s.objectType, field: '',
      reason: `${crmPrefix(s.crm)} serves no object ${s.objectType} here (no ${s.typeName} in its subgraph): ${s.goldenType} reads nothing from it`,
    }));
}
