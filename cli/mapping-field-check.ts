/**
 * A mapping save that names a CRM field the CRM does not have (`Phonee` on a Salesforce Contact, a HubSpot property
 * nobody created) is refused with MAPPING_INVALID naming the field, its CRM object and the nearest existing names —
 * instead of being stored and only showing up later in `mappingProblems` while the golden field silently reads
 * nothing from that source.
 *
 * Only fields the save ADDS are refused: a field the version in force already names and the CRM dropped since (a
 * rename there) is the `mappingProblems` report's job, and refusing it would block every unrelated save until it is
 * fixed. Before refusing, the CRM's metadata is read again, so a property created a minute ago (newer than the last
 * metadata refresh) is accepted. A CRM that cannot be read now, or whose connector is disabled, does not block the
 * save: its fields are accepted unchecked, a warning is logged, and `mappingProblems` keeps reporting what its last
 * known metadata lacks.
 */
import { ProductError } from '../lib/product-error.ts';
import type { Logger } from '../lib/logger.ts';
import type { ConfigError, MappingConfig } from '../resolver-engine/index.ts';
import { nearestNames, orList } from '../resolver-engine/mapping/nearest-names.ts';
import type { GoldenProblem } from '../subgraphs/golden/index.ts';
import { indexNativeTypes } from '../subgraphs/golden/native-types.ts';
import { crmPrefix, nativeTypeName } from '../subgraphs/source-catalog.ts';

/** One native field a refused save named that its CRM does not serve. */
export interface UnknownNativeField {
  crm: string;
  objectType: string;
  /** The path the mapping names, e.g. `Phonee` or `Account.Nmae`. */
  field: string;
  /** The golden fields whose mappings name it, `Customer.phone`. */
  goldenFields: string[];
  /** The segment of `field` the CRM lacks, and the type it was looked for on. */
  missing: { typeName: string; name: string };
  /** Existing names nearest to the missing one, nearest first. */
  didYouMean: string[];
}

export interface NativeFieldCheckDeps {
  /** The CRM subgraphs running here (metadata as last read). */
  natives(): readonly { crm: string; typeDefs(): string; refresh(): Promise<boolean> }[];
  /** Problems of the configuration in force (golden subgraph `problems()`). */
  currentProblems(): GoldenProblem[];
  /** Problems `candidate` would have against the CRM subgraphs as they are now (a dry golden subgraph). */
  problemsOf(candidate: MappingConfig): GoldenProblem[];
  /** The stored status of the connector serving `crm` ('active', 'disabled', 'unavailable'…), undefined when none. */
  connectorStatus(crm: string): Promise<string | undefined>;
  logger: Pick<Logger, 'warn'>;
}

const keyOf = (p: Pick<GoldenProblem, 'crm' | 'objectType' | 'field'>) => `${p.crm} ${p.objectType} ${p.field}`;

/** Throws MAPPING_INVALID (storing nothing is the caller's part) when `candidate` adds native fields their CRM lacks. */
export async function checkMappedNativeFields(candidate: MappingConfig, deps: NativeFieldCheckDeps): Promise<void> {
  const introduced = () => {
    const known = new Set(deps.currentProblems().map(keyOf));
    return deps.problemsOf(candidate).filter((p) => !known.has(keyOf(p)));
  };
  const first = introduced();
  if (first.length === 0) return;
  const unchecked = new Map<string, string>();
  for (const crm of new Set(first.map((p) => p.crm))) {
    const status = await deps.connectorStatus(crm);
    if (status === 'disabled') {
      unchecked.set(crm, 'its connector is disabled');
      continue;
    }
    const native = deps.natives().find((n) => n.crm === crm);
    try {
      // The metadata may predate a field created in the CRM since the last refresh.
      await native?.refresh();
    } catch (err) {
      unchecked.set(crm, `its metadata could not be read now (${(err as Error).message})`);
    }
  }
  const still = introduced();
  const refused = still.filter((p) => !unchecked.has(p.crm));
  for (const [crm, why] of unchecked) {
    const fields = still.filter((p) => p.crm === crm).map((p) => `${p.objectType}.${p.field}`);
    if (fields.length) deps.logger.warn({ crm, fields }, `mapping saved with ${crmPrefix(crm)} fields its last known metadata lacks, unchecked because ${why}; mappingProblems reports them until the CRM serves them`);
  }
  if (refused.length === 0) return;
  const index = indexNativeTypes(deps.natives().map((n) => n.typeDefs()));
  const unknown = dedupe(refused).map((p) => describeUnknown(candidate, p, index));
  const problems: ConfigError[] = unknown.flatMap((u) => pathsNaming(candidate, u).map((path) => ({ path, message: sentence(u) })));
  throw new ProductError('MAPPING_INVALID', `Nothing was saved. ${unknown.map(sentence).join(' ')}`, { problems, unknownFields: unknown });
}

function dedupe(problems: GoldenProblem[]): GoldenProblem[] {
  const seen = new Map<string, GoldenProblem>();
  for (const p of problems) if (!seen.has(keyOf(p))) seen.set(keyOf(p), p);
  return [...seen.values()];
}

function describeUnknown(candidate: MappingConfig, p: GoldenProblem, index: ReturnType<typeof indexNativeTypes>): UnknownNativeField {
  // Walk the path as the golden subgraph does, to the first segment the CRM does not serve.
  let typeName = nativeTypeName(p.crm, p.objectType);
  let missing = { typeName, name: p.field };
  let candidates: string[] = [];
  for (const segment of p.field.split('.')) {
    const info = index.get(typeName);
    const type = info?.fields.get(segment);
    if (!info || !type) {
      missing = { typeName, name: segment };
      candidates = [...(info?.fields.keys() ?? [])];
      break;
    }
    typeName = type.replace(/[[\]!]/g, '');
  }
  const goldenFields = Object.entries(candidate.types[p.goldenType]?.fields ?? {})
    .filter(([, f]) => f.mappings.some((m) => m.crm === p.crm && m.objectType === p.objectType && m.from.some((path) => path === p.field)))
    .map(([name]) => `${p.goldenType}.${name}`);
  return { crm: p.crm, objectType: p.objectType, field: p.field, goldenFields, missing, didYouMean: nearestNames(missing.name, candidates) };
}

/** Where the configuration names the field: each mapping's `from`, or the golden type when only a relation does. */
function pathsNaming(candidate: MappingConfig, u: UnknownNativeField): string[] {
  const goldenType = u.goldenFields[0]?.split('.')[0];
  const paths: string[] = [];
  for (const [typeName, t] of Object.entries(candidate.types)) {
    if (goldenType && typeName !== goldenType) continue;
    for (const [name, f] of Object.entries(t.fields)) {
      f.mappings.forEach((m, i) => {
        if (m.crm === u.crm && m.objectType === u.objectType && m.from.includes(u.field)) paths.push(`types.${typeName}.fields.${name}.mappings[${i}].from`);
      });
    }
  }
  return paths.length ? paths : [`types.${goldenType ?? Object.keys(candidate.types)[0]}.objects`];
}

function sentence(u: UnknownNativeField): string {
  const object = `${crmPrefix(u.crm)} ${u.objectType}`;
  const where = u.missing.name === u.field ? object : `${u.missing.typeName} (on the way to ${u.field})`;
  const readBy = u.goldenFields.length ? ` (read by ${u.goldenFields.join(', ')})` : '';
  const hint = u.didYouMean.length ? ` Did you mean ${orList(u.didYouMean)}?` : ` No field of ${where} has a similar name.`;
  return `${where} has no field ${u.missing.name}${readBy}.${hint}`;
}
