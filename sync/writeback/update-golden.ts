/**
 * A golden mutation (updateCustomer / updateCompany / updateDeal): validate the input first, plan which linked
 * CRM records and native fields change, then commit the audit row and the outbox rows in ONE transaction. The
 * write-back worker delivers them; nothing here calls a CRM except to read current values for the plan.
 *
 * Values a CRM would refuse or lose are refused before anything is stored (writable-input.ts): a misspelt picklist
 * value, an empty value for a field a written CRM requires, a string longer than a written CRM's field holds.
 *
 * Idempotency: each outbox row's key hashes golden id, connector, record, fields and the client mutation id, so a
 * client retrying with the same client mutation id enqueues nothing twice. Without one, a fresh nonce is used:
 * setting A, then B, then A again are three intended changes, not duplicates.
 */
import crypto from 'node:crypto';
import { resolveGoldenId } from '../../db/golden-store.ts';
import { recordWriteBack } from '../../db/writeback-store.ts';
import { applyQualityRules, collectCandidates, goldenRegion, parseInstant, resolveRecord } from '../../resolver-engine/index.ts';
import type { MappingConfig, NativeRecordInput } from '../../resolver-engine/index.ts';
import { EXPECTED_KEY } from './concurrency.ts';
import { WriteBackInputError } from './input-error.ts';
import { planWriteBack, loadPlanInputs, recordKey, writesByRecord } from './planner.ts';
import type { PlannerDeps, WriteBackPlan } from './planner.ts';
import { checkNativeConstraints, checkPicklistValues, connectorFieldMetadata } from './writable-input.ts';

export { WriteBackInputError } from './input-error.ts';

/** The golden record does not exist (or is deleted), or is of another type. */
export class GoldenNotFoundError extends Error {
  constructor(readonly typeName: string, readonly id: string) {
    super(`No ${typeName} with id '${id}'`);
    this.name = 'GoldenNotFoundError';
  }
}

/**
 * Checks every given value against the field's data-quality rules (email syntax, country codes, valid phone
 * numbers…) and returns the values as they will be written (normalised by those rules, e.g. trimmed, phones in
 * E.164). Unknown fields are refused. National phone numbers are read in the country the input sets (the type's
 * countryField), else `recordRegion` (the record's current country), else the configuration's defaultRegion.
 */
export function validateGoldenInput(config: MappingConfig, typeName: string, input: Readonly<Record<string, unknown>>, recordRegion?: string | null): Record<string, unknown> {
  const type = config.types[typeName];
  if (!type) throw new WriteBackInputError('type', `'${typeName}' is not a golden type`);
  const inputRegion = type.countryField ? goldenRegion(config, type, input[type.countryField]) : null;
  const defaultRegion = inputRegion ?? recordRegion ?? config.defaultRegion;
  const out: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(input)) {
    const def = type.fields[field];
    if (!def) throw new WriteBackInputError(field, `'${field}' is not a field of ${typeName}`);
    if (raw === undefined) continue;
    // parseInstant also refuses days the calendar lacks (2026-02-30), which Date.parse would roll into March.
    if (def.type === 'Date' && raw !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(String(raw)) || !parseInstant(String(raw)))) throw new WriteBackInputError(field, `${field}: '${String(raw)}' is not a date (YYYY-MM-DD)`);
    if (def.type === 'DateTime' && raw !== null && (Number.isNaN(Date.parse(String(raw))) || !parseInstant(String(raw)))) throw new WriteBackInputError(field, `${field}: '${String(raw)}' is not an ISO-8601 date-time`);
    const checked = applyQualityRules(raw, def.quality, { field, defaultRegion });
    if (checked.issues.length > 0) throw new WriteBackInputError(field, checked.issues.map((i) => i.message).join('; '));
    out[field] = checked.value;
  }
  if (Object.keys(out).length === 0) throw new WriteBackInputError('input', 'input: give at least one field to change');
  return out;
}

export interface UpdateGoldenRequest {
  typeName: string;
  id: string;
  input: Readonly<Record<string, unknown>>;
  clientMutationId?: string | null;
  actor?: string | null;
  /** Plan only: nothing is stored. */
  dryRun?: boolean;
}

