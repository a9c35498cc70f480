/**
 * Runs a parsed SOQL query against the store: filter, order, offset/limit, then shape each row the way the
 * REST API does (attributes, every selected field present, nested parent objects, child subquery results).
 */
import type { FieldDef, ObjectDef } from '../describe/field-types.ts';
import { NUMBER_TYPES } from '../describe/field-types.ts';
import { SfError } from '../errors.ts';
import type { SalesforceOrg } from '../org.ts';
import type { SfRecord } from '../store.ts';
import { parseDateTime } from '../time.ts';
import type { OrderItem, Query } from './ast.ts';
import type { ConditionContext, Predicate } from './conditions.ts';
import { compileCondition } from './conditions.ts';
import { invalidType, malformedQuery } from './errors.ts';
import { parseSoql } from './parser.ts';
import type { ResolvedPath } from './paths.ts';
import { followHops, readPath, resolvePath } from './paths.ts';

export interface QueryOptions {
  /** queryAll: include soft-deleted rows. */
  includeDeleted: boolean;
  version: string;
}

export interface QueryResult {
  totalSize: number;
  records: Record<string, unknown>[];
  /** True for COUNT() queries: no rows, only totalSize. */
  countOnly: boolean;
}

const MAX_OFFSET = 2000;

export function runSoql(org: SalesforceOrg, text: string, opts: QueryOptions): QueryResult {
  if (!text || !text.trim()) throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const query = parseSoql(text);
  return new Executor(org, opts).run(query);
}

type Column =
  | { kind: 'field'; path: ResolvedPath }
  | { kind: 'subquery'; query: Query; child: ObjectDef; field: string; relationshipName: string };

class Executor {
  constructor(
    private readonly org: SalesforceOrg,
    private readonly opts: QueryOptions,
  ) {}

  run(query: Query): QueryResult {
    const obj = this.object(query);
    const countOnly = query.select.some((s) => s.kind === 'count');
    if (countOnly && query.select.length > 1) throw malformedQuery(query.text, query.select[1]!.pos, 'COUNT() must be the only element in the SELECT list');
    const columns = countOnly ? [] : this.columns(query, obj);
    const rows = this.select(query, obj, this.org.store.all(obj.name, { includeDeleted: this.opts.includeDeleted }));
    if (countOnly) return { totalSize: rows.length, records: [], countOnly: true };
    return { totalSize: rows.length, records: rows.map((r) => this.project(r, obj, columns)), countOnly: false };
  }

  private object(query: Query): ObjectDef {
    const obj = this.org.meta.object(query.from.name);
    if (!obj) throw invalidType(query.text, query.from.pos, query.from.name);
    return obj;
  }

  /** WHERE, ORDER BY, OFFSET and LIMIT over candidate rows. */
  private select(query: Query, obj: ObjectDef, candidates: SfRecord[]): SfRecord[] {
    const where: Predicate = query.where ? compileCondition(query.where, this.conditionContext(query, obj)) : () => true;
    let rows = candidates.filter(where);
    if (query.orderBy.length) rows = this.sort(rows, query, obj);
    if (query.offset !== undefined) {
      if (query.offset > MAX_OFFSET) throw new SfError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
      rows = rows.slice(query.offset);
    }
    if (query.limit !== undefined) rows = rows.slice(0, query.limit);
    return rows;
  }

  private conditionContext(query: Query, obj: ObjectDef): ConditionContext {
    return {
      query,
      resolve: (path, pos) => resolvePath(this.org.meta, obj.name, path, query.text, pos),
      read: (rec, path) => readPath(this.org.store, rec, path),
      subqueryValues: (sub) => {
        if (sub.select.length !== 1 || sub.select[0]!.kind !== 'field') {
          throw malformedQuery(sub.text, sub.select[0]?.pos ?? 0, 'semi join sub-selects can only select one field');
        }
        const result = new Executor(this.org, { ...this.opts, includeDeleted: false });
        const subObj = result.object(sub);
        const path = resolvePath(this.org.meta, subObj.name, sub.select[0]!.path, sub.text, sub.select[0]!.pos);
        return result.select(sub, subObj, this.org.store.all(subObj.name)).map((r) => readPath(this.org.store, r, path));
      },
    };
  }

  private sort(rows: SfRecord[], query: Query, obj: ObjectDef): SfRecord[] {
    const keys = query.orderBy.map((o) => ({ o, path: resolvePath(this.org.meta, obj.name, o.path, query.text, o.pos) }));
    const decorated = rows.map((r) => ({ r, k: keys.map(({ path }) => sortKey(path.field, readPath(this.org.store, r, path))) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const c = compareKeys(a.k[i], b.k[i], keys[i]!.o);
        if (c !== 0) return c;
      }
      return 0;
    });
    return decorated.map((d) => d.r);
  }

