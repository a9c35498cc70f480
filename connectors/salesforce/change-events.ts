/**
 * What a Salesforce Change Data Capture message means to the gateway: record changes (`changeEvents`, one
 * `WebhookEvent` per record id) or, for an overflow that names no record, a catch-up request (`catchUpRequest`).
 * Used by the change stream (change-stream.ts).
 */
import type { WebhookEvent, WebhookEventKind } from '../contract/connector.ts';
import { DEFAULT_OVERLAP_MS } from './changes.ts';

const KINDS: Record<string, WebhookEventKind> = { CREATE: 'created', UPDATE: 'updated', DELETE: 'deleted', UNDELETE: 'restored' };

/**
 * The events of one CDC message (`data` of a /data/…ChangeEvent delivery): one per record id. Gap events (GAP_*:
 * Salesforce could not build the change event) and overflow events (GAP_OVERFLOW, over 100,000 changes in one
 * transaction) carry no reliable field list: they become `updated` without changedFields, so the record is read again.
 * An overflow names no record at all and becomes no event: it is a catch-up request instead (catchUpRequest).
 */
export function changeEvents(channel: string, data: unknown): WebhookEvent[] {
  const message = (typeof data === 'object' && data !== null ? data : {}) as { payload?: Record<string, unknown>; event?: { replayId?: unknown } };
  const header = (message.payload?.ChangeEventHeader ?? {}) as Record<string, unknown>;
  const replayId = message.event?.replayId;
  const entity = header.entityName;
  if (typeof entity !== 'string' || (typeof replayId !== 'number' && typeof replayId !== 'string')) return [];
  const changeType = String(header.changeType ?? '');
  const kind = KINDS[changeType] ?? 'updated';
  const gap = !(changeType in KINDS);
  const changed = Array.isArray(header.changedFields) ? header.changedFields.filter((f): f is string => typeof f === 'string') : [];
  const stamp = typeof header.commitTimestamp === 'number' ? new Date(header.commitTimestamp) : null;
  const occurredAt = stamp && !Number.isNaN(stamp.getTime()) ? stamp.toISOString() : new Date().toISOString();
  const ids = Array.isArray(header.recordIds) ? header.recordIds.filter((id): id is string => typeof id === 'string' && id !== '') : [];
  return ids.map((recordId) => ({
    eventId: `cdc:${channel}:${replayId}:${recordId}`,
    objectType: entity,
    recordId,
    kind,
    occurredAt,
    ...(!gap && changed.length ? { changedFields: changed } : {}),
    raw: data,
  }));
}

/**
 * What a GAP_OVERFLOW message asks for (over 100,000 changes in one transaction: the event names no record): every
 * change of its object committed since its commitTimestamp, less the connector's change-read overlap (commit stamps
 * and SystemModstamp are assigned at different moments of a long transaction), read by the caller with `readChanges`.
 * Without a usable stamp, the CRM's retention (72 h) bounds how old the event can be. Null for any other message.
 */
export function catchUpRequest(data: unknown, now = Date.now()): { objectType: string; since: Date; reason: string } | null {
  const message = (typeof data === 'object' && data !== null ? data : {}) as { payload?: Record<string, unknown> };
  const header = (message.payload?.ChangeEventHeader ?? {}) as Record<string, unknown>;
  if (header.changeType !== 'GAP_OVERFLOW' || typeof header.entityName !== 'string' || header.entityName === '') return null;
  const stamp = typeof header.commitTimestamp === 'number' && Number.isFinite(header.commitTimestamp) ? header.commitTimestamp : now - RETENTION_MS;
  return { objectType: header.entityName, since: new Date(stamp - DEFAULT_OVERLAP_MS), reason: 'overflow' };
}

/** How long Salesforce keeps change events for replay. */
const RETENTION_MS = 72 * 3_600_000;
