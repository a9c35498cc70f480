/**
 * What the golden subgraph must `@requires` from a CRM's native type: every mapped native field (and relation
 * reference field) plus the modification-time fields (last-write-wins needs them). ARCHITECTURE.md asks every golden field of a type
 * to share one selection so the planner makes a single golden fetch, hence one list per type and CRM; relations get
 * their own when a reference costs CRM calls of its own (HubSpot's deal associations), which a query of fields alone
 * should not pay: `includeRelations: false` is what the fields alone need.
 */
import { goldenType } from './map-to-golden.ts';
import type { MappingConfig } from './schema.ts';

export interface RequiredNativeFieldsOptions {
  objectType?: string;
  /** Add the object's id field (usually the entity key, which the planner supplies anyway). */
  includeIdField?: boolean;
  /** Add the relations' reference fields (default true); without them, what the golden fields alone need. */
  includeRelations?: boolean;
}

export function requiredNativeFields(config: MappingConfig, typeName: string, crm: string, options: RequiredNativeFieldsOptions = {}): string[] {
  const type = goldenType(config, typeName);
  const objects = type.objects.filter((o) => o.crm === crm && (options.objectType === undefined || o.objectType === options.objectType));
  const fields = new Set<string>();
  for (const object of objects) {
    object.modifiedAtFields.forEach((f) => fields.add(f));
    if (options.includeIdField) fields.add(object.idField);
    for (const field of Object.values(type.fields)) {
      for (const mapping of field.mappings) {
        if (mapping.crm === crm && mapping.objectType === object.objectType) mapping.from.forEach((f) => fields.add(f));
      }
    }
    if (options.includeRelations === false) continue;
    for (const relation of Object.values(type.relations ?? {})) {
      for (const mapping of relation.mappings) if (mapping.crm === crm && mapping.objectType === object.objectType) fields.add(mapping.from);
    }
  }
  return [...fields].sort();
}

/** Renders field paths as a GraphQL selection for `@requires(fields: "…")`: ['Account.Name', 'Email'] → 'Account { Name } Email'. */
export function requiresSelection(paths: readonly string[]): string {
  interface Node { children: Map<string, Node> }
  const root: Node = { children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path.split('.')) {
      if (!node.children.has(segment)) node.children.set(segment, { children: new Map() });
      node = node.children.get(segment)!;
    }
  }
  const render = (node: Node): string => [...node.children.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, child]) => (child.children.size > 0 ? `${name} { ${render(child)} }` : name))
    .join(' ');
  return render(root);
}
