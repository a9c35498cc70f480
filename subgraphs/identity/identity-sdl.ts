/**
 * The identity SDL: the static schema.graphql (ids, sources, lists, filters; typed by codegen) plus, from the
 * mapping configuration, one link field per native object on its golden type and the native entity stubs the
 * links point to. Link items carry only the key; the CRM subgraph that owns the type resolves the rest.
 * Names come from subgraphs/source-catalog.ts, the one naming of native types and link fields.
 */
import fs from 'node:fs';
import { Kind, parse, print } from 'graphql';
import type { DefinitionNode, FieldDefinitionNode, ObjectTypeDefinitionNode } from 'graphql';
import { sourcesOfConfig } from '../source-catalog.ts';
import type { GoldenTypeName, NativeSourceSpec } from '../source-catalog.ts';
import { inverseListField, inverseLists } from './inverse-lists.ts';
import type { RelationsConfig } from './inverse-lists.ts';

export const IDENTITY_STATIC_SDL = fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export const GOLDEN_TYPES: readonly GoldenTypeName[] = ['Customer', 'Company', 'Deal'];

type CatalogConfig = Parameters<typeof sourcesOfConfig>[0];

/** Native objects of the configuration that identity links to (golden types identity knows). */
export function linkedSources(config: CatalogConfig): NativeSourceSpec[] {
  return sourcesOfConfig(config).filter((s) => GOLDEN_TYPES.includes(s.goldenType));
}

export function renderIdentitySdl(config: CatalogConfig & Partial<RelationsConfig>): string {
  const inverse = inverseLists({ types: config.types }, GOLDEN_TYPES);
  const sources = linkedSources(config);
  const document = parse(IDENTITY_STATIC_SDL);
  const linkFieldsByType = new Map<string, NativeSourceSpec[]>();
  for (const s of sources) linkFieldsByType.set(s.goldenType, [...(linkFieldsByType.get(s.goldenType) ?? []), s]);

  const definitions: DefinitionNode[] = document.definitions.map((d) => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION) return d;
    const links = linkFieldsByType.get(d.name.value) ?? [];
    const lists = inverse.filter((l) => l.onType === d.name.value);
    if (links.length === 0 && lists.length === 0) return d;
    const taken = new Set((d.fields ?? []).map((f) => f.name.value));
    for (const name of [...links.map((s) => s.linkField), ...lists.map((l) => l.name)]) {
      if (taken.has(name)) throw new Error(`field ${d.name.value}.${name} (a link field or an inverse list) clashes with another field`);
      taken.add(name);
    }
    return { ...d, fields: [...(d.fields ?? []), ...links.map(linkField), ...lists.map(inverseListField)] } satisfies ObjectTypeDefinitionNode;
  });

  // One stub per native type, even when two golden types link to it.
  const stubs = new Map<string, NativeSourceSpec>();
  for (const s of sources) if (!stubs.has(s.typeName)) stubs.set(s.typeName, s);
  const stubSdl = [...stubs.values()]
    .map((s) => `"${s.crm} ${s.objectType}, resolved by the ${s.crm} subgraph."\ntype ${s.typeName} @key(fields: "${s.keyField}", resolvable: false) {\n  ${s.keyField}: ID!\n}`)
    .join('\n\n');
  const combined = print({ ...document, definitions });
  return stubSdl ? `${combined}\n\n${stubSdl}\n` : `${combined}\n`;
}

function linkField(s: NativeSourceSpec): FieldDefinitionNode {
  const parsed = parse(`type X {
  "Linked ${s.crm} ${s.objectType} records (a golden record may have several in one CRM)."
  ${s.linkField}: [${s.typeName}!]!
}`).definitions[0] as ObjectTypeDefinitionNode;
  return parsed.fields![0]!;
}
