/**
 * Admin identity decisions (issue 6): merging customers an automatic run kept apart, splitting records out of a
 * customer they should not be in, and the review queue's accept/reject. Each runs in one transaction under the
 * linking lock: links move, decisions are recorded (so later linker runs respect them, see find-golden.ts), an
 * audit row is written and the snapshots are recomputed with the change applier's code, which also publishes
 * `customerChanged`. A merged-away id keeps resolving to the survivor (golden_records.merged_into).
 */
import type { Tx } from '../db/link-store.ts';
import { createGoldenRecord, lockLinking } from '../db/link-store.ts';
import { publishCustomerChanged } from '../db/change-events.ts';
import {
  audit, decisionById, goldenKey, goldenRows, linkRowsOf, markMerged, moveAllLinks, moveLinks, nativeKey, recordDecisions, setDecision,
} from '../db/decision-store.ts';
import type { DecisionInput } from '../db/decision-store.ts';
import { resolveGoldenId } from '../db/golden-store.ts';
import { StalePreparationError, prepareGoldenSources, recomputeGolden } from './change-applier.ts';
import type { ChangeApplierContext } from './change-applier.ts';

/** A mistake in the admin's input (unknown id, record not in the customer…): reported as BAD_USER_INPUT. */
export class IdentityInputError extends Error {
  constructor(message: string, readonly argumentName: string, readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND' = 'BAD_USER_INPUT') {
    super(message);
    this.name = 'IdentityInputError';
  }
}

export interface NativeRef { crm: string; objectType: string; recordId: string }

/** Prepares outside and applies inside one transaction, preparing again when links moved in between. */
async function withSources<T>(ctx: ChangeApplierContext, ids: () => Promise<string[]>, apply: (tx: Tx, prepared: Awaited<ReturnType<typeof prepareGoldenSources>>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const prepared = await prepareGoldenSources(ctx, await ids());
    try {
      return await ctx.db.transaction(async (tx) => {
        await lockLinking(tx);
        return apply(tx, prepared);
      });
    } catch (err) {
      if (!(err instanceof StalePreparationError) || attempt >= 3) throw err;
    }
  }
}

async function requireActive(tx: Tx, ids: readonly string[], argumentName: string): Promise<string> {
  const rows = await goldenRows(tx, ids);
  let entityType: string | undefined;
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) throw new IdentityInputError(`No customer, company or deal has id '${id}'`, argumentName, 'NOT_FOUND');
    // Queries follow a merged-away id to its survivor; a merge or split must name the record it acts on, so say which.
    if (row.status === 'merged') {
      throw new IdentityInputError(`'${id}' was merged into '${row.mergedInto ?? '?'}': use '${row.mergedInto ?? '?'}' (the surviving record) instead`, argumentName);
    }
    if (row.status !== 'active') throw new IdentityInputError(`'${id}' is deleted: no CRM record is linked to it any more`, argumentName);
    if (entityType && row.entityType !== entityType) throw new IdentityInputError(`'${id}' is a ${row.entityType}, not a ${entityType}`, argumentName);
    entityType = row.entityType;
  }
  return entityType!;
}

export async function mergeGolden(ctx: ChangeApplierContext, input: { survivorId: string; mergedIds: readonly string[]; actor?: string | null }): Promise<{ survivorId: string }> {
  const merged = [...new Set(input.mergedIds)].filter((id) => id !== input.survivorId);
  if (merged.length === 0) throw new IdentityInputError('mergedIds must name at least one record other than the survivor', 'mergedIds');
  await requireActive(ctx.db, [input.survivorId], 'survivorId');
  await requireActive(ctx.db, [input.survivorId, ...merged], 'mergedIds');
  return withSources(ctx, async () => [input.survivorId, ...merged], async (tx, prepared) => {
    const entityType = await requireActive(tx, [input.survivorId, ...merged], 'mergedIds');
    const actor = input.actor ?? null;
    const movedLinks = (await Promise.all(merged.map((id) => linkRowsOf(tx, id)))).flat();
    await moveAllLinks(tx, merged, input.survivorId);
    await markMerged(tx, merged, input.survivorId);
    await recordDecisions(tx, merged.map((id): DecisionInput => ({ entityType, a: goldenKey(input.survivorId), b: goldenKey(id), decision: 'must_link', actor })));
    await audit(tx, { actor, action: 'identity.merge', entityType, entityId: input.survivorId, detail: { mergedIds: merged, links: movedLinks } });
    const report = await recomputeGolden(tx, ctx, prepared, [input.survivorId]);
    // Sources changed even when no merged value did; merged-away ids' subscribers learn they now mean the survivor.
    const extra = [input.survivorId, ...merged].filter((id) => !report.events.some((e) => e.customerId === id) && entityType === 'Customer');
    if (extra.length > 0) await publishCustomerChanged(tx, extra.map((customerId) => ({ customerId })));
    return { survivorId: input.survivorId };
  });
}

