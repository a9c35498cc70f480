/**
 * Writes of golden records, links and snapshots, for linkers (sync/). Links are unique on (connector, object
 * type, record id), so linking the same native record twice is a no-op that returns the existing golden id.
 */
import crypto from 'node:crypto';
import { and, asc, eq, inArray, like, ne, or, isNull, sql } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import { newGoldenId } from './golden-ids.ts';
import { goldenRecords, recordLinks } from './schema.ts';

/** A transaction handle or the database: every function here works in either. */
export type Tx = Pick<Database, 'select' | 'selectDistinct' | 'insert' | 'update' | 'execute'>;

export interface NewLink {
  goldenId: string;
  entityType: string;
  connectorId: string;
  crm: string;
  objectType: string;
  recordId: string;
  matchKey: string | null;
  matchDetail?: Record<string, unknown>;
}

/** Serialises linkers across processes (both drivers): two runs creating one golden record twice would be a duplicate. */
export async function lockLinking(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('customer-graph:linking'))`);
}

/** Golden ids already linked to these native records, by record id. */
export async function linkedGoldenIds(tx: Tx, connectorId: string, objectType: string, recordIds: readonly string[]): Promise<Map<string, string>> {
  if (recordIds.length === 0) return new Map();
  const rows = await tx
    .select({ recordId: recordLinks.recordId, goldenId: recordLinks.goldenId })
    .from(recordLinks)
    .where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.objectType, objectType), inArray(recordLinks.recordId, [...recordIds])));
  return new Map(rows.map((r) => [r.recordId, r.goldenId]));
}

/** The live golden record holding a link with this match key (the oldest, when several do), or null. */
export async function goldenIdByMatchKey(tx: Tx, entityType: string, matchKey: string): Promise<string | null> {
  const [row] = await tx
    .select({ goldenId: recordLinks.goldenId })
    .from(recordLinks)
    .innerJoin(goldenRecords, eq(goldenRecords.id, recordLinks.goldenId))
    .where(and(eq(recordLinks.entityType, entityType), eq(recordLinks.matchKey, matchKey), eq(goldenRecords.status, 'active')))
    .orderBy(asc(recordLinks.goldenId))
    .limit(1);
  return row?.goldenId ?? null;
}

/** Distinct live golden ids whose links have a match key starting with `prefix` (at most `limit`). */
export async function goldenIdsByMatchKeyPrefix(tx: Tx, entityType: string, prefix: string, limit = 2): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ goldenId: recordLinks.goldenId })
    .from(recordLinks)
    .innerJoin(goldenRecords, eq(goldenRecords.id, recordLinks.goldenId))
    .where(and(eq(recordLinks.entityType, entityType), like(recordLinks.matchKey, `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`), eq(goldenRecords.status, 'active')))
    .orderBy(asc(recordLinks.goldenId))
    .limit(limit);
  return rows.map((r) => r.goldenId);
}

export async function createGoldenRecord(tx: Tx, entityType: string): Promise<string> {
  const id = newGoldenId(entityType);
  await tx.insert(goldenRecords).values({ id, entityType });
  return id;
}

/** Inserts the link unless the native record is linked already; returns the golden id the record is linked to. */
export async function upsertLink(tx: Tx, link: NewLink): Promise<{ goldenId: string; created: boolean }> {
  const inserted = await tx
    .insert(recordLinks)
    .values({ ...link, matchDetail: link.matchDetail ?? null })
    .onConflictDoNothing({ target: [recordLinks.connectorId, recordLinks.objectType, recordLinks.recordId] })
    .returning({ goldenId: recordLinks.goldenId });
  if (inserted[0]) return { goldenId: inserted[0].goldenId, created: true };
  const existing = await linkedGoldenIds(tx, link.connectorId, link.objectType, [link.recordId]);
  return { goldenId: existing.get(link.recordId)!, created: false };
}

export interface NativeRef { connectorId: string; objectType: string; recordId: string }

export interface StoredLink extends NativeRef { goldenId: string; crm: string; status: string; matchDetail: Record<string, unknown> | null }

const CHUNK = 1000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const storedLinkColumns = {
  connectorId: recordLinks.connectorId, objectType: recordLinks.objectType, recordId: recordLinks.recordId, goldenId: recordLinks.goldenId,
  crm: recordLinks.crm, status: recordLinks.status, matchDetail: recordLinks.matchDetail,
};

/** The links (any status) of these native records, whatever their connector and object. */
export async function linksOfNatives(tx: Tx, natives: readonly NativeRef[]): Promise<StoredLink[]> {
  const groups = new Map<string, { connectorId: string; objectType: string; ids: string[] }>();
  for (const n of natives) {
    const k = `${n.connectorId}|${n.objectType}`;
    const g = groups.get(k) ?? { connectorId: n.connectorId, objectType: n.objectType, ids: [] };
    g.ids.push(n.recordId);
    groups.set(k, g);
  }
  const out: StoredLink[] = [];
  for (const g of groups.values()) {
    for (const ids of chunks([...new Set(g.ids)])) {
      out.push(...await tx.select(storedLinkColumns).from(recordLinks)
        .where(and(eq(recordLinks.connectorId, g.connectorId), eq(recordLinks.objectType, g.objectType), inArray(recordLinks.recordId, ids))));
    }
  }
  return out;
}

/**
 * Live links of live golden records of a type whose stored identity detail (`match_detail.blocking`) shares a
 * blocking key with `keys`: the candidates an incremental identity run compares changed records with.
 */
export async function linksByBlockingKeys(tx: Tx, entityType: string, keys: readonly string[], limit = 2000): Promise<StoredLink[]> {
  if (keys.length === 0) return [];
  const array = sql`array[${sql.join([...new Set(keys)].map((k) => sql`${k}`), sql`, `)}]::text[]`;
  return tx.select(storedLinkColumns).from(recordLinks)
    .innerJoin(goldenRecords, eq(goldenRecords.id, recordLinks.goldenId))
    .where(and(eq(recordLinks.entityType, entityType), eq(recordLinks.status, 'active'), eq(goldenRecords.status, 'active'),
      sql`(${recordLinks.matchDetail} -> 'blocking') ?| ${array}`))
    .orderBy(asc(recordLinks.id))
    .limit(limit);
}

/** Links (any status) of these golden records. */
export async function linksOfGolden(tx: Tx, goldenIds: readonly string[]): Promise<StoredLink[]> {
  const out: StoredLink[] = [];
  for (const ids of chunks([...new Set(goldenIds)])) out.push(...await tx.select(storedLinkColumns).from(recordLinks).where(inArray(recordLinks.goldenId, ids)));
  return out;
}

/** Replaces the stored match detail (identity attributes and blocking keys) of one link. */
export async function updateLinkDetail(tx: Tx, link: NativeRef, matchKey: string | null, matchDetail: Record<string, unknown>): Promise<void> {
  await tx.update(recordLinks).set({ matchKey, matchDetail })
    .where(and(eq(recordLinks.connectorId, link.connectorId), eq(recordLinks.objectType, link.objectType), eq(recordLinks.recordId, link.recordId)));
}

/** A stable hash of a snapshot: keys sorted, so the same values always hash the same. */
export function snapshotHash(snapshot: Record<string, unknown>): string {
  const stable = JSON.stringify(Object.keys(snapshot).sort().map((k) => [k, snapshot[k] ?? null]));
  return crypto.createHash('sha256').update(stable).digest('hex');
}

/** Stores the snapshot when it differs from the stored one; true when it changed. */
export async function writeSnapshot(tx: Tx, goldenId: string, snapshot: Record<string, unknown>): Promise<boolean> {
  const hash = snapshotHash(snapshot);
  const updated = await tx
    .update(goldenRecords)
    .set({ snapshot, snapshotHash: hash, updatedAt: new Date() })
    .where(and(eq(goldenRecords.id, goldenId), or(isNull(goldenRecords.snapshotHash), ne(goldenRecords.snapshotHash, hash))))
    .returning({ id: goldenRecords.id });
  return updated.length > 0;
}
