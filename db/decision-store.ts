/**
 * Identity decisions (match_decisions): what an admin or the review queue decided about a pair of records, kept
 * so later linker runs respect it. Keys are `golden:<id>` or `native:<connector>|<object>|<record id>`; a pair is
 * stored in sorted order so it has one row, and a new decision about it replaces the old one (history is in the
 * audit log). Also the moves of admin merges and splits: links re-pointed, golden records marked merged.
 */
import { and, asc, count, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Tx } from './link-store.ts';
import { auditLog, goldenRecords, matchDecisions, recordLinks } from './schema.ts';

export type MatchDecision = 'must_link' | 'cannot_link' | 'review_pending' | 'review_accepted' | 'review_rejected';
export type DecisionRow = typeof matchDecisions.$inferSelect;

export const goldenKey = (id: string) => `golden:${id}`;
export const nativeKey = (connectorId: string, objectType: string, recordId: string) => `native:${connectorId}|${objectType}|${recordId}`;

export interface DecisionInput {
  entityType: string;
  a: string;
  b: string;
  decision: MatchDecision;
  score?: number | null;
  reasons?: unknown[] | null;
  actor?: string | null;
}

export async function recordDecisions(tx: Tx, decisions: readonly DecisionInput[]): Promise<void> {
  for (const d of decisions) {
    const [leftKey, rightKey] = d.a < d.b ? [d.a, d.b] : [d.b, d.a];
    const values = { entityType: d.entityType, leftKey, rightKey, decision: d.decision, score: d.score ?? null, reasons: d.reasons ?? null, actor: d.actor ?? null };
    await tx.insert(matchDecisions).values(values)
      .onConflictDoUpdate({ target: [matchDecisions.entityType, matchDecisions.leftKey, matchDecisions.rightKey], set: { ...values, createdAt: new Date() } });
  }
}

/** True when any pair between `keys` and `others` carries this decision. */
export async function anyDecisionBetween(tx: Tx, entityType: string, keys: readonly string[], others: readonly string[], decision: MatchDecision): Promise<boolean> {
  if (keys.length === 0 || others.length === 0) return false;
  const [row] = await tx.select({ id: matchDecisions.id }).from(matchDecisions).where(and(
    eq(matchDecisions.entityType, entityType), eq(matchDecisions.decision, decision),
    or(
      and(inArray(matchDecisions.leftKey, [...keys]), inArray(matchDecisions.rightKey, [...others])),
      and(inArray(matchDecisions.leftKey, [...others]), inArray(matchDecisions.rightKey, [...keys])),
    ),
  )).limit(1);
  return row !== undefined;
}

export type ReviewOrder = 'oldest' | 'score';
export interface PendingReviewQuery {
  /** oldest: by id; score: score descending (pairs without a score last), then id. */
  order?: ReviewOrder;
  /** The last pair of the previous page: its id, and for the score order its score, which places the page. */
  after?: Pick<DecisionRow, 'id' | 'score'>;
  /** Only pairs scored at least this (pairs without a score are left out). */
  minScore?: number;
}

/**
 * Pending review pairs in the chosen order, after the given pair (keyset paging on (id) or (score, id): a decision
 * taken meanwhile shifts nothing). At enterprise scale the queue holds thousands of pairs; stewards work the most
 * likely ones first.
 *
 * The score order reads the partial index `match_decisions_review_score_idx` (pending pairs by score descending, then
 * id) from the page's place on: the cursor is written as a range on the score (`score <= s`) that the index starts at,
 * so a page deep in the queue costs what the first one does. Unscored pairs (older rows) come after every scored one,
 * read apart by id.
 */
