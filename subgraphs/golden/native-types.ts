/**
 * What the CRM subgraphs expose, read from their SDL text: per native entity type its key field and the GraphQL
 * type of each field. Golden declares the native fields it requires as `@external`, and composition demands the
 * same types the owning subgraph declares, so golden copies them from here instead of guessing. Reading SDL (not
 * importing the CRM subgraphs' code) keeps golden independent of any CRM.
 */
import { Kind, parse, print } from 'graphql';
import type { TypeNode } from 'graphql';

export interface NativeTypeInfo {
  keyField: string | null;
  /** Field name → GraphQL type as written, e.g. `String`, `Boolean`, `SalesforceAccount`. */
  fields: Map<string, string>;
  /** Fields the serving subgraph marks `@cost`: each costs CRM calls of its own (a CRM subgraph's separate reads). */
  costly: Set<string>;
}

export type NativeTypeIndex = Map<string, NativeTypeInfo>;

export function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** Indexes the object types of several subgraph SDLs (later definitions of the same type add fields). */
export function indexNativeTypes(sdls: readonly string[]): NativeTypeIndex {
  const index: NativeTypeIndex = new Map();
  for (const sdl of sdls) {
    for (const d of parse(sdl).definitions) {
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const info = index.get(d.name.value) ?? { keyField: null, fields: new Map<string, string>(), costly: new Set<string>() };
      const key = d.directives?.find((dir) => dir.name.value === 'key')?.arguments?.find((a) => a.name.value === 'fields')?.value;
      if (!info.keyField && key?.kind === Kind.STRING && /^\w+$/.test(key.value.trim())) info.keyField = key.value.trim();
      for (const f of d.fields ?? []) {
        // A field another subgraph merely references (@external) says nothing about who serves it.
        if (f.directives?.some((dir) => dir.name.value === 'external')) continue;
        info.fields.set(f.name.value, print(f.type));
        if (f.directives?.some((dir) => dir.name.value === 'cost')) info.costly.add(f.name.value);
      }
      index.set(d.name.value, info);
    }
  }
  return index;
}
