/**
 * Change Data Capture for the sandbox: turns each committed write of a CDC-enabled object into change events (one
 * per record per transaction), numbers them with an org-wide increasing replay id, keeps the last `retention` of
 * them for replay, and hands new ones to the Bayeux server (streaming/bayeux.ts) for delivery. On request (control
 * route) the next writes of an object publish gap events instead (GAP_CREATE…: header only, as Salesforce sends when
 * it cannot build the change event), and an overflow event (GAP_OVERFLOW: header only, no record id) is published,
 * now or in place of the next writes of an object (their transaction publishes the overflow instead of their events).
 * An object can be taken out of the Change Data Capture selection: its channel is unknown (subscriptions refused with
 * `400::Unknown channel`) and its writes publish nothing until it is selected again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LedgerEntry } from '../../common/control-plane.ts';
import { USER_ID } from '../ids.ts';
import type { SfRecord } from '../store.ts';

/** Standard objects whose changes are published, as with these entities selected for Change Data Capture in Setup. */
export const CDC_ENTITIES = ['Account', 'Contact', 'Lead', 'Opportunity'] as const;
export const ALL_CHANGE_EVENTS_CHANNEL = '/data/ChangeEvents';

/** Whether an object of the org publishes change events: the standard CDC entities and every custom object (`X__c`). */
export function isCdcEntity(name: string): boolean {
  return (CDC_ENTITIES as readonly string[]).includes(name) || name.endsWith('__c');
}

