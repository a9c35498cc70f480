/**
 * Schema evolution: what a change of the composed graph does to its clients. The API schema (what clients can ask
 * for: the supergraph without federation machinery) before and after are compared with graphql-js's own
 * `findBreakingChanges` / `findDangerousChanges`, the same checks schema registries build on: a removed or retyped
 * golden field or type breaks clients; an added enum value or optional argument may surprise them.
 */
import { findBreakingChanges, findDangerousChanges } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { SubgraphSource } from './subgraph-source.ts';
import { composeSources } from './supergraph.ts';

export interface SchemaChange {
  /** graphql-js's change type: FIELD_REMOVED, FIELD_CHANGED_KIND, TYPE_REMOVED… */
  type: string;
  description: string;
  /** The schema coordinate changed (`Customer.department`, `Customer`), when the change names one. */
  coordinate?: string;
  /** How much clients asked for it lately (filled in by the caller that knows the usage). */
  usage?: { days: number; requests: number; lastSeenAt: string | null; clients: string[] };
}

export interface SchemaChanges {
  breaking: SchemaChange[];
  dangerous: SchemaChange[];
}

/** The API schema clients see when these subgraphs are composed; MAPPING_INVALID when they do not compose. */
export function apiSchemaOf(sources: readonly SubgraphSource[]): GraphQLSchema {
  return composeSources(sources).schema.toAPISchema().toGraphQLJSSchema();
}

/** graphql-js's descriptions start with what changed: `Customer.department was removed.`, `Deal was removed.` */
function coordinateOf(description: string): string | undefined {
  return /^([_A-Za-z][_0-9A-Za-z]*(?:\.[_A-Za-z][_0-9A-Za-z]*)?) /.exec(description)?.[1];
}

const view = (c: { type: string; description: string }): SchemaChange => {
  const coordinate = coordinateOf(c.description);
  return { type: c.type, description: c.description, ...(coordinate ? { coordinate } : {}) };
};

export function schemaChanges(before: GraphQLSchema, after: GraphQLSchema): SchemaChanges {
  return { breaking: findBreakingChanges(before, after).map(view), dangerous: findDangerousChanges(before, after).map(view) };
}

/** One change in words for a refusal: what changed and how much clients still ask for it. */
export function describeChange(c: SchemaChange): string {
  const text = c.description.replace(/\.$/, '');
  if (!c.usage) return text;
  const { days, requests, lastSeenAt, clients } = c.usage;
  if (requests === 0) return `${text} (not asked for in the last ${days} days)`;
  const who = clients.length ? ` by ${clients.slice(0, 3).join(', ')}${clients.length > 3 ? ` and ${clients.length - 3} more` : ''}` : '';
  return `${text} (asked for in ${requests} request${requests === 1 ? '' : 's'} in the last ${days} days, last at ${lastSeenAt}${who})`;
}

/** Where usage is read from (db/field-usage-store.ts), structurally. */
export interface UsageSource {
  totals(opts: { days: number; coordinates: readonly string[] }): Promise<{ coordinate: string; requests: number; lastSeenAt: Date; clients: string[] }[]>;
}

/**
 * The changes with how much clients asked for each changed coordinate in the last `days` days. This process's counts
 * not yet flushed are added first (`flush`), so a request made a moment ago counts.
 */
export async function withUsage(changes: SchemaChanges, recorder: { flush(): Promise<void> }, source: UsageSource, days: number): Promise<SchemaChanges> {
  const coordinates = [...new Set(changes.breaking.flatMap((c) => (c.coordinate ? [c.coordinate] : [])))];
  if (coordinates.length === 0) return changes;
  await recorder.flush();
  const totals = new Map((await source.totals({ days, coordinates })).map((t) => [t.coordinate, t]));
  return {
    ...changes,
    breaking: changes.breaking.map((c) => {
      if (!c.coordinate) return c;
      const t = totals.get(c.coordinate);
      return { ...c, usage: { days, requests: t?.requests ?? 0, lastSeenAt: t ? t.lastSeenAt.toISOString() : null, clients: t?.clients ?? [] } };
    }),
  };
}
