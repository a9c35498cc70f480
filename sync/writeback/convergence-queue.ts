/**
 * Convergence, the queueing part, called by change capture (sync/change-applier.ts) in its own transaction after it
 * recomputed golden snapshots: for every golden record touched by a genuine change (never by our own echo alone),
 * the corrections of fields whose convergence mode is `on` become write-back outbox rows — the same rows and worker
 * as golden mutations, with `$expected` for optimistic concurrency and an idempotency key (convergence.ts), plus one
 * audit row per golden record so an admin sees why a CRM was written.
 */
import { and, inArray } from 'drizzle-orm';
import type { NativeRecord } from '../../connectors/contract/index.ts';
import type { GoldenLink } from '../../db/golden-store.ts';
import type { Tx } from '../../db/link-store.ts';
import { auditLog, writebackOutbox } from '../../db/schema.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { convergenceRows, hasAutomaticConvergence, planConvergence } from './convergence.ts';
import type { QueueDecision, WaitingWrite } from './convergence.ts';
import { fieldsToSend } from './concurrency.ts';
import { recordKey } from './planner.ts';

/** One recomputed golden record: its merged winners and its live linked records as change capture read them. */
export interface ConvergenceCandidate {
  goldenId: string;
  typeName: string;
  winners: Readonly<Record<string, unknown>>;
  /** `record` null: the CRM no longer has it. */
  records: { link: GoldenLink; record: NativeRecord | null }[];
  /** Records of this golden record that reported our own write (never corrected from this capture). */
  echoes?: readonly GoldenLink[];
}

export interface ConvergenceReport {
  /** Outbox rows added. */
  enqueued: number;
  outboxIds: number[];
  /** Corrections not queued: our echo, or a write already waiting for that record field. */
  held: { goldenId: string; recordId: string; field: string; reason: string }[];
}

export async function queueConvergence(tx: Tx, config: MappingConfig, candidates: readonly ConvergenceCandidate[]): Promise<ConvergenceReport> {
  const report: ConvergenceReport = { enqueued: 0, outboxIds: [], held: [] };
  const plans = candidates
    .filter((c) => hasAutomaticConvergence(config, c.typeName))
    .map((c) => {
      const current = new Map(c.records.map((r) => [recordKey(r.link), r.record ? r.record.fields : null]));
      return { c, plan: planConvergence(config, c.typeName, c.goldenId, c.winners, c.records.map((r) => r.link), current, ['on']) };
    })
    .filter(({ plan }) => plan.writes.length > 0);
  if (plans.length === 0) return report;
  const waiting = await waitingWrites(tx, [...new Set(plans.flatMap(({ plan }) => plan.writes.map((w) => w.recordId)))]);
  for (const { c, plan } of plans) {
    const versions = new Map(c.records.map((r) => [recordKey(r.link), r.record?.modifiedAt ?? null]));
    const decision: QueueDecision = convergenceRows(plan, { echoes: new Set((c.echoes ?? []).map(recordKey)), waiting, versions });
    for (const h of decision.held) report.held.push({ goldenId: c.goldenId, recordId: h.write.recordId, field: h.write.field, reason: h.reason });
    if (decision.rows.length === 0) continue;
    const inserted = await tx.insert(writebackOutbox).values(decision.rows).onConflictDoNothing({ target: writebackOutbox.idempotencyKey }).returning({ id: writebackOutbox.id });
    if (inserted.length === 0) continue; // the same change was captured before (webhook, then poll)
    const outboxIds = inserted.map((r) => r.id);
    report.enqueued += outboxIds.length;
    report.outboxIds.push(...outboxIds);
    await tx.insert(auditLog).values({
      actor: 'convergence', action: `converge${c.typeName}`, entityType: c.typeName, entityId: c.goldenId,
      detail: { outboxIds, writes: plan.writes.filter((w) => w.convergence === 'on').map((w) => ({ crm: w.crm, recordId: w.recordId, field: w.field, nativeField: w.nativeField, value: w.value, current: w.current ?? null })) },
    });
  }
  return report;
}

/** Outbox rows still to be delivered (pending or in flight) for these record ids, with the fields they will send. */
async function waitingWrites(tx: Tx, recordIds: readonly string[]): Promise<WaitingWrite[]> {
  if (recordIds.length === 0) return [];
  const rows = await tx
    .select({ connectorId: writebackOutbox.connectorId, objectType: writebackOutbox.objectType, recordId: writebackOutbox.recordId, fields: writebackOutbox.fields })
    .from(writebackOutbox)
    .where(and(inArray(writebackOutbox.status, ['pending', 'in_flight']), inArray(writebackOutbox.recordId, [...recordIds])));
  return rows.map((r) => ({ ...r, fields: fieldsToSend(r) }));
}
