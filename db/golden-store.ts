/**
 * Reads of golden records and their links, for the identity subgraph: one record by id (following merges),
 * filtered and paged lists over the golden snapshot, and the links of many records in one query (DataLoader).
 */
import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import { goldenRecords, recordLinks } from './schema.ts';

export interface GoldenLink {
  goldenId: string;
  connectorId: string;
  crm: string;
  objectType: string;
  recordId: string;
  /** The record's field clock as change capture last stored it (resolver-engine field-clock.ts); null before. */
  fieldClock?: Record<string, { h: string; at: string }> | null;
}

/** Filters over the golden snapshot (keys are golden field names) and the links. All given parts must hold. */
export interface GoldenFilter {
  /** Snapshot field equals the value, ignoring case and surrounding spaces. */
  equals?: { field: string; value: string }[];
  /** The snapshot fields, joined with a space, contain the text (case-insensitive). */
  contains?: { fields: string[]; text: string }[];
  /** Linked (actively) to at least one record of this CRM. */
  crm?: string;
}

export interface GoldenPage {
  totalCount: number;
  ids: string[];
  hasNextPage: boolean;
}

/** Longest merge chain followed; a longer one means a cycle written by a bug, better stopped than looped. */
const MAX_MERGE_HOPS = 16;

/**
 * The id of the live record `id` stands for: itself when active, the survivor when it was merged away (possibly
 * several times), null when unknown, of another type, or deleted.
 */
export async function resolveGoldenId(db: Database, entityType: string, id: string): Promise<string | null> {
  let current = id;
  for (let hop = 0; hop <= MAX_MERGE_HOPS; hop++) {
    const [row] = await db
      .select({ status: goldenRecords.status, mergedInto: goldenRecords.mergedInto })
      .from(goldenRecords)
      .where(and(eq(goldenRecords.id, current), eq(goldenRecords.entityType, entityType)));
    if (!row) return null;
    if (row.status === 'active') return current;
    if (row.status !== 'merged' || !row.mergedInto) return null;
    current = row.mergedInto;
  }
  return null;
}

/** `resolveGoldenId` for many ids: one query for the common case (active or unknown), hops only for merged ones. */
export async function resolveGoldenIds(db: Database, entityType: string, ids: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: goldenRecords.id, status: goldenRecords.status })
    .from(goldenRecords)
    .where(and(inArray(goldenRecords.id, [...new Set(ids)]), eq(goldenRecords.entityType, entityType)));
  const status = new Map(rows.map((r) => [r.id, r.status]));
  for (const id of ids) {
    const s = status.get(id);
    out.set(id, s === 'active' ? id : s === 'merged' ? await resolveGoldenId(db, entityType, id) : null);
  }
  return out;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A snapshot key as SQL: a literal when it is a plain name, a parameter otherwise. With the key (and the status) in
 * the statement, even a generic plan of a prepared statement matches the expression indexes on email and phone
 * (schema.ts `golden_records_email_idx`, `_phone_idx`); with `->> $1` only a plan made for the given value could.
 */
function snapshotKey(field: string): SQL {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? sql.raw(`'${field}'`) : sql`${field}`;
}

function filterConditions(filter: GoldenFilter): SQL[] {
  const out: SQL[] = [];
  for (const { field, value } of filter.equals ?? []) {
    out.push(sql`lower(trim(${goldenRecords.snapshot} ->> ${snapshotKey(field)})) = ${value.trim().toLowerCase()}`);
  }
  for (const { fields, text } of filter.contains ?? []) {
    const joined = sql.join(fields.map((f) => sql`coalesce(${goldenRecords.snapshot} ->> ${f}, '')`), sql` || ' ' || `);
    out.push(sql`(${joined}) ilike ${`%${escapeLike(text.trim())}%`}`);
  }
  if (filter.crm !== undefined) {
    out.push(sql`exists (select 1 from ${recordLinks} where ${recordLinks.goldenId} = ${goldenRecords.id}
      and ${recordLinks.crm} = ${filter.crm} and ${recordLinks.status} = 'active')`);
  }
  return out;
}

export interface GoldenListOptions {
  entityType: string;
  first: number;
  afterId?: string | undefined;
  filter?: GoldenFilter;
}

function listWhere(options: GoldenListOptions): SQL | undefined {
  return and(eq(goldenRecords.entityType, options.entityType), sql`${goldenRecords.status} = 'active'`, ...filterConditions(options.filter ?? {}));
}

/** The query of one page of `listGolden` (one row more than `first`, telling whether another page follows). */
export function goldenPageQuery(db: Database, options: GoldenListOptions) {
  const where = listWhere(options);
  return db
    .select({ id: goldenRecords.id })
    .from(goldenRecords)
    .where(options.afterId === undefined ? where : and(where, gt(goldenRecords.id, options.afterId)))
    .orderBy(asc(goldenRecords.id))
    .limit(options.first + 1);
}

/** Active records of a type in id order (ids start with their creation time), `first` after `afterId`. */
export async function listGolden(db: Database, options: GoldenListOptions): Promise<GoldenPage> {
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(goldenRecords).where(listWhere(options));
  const rows = await goldenPageQuery(db, options);
  return { totalCount: total, ids: rows.slice(0, options.first).map((r) => r.id), hasNextPage: rows.length > options.first };
}

/** Active links of many golden records in one query, in a stable order (crm, object, record id). */
export async function linksOf(db: Database, goldenIds: readonly string[]): Promise<Map<string, GoldenLink[]>> {
  const byId = new Map<string, GoldenLink[]>(goldenIds.map((id) => [id, []]));
  if (goldenIds.length === 0) return byId;
  const rows = await db
    .select({
      goldenId: recordLinks.goldenId, connectorId: recordLinks.connectorId, crm: recordLinks.crm,
      objectType: recordLinks.objectType, recordId: recordLinks.recordId, fieldClock: recordLinks.fieldClock,
    })
    .from(recordLinks)
    .where(and(inArray(recordLinks.goldenId, [...goldenIds]), eq(recordLinks.status, 'active')))
    .orderBy(asc(recordLinks.crm), asc(recordLinks.objectType), asc(recordLinks.recordId));
  for (const row of rows) byId.get(row.goldenId)?.push(row);
  return byId;
}

/** The stored snapshot of one record (tests and admin views). */
export async function goldenSnapshot(db: Database, id: string): Promise<Record<string, unknown> | null> {
  const [row] = await db.select({ snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, id));
  return row?.snapshot ?? null;
}
