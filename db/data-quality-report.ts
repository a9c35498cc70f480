/**
 * The data-quality report: the values our quality rules flagged, read from the stored golden snapshots (the sync
 * worker stores each flagged candidate under the snapshot's quality key: sync/snapshot-quality.ts). Grouped by golden
 * field, issue code and CRM for the overview, and listed record by record (keyset paging on the golden id) so a data
 * steward can fix each value at its source. Only active golden records count: merged-away and deleted ones are history.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from './link-store.ts';
import { rowsOf } from './link-store.ts';
import { goldenRecords } from './schema.ts';

export interface QualityGroup {
  entityType: string;
  field: string;
  code: string;
  crm: string;
  /** Flagged values (one per source record and field). */
  issues: number;
  /** Golden records carrying at least one of them. */
  records: number;
  /** Flagged values that are the golden value now (they won survivorship). */
  winning: number;
}

export interface QualityIssueRow {
  goldenId: string;
  field: string;
  code: string;
  message: string;
  source: { crm: string; objectType: string; recordId: string };
  value: unknown;
  winner: boolean;
}

const g = goldenRecords;

export async function qualityGroups(tx: Tx, key: string, entityType: string): Promise<QualityGroup[]> {
  const result = await tx.execute(sql`
    select q->>'field' as field, q->>'code' as code, q->'source'->>'crm' as crm,
           count(*)::int as issues, count(distinct ${g.id})::int as records,
           count(*) filter (where (q->>'winner')::boolean)::int as winning
    from ${g}, jsonb_array_elements(case when jsonb_typeof(${g.snapshot}->${key}) = 'array' then ${g.snapshot}->${key} else '[]'::jsonb end) as q
    where ${g.status} = 'active' and ${g.entityType} = ${entityType}
    group by 1, 2, 3
    order by issues desc, field, code, crm`);
  return rowsOf<Omit<QualityGroup, 'entityType'>>(result).map((r) => ({ entityType, ...r, issues: Number(r.issues), records: Number(r.records), winning: Number(r.winning) }));
}

/** Totals over every field and code: flagged values, distinct golden records carrying one, and golden values among them. */
export async function qualityTotals(tx: Tx, key: string, entityType: string): Promise<{ issues: number; records: number; winning: number }> {
  const result = await tx.execute(sql`
    select count(*)::int as issues, count(distinct ${g.id})::int as records,
           count(*) filter (where (q->>'winner')::boolean)::int as winning
    from ${g}, jsonb_array_elements(case when jsonb_typeof(${g.snapshot}->${key}) = 'array' then ${g.snapshot}->${key} else '[]'::jsonb end) as q
    where ${g.status} = 'active' and ${g.entityType} = ${entityType}`);
  const [row] = rowsOf<{ issues: number; records: number; winning: number }>(result);
  return { issues: Number(row?.issues ?? 0), records: Number(row?.records ?? 0), winning: Number(row?.winning ?? 0) };
}

/**
 * Flagged values of one field and issue code (and CRM), for the first `first` golden records after `afterGoldenId`
 * (id ascending): a page holds every matching value of its records, so paging never splits a record.
 */
export async function qualityIssues(tx: Tx, key: string, opts: {
  entityType: string; field: string; code: string; crm?: string; first: number; afterGoldenId?: string;
}): Promise<QualityIssueRow[]> {
  const flagged = sql`jsonb_array_elements(case when jsonb_typeof(${g.snapshot}->${key}) = 'array' then ${g.snapshot}->${key} else '[]'::jsonb end)`;
  const matches = sql`q->>'field' = ${opts.field} and q->>'code' = ${opts.code} ${opts.crm ? sql`and q->'source'->>'crm' = ${opts.crm}` : sql``}`;
  const result = await tx.execute(sql`
    with page as (
      select distinct ${g.id} as id from ${g}, ${flagged} as q
      where ${g.status} = 'active' and ${g.entityType} = ${opts.entityType} and ${matches}
        ${opts.afterGoldenId ? sql`and ${g.id} > ${opts.afterGoldenId}` : sql``}
      order by 1 limit ${opts.first}
    )
    select ${g.id} as "goldenId", q
    from ${g} join page on page.id = ${g.id}, ${flagged} as q
    where ${matches}
    order by ${g.id}, q->'source'->>'crm', q->'source'->>'recordId'`);
  return rowsOf<{ goldenId: string; q: unknown }>(result).map(({ goldenId, q }) => {
    const item = (typeof q === 'string' ? JSON.parse(q) : q) as Omit<QualityIssueRow, 'goldenId'>;
    return { goldenId, field: item.field, code: item.code, message: item.message, source: item.source, value: item.value, winner: item.winner === true };
  });
}
