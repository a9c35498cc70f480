/**
 * The write-back plan: for one golden record and a set of golden field values, which linked CRM records and which
 * native fields would change, and why. `planWriteBack` is pure (config, links and the records' current values in,
 * plan out); `writeBackPlan` gathers those inputs — links from the database, current values from the connectors —
 * and, without values, plans convergence: the merged winners written back to every record that holds a loser.
 *
 * Write policy per field comes from the mapping configuration: a mapping is written only when `writable` (and its
 * converter can be reversed — mapFromGolden decides); a value equal to the record's current one is not written.
 * Convergence also follows each field's `convergence` mode (convergence.ts).
 */
import type { Connector, NativeRecord } from '../../connectors/contract/index.ts';
import { linksOf } from '../../db/golden-store.ts';
import type { GoldenLink } from '../../db/golden-store.ts';
import type { Database } from '../../db/open-database.ts';
import { collectCandidates, fieldTimesFromClock, mapFromGolden, requiredNativeFields, resolveRecord } from '../../resolver-engine/index.ts';
import type { MappingConfig, NativeRecordInput } from '../../resolver-engine/index.ts';
import { planConvergence } from './convergence.ts';

export interface PlannedWrite {
  connectorId: string;
  crm: string;
  objectType: string;
  recordId: string;
  /** The golden field the value comes from. */
  field: string;
  nativeField: string;
  /** In the CRM's wire form (mapFromGolden), e.g. HubSpot booleans as "true". */
  value: unknown;
  /** The record's value when planned; undefined when it could not be read. */
  current: unknown;
  reason: string;
  /** Convergence plans only: the field's mode ('on' = queued by change capture, 'plan' = shown only). */
  convergence?: 'plan' | 'on';
}

export interface SkippedWrite {
  crm: string;
  objectType: string;
  recordId: string;
  field: string;
  reason: string;
}

export interface WriteBackPlan {
  goldenId: string;
  typeName: string;
  /** The golden values planned for (given ones, or the merged winners for convergence). */
  values: Record<string, unknown>;
  writes: PlannedWrite[];
  skipped: SkippedWrite[];
}

/** Current native fields per linked record (`recordKey`); null = the CRM says it does not exist; absent = unreadable. */
export type CurrentValues = ReadonlyMap<string, Readonly<Record<string, unknown>> | null>;

export const recordKey = (l: Pick<GoldenLink, 'connectorId' | 'objectType' | 'recordId'>): string => `${l.connectorId}\u0000${l.objectType}\u0000${l.recordId}`;

/** Empty is empty whatever its spelling (null, '', missing); HubSpot sends every value as a string. */
function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return norm(a) === norm(b);
}

const show = (v: unknown) => (v === undefined ? 'unknown' : JSON.stringify(v ?? null));

export function planWriteBack(
  config: MappingConfig, typeName: string, goldenId: string, values: Readonly<Record<string, unknown>>,
  links: readonly GoldenLink[], current: CurrentValues,
): WriteBackPlan {
  const type = config.types[typeName];
  if (!type) throw new Error(`'${typeName}' is not a golden type`);
  const plan: WriteBackPlan = { goldenId, typeName, values: { ...values }, writes: [], skipped: [] };
  for (const link of links) {
    if (!type.objects.some((o) => o.crm === link.crm && o.objectType === link.objectType)) continue;
    const where = { crm: link.crm, objectType: link.objectType, recordId: link.recordId };
    const key = recordKey(link);
    const record = current.get(key);
    for (const [field, value] of Object.entries(values)) {
      if (!type.fields[field]?.mappings.some((m) => m.crm === link.crm && m.objectType === link.objectType)) {
        plan.skipped.push({ ...where, field, reason: `${link.crm} ${link.objectType} does not hold ${field}` });
        continue;
      }
      if (record === null) {
        plan.skipped.push({ ...where, field, reason: `${link.crm} ${link.objectType} ${link.recordId} no longer exists` });
        continue;
      }
      // One field at a time, so every native value is attributed to the golden field it comes from.
      const write = mapFromGolden(config, typeName, link.crm, link.objectType, { [field]: value });
      for (const s of write.skipped) plan.skipped.push({ ...where, field, reason: s.reason });
      for (const [nativeField, nativeValue] of Object.entries(write.values)) {
        const now = record === undefined ? undefined : record[nativeField];
        if (record !== undefined && sameValue(now, nativeValue)) {
          plan.skipped.push({ ...where, field, reason: `${link.crm} ${link.objectType}.${nativeField} already holds ${show(nativeValue)}` });
          continue;
        }
        plan.writes.push({
          connectorId: link.connectorId, ...where, field, nativeField, value: nativeValue, current: now,
          reason: `${field} is writable to ${link.crm} ${link.objectType}.${nativeField}: ${show(now)} → ${show(nativeValue)}`,
        });
      }
    }
  }
  return plan;
}