/** `/data/ContactChangeEvent`; a custom object `X__c` has `/data/X__ChangeEvent`. */
export function channelOf(entityName: string): string {
  return `/data/${entityName.endsWith('__c') ? entityName.slice(0, -1) : entityName}ChangeEvent`;
}

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';
/** What a gap or overflow event says instead of a change type. */
export type GapChangeType = `GAP_${ChangeType}` | 'GAP_OVERFLOW';

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
  /** Per entity: how many of its next record changes publish a gap event instead of a change event. */
  private gaps = new Map<string, number>();
  /** Per entity: how many of its next record changes are swallowed by an overflow event of their transaction. */
  private overflows = new Map<string, number>();
  /** Entities taken out of the Change Data Capture selection. */
  private deselected = new Set<string>();

  constructor(
    readonly settings: ChangeEventSettings,
    private readonly now: () => number,
    /** The org's objects (standard and custom): a custom object's channel is known once the object exists. */
    private readonly objectNames: () => readonly string[] = () => CDC_ENTITIES,
  ) {}

  /** The CDC entity named `name` (any case), as the org spells it, or undefined. */
  entity(name: string): string | undefined {
    return this.objectNames().find((o) => o.toLowerCase() === name.toLowerCase() && isCdcEntity(o));
  }

  /** The next `count` record changes of `entityName` publish gap events (0: change events again). */
  setGaps(entityName: string, count: number): void {
    if (count > 0) this.gaps.set(entityName, count);
    else this.gaps.delete(entityName);
  }

  /** The next `count` record changes of `entityName` publish no change event; their transaction publishes an overflow. */
  setOverflow(entityName: string, count: number): void {
    if (count > 0) this.overflows.set(entityName, count);
    else this.overflows.delete(entityName);
  }

  /** Puts `entityName` in or out of the Change Data Capture selection. */
  select(entityName: string, selected: boolean): void {
    if (selected) this.deselected.delete(entityName);
    else this.deselected.add(entityName);
  }

  /** Entities out of the selection. */
  deselectedEntities(): string[] {
    return [...this.deselected];
  }

  /** Entities with record changes still to be swallowed by an overflow, and how many. */
  pendingOverflows(): Record<string, number> {
    return Object.fromEntries(this.overflows);
  }

  /** Entities with gap events still to come, and how many. */
  pendingGaps(): Record<string, number> {
    return Object.fromEntries(this.gaps);
  }

  /**
   * Publishes an overflow event for `entityName` now, as Salesforce does for the changes of a transaction beyond
   * 100,000: header only, `changeType: GAP_OVERFLOW`, no record ids. Undefined when publishing is off.
   */
  overflow(entityName: string): ChangeEvent | undefined {
    if (!this.settings.enabled) return undefined;
    const event = this.overflowEvent(entityName, this.transactionHeader(), 1);
    this.publish([event]);
    return event;
  }

  private overflowEvent(entityName: string, header: ReturnType<ChangeEventLog['transactionHeader']>, sequenceNumber: number): ChangeEvent {
    const replayId = ++this.lastReplayId;
    return eventOf(replayId, entityName, { entityName, recordIds: [], changeType: 'GAP_OVERFLOW', ...header, sequenceNumber, nulledFields: [], diffFields: [], changedFields: [] }, {});
  }

  private transactionHeader() {
    return { changeOrigin: 'com/salesforce/api/rest/60.0', transactionKey: randomUUID(), commitTimestamp: this.now(), commitNumber: ++this.commitNumber, commitUser: USER_ID };
  }

  private publish(events: ChangeEvent[]): void {
    this.retained.push(...events);
    this.trim();
    for (const listener of this.listeners) listener(events);
  }

  /** Called with every batch of newly published events. */
  onPublish(listener: (events: ChangeEvent[]) => void): void {
    this.listeners.push(listener);
  }

  get retainedCount(): number {
    return this.retained.length;
  }

  isKnownChannel(channel: string): boolean {
    return channel === ALL_CHANGE_EVENTS_CHANNEL || this.objectNames().some((e) => isCdcEntity(e) && !this.deselected.has(e) && channelOf(e) === channel);
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
    this.gaps.clear();
    this.overflows.clear();
    this.deselected.clear();
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
      if (!isCdcEntity(e.objectType) || this.deselected.has(e.objectType)) continue;
      byRecord.set(e.recordId, [...(byRecord.get(e.recordId) ?? []), e]);
    }
    if (byRecord.size === 0) return;
    const header = this.transactionHeader();
    const published: ChangeEvent[] = [];
    let sequenceNumber = 0;
    const overflowed = new Set<string>();
    for (const [recordId, writes] of byRecord) {
      const entityName = writes[0]!.objectType;
      const prev = before.get(recordId);
      const next = current(entityName, recordId);
      if (!next) continue;
      const swallowed = this.overflows.get(entityName) ?? 0;
      if (swallowed > 0) {
        // Beyond what the transaction's events can hold: only the overflow event (after the others) tells of it.
        this.setOverflow(entityName, swallowed - 1);
        overflowed.add(entityName);
        continue;
      }
      const changeType = changeTypeOf(prev, writes.at(-1)!.operation);
      const replayId = ++this.lastReplayId;
      const gapsLeft = this.gaps.get(entityName) ?? 0;
      if (gapsLeft > 0) {
        // A gap event: what happened to which record, nothing about the fields.
        this.setGaps(entityName, gapsLeft - 1);
        published.push(eventOf(replayId, entityName, {
          entityName, recordIds: [recordId], changeType: `GAP_${changeType}`, ...header, sequenceNumber: ++sequenceNumber, nulledFields: [], diffFields: [], changedFields: [],
        }, {}));
        continue;
      }
      const { fields, changedFields } = payloadFields(changeType, prev, next);
      published.push(eventOf(replayId, entityName, {
        entityName, recordIds: [recordId], changeType, ...header, sequenceNumber: ++sequenceNumber,
        nulledFields: changeType === 'UPDATE' ? changedFields.filter((f) => next[f] === null) : [], diffFields: [], changedFields,
      }, fields));
    }
    for (const entityName of overflowed) published.push(this.overflowEvent(entityName, header, ++sequenceNumber));
    if (published.length > 0) this.publish(published);
  }

  private trim(): void {
    const excess = this.retained.length - Math.max(0, this.settings.retention);
    if (excess > 0) this.retained.splice(0, excess);
  }
}

function eventOf(replayId: number, entityName: string, header: Record<string, unknown>, fields: Record<string, unknown>): ChangeEvent {
  return { replayId, channel: channelOf(entityName), data: { schema: schemaId(entityName), payload: { ChangeEventHeader: header, ...fields }, event: { replayId } } };
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
