/**
 * Golden ids of native records by CRM, object and record id (any connector of that CRM), for the golden relations:
 * a contact's AccountId names an Account record, and the golden company is whatever that record is linked to. Only
 * live links count; a record linked to nothing (not synced yet, deleted) is left out of the answer.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { sourceKey } from '../resolver-engine/index.ts';
import type { SourceRef } from '../resolver-engine/index.ts';
import type { Database } from './open-database.ts';
import { recordLinks } from './schema.ts';

const CHUNK = 1000;

export async function goldenIdsOfRecords(db: Database, records: readonly SourceRef[]): Promise<Map<string, string>> {
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
