/**
 * What golden relations read and write in the links. Forward (Customer.company): the golden ids of native records
 * by CRM, object and id, whatever the connector — a contact's AccountId names an Account record, and the golden
 * company is whatever that record is linked to. Inverse (Company.customers): the references each record held when
 * sync last read it, stored with its link (`refs`), and the golden records of a type whose live links point to a
 * golden record's own native records.
 */
import { and, eq, sql } from 'drizzle-orm';
import { sourceKey } from '../resolver-engine/index.ts';
import type { SourceRef } from '../resolver-engine/index.ts';
import { rowsOf } from './link-store.ts';
import type { Tx } from './link-store.ts';
import type { Database } from './open-database.ts';
import { recordLinks } from './schema.ts';

const CHUNK = 1000;

/**
 * Golden ids of live links of these native records, by `sourceKey`; records linked to nothing are left out. One
 * statement per 1,000 records, whatever the mix of CRMs and objects (a page of customers points to Salesforce
 * accounts, HubSpot companies and Pipedrive organizations at once), through the (object_type, record_id) index.
 */
export async function goldenIdsOfRecords(db: Database | Tx, records: readonly SourceRef[]): Promise<Map<string, string>> {
  const unique = [...new Map(records.map((r) => [sourceKey(r), r])).values()];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = JSON.stringify(unique.slice(i, i + CHUNK).map((r) => ({ c: r.crm, o: r.objectType, r: r.recordId })));
    const result = await db.execute(sql`
      select l.crm, l.object_type as "objectType", l.record_id as "recordId", l.golden_id as "goldenId"
      from jsonb_to_recordset(${rows}::jsonb) as v(c text, o text, r text)
      join record_links l on l.object_type = v.o and l.record_id = v.r and l.crm = v.c
      where l.status = 'active'
      order by l.id`);
    // Two connectors of one CRM holding the same record id is a configuration mistake; the oldest link answers.
    for (const row of rowsOf<SourceRef & { goldenId: string }>(result)) {
      const key = sourceKey(row);
      if (!out.has(key)) out.set(key, row.goldenId);
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

/** Live golden records (of any type) with a live link whose stored references hold one of these keys. */
export async function goldenIdsHoldingRefs(db: Database | Tx, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const all = sql`array[${sql.join([...new Set(keys)].map((k) => sql`${k}`), sql`, `)}]::text[]`;
  const result = await db.execute(sql`
    select distinct l.golden_id as id from record_links l join golden_records g on g.id = l.golden_id
    where l.refs ?| ${all} and l.status = 'active' and g.status = 'active'`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

export interface ReferencingPage { ids: string[]; totalCount: number; hasNextPage: boolean }

/**
 * For each parent (a golden record, with the reference keys of its own native records — relationReferenceKey):
 * live golden records of `entityType` with a live link holding one of its keys, in id order (creation order), `first`
 * after `afterId`, with their count. One statement for every parent of a page, so `companies(first: 100) { customers
 * { … } }` costs one query, not a hundred.
 */
export async function goldenIdsReferencing(
  db: Database, options: { entityType: string; keysByParent: ReadonlyMap<string, readonly string[]>; first: number; afterId?: string | undefined },
): Promise<Map<string, ReferencingPage>> {
  const out = new Map<string, ReferencingPage>([...options.keysByParent.keys()].map((p) => [p, { ids: [], totalCount: 0, hasNextPage: false }]));
  const pairs = [...options.keysByParent].flatMap(([p, keys]) => [...new Set(keys)].map((k) => ({ p, k })));
  if (pairs.length === 0) return out;
  const all = sql`array[${sql.join([...new Set(pairs.map((x) => x.k))].map((k) => sql`${k}`), sql`, `)}]::text[]`;
  const after = options.afterId ?? ''; // golden ids are never empty: '' is before every one
  // One row per parent with its count (id null), then up to first + 1 ids after the cursor (the extra one says a
  // next page exists).
  const result = await db.execute(sql`
    with k as (select * from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as k(p text, k text)),
    m as (
      select distinct k.p as parent, l.golden_id as id
      from record_links l
      join k on l.refs ? k.k
      join golden_records g on g.id = l.golden_id
      where l.refs ?| ${all} and l.entity_type = ${options.entityType} and l.status = 'active' and g.status = 'active'
    ),
    r as (select parent, id, row_number() over (partition by parent order by id) as rn from m where id > ${after})
    select parent, null::text as id, count(*)::int as n from m group by parent
    union all
    select parent, id, rn::int as n from r where rn <= ${options.first + 1}
    order by 1, 3`);
  for (const row of rowsOf<{ parent: string; id: string | null; n: number }>(result)) {
    const page = out.get(row.parent);
    if (!page) continue;
    if (row.id === null) page.totalCount = Number(row.n);
    else if (Number(row.n) <= options.first) page.ids.push(row.id);
    else page.hasNextPage = true;
  }
  return out;
}