  private columns(query: Query, obj: ObjectDef): Column[] {
    const out: Column[] = [];
    const resolve = (path: string[], pos: number) => resolvePath(this.org.meta, obj.name, path, query.text, pos);
    for (const item of query.select) {
      if (item.kind === 'field') {
        out.push({ kind: 'field', path: resolve(item.path, item.pos) });
      } else if (item.kind === 'fields') {
        if (item.which !== 'STANDARD' && (query.limit === undefined || query.limit > 200)) {
          throw malformedQuery(query.text, item.pos, 'The SOQL FIELDS function must have a LIMIT of at most 200');
        }
        for (const f of obj.fields) {
          if (item.which === 'ALL' || (item.which === 'CUSTOM') === Boolean(f.custom)) out.push({ kind: 'field', path: resolve([f.name], item.pos) });
        }
      } else if (item.kind === 'subquery') {
        const rel = this.org.meta.childRelationship(obj.name, item.query.from.name);
        if (!rel) throw invalidType(query.text, item.query.from.pos, item.query.from.name);
        const child = this.org.meta.requireObject(rel.childSObject);
        // Validate the subquery's fields now so errors surface before any row is produced.
        for (const s of item.query.select) {
          if (s.kind === 'field') resolvePath(this.org.meta, child.name, s.path, query.text, s.pos);
          else if (s.kind !== 'fields') throw malformedQuery(query.text, s.pos, 'unsupported element in a relationship subquery');
        }
        out.push({ kind: 'subquery', query: item.query, child, field: rel.field, relationshipName: rel.relationshipName });
      }
    }
    return out;
  }

  private project(rec: SfRecord, obj: ObjectDef, columns: Column[]): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: attributes(obj.name, rec.Id, this.opts.version) };
    for (const col of columns) {
      if (col.kind === 'subquery') {
        const children = this.org.store.all(col.child.name, { includeDeleted: this.opts.includeDeleted }).filter((c) => c[col.field] === rec.Id);
        const rows = this.select(col.query, col.child, children);
        const childColumns = this.columns(col.query, col.child);
        out[col.relationshipName] = rows.length
          ? { totalSize: rows.length, done: true, records: rows.map((r) => this.project(r, col.child, childColumns)) }
          : null;
        continue;
      }
      this.projectField(out, rec, col.path);
    }
    return out;
  }

  /** Writes one (possibly dotted) field into the output, nesting parent objects as the API does. */
  private projectField(out: Record<string, unknown>, rec: SfRecord, path: ResolvedPath): void {
    let target = out;
    for (let i = 0; i < path.hops.length; i++) {
      const hop = path.hops[i]!;
      const parent = followHops(this.org.store, rec, path.hops.slice(0, i + 1));
      if (!parent) {
        if (!(hop.relationshipName in target)) target[hop.relationshipName] = null;
        return;
      }
      let nested = target[hop.relationshipName] as Record<string, unknown> | null | undefined;
      if (!nested) {
        nested = { attributes: attributes(hop.target, parent.Id, this.opts.version) };
        target[hop.relationshipName] = nested;
      }
      target = nested;
    }
    const owner = followHops(this.org.store, rec, path.hops);
    target[path.field.name] = owner ? (owner[path.field.name] ?? null) : null;
  }
}

export function attributes(type: string, id: string, version: string): { type: string; url: string } {
  return { type, url: `/services/data/v${version}/sobjects/${type}/${id}` };
}

type SortKey = number | string | boolean | null;

function sortKey(field: FieldDef, value: unknown): SortKey {
  if (value === null || value === undefined) return null;
  if (NUMBER_TYPES.has(field.type)) return Number(value);
  if (field.type === 'datetime') return parseDateTime(String(value)) ?? null;
  if (field.type === 'boolean') return Boolean(value);
  if (field.type === 'id' || field.type === 'reference' || field.type === 'date') return String(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).toLowerCase();
}

function compareKeys(a: SortKey | undefined, b: SortKey | undefined, o: OrderItem): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) {
    if (an && bn) return 0;
    // nulls are placed independently of ASC/DESC.
    return an === o.nullsLast ? 1 : -1;
  }
  const c = a! < b! ? -1 : a! > b! ? 1 : 0;
  return o.descending ? -c : c;
}