export async function pendingReviews(tx: Tx, first: number, query: PendingReviewQuery = {}): Promise<DecisionRow[]> {
  const pending = eq(matchDecisions.decision, 'review_pending');
  const after = query.after;
  if (query.order === 'score') {
    const rows: DecisionRow[] = [];
    if (!after || after.score !== null) {
      const where: (SQL | undefined)[] = [pending, isNotNull(matchDecisions.score)];
      if (query.minScore !== undefined) where.push(gte(matchDecisions.score, query.minScore));
      // After a scored pair: lower scores, or the same score with a larger id.
      if (after) where.push(lte(matchDecisions.score, after.score!), or(lt(matchDecisions.score, after.score!), gt(matchDecisions.id, after.id)));
      rows.push(...await tx.select().from(matchDecisions).where(and(...where))
        .orderBy(sql`${matchDecisions.score} desc nulls last`, asc(matchDecisions.id)).limit(first));
    }
    // Pairs without a score are never at least minScore.
    if (rows.length < first && query.minScore === undefined) {
      const where = [pending, isNull(matchDecisions.score), ...(after?.score === null ? [gt(matchDecisions.id, after.id)] : [])];
      rows.push(...await tx.select().from(matchDecisions).where(and(...where)).orderBy(asc(matchDecisions.id)).limit(first - rows.length));
    }
    return rows;
  }
  const where: (SQL | undefined)[] = [pending];
  if (query.minScore !== undefined) where.push(gte(matchDecisions.score, query.minScore));
  if (after) where.push(gt(matchDecisions.id, after.id));
  return tx.select().from(matchDecisions).where(and(...where)).orderBy(asc(matchDecisions.id)).limit(first);
}

/** How many review pairs wait for a decision (scored at least `minScore` when given). */
export async function pendingReviewCount(tx: Tx, minScore?: number): Promise<number> {
  const pending = eq(matchDecisions.decision, 'review_pending');
  const [row] = await tx.select({ n: count() }).from(matchDecisions)
    .where(minScore === undefined ? pending : and(pending, gte(matchDecisions.score, minScore)));
  return Number(row?.n ?? 0);
}

export async function decisionById(tx: Tx, id: number): Promise<DecisionRow | null> {
  const [row] = await tx.select().from(matchDecisions).where(eq(matchDecisions.id, id));
  return row ?? null;
}

export async function setDecision(tx: Tx, id: number, decision: MatchDecision, actor: string | null): Promise<void> {
  await tx.update(matchDecisions).set({ decision, actor, createdAt: new Date() }).where(eq(matchDecisions.id, id));
}

/** Golden records by id with their type and status (existence checks of admin mutations). */
export async function goldenRows(tx: Tx, ids: readonly string[]): Promise<Map<string, { entityType: string; status: string; mergedInto: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.select({ id: goldenRecords.id, entityType: goldenRecords.entityType, status: goldenRecords.status, mergedInto: goldenRecords.mergedInto })
    .from(goldenRecords).where(inArray(goldenRecords.id, [...ids]));
  return new Map(rows.map((r) => [r.id, { entityType: r.entityType, status: r.status, mergedInto: r.mergedInto }]));
}

/** Re-points every link (live or deleted: history follows the person) of `from` to `to`. */
export async function moveAllLinks(tx: Tx, from: readonly string[], to: string): Promise<void> {
  if (from.length === 0) return;
  await tx.update(recordLinks).set({ goldenId: to }).where(inArray(recordLinks.goldenId, [...from]));
}

/** Re-points chosen links (by row id) to `to`. */
export async function moveLinks(tx: Tx, linkIds: readonly number[], to: string): Promise<void> {
  if (linkIds.length === 0) return;
  await tx.update(recordLinks).set({ goldenId: to }).where(inArray(recordLinks.id, [...linkIds]));
}

export async function markMerged(tx: Tx, ids: readonly string[], survivorId: string): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(goldenRecords).set({ status: 'merged', mergedInto: survivorId, updatedAt: new Date() }).where(inArray(goldenRecords.id, [...ids]));
  // Records merged into a merged record now point straight at the survivor: chains stay short.
  await tx.update(goldenRecords).set({ mergedInto: survivorId }).where(and(eq(goldenRecords.status, 'merged'), inArray(goldenRecords.mergedInto, [...ids])));
}

/** All links (any status) of one golden record, with their row ids. */
export async function linkRowsOf(tx: Tx, goldenId: string) {
  return tx.select({ id: recordLinks.id, connectorId: recordLinks.connectorId, crm: recordLinks.crm, objectType: recordLinks.objectType, recordId: recordLinks.recordId, status: recordLinks.status })
    .from(recordLinks).where(eq(recordLinks.goldenId, goldenId)).orderBy(asc(recordLinks.crm), asc(recordLinks.objectType), asc(recordLinks.recordId));
}