export async function splitGolden(ctx: ChangeApplierContext, input: { id: string; records: readonly NativeRef[]; actor?: string | null }): Promise<{ id: string; splitId: string }> {
  if (input.records.length === 0) throw new IdentityInputError('records must name at least one linked record', 'records');
  await requireActive(ctx.db, [input.id], 'id');
  return withSources(ctx, async () => [input.id], async (tx, prepared) => {
    const entityType = await requireActive(tx, [input.id], 'id');
    const links = (await linkRowsOf(tx, input.id));
    const chosen = input.records.map((r) => {
      const link = links.find((l) => l.crm === r.crm && l.objectType === r.objectType && l.recordId === r.recordId);
      if (!link) throw new IdentityInputError(`${r.crm} ${r.objectType} '${r.recordId}' is not linked to '${input.id}'`, 'records');
      return link;
    });
    const remaining = links.filter((l) => !chosen.includes(l));
    if (!remaining.some((l) => l.status === 'active')) throw new IdentityInputError(`Splitting these records would leave '${input.id}' with no live record`, 'records');
    const actor = input.actor ?? null;
    const splitId = await createGoldenRecord(tx, entityType);
    await moveLinks(tx, chosen.map((l) => l.id), splitId);
    const decisions: DecisionInput[] = [{ entityType, a: goldenKey(input.id), b: goldenKey(splitId), decision: 'cannot_link', actor }];
    for (const c of chosen) {
      for (const r of remaining) {
        decisions.push({ entityType, a: nativeKey(c.connectorId, c.objectType, c.recordId), b: nativeKey(r.connectorId, r.objectType, r.recordId), decision: 'cannot_link', actor });
      }
    }
    await recordDecisions(tx, decisions);
    await audit(tx, { actor, action: 'identity.split', entityType, entityId: input.id, detail: { splitId, records: chosen } });
    await recomputeGolden(tx, ctx, prepared, [input.id, splitId]);
    return { id: input.id, splitId };
  });
}

/** Accepting a review: the pair's two records (as they resolve today) are merged, the older one surviving. */
export async function acceptReview(ctx: ChangeApplierContext, id: number, actor?: string | null): Promise<{ survivorId: string }> {
  const row = await pendingRow(ctx, id);
  const [a, b] = await Promise.all([row.leftKey, row.rightKey].map((k) => resolveGoldenId(ctx.db, row.entityType, k.replace(/^golden:/, ''))));
  if (!a || !b) throw new IdentityInputError(`Review '${id}' names a record that no longer exists`, 'id');
  const result = a === b ? { survivorId: a } : await mergeGolden(ctx, { survivorId: a < b ? a : b, mergedIds: [a < b ? b : a], actor: actor ?? null });
  await setDecision(ctx.db, id, 'review_accepted', actor ?? null);
  return result;
}

/** Rejecting a review: the pair is kept apart, and so are their records on later runs. */
export async function rejectReview(ctx: ChangeApplierContext, id: number, actor?: string | null): Promise<void> {
  const row = await pendingRow(ctx, id);
  await ctx.db.transaction(async (tx) => {
    await lockLinking(tx);
    const [left, right] = await Promise.all([row.leftKey, row.rightKey].map((k) => linkRowsOf(tx, k.replace(/^golden:/, ''))));
    const decisions: DecisionInput[] = [];
    for (const l of left!) for (const r of right!) {
      decisions.push({ entityType: row.entityType, a: nativeKey(l.connectorId, l.objectType, l.recordId), b: nativeKey(r.connectorId, r.objectType, r.recordId), decision: 'cannot_link', actor: actor ?? null });
    }
    await recordDecisions(tx, decisions);
    await setDecision(tx, id, 'review_rejected', actor ?? null);
    await audit(tx, { actor: actor ?? null, action: 'identity.review.reject', entityType: row.entityType, entityId: row.leftKey, detail: { reviewId: id, rightKey: row.rightKey } });
  });
}

async function pendingRow(ctx: ChangeApplierContext, id: number) {
  const row = Number.isSafeInteger(id) ? await decisionById(ctx.db, id) : null;
  if (!row || row.decision !== 'review_pending') throw new IdentityInputError(`No pending review has id '${id}'`, 'id');
  return row;
}
