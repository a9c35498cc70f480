/**
 * Compiles a WHERE tree into a predicate, type-checking every literal against its field first (Salesforce
 * refuses `CreatedDate > 2024-01-01` and `Name = 5` with INVALID_QUERY_FILTER_OPERATOR).
 */
import type { FieldDef } from '../describe/field-types.ts';
import { NUMBER_TYPES, TEXT_TYPES } from '../describe/field-types.ts';
import { to18 } from '../ids.ts';
import type { SfRecord } from '../store.ts';
import { DAY_MS, formatDateTime, parseDateTime, startOfUtcDay } from '../time.ts';
import type { Comparator, Condition, Literal, Query } from './ast.ts';
import { invalidFilter } from './errors.ts';
import type { ResolvedPath } from './paths.ts';

export type Predicate = (rec: SfRecord) => boolean;

export interface ConditionContext {
  resolve(path: string[], pos: number): ResolvedPath;
  read(rec: SfRecord, path: ResolvedPath): unknown;
  /** Runs a semi-join subquery and returns its single column's values. */
  subqueryValues(query: Query): unknown[];
  query: Query;
}

export function compileCondition(cond: Condition, ctx: ConditionContext): Predicate {
  switch (cond.kind) {
    case 'and': {
      const parts = cond.items.map((c) => compileCondition(c, ctx));
      return (r) => parts.every((p) => p(r));
    }
    case 'or': {
      const parts = cond.items.map((c) => compileCondition(c, ctx));
      return (r) => parts.some((p) => p(r));
    }
    case 'not': {
      const inner = compileCondition(cond.item, ctx);
      return (r) => !inner(r);
    }
    case 'compare': {
      const path = filterablePath(ctx, cond.path, cond.pos);
      const test = compileComparison(path.field, cond.op, cond.value, ctx, cond.valuePos);
      return (r) => test(ctx.read(r, path));
    }
    case 'in': {
      const path = filterablePath(ctx, cond.path, cond.pos);
      const tests = cond.values.map((v) => compileComparison(path.field, '=', v, ctx, cond.valuePos));
      return (r) => {
        const value = ctx.read(r, path);
        const hit = tests.some((t) => t(value));
        return cond.negated ? !hit : hit;
      };
    }
    case 'inQuery': {
      const path = filterablePath(ctx, cond.path, cond.pos);
      let values: Set<unknown> | undefined;
      return (r) => {
        values ??= new Set(ctx.subqueryValues(cond.query));
        const hit = values.has(ctx.read(r, path));
        return cond.negated ? !hit : hit;
      };
    }
  }
}

function filterablePath(ctx: ConditionContext, path: string[], pos: number): ResolvedPath {
  const resolved = ctx.resolve(path, pos);
  const f = resolved.field;
  if ((f.type === 'textarea' && (f.length ?? 0) > 255) || f.type === 'address') {
    throw invalidFilter(ctx.query.text, pos, `field '${f.name}' can not be filtered in a query call`);
  }
  return resolved;
}

type Test = (value: unknown) => boolean;

function compileComparison(field: FieldDef, op: Comparator, lit: Literal, ctx: ConditionContext, pos: number): Test {
  const bad = (expected: string, quoted: boolean): never => {
    throw invalidFilter(ctx.query.text, pos, `value of filter criterion for field '${field.name}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`);
  };
  if (lit.kind === 'null') {
    if (op === '=') return (v) => v === null || v === undefined;
    if (op === '!=') return (v) => v !== null && v !== undefined;
    return () => false;
  }
  if (op === 'LIKE') {
    if (!TEXT_TYPES.has(field.type) || lit.kind !== 'string') throw invalidFilter(ctx.query.text, pos, `invalid operator on field '${field.name}'`);
    const re = likeToRegExp(lit.value);
    return (v) => typeof v === 'string' && re.test(v);
  }
  let key: (v: unknown) => number | string | boolean;
  let target: number | string | boolean;
  let range: [number, number] | [string, string] | undefined;
  if (field.type === 'id' || field.type === 'reference') {
    if (lit.kind !== 'string') bad('id', true);
    const id = to18((lit as { value: string }).value);
    if (!id) throw invalidFilter(ctx.query.text, pos, `invalid ID field: ${(lit as { value: string }).value}`);
    key = (v) => String(v);
    target = id;
  } else if (TEXT_TYPES.has(field.type)) {
    if (lit.kind !== 'string') bad('string', true);
    key = (v) => String(v).toLowerCase();
    target = unescapeLike((lit as { value: string }).value).toLowerCase();
  } else if (NUMBER_TYPES.has(field.type)) {
    if (lit.kind !== 'number') bad('number', false);
    key = (v) => Number(v);
    target = (lit as { value: number }).value;
  } else if (field.type === 'boolean') {
    if (lit.kind !== 'boolean') bad('boolean', false);
    key = (v) => Boolean(v);
    target = (lit as { value: boolean }).value;
  } else if (field.type === 'date') {
    if (lit.kind === 'dateKeyword') {
      const [s, e] = keywordRange(lit);
      range = [formatDateTime(s).slice(0, 10), formatDateTime(e).slice(0, 10)];
      target = range[0];
    } else if (lit.kind === 'date') target = lit.value;
    else return bad('date', false);
    key = (v) => String(v);
  } else if (field.type === 'datetime') {
    if (lit.kind === 'dateKeyword') {
      range = keywordRange(lit);
      target = range[0];
    } else if (lit.kind === 'datetime') target = lit.value;
    else return bad('dateTime', false);
    key = (v) => parseDateTime(String(v)) ?? NaN;
  } else {
    throw invalidFilter(ctx.query.text, pos, `field '${field.name}' can not be filtered in a query call`);
  }
  const r = range;
  return (v) => {
    if (v === null || v === undefined) return op === '!=';
    const k = key(v);
    if (r) return inRange(k as never, op, r[0] as never, r[1] as never);
    return compare(k, op, target);
  };
}

