/**
 * Change Data Capture for the sandbox: turns each committed write of a CDC-enabled object into change events (one
 * per record per transaction), numbers them with an org-wide increasing replay id, keeps the last `retention` of
 * them for replay, and hands new ones to the Bayeux server (streaming/bayeux.ts) for delivery.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LedgerEntry } from '../../common/control-plane.ts';
import { USER_ID } from '../ids.ts';
import type { SfRecord } from '../store.ts';

/** Objects whose changes are published, as with these entities selected for Change Data Capture in Setup. */
export const CDC_ENTITIES = ['Account', 'Contact', 'Opportunity'] as const;
export const ALL_CHANGE_EVENTS_CHANNEL = '/data/ChangeEvents';

/** `/data/ContactChangeEvent`; a custom object `X__c` has `/data/X__ChangeEvent`. */
export function channelOf(entityName: string): string {
  return `/data/${entityName.endsWith('__c') ? entityName.slice(0, -1) : entityName}ChangeEvent`;
}

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

export interface ChangeEvent {
  replayId: number;
  channel: string;
  /** The `data` member of the delivered Bayeux message. */
  data: { schema: string; payload: Record<string, unknown>; event: { replayId: number } };
}

export interface ChangeEventSettings {
  enabled: boolean;
  /** How many of the newest events are kept for replay (Salesforce keeps 72 hours). */
  retention: number;
}

type LedgerInput = Omit<LedgerEntry, 'seq' | 'at'>;

/** Fields never named in a change event: internal keys, and SystemModstamp, which CDC does not carry. */
const HIDDEN_FIELDS = new Set(['Id', 'SystemModstamp', 'IsDeleted']);
const isPublishedField = (name: string) => !HIDDEN_FIELDS.has(name) && !name.startsWith('$');

export class ChangeEventLog {
  private retained: ChangeEvent[] = [];
  lastReplayId = 0;
  private commitNumber = 0;
  private listeners: ((events: ChangeEvent[]) => void)[] = [];

  constructor(readonly settings: ChangeEventSettings, private readonly now: () => number) {}

  /** Called with every batch of newly published events. */
  onPublish(listener: (events: ChangeEvent[]) => void): void {
    this.listeners.push(listener);
  }

  get retainedCount(): number {
    return this.retained.length;
  }

  isKnownChannel(channel: string): boolean {
    return channel === ALL_CHANGE_EVENTS_CHANNEL || CDC_ENTITIES.some((e) => channelOf(e) === channel);
  }

  /** Whether replaying after `replayId` on `channel` is possible: that event must still be retained. */
  isRetained(channel: string, replayId: number): boolean {
    return this.retained.some((e) => e.replayId === replayId && (channel === ALL_CHANGE_EVENTS_CHANNEL || e.channel === channel));
  }

  /** Retained events of a channel with a replay id above `afterReplayId` (-2: all of them), oldest first. */
  replay(channel: string, afterReplayId: number): ChangeEvent[] {
    return this.retained.filter((e) => (channel === ALL_CHANGE_EVENTS_CHANNEL || e.channel === channel) && (afterReplayId === -2 || e.replayId > afterReplayId));
  }

  /** Drops every retained event, as after the retention window has passed; stored replay ids become invalid. */
  expire(): number {
    const n = this.retained.length;
    this.retained = [];
    return n;
  }

  setRetention(retention: number): void {
    this.settings.retention = retention;
    this.trim();
  }

  reset(settings: ChangeEventSettings): void {
    Object.assign(this.settings, settings);
    this.retained = [];
    this.lastReplayId = 0;
    this.commitNumber = 0;
  }

  /**
   * One committed transaction: its ledger entries and the records as they were before it (undefined: created in
   * it). `current` reads a record as committed.
   */
  commit(entries: LedgerInput[], before: ReadonlyMap<string, SfRecord | undefined>, current: (type: string, id: string) => SfRecord | undefined): void {
    if (!this.settings.enabled) return;
    // One event per record: the last write to it decides the kind, the state before the transaction the diff.
    const byRecord = new Map<string, LedgerInput[]>();
    for (const e of entries) {
      if (!(CDC_ENTITIES as readonly string[]).includes(e.objectType)) continue;
      byRecord.set(e.recordId, [...(byRecord.get(e.recordId) ?? []), e]);
    }
    if (byRecord.size === 0) return;
    const commitTimestamp = this.now();
    const header = { changeOrigin: 'com/salesforce/api/rest/60.0', transactionKey: randomUUID(), commitTimestamp, commitNumber: ++this.commitNumber, commitUser: USER_ID };
    const published: ChangeEvent[] = [];
    let sequenceNumber = 0;
    for (const [recordId, writes] of byRecord) {
      const entityName = writes[0]!.objectType;
      const prev = before.get(recordId);
      const next = current(entityName, recordId);
      if (!next) continue;
      const changeType = changeTypeOf(prev, writes.at(-1)!.operation);
      const { fields, changedFields } = payloadFields(changeType, prev, next);
      const replayId = ++this.lastReplayId;
      published.push({
        replayId,
        channel: channelOf(entityName),
        data: {
          schema: schemaId(entityName),
          payload: {
            ChangeEventHeader: {
              entityName, recordIds: [recordId], changeType, ...header, sequenceNumber: ++sequenceNumber,
              nulledFields: changeType === 'UPDATE' ? changedFields.filter((f) => next[f] === null) : [], diffFields: [], changedFields,
            },
            ...fields,
          },
          event: { replayId },
        },
      });
    }
    this.retained.push(...published);
    this.trim();
    for (const listener of this.listeners) listener(published);
  }

  private trim(): void {
    const excess = this.retained.length - Math.max(0, this.settings.retention);
    if (excess > 0) this.retained.splice(0, excess);
  }
}

function changeTypeOf(prev: SfRecord | undefined, lastOperation: LedgerInput['operation']): ChangeType {
  if (prev === undefined) return 'CREATE';
  if (lastOperation === 'delete') return 'DELETE';
  if (lastOperation === 'undelete') return 'UNDELETE';
  return 'UPDATE';
}

/**
 * What the payload carries besides the header: CREATE and UNDELETE every field that has a value, UPDATE only the
 * fields whose value changed (LastModifiedDate among them), DELETE nothing.
 */
function payloadFields(changeType: ChangeType, prev: SfRecord | undefined, next: SfRecord): { fields: Record<string, unknown>; changedFields: string[] } {
  const fields: Record<string, unknown> = {};
  if (changeType === 'DELETE') return { fields, changedFields: [] };
  if (changeType === 'UPDATE') {
    const changedFields = Object.keys(next).filter((f) => isPublishedField(f) && !sameValue(prev?.[f], next[f]));
    for (const f of changedFields) fields[f] = cdcValue(next[f] ?? null);
    return { fields, changedFields };
  }
  for (const [f, v] of Object.entries(next)) if (isPublishedField(f) && v !== null && v !== undefined) fields[f] = cdcValue(v);
  return { fields, changedFields: [] };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** A stable schema id per entity, shaped like Salesforce's (22 url-safe base64 characters). */
function schemaId(entityName: string): string {
  return createHash('sha256').update(`sandbox-cdc-schema:${entityName}`).digest('base64url').slice(0, 22);
}

/** Datetimes in change events are ISO with a `Z` (`2024-12-07T10:00:00.000Z`), not the REST API's `+0000`. */
function cdcValue(value: unknown): unknown {
  return typeof value === 'string' && REST_DATETIME.test(value) ? `${value.slice(0, -5)}Z` : value;
}
const REST_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