export async function audit(tx: Tx, entry: { actor: string | null; action: string; entityType: string; entityId: string; detail: Record<string, unknown> }): Promise<void> {
  await tx.insert(auditLog).values({ kind: 'audit', ...entry });
}

/** The decision keys of a golden record: its own and one per link (any status). */
export async function decisionKeysOf(tx: Tx, goldenId: string): Promise<string[]> {
  const links = await linkRowsOf(tx, goldenId);
  return [goldenKey(goldenId), ...links.map((l) => nativeKey(l.connectorId, l.objectType, l.recordId))];
}

/** Golden records (any status) merged into these, by survivor: their golden keys still name the survivor's records. */
export async function mergedInto(tx: Tx, survivorIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < survivorIds.length; i += 1000) {
    const rows = await tx.select({ id: goldenRecords.id, into: goldenRecords.mergedInto }).from(goldenRecords)
      .where(and(eq(goldenRecords.status, 'merged'), inArray(goldenRecords.mergedInto, survivorIds.slice(i, i + 1000))));
    for (const r of rows) out.set(r.into!, [...(out.get(r.into!) ?? []), r.id]);
  }
  return out;
}

/** Decided pairs (of the given decisions) with at least one side among `keys`, as [left, right, decision]. */
export async function decisionsTouching(tx: Tx, entityType: string, keys: readonly string[], decisions: readonly MatchDecision[]): Promise<[string, string, MatchDecision][]> {
  const out: [string, string, MatchDecision][] = [];
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += 1000) {
    const part = unique.slice(i, i + 1000);
    const rows = await tx.select({ l: matchDecisions.leftKey, r: matchDecisions.rightKey, d: matchDecisions.decision }).from(matchDecisions).where(and(
      eq(matchDecisions.entityType, entityType), inArray(matchDecisions.decision, [...decisions]),
      or(inArray(matchDecisions.leftKey, part), inArray(matchDecisions.rightKey, part)),
    ));
    for (const r of rows) out.push([r.l, r.r, r.d as MatchDecision]);
  }
  return out;
}

/**
 * Queues review pairs, one statement per chunk; a pair with any decision already (pending, accepted, rejected,
 * linked…) is left alone, and a pair listed twice is queued by its first entry. Returns how many were queued.
 */
export async function queueReviews(tx: Tx, reviews: readonly Omit<DecisionInput, 'decision'>[]): Promise<number> {
  const rows = new Map<string, typeof matchDecisions.$inferInsert>();
  for (const d of reviews) {
    const [leftKey, rightKey] = d.a < d.b ? [d.a, d.b] : [d.b, d.a];
    const k = JSON.stringify([d.entityType, leftKey, rightKey]);
    if (!rows.has(k)) rows.set(k, { entityType: d.entityType, leftKey, rightKey, decision: 'review_pending', score: d.score ?? null, reasons: d.reasons ?? null, actor: d.actor ?? null });
  }
  let queued = 0;
  const all = [...rows.values()];
  for (let i = 0; i < all.length; i += 1000) {
    const inserted = await tx.insert(matchDecisions).values(all.slice(i, i + 1000))
      .onConflictDoNothing({ target: [matchDecisions.entityType, matchDecisions.leftKey, matchDecisions.rightKey] })
      .returning({ id: matchDecisions.id });
    queued += inserted.length;
  }
  return queued;
}

/** Active golden records of a type with their snapshots (the identity review reads people from them). */
export async function activeSnapshots(tx: Tx, entityType: string): Promise<{ id: string; snapshot: Record<string, unknown> | null }[]> {
  return tx.select({ id: goldenRecords.id, snapshot: goldenRecords.snapshot }).from(goldenRecords)
    .where(and(eq(goldenRecords.entityType, entityType), eq(goldenRecords.status, 'active'))).orderBy(asc(goldenRecords.id));
}