function compare<T extends number | string | boolean>(a: T, op: Comparator, b: T): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

/** Date keywords denote a [start, end) span; `=` means inside it, `>` after it, `<` before it. */
function inRange<T extends number | string>(v: T, op: Comparator, start: T, end: T): boolean {
  switch (op) {
    case '=':
      return v >= start && v < end;
    case '!=':
      return v < start || v >= end;
    case '<':
      return v < start;
    case '<=':
      return v < end;
    case '>':
      return v >= end;
    case '>=':
      return v >= start;
    default:
      return false;
  }
}

function keywordRange(lit: { name: string; n?: number }): [number, number] {
  const today = startOfUtcDay(Date.now());
  const n = lit.n ?? 0;
  const d = new Date(today);
  const month = (offset: number) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
  const year = (offset: number) => Date.UTC(d.getUTCFullYear() + offset, 0, 1);
  const weekStart = today - d.getUTCDay() * DAY_MS;
  switch (lit.name) {
    case 'TODAY': return [today, today + DAY_MS];
    case 'YESTERDAY': return [today - DAY_MS, today];
    case 'TOMORROW': return [today + DAY_MS, today + 2 * DAY_MS];
    case 'LAST_N_DAYS': return [today - n * DAY_MS, today + DAY_MS];
    case 'NEXT_N_DAYS': return [today + DAY_MS, today + (n + 1) * DAY_MS];
    case 'N_DAYS_AGO': return [today - n * DAY_MS, today - (n - 1) * DAY_MS];
    case 'LAST_90_DAYS': return [today - 90 * DAY_MS, today + DAY_MS];
    case 'NEXT_90_DAYS': return [today + DAY_MS, today + 91 * DAY_MS];
    case 'THIS_WEEK': return [weekStart, weekStart + 7 * DAY_MS];
    case 'LAST_WEEK': return [weekStart - 7 * DAY_MS, weekStart];
    case 'NEXT_WEEK': return [weekStart + 7 * DAY_MS, weekStart + 14 * DAY_MS];
    case 'LAST_N_WEEKS': return [weekStart - 7 * n * DAY_MS, weekStart];
    case 'NEXT_N_WEEKS': return [weekStart + 7 * DAY_MS, weekStart + 7 * (n + 1) * DAY_MS];
    case 'THIS_MONTH': return [month(0), month(1)];
    case 'LAST_MONTH': return [month(-1), month(0)];
    case 'NEXT_MONTH': return [month(1), month(2)];
    case 'LAST_N_MONTHS': return [month(-n), month(0)];
    case 'NEXT_N_MONTHS': return [month(1), month(n + 1)];
    case 'THIS_YEAR': return [year(0), year(1)];
    case 'LAST_YEAR': return [year(-1), year(0)];
    case 'NEXT_YEAR': return [year(1), year(2)];
    default: return [today, today + DAY_MS];
  }
}

/** `%` any run, `_` one char, `\%` `\_` literal; case-insensitive like Salesforce. */
function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\' && (pattern.charAt(i + 1) === '%' || pattern.charAt(i + 1) === '_')) {
      re += pattern.charAt(++i);
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

function unescapeLike(value: string): string {
  return value.replace(/\\([%_])/g, '$1');
}
