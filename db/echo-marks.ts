/**
 * Echo marks: what the write-back worker is about to write to a CRM record (connector, object, record id and the
 * native values), kept for a short time so change capture can recognise the webhook or poll that reports our own
 * write. Stored as audit_log rows (action `writeback.sent`, entity `crm-record` / `<connector>:<object>:<id>`, the
 * values and the expiry in `detail`) — no table of their own, and an admin sees every write-back that was sent.
 *
 * A mark is written BEFORE the CRM call: the CRM's webhook can arrive before the call returns.
 */
import { and, eq, gt, inArray } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import type { Tx } from './link-store.ts';
import { auditLog } from './schema.ts';

const ACTION = 'writeback.sent';
const ENTITY = 'crm-record';
/** Default life of a mark: long enough for a slow webhook or the next poll round, short enough not to hide a person's edit. */
export const ECHO_TTL_MS = 10 * 60_000;

export interface EchoMark {
  connectorId: string;
  objectType: string;
  recordId: string;
  goldenId?: string | null;
  /** Native field values as sent. */
  fields: Record<string, unknown>;
}

const entityId = (connectorId: string, objectType: string, recordId: string) => `${connectorId}:${objectType}:${recordId}`;

export async function recordEchoMarks(db: Database, marks: readonly EchoMark[], ttlMs = ECHO_TTL_MS): Promise<void> {
  if (marks.length === 0) return;
  const expiresAt = new Date(Date.now() + ttlMs).toISOString();
  await db.insert(auditLog).values(marks.map((m) => ({
    actor: 'writeback-worker', action: ACTION, entityType: ENTITY, entityId: entityId(m.connectorId, m.objectType, m.recordId),
    detail: { connectorId: m.connectorId, objectType: m.objectType, recordId: m.recordId, goldenId: m.goldenId ?? null, fields: m.fields, expiresAt },
  })));
}

/** Empty is empty whatever its spelling; CRMs send numbers and booleans back as text (HubSpot) or as JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return norm(a) === norm(b);
}

/**
 * Of the given records (as the CRM reports them now), those that hold exactly the values of one of our unexpired
 * marks: our own echo. Answers record id → the native fields we wrote.
 */
export async function findEchoes(db: Database | Tx, connectorId: string, objectType: string, records: readonly { id: string; fields: Readonly<Record<string, unknown>> }[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (records.length === 0) return out;
  const now = Date.now();
  const rows = await db
    .select({ entityId: auditLog.entityId, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.action, ACTION), eq(auditLog.entityType, ENTITY), inArray(auditLog.entityId, records.map((r) => entityId(connectorId, objectType, r.id))), gt(auditLog.at, new Date(now - 24 * 60 * 60_000))));
  const byRecord = new Map(records.map((r) => [entityId(connectorId, objectType, r.id), r]));
  for (const row of rows) {
    const detail = (row.detail ?? {}) as { fields?: Record<string, unknown>; expiresAt?: string };
    if (!detail.fields || !detail.expiresAt || Date.parse(detail.expiresAt) <= now) continue;
    const record = byRecord.get(row.entityId ?? '');
    if (!record) continue;
    const written = Object.entries(detail.fields);
    if (written.every(([f, v]) => f in record.fields && sameValue(record.fields[f], v))) {
      out.set(record.id, [...new Set([...(out.get(record.id) ?? []), ...written.map(([f]) => f)])]);
    }
  }
  return out;
}

/**
 * Per record, every value our unexpired marks say we sent to each native field: the write-back worker's own
 * earlier writes, which optimistic concurrency must not mistake for someone else's change.
 */
export async function sentValues(db: Database, connectorId: string, objectType: string, recordIds: readonly string[]): Promise<Map<string, Record<string, unknown[]>>> {
  const out = new Map<string, Record<string, unknown[]>>();
  if (recordIds.length === 0) return out;
  const now = Date.now();
  const rows = await db
    .select({ detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.action, ACTION), eq(auditLog.entityType, ENTITY), inArray(auditLog.entityId, recordIds.map((id) => entityId(connectorId, objectType, id))), gt(auditLog.at, new Date(now - 24 * 60 * 60_000))));
  for (const row of rows) {
    const detail = (row.detail ?? {}) as { recordId?: string; fields?: Record<string, unknown>; expiresAt?: string };
    if (!detail.recordId || !detail.fields || !detail.expiresAt || Date.parse(detail.expiresAt) <= now) continue;
    const fields = out.get(detail.recordId) ?? {};
    for (const [f, v] of Object.entries(detail.fields)) (fields[f] ??= []).push(v);
    out.set(detail.recordId, fields);
  }
  return out;
}
