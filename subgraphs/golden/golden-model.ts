/**
 * The golden subgraph's model, derived from the mapping configuration: per golden type the native objects it
 * reads (through identity's link fields), the native field paths each one needs (`requiredNativeFields`, with
 * modification times and the key), and the `@external` stubs of the native types. Every golden field of a type
 * shares ONE `@requires` selection, so the query planner makes a single golden fetch per type and page. Relations,
 * provenance and conflicts share it too, unless a relation reads a reference the CRM subgraph marks `@cost` (HubSpot's
 * deal associations, a CRM call of their own per page): then theirs adds those references, and a query of golden
 * fields alone does not pay for them (one more golden fetch when both are asked for).
 */
import { effectiveRule, relationAsField, requiredNativeFields, requiresSelection } from '../../resolver-engine/index.ts';
import type { GoldenFieldConfig, GoldenRelationConfig, MappingConfig } from '../../resolver-engine/index.ts';
import { nativeTypeName, sourcesOfConfig } from '../source-catalog.ts';
import type { NativeSourceSpec } from '../source-catalog.ts';
import { GOLDEN_TYPES } from '../identity/identity-sdl.ts';
import { namedType } from './native-types.ts';
import type { NativeTypeIndex } from './native-types.ts';
import { parse } from 'graphql';
import { graphQLSafeName, isGraphQLName } from '../native/naming.ts';
import type { ObjectTypeDefinitionNode } from 'graphql';

export interface LinkPlan {
  spec: NativeSourceSpec;
  /** Field paths read from each linked record (key included), as the CRM subgraph serves them. */
  paths: string[];
  /** The paths only relations read that cost CRM calls of their own (`@cost`): left out of the golden fields' `@requires`. */
  relationOnly: Set<string>;
  /**
   * Native paths the CRM subgraph serves under another name, [native, served]: a native name that is no GraphQL name
   * (Pipedrive's custom fields are 40 hex characters, often starting with a digit) gets a safe one there
   * (subgraphs/native/naming.ts); the mapping keeps the native name, so records are read back under it.
   */
  aliases: [string, string][];
}

/** A native field path as the CRM subgraphs serve it: each segment a GraphQL name (the native naming rule). */
export function servedPath(path: string): string {
  return path.split('.').map((segment) => (isGraphQLName(segment) ? segment : graphQLSafeName(segment))).join('.');
}

export interface GoldenTypeModel {
  typeName: string;
  /** Native objects whose records are read; objects whose CRM subgraph is absent are left out (read as unavailable). */
  links: LinkPlan[];
  /** The `@requires` selection of relations, provenance and conflicts: every native field the type reads. */
  requires: string;
  /**
   * The `@requires` selection shared by the golden fields: `requires` without the relations' reference fields that cost
   * CRM calls of their own (`@cost` in the CRM subgraph: HubSpot's deal associations); the same as `requires` (one
   * golden fetch for everything) when there are none.
   */
  fieldRequires: string;
  fields: [string, GoldenFieldConfig][];
  /** Relations to other golden types (Customer.company), served with the same `@requires`. */
  relations: [string, GoldenRelationConfig][];
  /** Field or relation name → strategy label, for descriptions. */
  rules: Map<string, string>;
}

export interface StubType {
  keyField: string;
  /** External field → GraphQL type. */
  fields: Map<string, string>;
}

export interface GoldenProblem {
  goldenType: string;
  crm: string;
  objectType: string;
  field: string;
  reason: string;
}

export interface GoldenModel {
  types: GoldenTypeModel[];
  stubs: Map<string, StubType>;
  /** Native fields the mapping needs that no CRM subgraph serves: left out of `@requires`, read as missing. */
  problems: GoldenProblem[];
}

/** Names golden owns on every golden type; a golden field may not take them. */
export const RESERVED_FIELDS = ['id', 'sources', 'provenance', 'conflicts'];

/** When no CRM SDL is given: the GraphQL type the native subgraph most likely uses, from the converter. */
function guessedLeafType(fields: [string, GoldenFieldConfig][], crm: string, objectType: string, path: string): string {
  for (const [, field] of fields) {
    const mapping = field.mappings.find((m) => m.crm === crm && m.objectType === objectType && m.from.includes(path));
    if (mapping?.converter.name === 'boolean') return 'Boolean';
    if (mapping?.converter.name === 'number') return field.type === 'Int' ? 'Int' : 'Float';
  }
  return 'String';
}