export interface UpdateGoldenResult {
  goldenId: string;
  plan: WriteBackPlan;
  /** Outbox rows added by this call (0 for a dry run or a retry of an already applied client mutation id). */
  enqueued: number;
  outboxIds: number[];
  auditId: number | null;
}

function stableJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(value).sort().map((k) => [k, value[k] ?? null]));
}

export function idempotencyKey(parts: { goldenId: string; connectorId: string; objectType: string; recordId: string; fields: Record<string, unknown>; clientMutationId: string }): string {
  return crypto.createHash('sha256').update(JSON.stringify([parts.goldenId, parts.connectorId, parts.objectType, parts.recordId, stableJson(parts.fields), parts.clientMutationId])).digest('hex');
}

/** The record's current country as its linked CRM records merge it (what `customer { mailingCountry }` serves). */
function currentRegion(config: MappingConfig, typeName: string, records: readonly NativeRecordInput[]): string | null {
  const countryField = config.types[typeName]?.countryField;
  if (!countryField) return null;
  return goldenRegion(config, config.types[typeName]!, resolveRecord(config, typeName, collectCandidates(config, typeName, records)).values[countryField]);
}

export async function updateGolden(deps: PlannerDeps, req: UpdateGoldenRequest): Promise<UpdateGoldenResult> {
  const config = deps.getConfig();
  if (!config.types[req.typeName]) throw new WriteBackInputError('type', `'${req.typeName}' is not a golden type`);
  const goldenId = await resolveGoldenId(deps.db, req.typeName, req.id);
  if (!goldenId) throw new GoldenNotFoundError(req.typeName, req.id);
  // Read before validating: a national phone number ('020 7946 0958') is checked in the customer's own country.
  const inputs = await loadPlanInputs(deps, req.typeName, goldenId);
  const values = validateGoldenInput(config, req.typeName, req.input, currentRegion(config, req.typeName, inputs.records));
  checkPicklistValues(config, req.typeName, values);
  const plan = planWriteBack(config, req.typeName, goldenId, values, inputs.links, inputs.current);
  // After planning: only what would really be written where must satisfy those CRMs (dry runs refuse alike).
  await checkNativeConstraints(plan, connectorFieldMetadata(deps.connectors));
  if (req.dryRun) return { goldenId, plan, enqueued: 0, outboxIds: [], auditId: null };
  const mutationId = req.clientMutationId ?? `nonce:${crypto.randomUUID()}`;
  const rows = writesByRecord(plan).map((w) => ({
    connectorId: w.connectorId, objectType: w.objectType, recordId: w.recordId, goldenId, operation: 'update', fields: withExpected(w.fields, plan, w),
    idempotencyKey: idempotencyKey({ goldenId, connectorId: w.connectorId, objectType: w.objectType, recordId: w.recordId, fields: w.fields, clientMutationId: mutationId }),
  }));
  const { auditId, outboxIds } = await recordWriteBack(deps.db, {
    actor: req.actor ?? null,
    action: `update${req.typeName}`,
    entityType: req.typeName,
    entityId: goldenId,
    detail: { input: values, clientMutationId: req.clientMutationId ?? null, writes: plan.writes.length, skipped: plan.skipped.length },
  }, rows);
  return { goldenId, plan, enqueued: outboxIds.length, outboxIds, auditId };
}

/**
 * Optimistic concurrency: the values the plan saw travel with the row under EXPECTED_KEY (never sent to the CRM),
 * so the worker can refuse to overwrite a value changed in the CRM since. Fields read as unknown carry none.
 */
function withExpected(fields: Record<string, unknown>, plan: WriteBackPlan, record: { connectorId: string; objectType: string; recordId: string }): Record<string, unknown> {
  const expected: Record<string, unknown> = {};
  for (const w of plan.writes) if (recordKey(w) === recordKey(record) && w.current !== undefined) expected[w.nativeField] = w.current ?? null;
  return Object.keys(expected).length > 0 ? { ...fields, [EXPECTED_KEY]: expected } : fields;
}
