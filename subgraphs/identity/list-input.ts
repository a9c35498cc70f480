/**
 * Checks the arguments of the identity queries and turns them into store filters. Every problem is a
 * BAD_USER_INPUT error whose message names the argument and says what is wrong, so a caller can fix the call.
 */
import { GraphQLError } from 'graphql';
import { checkGoldenId } from '../../db/golden-ids.ts';
import type { GoldenFilter } from '../../db/golden-store.ts';
import { normaliseEmail, toE164 } from '../../resolver-engine/index.ts';

export const MAX_PAGE = 500;
const MAX_TEXT = 200;

export function badInput(message: string, argumentName: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}

export function checkId(entityType: string, id: string): void {
  const check = checkGoldenId(entityType, id);
  if (!check.ok) throw badInput(`id: ${check.reason}`, 'id');
}

export function checkFirst(first: number | null | undefined): number {
  if (first === null || first === undefined) return 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}, got ${first}`, 'first');
  return first;
}

const CURSOR_PREFIX = 'g1:';

export function encodeCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

/** The id a cursor points after; the cursor must be an endCursor/cursor of the same list type. */
export function decodeCursor(entityType: string, cursor: string | null | undefined): string | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const raw = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const id = raw.startsWith(CURSOR_PREFIX) ? raw.slice(CURSOR_PREFIX.length) : '';
  if (!id || !checkGoldenId(entityType, id).ok) {
    throw badInput(`after: '${cursor.slice(0, 60)}' is not a cursor of this ${entityType} list (pass a cursor or pageInfo.endCursor returned by it)`, 'after');
  }
  return id;
}

/** What a filter value is read with: national phone numbers in the configuration's default region. */
export interface FilterContext {
  defaultRegion: string;
}

export interface FilterRules {
  /** Filter key → how it applies to the golden snapshot. */
  equals?: Record<string, { field: string; normalise?: (value: string, ctx: FilterContext) => string | null; expected?: string }>;
  contains?: Record<string, string[]>;
}

/** A relation filter: the snapshot keeps the relation's winner under the relation's name, as a golden id. */
const relationTo = (field: string, target: string) => ({
  field, normalise: (v: string) => (checkGoldenId(target, v.trim()).ok ? v.trim() : null), expected: `a ${target} id`,
});

export const FILTER_RULES: Record<string, FilterRules> = {
  Customer: {
    equals: {
      email: { field: 'email', normalise: (v) => (normaliseEmail(v) ? v.trim() : null), expected: 'an email address such as ada@example.com' },
      companyId: relationTo('company', 'Company'),
      // Golden phones are E.164 (the phone converter), so the value is too, however it is typed.
      phone: { field: 'phone', normalise: (v, ctx) => toE164(v, ctx.defaultRegion), expected: 'a phone number such as +1 415 555 0100' },
    },
    contains: { name: ['firstName', 'lastName'], company: ['companyName'] },
  },
  Company: {
    equals: { domain: { field: 'domain', normalise: (v) => (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v.trim()) ? v.trim() : null), expected: 'a domain such as acme.com' } },
    contains: { name: ['name'] },
  },
  Deal: {
    equals: { companyId: relationTo('company', 'Company'), contactId: relationTo('contact', 'Customer') },
    contains: { name: ['name'], company: ['companyName'] },
  },
};

/**
 * The store filter for a list query's `filter` argument. `crms` are the CRM ids the configuration links, so a
 * misspelt CRM is an error instead of an empty list that looks like "no such customers".
 */
export function toGoldenFilter(entityType: string, filter: Record<string, unknown> | null | undefined, crms: readonly string[], ctx: FilterContext = { defaultRegion: 'US' }): GoldenFilter {
  const out: GoldenFilter = {};
  if (!filter) return out;
  const rules = FILTER_RULES[entityType] ?? {};
  for (const [key, raw] of Object.entries(filter)) {
    if (raw === null || raw === undefined) continue;
    const arg = `filter.${key}`;
    if (typeof raw !== 'string') throw badInput(`${arg} must be a string`, 'filter');
    const value = raw.trim();
    if (value === '') throw badInput(`${arg} must not be empty (leave it out to match every ${entityType})`, 'filter');
    if (value.length > MAX_TEXT) throw badInput(`${arg} is longer than ${MAX_TEXT} characters`, 'filter');
    if (key === 'crm') {
      if (!crms.includes(value)) throw badInput(`${arg}: unknown CRM '${value}'; configured: ${crms.join(', ') || 'none'}`, 'filter');
      out.crm = value;
    } else if (rules.equals?.[key]) {
      const rule = rules.equals[key]!;
      const normalised = rule.normalise ? rule.normalise(value, ctx) : value;
      if (normalised === null) throw badInput(`${arg}: '${value}' is not ${rule.expected ?? 'valid'}`, 'filter');
      (out.equals ??= []).push({ field: rule.field, value: normalised });
    } else if (rules.contains?.[key]) {
      (out.contains ??= []).push({ fields: rules.contains[key]!, text: value });
    } else {
      throw badInput(`${arg} is not a ${entityType} filter`, 'filter');
    }
  }
  return out;
}