export function buildGoldenModel(config: MappingConfig, nativeIndex: NativeTypeIndex | null): GoldenModel {
  const stubs = new Map<string, StubType>();
  const problems: GoldenProblem[] = [];
  const stub = (typeName: string, keyField: string): StubType => {
    let s = stubs.get(typeName);
    if (!s) stubs.set(typeName, (s = { keyField, fields: new Map() }));
    return s;
  };
  const types: GoldenTypeModel[] = [];
  const sources = sourcesOfConfig(config);

  for (const typeName of GOLDEN_TYPES) {
    const typeConfig = config.types[typeName];
    if (!typeConfig) continue;
    const fields = Object.entries(typeConfig.fields);
    const relations = Object.entries(typeConfig.relations ?? {}).filter(([, r]) => GOLDEN_TYPES.includes(r.target as never) && config.types[r.target]);
    const linkNames = new Set(sources.filter((s) => s.goldenType === typeName).map((s) => s.linkField));
    for (const [name] of [...fields, ...relations]) {
      if (RESERVED_FIELDS.includes(name) || linkNames.has(name)) {
        throw new Error(`golden field ${typeName}.${name} clashes with a field the graph defines itself (${[...RESERVED_FIELDS, ...linkNames].join(', ')})`);
      }
    }
    const links: LinkPlan[] = [];
    for (const spec of sources.filter((s) => s.goldenType === typeName)) {
      if (nativeIndex && !nativeIndex.has(spec.typeName)) continue;
      const kept: string[] = [spec.keyField];
      const aliases: [string, string][] = [];
      const relationOnly = new Set<string>();
      stub(spec.typeName, spec.keyField);
      const forFields = new Set(requiredNativeFields(config, typeName, spec.crm, { objectType: spec.objectType, includeIdField: true, includeRelations: false }));
      for (const path of requiredNativeFields(config, typeName, spec.crm, { objectType: spec.objectType, includeIdField: true })) {
        if (path === spec.keyField) continue;
        const served = servedPath(path);
        const problem = registerPath(served, spec, nativeIndex, stub, () => guessedLeafType(fields, spec.crm, spec.objectType, path));
        if (problem) problems.push({ goldenType: typeName, crm: spec.crm, objectType: spec.objectType, field: path, reason: problem });
        else {
          kept.push(served);
          if (served !== path) aliases.push([path, served]);
          // A reference only relations read, and one that costs CRM calls of its own: golden fields do not require it.
          if (!forFields.has(path) && nativeIndex?.get(spec.typeName)?.costly.has(served)) relationOnly.add(served);
        }
      }
      links.push({ spec, paths: kept, aliases, relationOnly });
    }
    const selection = (paths: (l: LinkPlan) => string[]) =>
      ['sources { crm objectType recordId } sourceFieldClocks', ...links.map((l) => `${l.spec.linkField} { ${requiresSelection(paths(l))} }`)].join(' ');
    const requires = selection((l) => l.paths);
    const fieldRequires = selection((l) => l.paths.filter((p) => !l.relationOnly.has(p)));
    const rules = new Map([...fields, ...relations.map(([name, r]) => [name, relationAsField(r)] as const)].map(([name, f]) => [name, effectiveRule(config, typeConfig, f).label]));
    types.push({ typeName, links, requires, fieldRequires, fields, relations, rules });
  }
  return { types, stubs, problems };
}

/** Declares the stub fields along one native path; returns why it cannot be served, or null. */
function registerPath(
  path: string, spec: NativeSourceSpec, index: NativeTypeIndex | null,
  stub: (typeName: string, keyField: string) => StubType, guess: (path: string) => string,
): string | null {
  const segments = path.split('.');
  let typeName = spec.typeName;
  let keyField = spec.keyField;
  const declarations: [string, string, string, string][] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    let fieldType: string;
    if (index) {
      const found = index.get(typeName)?.fields.get(segment);
      if (!found) return `${typeName} has no field ${segment}`;
      fieldType = found;
      if (!last && !index.has(namedType(parseType(found)))) return `${typeName}.${segment} is not an object the subgraphs serve`;
    } else {
      fieldType = last ? guess(path) : nativeTypeName(spec.crm, segment);
    }
    if (segment === keyField) {
      if (!last) return `${typeName}.${segment} is the key, not a relationship`;
    } else {
      declarations.push([typeName, keyField, segment, fieldType]);
    }
    if (!last) {
      typeName = namedType(parseType(fieldType));
      keyField = index?.get(typeName)?.keyField ?? spec.keyField;
    }
  }
  for (const [t, k, f, ft] of declarations) {
    const s = stub(t, k);
    if (!s.fields.has(f)) s.fields.set(f, ft);
  }
  return null;
}

function parseType(type: string) {
  return (parse(`type X { f: ${type} }`).definitions[0] as ObjectTypeDefinitionNode).fields![0]!.type;
}