/** Native field updates per record, ready for the outbox: one entry per linked record with at least one change. */
export function writesByRecord(plan: WriteBackPlan): { connectorId: string; crm: string; objectType: string; recordId: string; fields: Record<string, unknown> }[] {
  const out = new Map<string, { connectorId: string; crm: string; objectType: string; recordId: string; fields: Record<string, unknown> }>();
  for (const w of plan.writes) {
    const key = recordKey(w);
    const entry = out.get(key) ?? { connectorId: w.connectorId, crm: w.crm, objectType: w.objectType, recordId: w.recordId, fields: {} };
    entry.fields[w.nativeField] = w.value;
    out.set(key, entry);
  }
  return [...out.values()];
}

export interface PlannerDeps {
  db: Database;
  getConfig(): MappingConfig;
  /** Connectors by connector id. */
  connectors: ReadonlyMap<string, Connector>;
}

export interface PlanInputs {
  links: GoldenLink[];
  current: Map<string, Record<string, unknown> | null>;
  /** The records as read, for convergence. */
  records: NativeRecordInput[];
}

/** Links of the golden record and the current values of its linked records (one fetch per connector object). */
export async function loadPlanInputs(deps: PlannerDeps, typeName: string, goldenId: string): Promise<PlanInputs> {
  const config = deps.getConfig();
  const type = config.types[typeName];
  const links = ((await linksOf(deps.db, [goldenId])).get(goldenId) ?? []).filter((l) => type?.objects.some((o) => o.crm === l.crm && o.objectType === l.objectType));
  const current = new Map<string, Record<string, unknown> | null>();
  const records: NativeRecordInput[] = [];
  const groups = new Map<string, GoldenLink[]>();
  for (const l of links) groups.set(`${l.connectorId}\u0000${l.objectType}`, [...(groups.get(`${l.connectorId}\u0000${l.objectType}`) ?? []), l]);
  await Promise.all([...groups.values()].map(async (group) => {
    const { connectorId, crm, objectType } = group[0]!;
    const connector = deps.connectors.get(connectorId);
    const object = type!.objects.find((o) => o.crm === crm && o.objectType === objectType)!;
    // Relationship paths (Account.Name) are never written, and not every connector reads them by id.
    const fields = requiredNativeFields(config, typeName, crm, { objectType, includeIdField: true }).filter((f) => !f.includes('.'));
    // Unreadable (no connector, CRM down): planned without comparison, written anyway (a same-value write is harmless).
    const fetched: Map<string, NativeRecord> | null = connector
      ? await connector.fetchByIds(objectType, group.map((l) => l.recordId), { fields, lane: 'interactive' }).catch(() => null)
      : null;
    for (const l of group) {
      if (!fetched) {
        records.push({ crm, objectType, recordId: l.recordId, unavailable: true });
        continue;
      }
      const rec = fetched.get(l.recordId);
      current.set(recordKey(l), rec ? rec.fields : null);
      if (!rec) continue;
      const record = { ...rec.fields, [object.idField]: rec.id };
      // The same field-level times the query path uses (field clocks), so a plan's winners are the served ones.
      const fieldModifiedAt = fieldTimesFromClock(l.fieldClock, record);
      records.push({ crm, objectType, record, ...(fieldModifiedAt ? { fieldModifiedAt } : {}) });
    }
  }));
  return { links, current, records };
}

/**
 * The plan for `values`, or — without values — the convergence plan: the merged winner of every field whose
 * convergence mode is not `off`, written to each linked record that holds another value (each write says its mode).
 */
export async function writeBackPlan(deps: PlannerDeps, typeName: string, goldenId: string, values?: Readonly<Record<string, unknown>>): Promise<WriteBackPlan> {
  const config = deps.getConfig();
  const inputs = await loadPlanInputs(deps, typeName, goldenId);
  if (values) return planWriteBack(config, typeName, goldenId, values, inputs.links, inputs.current);
  const resolved = resolveRecord(config, typeName, collectCandidates(config, typeName, inputs.records));
  return planConvergence(config, typeName, goldenId, resolved.values, inputs.links, inputs.current);
}
