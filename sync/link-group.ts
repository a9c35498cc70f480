/**
 * Linking one batch of changed records of one CRM object, for the change applier: Customer records through
 * incremental identity resolution (identity-linker.ts: matched against the records sharing a blocking key, merges,
 * review queue, decisions respected), other types by match key (find-or-create, as the email linker does).
 * `predictGolden` runs the same matching outside the transaction, so the applier can fetch the sources of every
 * golden record the batch will touch before it opens one; if the transaction's run touches another, the applier's
 * recompute notices the missing source and prepares again.
 */
import type { Tx } from '../db/link-store.ts';
import { createGoldenRecord, linkedGoldenIds, stampAltKeys, upsertLink } from '../db/link-store.ts';
import { nativeKey } from '../db/decision-store.ts';
import { mapToGolden } from '../resolver-engine/index.ts';
import type { NativeObjectConfig } from '../resolver-engine/index.ts';
import type { ApplyReport, ChangeApplierContext } from './change-applier.ts';
import { findGolden } from './find-golden.ts';
import { applyIdentity, matchSubjects, touchedGolden, usesMatcher } from './identity-linker.ts';
import { populationRatesOf } from './population-rates.ts';
import type { IdentitySubject } from './identity-linker.ts';
import type { MatchKeys } from './match-keys.ts';

export interface GroupRecord { goldenType: string; object: NativeObjectConfig; id: string; record: Record<string, unknown>; keys: MatchKeys }

function subjectsOf(ctx: ChangeApplierContext, connectorId: string, group: readonly GroupRecord[]): IdentitySubject[] {
  return group.filter((m) => usesMatcher(m.goldenType)).map((m) => ({
    connectorId, crm: m.object.crm, objectType: m.object.objectType, recordId: m.id,
    values: Object.fromEntries(Object.entries(mapToGolden(ctx.config, m.goldenType, m.object.crm, m.object.objectType, m.record)).map(([f, c]) => [f, c.value])),
  }));
}

/** Outside any transaction: golden records linking this group may touch (besides those its records are linked to). */
export async function predictGolden(ctx: ChangeApplierContext, connectorId: string, group: readonly GroupRecord[]): Promise<string[]> {
  const out = new Set<string>();
  for (const m of group) {
    if (usesMatcher(m.goldenType)) continue;
    const found = await findGolden(ctx.db, m.goldenType, m.keys);
    if (found) out.add(found);
  }
  const subjects = subjectsOf(ctx, connectorId, group);
  if (subjects.length > 0) {
    const rates = await populationRatesOf(ctx.db, ctx.db);
    for (const id of await touchedGolden(ctx.db, await matchSubjects(ctx.db, subjects, { full: false, defaultRegion: ctx.config.defaultRegion, ...(rates ? { rates } : {}) }))) out.add(id);
  }
  return [...out];
}

/** In the applier's transaction (linking lock held): the golden id of every record of the group, by record id. */
export async function linkGroup(tx: Tx, ctx: ChangeApplierContext, connectorId: string, group: readonly GroupRecord[], report: ApplyReport): Promise<Map<string, string>> {
  const linked = await linkedGoldenIds(tx, connectorId, group[0]?.object.objectType ?? '', group.map((m) => m.id));
  const subjects = subjectsOf(ctx, connectorId, group);
  if (subjects.length > 0) {
    const rates = await populationRatesOf(tx, ctx.db);
    const match = await matchSubjects(tx, subjects, { full: false, defaultRegion: ctx.config.defaultRegion, ...(rates ? { rates } : {}) });
    const outcome = await applyIdentity(tx, match, { defaultRegion: ctx.config.defaultRegion });
    report.goldenCreated += outcome.goldenCreated;
    report.linksCreated += outcome.linksCreated;
    for (const s of subjects) linked.set(s.recordId, outcome.goldenOf.get(nativeKey(connectorId, s.objectType, s.recordId))!);
    // Subscribers of a merged-away id learn it now means the survivor (which is recomputed as affected).
    for (const m of outcome.merges) report.events.push(...m.mergedIds.map((customerId) => ({ customerId })));
  }
  for (const m of group) {
    if (linked.has(m.id)) continue;
    let goldenId = (await findGolden(tx, m.goldenType, m.keys, nativeKey(connectorId, m.object.objectType, m.id))) ?? undefined;
    if (!goldenId) {
      goldenId = await createGoldenRecord(tx, m.goldenType);
      report.goldenCreated++;
    }
    const link = await upsertLink(tx, {
      goldenId, entityType: m.goldenType, connectorId, crm: m.object.crm, objectType: m.object.objectType, recordId: m.id,
      matchKey: m.keys.key, matchDetail: { linker: 'email', key: m.keys.key, ...(m.keys.altKey ? { alt: m.keys.altKey } : {}) },
    });
    if (link.created) report.linksCreated++;
    // A link made before alternate keys existed, or a company renamed since: its name key as it is now.
    else if (m.keys.altKey) await stampAltKeys(tx, connectorId, m.object.objectType, [{ recordId: m.id, alt: m.keys.altKey }]);
    linked.set(m.id, link.goldenId);
  }
  return linked;
}
