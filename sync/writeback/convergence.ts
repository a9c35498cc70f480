/**
 * Convergence, the pure part: given a golden record's merged winners and the current values of its linked records,
 * which records hold a losing value of which field, and what happens to it under the field's `convergence` mode:
 *   on   → a correction queued for write-back by change capture (see convergence-queue.ts);
 *   plan → the same correction, shown by `writeBackPlan(id)` only;
 *   off  → neither planned nor written (the plan lists it as skipped, saying so).
 * Explicit golden mutations do not come through here: they follow each mapping's `writable` alone.
 *
 * The choice of what to queue also lives here, so it can be tested without a database: records reporting our own
 * write (echoes) and record fields that already have a write waiting in the outbox get nothing new, and each queued
 * row carries an idempotency key so the same change captured twice (webhook and poll) is queued once.
 */
import crypto from 'node:crypto';
import type { GoldenLink } from '../../db/golden-store.ts';
import type { OutboxInsert } from '../../db/outbox-store.ts';
import { DEFAULT_CONVERGENCE_MODE, isEmptyValue } from '../../resolver-engine/index.ts';
import type { ConvergenceMode, MappingConfig } from '../../resolver-engine/index.ts';
import { EXPECTED_KEY } from './concurrency.ts';
import { planWriteBack, recordKey } from './planner.ts';
import type { CurrentValues, PlannedWrite, WriteBackPlan } from './planner.ts';

export function convergenceMode(config: MappingConfig, typeName: string, field: string): ConvergenceMode {
  return config.types[typeName]?.fields[field]?.convergence ?? DEFAULT_CONVERGENCE_MODE;
}

/** True when some field of the type converges automatically (otherwise change capture has nothing to queue). */
export function hasAutomaticConvergence(config: MappingConfig, typeName: string): boolean {
  return Object.values(config.types[typeName]?.fields ?? {}).some((f) => f.convergence === 'on');
}

const MODE_NOTE: Record<Exclude<ConvergenceMode, 'off'>, string> = {
  on: 'convergence mode on: queued by change capture',
  plan: 'convergence mode plan: shown here, not written automatically (set convergence to on to write it)',
};

/**
 * The convergence plan: every non-empty winner of a field whose mode is not `off`, against each linked record.
 * An empty winner is never pushed: emptying a field in every CRM is a decision for a person, not for convergence.
 * `only`: restrict to fields of these modes (change capture asks for 'on' only).
 */
export function planConvergence(
  config: MappingConfig, typeName: string, goldenId: string, winners: Readonly<Record<string, unknown>>,
  links: readonly GoldenLink[], current: CurrentValues, only?: readonly ConvergenceMode[],
): WriteBackPlan {
  const type = config.types[typeName];
  if (!type) throw new Error(`'${typeName}' is not a golden type`);
  const wanted: Record<string, unknown> = {};
  const off: string[] = [];
  for (const [field, value] of Object.entries(winners)) {
    if (isEmptyValue(value) || !type.fields[field]) continue;
    const mode = convergenceMode(config, typeName, field);
    if (only && !only.includes(mode)) continue;
    if (mode === 'off') off.push(field);
    else wanted[field] = value;
  }
  const plan = planWriteBack(config, typeName, goldenId, wanted, links, current);
  plan.values = { ...wanted };
  for (const w of plan.writes) {
    const mode = convergenceMode(config, typeName, w.field) as Exclude<ConvergenceMode, 'off'>;
    w.convergence = mode;
    w.reason = `${w.field}: ${w.crm} ${w.objectType}.${w.nativeField} holds a losing value ${show(w.current)}, the winner is ${show(w.value)}; ${MODE_NOTE[mode]}`;
  }
  for (const field of off) {
    for (const link of links) {
      if (!type.fields[field]!.mappings.some((m) => m.crm === link.crm && m.objectType === link.objectType)) continue;
      plan.skipped.push({ crm: link.crm, objectType: link.objectType, recordId: link.recordId, field, reason: `convergence is off for ${field}: neither planned nor written back automatically` });
    }
  }
  return plan;
}

const show = (v: unknown) => (v === undefined ? 'unknown' : JSON.stringify(v ?? null));

/** Empty is empty whatever its spelling; HubSpot sends every value as a string. */
function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return norm(a) === norm(b);
}

/** A write already waiting in the outbox (pending or in flight) for one native field of one record. */
export interface WaitingWrite {
  connectorId: string;
  objectType: string;
  recordId: string | null;
  fields: Readonly<Record<string, unknown>>;
}

export interface QueueDecision {
  rows: OutboxInsert[];
  /** Corrections not queued, and why (echo, a write already waiting). */
  held: { write: PlannedWrite; reason: string }[];
}

/**
 * Idempotency key of one correction: golden id, record, field, winning value — and the version of the record that
 * held the loser (its modification time, else the losing value), so a repeat of the same captured change queues
 * nothing new while a later edit of that record back to a loser is corrected again.
 */
export function convergenceKey(goldenId: string, w: Pick<PlannedWrite, 'connectorId' | 'objectType' | 'recordId' | 'field' | 'nativeField' | 'value' | 'current'>, recordVersion: string | null | undefined): string {
  const version = recordVersion ?? `value:${JSON.stringify(w.current ?? null)}`;
  return `convergence:${crypto.createHash('sha256').update(JSON.stringify([goldenId, w.connectorId, w.objectType, w.recordId, w.field, w.nativeField, w.value ?? null, version])).digest('hex')}`;
}

/**
 * Which on-mode corrections of a plan become outbox rows (one per record and field; the worker coalesces a record's
 * rows into one CRM call). Not queued: a record recognised as our own echo, a field whose value was not read, and a
 * record field for which a write is
 * already waiting — with the same value it would be a duplicate, with another value (a person's mutation not yet
 * delivered) convergence must not overwrite it; the echo of that write is evaluated again when it comes back.
 */
export function convergenceRows(
  plan: WriteBackPlan, opts: { echoes?: ReadonlySet<string>; waiting?: readonly WaitingWrite[]; versions?: ReadonlyMap<string, string | null> } = {},
): QueueDecision {
  const decision: QueueDecision = { rows: [], held: [] };
  for (const w of plan.writes) {
    if (w.convergence !== 'on') continue;
    const key = recordKey(w);
    if (opts.echoes?.has(key)) {
      decision.held.push({ write: w, reason: 'the record reports our own write (echo)' });
      continue;
    }
    if (w.current === undefined) {
      // Never correct what was not read (an unreadable record, or a field the capture did not fetch).
      decision.held.push({ write: w, reason: `${w.nativeField} was not read` });
      continue;
    }
    const waiting = opts.waiting?.find((r) => r.connectorId === w.connectorId && r.objectType === w.objectType && r.recordId === w.recordId && w.nativeField in r.fields);
    if (waiting) {
      const same = sameValue(waiting.fields[w.nativeField], w.value);
      decision.held.push({ write: w, reason: same ? 'the same value is already waiting in the outbox' : `another value for ${w.nativeField} is waiting in the outbox` });
      continue;
    }
    // Optimistic concurrency, as for mutations: the worker does not overwrite a value changed since this read.
    const fields: Record<string, unknown> = { [w.nativeField]: w.value, [EXPECTED_KEY]: { [w.nativeField]: w.current ?? null } };
    decision.rows.push({
      connectorId: w.connectorId, objectType: w.objectType, recordId: w.recordId, goldenId: plan.goldenId, operation: 'update', fields,
      idempotencyKey: convergenceKey(plan.goldenId, w, opts.versions?.get(key)),
    });
  }
  return decision;
}
