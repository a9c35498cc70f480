/**
 * What golden relations read and write in the links. Forward (Customer.company): the golden ids of native records
 * by CRM, object and id, whatever the connector — a contact's AccountId names an Account record, and the golden
 * company is whatever that record is linked to. Inverse (Company.customers): the references each record held when
 * sync last read it, stored with its link (`refs`), and the golden records of a type whose live links point to a
 * golden record's own native records.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { sourceKey } from '../resolver-engine/index.ts';
import type { SourceRef } from '../resolver-engine/index.ts';
import type { Tx } from './link-store.ts';
import type { Database } from './open-database.ts';
import { goldenRecords, recordLinks } from './schema.ts';

const CHUNK = 1000;

/** Golden ids of live links of these native records, by `sourceKey`; records linked to nothing are left out. */
export async function goldenIdsOfRecords(db: Database | Tx, records: readonly SourceRef[]): Promise<Map<string, string>> {
  const groups = new Map<string, { crm: string; objectType: string; ids: Set<string> }>();
  for (const r of records) {
    const k = `${r.crm}\u0000${r.objectType}`;
    const g = groups.get(k) ?? { crm: r.crm, objectType: r.objectType, ids: new Set<string>() };
    g.ids.add(r.recordId);
    groups.set(k, g);
  }
  const out = new Map<string, string>();
  for (const g of groups.values()) {
    const ids = [...g.ids];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await db.select({ recordId: recordLinks.recordId, goldenId: recordLinks.goldenId }).from(recordLinks)
        .where(and(eq(recordLinks.objectType, g.objectType), inArray(recordLinks.recordId, ids.slice(i, i + CHUNK)), eq(recordLinks.crm, g.crm), eq(recordLinks.status, 'active')))
        .orderBy(recordLinks.id);
      // Two connectors of one CRM holding the same record id is a configuration mistake; the oldest link answers.
      for (const row of rows) {
        const key = sourceKey({ crm: g.crm, objectType: g.objectType, recordId: row.recordId });
        if (!out.has(key)) out.set(key, row.goldenId);
      }
    }
  }
  return out;
}

export interface LinkRefsUpdate { connectorId: string; objectType: string; recordId: string; refs: readonly string[] }

/** Stores each record's references on its link; rows already holding them are not rewritten. */
export async function writeLinkRefs(tx: Tx, updates: readonly LinkRefsUpdate[]): Promise<void> {
  for (let i = 0; i < updates.length; i += 500) {
    const rows = JSON.stringify(updates.slice(i, i + 500).map((u) => ({ c: u.connectorId, o: u.objectType, r: u.recordId, f: u.refs })));
    await tx.update(recordLinks).set({ refs: sql`v.f` })
      .from(sql`jsonb_to_recordset(${rows}::jsonb) as v(c text, o text, r text, f jsonb)`)
      .where(and(eq(recordLinks.connectorId, sql`v.c`), eq(recordLinks.objectType, sql`v.o`), eq(recordLinks.recordId, sql`v.r`), sql`${recordLinks.refs} is distinct from v.f`));
  }
}

export interface ReferencingPage { ids: string[]; totalCount: number; hasNextPage: boolean }

/**
 * Live golden records of `entityType` with a live link holding one of `keys` (relationReferenceKey), in id order
 * (creation order), `first` after `afterId`.
 */
export async function goldenIdsReferencing(db: Database, options: { entityType: string; keys: readonly string[]; first: number; afterId?: string | undefined }): Promise<ReferencingPage> {
  if (options.keys.length === 0) return { ids: [], totalCount: 0, hasNextPage: false };
  const array = sql`array[${sql.join([...new Set(options.keys)].map((k) => sql`${k}`), sql`, `)}]::text[]`;
  const referencing = and(eq(recordLinks.entityType, options.entityType), eq(recordLinks.status, 'active'), eq(goldenRecords.status, 'active'), sql`${recordLinks.refs} ?| ${array}`);
  const [count] = await db.select({ n: sql<number>`count(distinct ${recordLinks.goldenId})::int` }).from(recordLinks)
    .innerJoin(goldenRecords, eq(goldenRecords.id, recordLinks.goldenId)).where(referencing);
  if (options.first === 0) return { ids: [], totalCount: count?.n ?? 0, hasNextPage: (count?.n ?? 0) > 0 };
  const rows = await db.selectDistinct({ id: recordLinks.goldenId }).from(recordLinks)
    .innerJoin(goldenRecords, eq(goldenRecords.id, recordLinks.goldenId))
    .where(options.afterId ? and(referencing, sql`${recordLinks.goldenId} > ${options.afterId}`) : referencing)
    .orderBy(asc(recordLinks.goldenId))
    .limit(options.first + 1);
  return { ids: rows.slice(0, options.first).map((r) => r.id), totalCount: count?.n ?? 0, hasNextPage: rows.length > options.first };
}
